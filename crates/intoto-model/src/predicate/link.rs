//! The link predicate v0.3: a classic in-toto link as an attestation. The statement's subjects
//! are the link's products.

use serde_json::{Map, Value};

use super::{descriptors_to_value, opt_descriptors};
use crate::{
    ArtifactPath, Artifacts, DigestSet, Link, ModelError, ResourceDescriptor, StepName,
    link::Byproducts,
    reader::{Fields, index, join, object, string_list},
    step::strings_to_value,
};

/// `https://in-toto.io/attestation/link/v0.3`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkPredicate {
    /// The step name.
    pub name: String,
    /// The command that ran, as argv.
    pub command: Vec<String>,
    /// The materials (resource descriptors with `name` and `digest`).
    pub materials: Vec<ResourceDescriptor>,
    /// Byproducts (`stdout`, `stderr`, `return-value`, ...), kept as JSON.
    pub byproducts: Map<String, Value>,
    /// Environment information, kept as JSON.
    pub environment: Map<String, Value>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

impl LinkPredicate {
    /// Reads the predicate object (paths relative to it). Only `name` is required.
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let name = f.string("name")?;
        let command = match f.optional("command") {
            Some(c) => string_list(c, "command")?,
            None => Vec::new(),
        };
        let materials = opt_descriptors(f.optional("materials"), "materials")?;
        let byproducts = match f.optional("byproducts") {
            Some(b) => object(b, "byproducts")?.clone(),
            None => Map::new(),
        };
        let environment = match f.optional("environment") {
            Some(e) => object(e, "environment")?.clone(),
            None => Map::new(),
        };
        Ok(LinkPredicate {
            name,
            command,
            materials,
            byproducts,
            environment,
            extra: f.unknown(),
        })
    }

    /// The JSON object (all five fields, as the attestation library writes them).
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("name".into(), self.name.clone().into());
        m.insert("command".into(), strings_to_value(&self.command));
        m.insert("materials".into(), descriptors_to_value(&self.materials));
        m.insert("byproducts".into(), Value::Object(self.byproducts.clone()));
        m.insert(
            "environment".into(),
            Value::Object(self.environment.clone()),
        );
        Value::Object(m)
    }

    /// The predicate and subjects (the products) equivalent to a classic link. Artifacts
    /// become `{"name", "digest"}` descriptors; an artifact with an empty digest set (which
    /// the reference allows in links) becomes a descriptor with an empty digest.
    pub fn from_link(link: &Link) -> (LinkPredicate, Vec<ResourceDescriptor>) {
        let rds = |a: &Artifacts| {
            a.iter()
                .map(|(p, d)| ResourceDescriptor::named(p.as_str(), d.clone()))
                .collect::<Vec<_>>()
        };
        let predicate = LinkPredicate {
            name: link.name.as_str().to_owned(),
            command: link.command.clone(),
            materials: rds(&link.materials),
            byproducts: match link.byproducts.to_value() {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            environment: link.environment.clone(),
            extra: Map::new(),
        };
        (predicate, rds(&link.products))
    }

    /// The classic link this predicate stands for, with `subject` as its products. Every
    /// material and subject needs a `name` (the artifact path) and a digest; paths in errors
    /// start with `predicate.materials[i]` or `subject[i]`.
    pub fn to_link(&self, subject: &[ResourceDescriptor]) -> Result<Link, ModelError> {
        let name = StepName::new(self.name.as_str())
            .map_err(|e| ModelError::invalid("predicate.name", e.to_string()))?;
        let mut link = Link::new(name);
        link.command = self.command.clone();
        link.materials = artifacts(&self.materials, "predicate.materials")?;
        link.products = artifacts(subject, "subject")?;
        link.byproducts = Byproducts::read(&Value::Object(self.byproducts.clone()), "")
            .map_err(|e| e.within("predicate.byproducts"))?;
        link.environment = self.environment.clone();
        Ok(link)
    }
}

/// Descriptors to `{name: digest}`; a name given twice is an error.
fn artifacts(items: &[ResourceDescriptor], path: &str) -> Result<Artifacts, ModelError> {
    let mut out = Artifacts::new();
    for (i, rd) in items.iter().enumerate() {
        let here = index(path, i);
        let name = rd
            .name
            .as_deref()
            .ok_or_else(|| ModelError::invalid(join(&here, "name"), "missing field"))?;
        let key = ArtifactPath::new(name)
            .map_err(|e| ModelError::invalid(join(&here, "name"), e.to_string()))?;
        let digest = rd.digest.clone().unwrap_or_else(DigestSet::new);
        if out.insert(key, digest).is_some() {
            return Err(ModelError::invalid(
                join(&here, "name"),
                format!("artifact {name:?} is listed twice"),
            ));
        }
    }
    Ok(out)
}
