//! [`SignedContent`]: a layout or a link, told apart by `_type`; and serde support for the model
//! types, which goes through their `from_value`/`to_value`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::{
    Inspection, Layout, Link, ModelError, ResourceDescriptor, Statement, Step,
    reader::{Fields, string},
};

/// What a Metablock's `signed` (or a classic DSSE payload) holds.
#[derive(Debug, Clone, PartialEq)]
pub enum SignedContent {
    /// `_type: "layout"` (validated).
    Layout(Layout),
    /// `_type: "link"`.
    Link(Link),
}

impl SignedContent {
    /// Reads a layout or link according to its `_type`.
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let type_ = string(f.required("_type")?, "_type")?;
        match type_.as_str() {
            "layout" => Layout::from_value(v).map(SignedContent::Layout),
            "link" => Link::from_value(v).map(SignedContent::Link),
            other => Err(ModelError::invalid(
                "_type",
                format!("expected \"layout\" or \"link\", found {other:?}"),
            )),
        }
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        match self {
            SignedContent::Layout(l) => l.to_value(),
            SignedContent::Link(l) => l.to_value(),
        }
    }

    /// Paths of fields this crate does not model.
    pub fn unknown_fields(&self) -> Vec<String> {
        match self {
            SignedContent::Layout(l) => l.unknown_fields(),
            SignedContent::Link(l) => l.unknown_fields(),
        }
    }
}

macro_rules! serde_via_value {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.to_value().serialize(s)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                <$t>::from_value(&v).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

serde_via_value!(
    Layout,
    Step,
    Inspection,
    Link,
    Statement,
    ResourceDescriptor,
    SignedContent
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dispatches_on_type() {
        let link = Link::new(crate::StepName::new("x").unwrap()).to_value();
        assert!(matches!(
            SignedContent::from_value(&link),
            Ok(SignedContent::Link(_))
        ));
        let err = SignedContent::from_value(&json!({"_type": "step"})).unwrap_err();
        assert!(matches!(err, ModelError::Invalid { ref path, .. } if path == "_type"));
    }

    #[test]
    fn serde_goes_through_from_value() {
        let err = serde_json::from_value::<Link>(json!({"_type": "layout"})).unwrap_err();
        assert!(err.to_string().contains("_type"), "{err}");
        let link = Link::new(crate::StepName::new("x").unwrap());
        assert_eq!(serde_json::to_value(&link).unwrap(), link.to_value());
    }
}
