//! The SCAI attribute report v0.2 (Software Supply Chain Attribute Integrity): attributes of
//! the subjects or of other targets, with conditions and evidence.

use serde_json::{Map, Value};

use super::put;
use crate::{
    ModelError, ResourceDescriptor,
    reader::{Fields, index, mistyped, object},
};

/// `https://in-toto.io/attestation/scai/attribute-report/v0.2`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaiReport {
    /// `attributes`.
    pub attributes: Vec<ScaiAttribute>,
    /// `producer`: who produced the report.
    pub producer: Option<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// One entry of `attributes`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaiAttribute {
    /// `attribute`: what is asserted (required).
    pub attribute: String,
    /// `target`: what the attribute is about (default: the subjects).
    pub target: Option<ResourceDescriptor>,
    /// `conditions`, kept as JSON.
    pub conditions: Option<Map<String, Value>>,
    /// `evidence`: an attestation or other resource supporting the attribute.
    pub evidence: Option<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

fn opt_descriptor(
    f: &mut Fields<'_>,
    key: &'static str,
) -> Result<Option<ResourceDescriptor>, ModelError> {
    match f.optional(key) {
        Some(v) => Ok(Some(ResourceDescriptor::read(v, &f.path(key))?)),
        None => Ok(None),
    }
}

impl ScaiReport {
    /// Reads the predicate object (paths relative to it); `attributes` is required.
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let list = f.required("attributes")?;
        let items = list
            .as_array()
            .ok_or_else(|| mistyped("attributes", "an array", list))?;
        let mut attributes = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mut a = Fields::new(item, &index("attributes", i))?;
            let attribute = a.string("attribute")?;
            let target = opt_descriptor(&mut a, "target")?;
            let conditions = match a.optional("conditions") {
                Some(c) => Some(object(c, &a.path("conditions"))?.clone()),
                None => None,
            };
            let evidence = opt_descriptor(&mut a, "evidence")?;
            attributes.push(ScaiAttribute {
                attribute,
                target,
                conditions,
                evidence,
                extra: a.unknown(),
            });
        }
        let producer = opt_descriptor(&mut f, "producer")?;
        Ok(ScaiReport {
            attributes,
            producer,
            extra: f.unknown(),
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        let attributes = self
            .attributes
            .iter()
            .map(|a| {
                let mut o = a.extra.clone();
                o.insert("attribute".into(), a.attribute.clone().into());
                put(
                    &mut o,
                    "target",
                    a.target.as_ref().map(ResourceDescriptor::to_value),
                );
                put(
                    &mut o,
                    "conditions",
                    a.conditions.clone().map(Value::Object),
                );
                put(
                    &mut o,
                    "evidence",
                    a.evidence.as_ref().map(ResourceDescriptor::to_value),
                );
                Value::Object(o)
            })
            .collect();
        m.insert("attributes".into(), attributes);
        put(
            &mut m,
            "producer",
            self.producer.as_ref().map(ResourceDescriptor::to_value),
        );
        Value::Object(m)
    }
}
