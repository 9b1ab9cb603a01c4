//! [`Link`]: what a functionary recorded about one step (or the verifier about an inspection).
//!
//! Like [`Layout`](crate::Layout), and unlike the reference's `Link.read` (which ignores `_type`,
//! defaults missing fields and drops unknown ones), reading requires `_type: "link"` and every
//! field, and keeps unknown fields.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{
    ArtifactPath, DigestSet, ModelError, StepName,
    digest::read_digest_set_at,
    reader::{Fields, join, mistyped, object, push_unknown},
    step::{step_name, strings_to_value},
};

/// Artifacts by path, each with its digests.
pub type Artifacts = BTreeMap<ArtifactPath, DigestSet>;

/// What the command printed and returned; only what was recorded is present.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Byproducts {
    /// Standard output, if recorded.
    pub stdout: Option<String>,
    /// Standard error, if recorded.
    pub stderr: Option<String>,
    /// `return-value`: the exit code (negative for a signal, as Python reports it).
    pub return_value: Option<i64>,
    /// Other entries, kept as written.
    pub other: Map<String, Value>,
}

/// The `signed` part of a link Metablock (or the DSSE payload of a link).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The step (or inspection) this link is for.
    pub name: StepName,
    /// The command that ran, as argv.
    pub command: Vec<String>,
    /// Artifacts before the command ran.
    pub materials: Artifacts,
    /// Artifacts after the command ran.
    pub products: Artifacts,
    /// Output and exit code.
    pub byproducts: Byproducts,
    /// Environment information (free-form; the reference writes `{}`).
    pub environment: Map<String, Value>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

impl Link {
    /// A link as the reference creates one for `name`: everything else empty.
    pub fn new(name: StepName) -> Self {
        Link {
            name,
            command: Vec::new(),
            materials: Artifacts::new(),
            products: Artifacts::new(),
            byproducts: Byproducts::default(),
            environment: Map::new(),
            extra: Map::new(),
        }
    }

    /// Reads a link; error paths are relative to the link object.
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        f.expect_type("link")?;
        let name = step_name(&mut f)?;
        let command = f.string_list("command")?;
        let materials = artifacts(f.required("materials")?, "materials")?;
        let products = artifacts(f.required("products")?, "products")?;
        let byproducts = Byproducts::read(f.required("byproducts")?, "byproducts")?;
        let environment = object(f.required("environment")?, "environment")?.clone();
        Ok(Link {
            name,
            command,
            materials,
            products,
            byproducts,
            environment,
            extra: f.unknown(),
        })
    }

    /// The JSON object: exactly the reference's fields plus any kept unknown ones.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("_type".into(), "link".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("command".into(), strings_to_value(&self.command));
        m.insert("materials".into(), artifacts_to_value(&self.materials));
        m.insert("products".into(), artifacts_to_value(&self.products));
        m.insert("byproducts".into(), self.byproducts.to_value());
        m.insert(
            "environment".into(),
            Value::Object(self.environment.clone()),
        );
        Value::Object(m)
    }

    /// Paths of fields this crate does not model (byproducts other than stdout, stderr and
    /// return-value are expected and not listed).
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_unknown(&mut out, "", &self.extra);
        out
    }
}

impl Byproducts {
    pub(crate) fn read(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        let stdout = f.opt_string("stdout")?;
        let stderr = f.opt_string("stderr")?;
        let return_value = match f.optional("return-value") {
            None => None,
            Some(rv) => Some(rv.as_i64().ok_or_else(|| match rv {
                Value::Number(n) if n.is_u64() => {
                    ModelError::invalid(f.path("return-value"), "integer out of range")
                }
                _ => mistyped(&f.path("return-value"), "an integer", rv),
            })?),
        };
        Ok(Byproducts {
            stdout,
            stderr,
            return_value,
            other: f.unknown(),
        })
    }

    /// The JSON object with only the recorded entries.
    pub fn to_value(&self) -> Value {
        let mut m = self.other.clone();
        if let Some(s) = &self.stdout {
            m.insert("stdout".into(), s.clone().into());
        }
        if let Some(s) = &self.stderr {
            m.insert("stderr".into(), s.clone().into());
        }
        if let Some(rv) = self.return_value {
            m.insert("return-value".into(), rv.into());
        }
        Value::Object(m)
    }
}

/// Reads `{path: {algorithm: hex}}`.
///
/// The JSON path of an entry is built only when it is wrong, and the map is built in one go
/// from the entries (sorted, as the object's keys are) rather than by one search-and-insert
/// per artifact: links of large trees hold hundreds of thousands of entries.
pub(crate) fn artifacts(v: &Value, path: &str) -> Result<Artifacts, ModelError> {
    let entries = object(v, path)?
        .iter()
        .map(|(name, digests)| {
            let here = || join(path, name);
            let key = ArtifactPath::new(name.as_str())
                .map_err(|e| ModelError::invalid(here(), e.to_string()))?;
            Ok((key, read_digest_set_at(digests, here)?))
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    // `FromIterator` sorts (linear for sorted input) and bulk-loads the tree; keys are unique
    // because they come from one JSON object.
    Ok(entries.into_iter().collect())
}

/// Writes `{path: {algorithm: hex}}`.
pub(crate) fn artifacts_to_value(artifacts: &Artifacts) -> Value {
    Value::Object(
        artifacts
            .iter()
            .map(|(p, d)| (p.as_str().to_string(), d.to_value()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn byproducts_keep_only_what_was_recorded() {
        let v = json!({"return-value": -9, "stdout": "", "extra": [1]});
        let b = Byproducts::read(&v, "byproducts").unwrap();
        assert_eq!(b.return_value, Some(-9));
        assert_eq!(b.stderr, None);
        assert_eq!(b.to_value(), v);
    }

    #[test]
    fn return_value_must_be_an_integer() {
        let err = Byproducts::read(&json!({"return-value": 0.5}), "byproducts").unwrap_err();
        assert_eq!(
            err,
            ModelError::invalid(
                "byproducts.return-value",
                "expected an integer, found a non-integer number"
            )
        );
    }
}
