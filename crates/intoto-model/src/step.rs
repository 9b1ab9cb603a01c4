//! [`Step`] and [`Inspection`]: the supply chain items of a layout.

use serde_json::{Map, Value};

use crate::{
    CertConstraint, KeyId, ModelError, StepName,
    cert_constraint::read_constraints,
    layout_key::key_id_list,
    reader::{Fields, index, mistyped, push_unknown, string_list, unsigned},
};

/// One artifact rule as written in a layout, e.g. `["MATCH", "*", "WITH", "PRODUCTS", "FROM",
/// "build"]`. The grammar is parsed by the rules crate; here a rule is only a list of strings
/// (checked to be non-empty by [`Layout::validate`](crate::Layout::validate)).
pub type Rule = Vec<String>;

/// A step of the supply chain: who may perform it (`pubkeys`, `threshold`), what it is expected
/// to run and which artifacts it may consume and produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Unique name within the layout; links of this step carry it.
    pub name: StepName,
    /// How many distinct functionaries must have signed a link (>= 1 to be valid).
    pub threshold: u64,
    /// Rules for the link's materials.
    pub expected_materials: Vec<Rule>,
    /// Rules for the link's products.
    pub expected_products: Vec<Rule>,
    /// Key ids of the functionaries authorized to sign links for this step.
    pub pubkeys: Vec<KeyId>,
    /// The command functionaries are expected to run (only compared, with a warning).
    pub expected_command: Vec<String>,
    /// ITE-7 (in-toto-golang): functionaries identified by certificate instead of by key;
    /// `None` when the field is absent (it is then not written either).
    pub cert_constraints: Option<Vec<CertConstraint>>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

/// An inspection: a command the verifier runs itself, with rules over what it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// Unique name within the layout (shared with steps' names).
    pub name: StepName,
    /// The command to run (non-empty to be valid).
    pub run: Vec<String>,
    /// Rules for the materials recorded before running.
    pub expected_materials: Vec<Rule>,
    /// Rules for the products recorded after running.
    pub expected_products: Vec<Rule>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

/// Reads a list of rules.
pub(crate) fn rules(v: &Value, path: &str) -> Result<Vec<Rule>, ModelError> {
    let items = v
        .as_array()
        .ok_or_else(|| mistyped(path, "an array of rules", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, rule)| string_list(rule, &index(path, i)))
        .collect()
}

pub(crate) fn rules_to_value(rules: &[Rule]) -> Value {
    rules.iter().map(|r| strings_to_value(r)).collect()
}

pub(crate) fn strings_to_value(items: &[String]) -> Value {
    items.iter().map(|s| Value::String(s.clone())).collect()
}

pub(crate) fn step_name(f: &mut Fields<'_>) -> Result<StepName, ModelError> {
    let name = f.string("name")?;
    StepName::new(name).map_err(|e| ModelError::invalid(f.path("name"), e.to_string()))
}

impl Step {
    /// A step as the reference creates one: threshold 1, everything else empty.
    pub fn new(name: StepName) -> Self {
        Step {
            name,
            threshold: 1,
            expected_materials: Vec::new(),
            expected_products: Vec::new(),
            pubkeys: Vec::new(),
            expected_command: Vec::new(),
            cert_constraints: None,
            extra: Map::new(),
        }
    }

    /// Reads a step object (paths in errors are relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        Step::read(v, "")
    }

    pub(crate) fn read(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        f.expect_type("step")?;
        let name = step_name(&mut f)?;
        let threshold = unsigned(f.required("threshold")?, &f.path("threshold"))?;
        let expected_materials = rules(
            f.required("expected_materials")?,
            &f.path("expected_materials"),
        )?;
        let expected_products = rules(
            f.required("expected_products")?,
            &f.path("expected_products"),
        )?;
        let pubkeys = key_id_list(f.required("pubkeys")?, &f.path("pubkeys"))?;
        let expected_command = f.string_list("expected_command")?;
        let cert_constraints = match f.optional("cert_constraints") {
            None => None,
            Some(v) => Some(read_constraints(v, &f.path("cert_constraints"))?),
        };
        Ok(Step {
            name,
            threshold,
            expected_materials,
            expected_products,
            pubkeys,
            expected_command,
            cert_constraints,
            extra: f.unknown(),
        })
    }

    /// The JSON object: exactly the reference's fields plus any kept unknown ones.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("_type".into(), "step".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("threshold".into(), self.threshold.into());
        m.insert(
            "expected_materials".into(),
            rules_to_value(&self.expected_materials),
        );
        m.insert(
            "expected_products".into(),
            rules_to_value(&self.expected_products),
        );
        m.insert(
            "pubkeys".into(),
            self.pubkeys
                .iter()
                .map(|k| Value::String(k.to_string()))
                .collect(),
        );
        m.insert(
            "expected_command".into(),
            strings_to_value(&self.expected_command),
        );
        if let Some(constraints) = &self.cert_constraints {
            m.insert(
                "cert_constraints".into(),
                constraints.iter().map(CertConstraint::to_value).collect(),
            );
        }
        Value::Object(m)
    }

    /// Paths of fields this crate does not model, relative to the step.
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_unknown(&mut out, "", &self.extra);
        out
    }
}

impl Inspection {
    /// An inspection as the reference creates one, running `run`.
    pub fn new(name: StepName, run: Vec<String>) -> Self {
        Inspection {
            name,
            run,
            expected_materials: Vec::new(),
            expected_products: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Reads an inspection object (paths in errors are relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        Inspection::read(v, "")
    }

    pub(crate) fn read(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        f.expect_type("inspection")?;
        let name = step_name(&mut f)?;
        let run = f.string_list("run")?;
        let expected_materials = rules(
            f.required("expected_materials")?,
            &f.path("expected_materials"),
        )?;
        let expected_products = rules(
            f.required("expected_products")?,
            &f.path("expected_products"),
        )?;
        Ok(Inspection {
            name,
            run,
            expected_materials,
            expected_products,
            extra: f.unknown(),
        })
    }

    /// The JSON object: exactly the reference's fields plus any kept unknown ones.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("_type".into(), "inspection".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("run".into(), strings_to_value(&self.run));
        m.insert(
            "expected_materials".into(),
            rules_to_value(&self.expected_materials),
        );
        m.insert(
            "expected_products".into(),
            rules_to_value(&self.expected_products),
        );
        Value::Object(m)
    }

    /// Paths of fields this crate does not model, relative to the inspection.
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_unknown(&mut out, "", &self.extra);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_step_has_the_reference_field_set() {
        let v = Step::new(StepName::new("s").unwrap()).to_value();
        // Expected object printed by the reference:
        // .venv/bin/python -c "import attr,json; from in_toto.models.layout import Step;
        //   print(json.dumps(attr.asdict(Step(name='s')), sort_keys=True))"
        assert_eq!(
            v,
            json!({"_type": "step", "expected_command": [], "expected_materials": [],
                   "expected_products": [], "name": "s", "pubkeys": [], "threshold": 1})
        );
    }

    #[test]
    fn new_inspection_has_the_reference_field_set() {
        let v = Inspection::new(StepName::new("i").unwrap(), vec![]).to_value();
        // .venv/bin/python -c "import attr,json; from in_toto.models.layout import Inspection;
        //   print(json.dumps(attr.asdict(Inspection(name='i')), sort_keys=True))"
        assert_eq!(
            v,
            json!({"_type": "inspection", "expected_materials": [], "expected_products": [],
                   "name": "i", "run": []})
        );
    }

    #[test]
    fn step_round_trips_with_unknown_fields() {
        let v = json!({"_type": "step", "name": "a", "threshold": 2, "expected_materials": [["ALLOW", "*"]],
            "expected_products": [], "pubkeys": ["ab"], "expected_command": ["ls"], "cert_constraints": [],
            "x-tool": 1});
        let s = Step::from_value(&v).unwrap();
        assert_eq!(s.unknown_fields(), ["x-tool"]);
        assert_eq!(s.cert_constraints, Some(vec![]));
        assert_eq!(s.to_value(), v);
    }
}
