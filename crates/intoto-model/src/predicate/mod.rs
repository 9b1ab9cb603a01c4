//! Typed predicates of the in-toto Attestation Framework for the predicate types users meet
//! most, and [`Predicate::Other`] (raw JSON) for every other type.
//!
//! Each typed predicate reads strictly (required fields, field types, resource descriptors
//! with lowercase-hex digests), keeps the fields it does not model in `extra`, and writes back
//! what it read. Error paths are relative to the statement (`predicate.materials[0].digest`).
//!
//! ```
//! use intoto_model::{Statement, predicate::{Predicate, LINK_V0_3}};
//! let st = Statement::from_value(&serde_json::json!({
//!     "_type": "https://in-toto.io/Statement/v1",
//!     "subject": [{"name": "foo", "digest": {"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
//!     "predicateType": LINK_V0_3,
//!     "predicate": {"name": "clone", "command": ["git", "clone"], "materials": [], "byproducts": {}, "environment": {}}
//! })).unwrap();
//! let Predicate::Link(link) = Predicate::of(&st).unwrap() else { panic!() };
//! assert_eq!(link.name, "clone");
//! ```

mod link;
mod provenance;
mod runtime_trace;
mod scai;
mod test_result;

use serde_json::{Map, Value};

pub use link::LinkPredicate;
pub use provenance::{
    BuildDefinition, BuildMetadata, Builder, ConfigSource, Invocation, ProvenanceV1, ProvenanceV02,
    RunDetails,
};
pub use runtime_trace::RuntimeTrace;
pub use scai::{ScaiAttribute, ScaiReport};
pub use test_result::{TestResult, TestResultKind};

use crate::{
    ModelError, ResourceDescriptor, Statement,
    reader::{index, mistyped},
};

/// `predicateType` of the link predicate v0.3.
pub const LINK_V0_3: &str = "https://in-toto.io/attestation/link/v0.3";
/// `predicateType` of SLSA provenance v1.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// `predicateType` of SLSA provenance v0.2 (read only).
pub const SLSA_PROVENANCE_V0_2: &str = "https://slsa.dev/provenance/v0.2";
/// `predicateType` of the test-result predicate v0.1.
pub const TEST_RESULT_V0_1: &str = "https://in-toto.io/attestation/test-result/v0.1";
/// `predicateType` of the runtime-trace predicate v0.1.
pub const RUNTIME_TRACE_V0_1: &str = "https://in-toto.io/attestation/runtime-trace/v0.1";
/// `predicateType` of the SCAI attribute report v0.2.
pub const SCAI_V0_2: &str = "https://in-toto.io/attestation/scai/attribute-report/v0.2";

/// A predicate, typed where its `predicateType` is one of the vetted ones this crate models.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// [`LINK_V0_3`].
    Link(LinkPredicate),
    /// [`SLSA_PROVENANCE_V1`].
    ProvenanceV1(Box<ProvenanceV1>),
    /// [`SLSA_PROVENANCE_V0_2`].
    ProvenanceV02(Box<ProvenanceV02>),
    /// [`TEST_RESULT_V0_1`].
    TestResult(TestResult),
    /// [`RUNTIME_TRACE_V0_1`].
    RuntimeTrace(RuntimeTrace),
    /// [`SCAI_V0_2`].
    Scai(ScaiReport),
    /// Any other predicate type: the JSON as written (`Null` when absent).
    Other(Value),
}

impl Predicate {
    /// Reads `statement.predicate` according to `statement.predicate_type`. Error paths start
    /// with `predicate`.
    pub fn of(statement: &Statement) -> Result<Self, ModelError> {
        let v = statement.predicate.as_ref();
        fn typed(v: Option<&Value>) -> Result<&Value, ModelError> {
            v.ok_or_else(|| ModelError::invalid("predicate", "missing field"))
        }
        let within = |e: ModelError| e.within("predicate");
        Ok(match statement.predicate_type.as_str() {
            LINK_V0_3 => Predicate::Link(LinkPredicate::from_value(typed(v)?).map_err(within)?),
            SLSA_PROVENANCE_V1 => Predicate::ProvenanceV1(Box::new(
                ProvenanceV1::from_value(typed(v)?).map_err(within)?,
            )),
            SLSA_PROVENANCE_V0_2 => Predicate::ProvenanceV02(Box::new(
                ProvenanceV02::from_value(typed(v)?).map_err(within)?,
            )),
            TEST_RESULT_V0_1 => {
                Predicate::TestResult(TestResult::from_value(typed(v)?).map_err(within)?)
            }
            RUNTIME_TRACE_V0_1 => {
                Predicate::RuntimeTrace(RuntimeTrace::from_value(typed(v)?).map_err(within)?)
            }
            SCAI_V0_2 => Predicate::Scai(ScaiReport::from_value(typed(v)?).map_err(within)?),
            _ => Predicate::Other(v.cloned().unwrap_or(Value::Null)),
        })
    }

    /// The `predicateType` this predicate is written under (`None` for [`Predicate::Other`]).
    pub fn predicate_type(&self) -> Option<&'static str> {
        Some(match self {
            Predicate::Link(_) => LINK_V0_3,
            Predicate::ProvenanceV1(_) => SLSA_PROVENANCE_V1,
            Predicate::ProvenanceV02(_) => SLSA_PROVENANCE_V0_2,
            Predicate::TestResult(_) => TEST_RESULT_V0_1,
            Predicate::RuntimeTrace(_) => RUNTIME_TRACE_V0_1,
            Predicate::Scai(_) => SCAI_V0_2,
            Predicate::Other(_) => return None,
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        match self {
            Predicate::Link(p) => p.to_value(),
            Predicate::ProvenanceV1(p) => p.to_value(),
            Predicate::ProvenanceV02(p) => p.to_value(),
            Predicate::TestResult(p) => p.to_value(),
            Predicate::RuntimeTrace(p) => p.to_value(),
            Predicate::Scai(p) => p.to_value(),
            Predicate::Other(v) => v.clone(),
        }
    }
}

/// Reads a list of resource descriptors.
pub(crate) fn descriptors(v: &Value, path: &str) -> Result<Vec<ResourceDescriptor>, ModelError> {
    let items = v
        .as_array()
        .ok_or_else(|| mistyped(path, "an array of resource descriptors", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| ResourceDescriptor::read(item, &index(path, i)))
        .collect()
}

/// Writes a list of resource descriptors.
pub(crate) fn descriptors_to_value(items: &[ResourceDescriptor]) -> Value {
    items.iter().map(ResourceDescriptor::to_value).collect()
}

/// Reads an optional list of resource descriptors (absent -> empty).
pub(crate) fn opt_descriptors(
    v: Option<&Value>,
    path: &str,
) -> Result<Vec<ResourceDescriptor>, ModelError> {
    v.map_or(Ok(Vec::new()), |v| descriptors(v, path))
}

/// Inserts `key: value` into `m` unless `value` is `None`.
pub(crate) fn put(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        m.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests;
