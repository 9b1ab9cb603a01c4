//! [`Layout`]: the signed supply chain policy, and its load-time validation.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::{
    CertificateAuthority, Inspection, KeyId, LayoutKey, ModelError, Step, Timestamp,
    cert_constraint::{authorities_to_value, read_authorities},
    reader::{Fields, index, join, mistyped, object, push_unknown, string},
    step::Rule,
};

/// The `signed` part of a layout Metablock (or the DSSE payload of a layout).
///
/// Differences from the Python reference (in-toto 3.1 `Layout.read`), all deliberate and
/// checked by running it:
/// - The reference ignores `_type` when reading (its constructor overwrites it); we require
///   `"layout"`, `"step"` and `"inspection"` where they belong.
/// - The reference fills in defaults for missing fields (`expires` one month from now, empty
///   lists, `name: null`); we report the missing field with its path. Every known producer
///   (Python, Go) writes all fields. [`Layout::from_value_with_default_expires`] covers layout
///   templates without `expires`.
/// - The reference drops unknown fields silently (and so loses them on re-signing); we keep them
///   in `extra`, write them back, and list them with [`Layout::unknown_fields`].
/// - The reference accepts a threshold below 1, step pubkeys missing from `keys`, an empty
///   inspection `run` (in-toto#730: it fails only when the inspection is run), and non-strings
///   inside `expected_command`/`run`; we reject them on load ([`Layout::validate`] for the
///   first three, reading for the last). Like the reference, we reject float thresholds, empty
///   rules and non-string rule elements (the full rule grammar is checked by the rules crate,
///   as the reference's `unpack_rule` does on load).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// When the layout stops being valid.
    pub expires: Timestamp,
    /// Free text for humans.
    pub readme: String,
    /// Functionary keys by key id.
    pub keys: BTreeMap<KeyId, LayoutKey>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The inspections, in order.
    pub inspect: Vec<Inspection>,
    /// ITE-7 (in-toto-golang): the root certificate authorities functionaries' certificates
    /// must chain to, by key id; `None` when the field is absent (it is then not written).
    pub rootcas: Option<BTreeMap<KeyId, CertificateAuthority>>,
    /// ITE-7: intermediate certificate authorities to build chains through.
    pub intermediatecas: Option<BTreeMap<KeyId, CertificateAuthority>>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

impl Layout {
    /// An empty layout as the reference creates one (`readme` empty, no keys, steps or
    /// inspections).
    pub fn new(expires: Timestamp) -> Self {
        Layout {
            expires,
            readme: String::new(),
            keys: BTreeMap::new(),
            steps: Vec::new(),
            inspect: Vec::new(),
            rootcas: None,
            intermediatecas: None,
            extra: Map::new(),
        }
    }

    /// Reads and [validates](Layout::validate) a layout; error paths are relative to the layout
    /// object (prefix `signed` with [`ModelError::within`]).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let layout = Layout::from_value_unvalidated(v, None)?;
        layout.validate()?;
        Ok(layout)
    }

    /// Like [`from_value`](Layout::from_value), but a missing `expires` (layout templates, e.g.
    /// the reference's `demo.layout.template`) is replaced by `default_expires`.
    pub fn from_value_with_default_expires(
        v: &Value,
        default_expires: Timestamp,
    ) -> Result<Self, ModelError> {
        let layout = Layout::from_value_unvalidated(v, Some(default_expires))?;
        layout.validate()?;
        Ok(layout)
    }

    /// Reads a layout checking types and formats only, without [`validate`](Layout::validate).
    pub fn from_value_unvalidated(
        v: &Value,
        default_expires: Option<Timestamp>,
    ) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        f.expect_type("layout")?;
        let expires = match (f.optional("expires"), default_expires) {
            (None, Some(default)) => default,
            (None, None) => return Err(ModelError::invalid("expires", "missing field")),
            (Some(e), _) => {
                let text = string(e, "expires")?;
                Timestamp::parse(&text)
                    .map_err(|err| ModelError::invalid("expires", err.to_string()))?
            }
        };
        let readme = f.string("readme")?;
        let mut keys = BTreeMap::new();
        for (id, key) in object(f.required("keys")?, "keys")? {
            let path = join("keys", id);
            let keyid =
                KeyId::new(id.as_str()).map_err(|e| ModelError::invalid(&path, e.to_string()))?;
            keys.insert(keyid, LayoutKey::from_value(key, &path)?);
        }
        let steps = list(f.required("steps")?, "steps", Step::read)?;
        let inspect = list(f.required("inspect")?, "inspect", Inspection::read)?;
        let rootcas = match f.optional("rootcas") {
            None => None,
            Some(v) => Some(read_authorities(v, "rootcas")?),
        };
        let intermediatecas = match f.optional("intermediatecas") {
            None => None,
            Some(v) => Some(read_authorities(v, "intermediatecas")?),
        };
        Ok(Layout {
            expires,
            readme,
            keys,
            steps,
            inspect,
            rootcas,
            intermediatecas,
            extra: f.unknown(),
        })
    }

    /// Checks what the format alone cannot express; returns the first problem with its path:
    /// map keys of `keys` equal to each record's `keyid`, threshold >= 1, every step pubkey in
    /// `keys`, non-empty rules, unique step and inspection names (also across the two lists),
    /// non-empty inspection `run`.
    pub fn validate(&self) -> Result<(), ModelError> {
        for (id, key) in &self.keys {
            if let Some(inner) = key.keyid()
                && inner != id
            {
                return Err(ModelError::invalid(
                    join(&join("keys", id.as_str()), "keyid"),
                    format!("key id {inner} differs from the map key {id}"),
                ));
            }
        }
        let mut names = BTreeSet::new();
        for (i, step) in self.steps.iter().enumerate() {
            let path = index("steps", i);
            if step.threshold < 1 {
                return Err(ModelError::invalid(
                    join(&path, "threshold"),
                    "threshold must be at least 1",
                ));
            }
            for (j, keyid) in step.pubkeys.iter().enumerate() {
                if !self.keys.contains_key(keyid) {
                    return Err(ModelError::invalid(
                        index(&join(&path, "pubkeys"), j),
                        format!("key {keyid} is not in the layout's keys"),
                    ));
                }
            }
            check_rules(&step.expected_materials, &path, "expected_materials")?;
            check_rules(&step.expected_products, &path, "expected_products")?;
            if !names.insert(step.name.as_str()) {
                return Err(ModelError::invalid(
                    join(&path, "name"),
                    format!(
                        "there is already a step named {:?}; step names must be unique",
                        step.name.as_str()
                    ),
                ));
            }
        }
        let step_names = names.clone();
        for (i, inspection) in self.inspect.iter().enumerate() {
            let path = index("inspect", i);
            if inspection.run.is_empty() {
                return Err(ModelError::invalid(
                    join(&path, "run"),
                    "an inspection must have a command to run (run is empty)",
                ));
            }
            check_rules(&inspection.expected_materials, &path, "expected_materials")?;
            check_rules(&inspection.expected_products, &path, "expected_products")?;
            let name = inspection.name.as_str();
            if !names.insert(name) {
                let clash = if step_names.contains(name) {
                    "a step"
                } else {
                    "an inspection"
                };
                return Err(ModelError::invalid(
                    join(&path, "name"),
                    format!(
                        "there is already {clash} named {name:?}; step and inspection names must be unique"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The JSON object: exactly the reference's fields plus any kept unknown ones.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("_type".into(), "layout".into());
        m.insert("expires".into(), self.expires.to_string().into());
        m.insert("readme".into(), self.readme.clone().into());
        let keys = self
            .keys
            .iter()
            .map(|(id, k)| (id.to_string(), k.to_value()))
            .collect();
        m.insert("keys".into(), Value::Object(keys));
        m.insert(
            "steps".into(),
            self.steps.iter().map(Step::to_value).collect(),
        );
        m.insert(
            "inspect".into(),
            self.inspect.iter().map(Inspection::to_value).collect(),
        );
        if let Some(cas) = &self.rootcas {
            m.insert("rootcas".into(), authorities_to_value(cas));
        }
        if let Some(cas) = &self.intermediatecas {
            m.insert("intermediatecas".into(), authorities_to_value(cas));
        }
        Value::Object(m)
    }

    /// Paths of every field this crate does not model, anywhere in the layout (for warnings).
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_unknown(&mut out, "", &self.extra);
        for (id, key) in &self.keys {
            key.unknown_fields(&join("keys", id.as_str()), &mut out);
        }
        for (i, step) in self.steps.iter().enumerate() {
            push_unknown(&mut out, &index("steps", i), &step.extra);
        }
        for (i, inspection) in self.inspect.iter().enumerate() {
            push_unknown(&mut out, &index("inspect", i), &inspection.extra);
        }
        out
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.name.as_str() == name)
    }

    /// The inspection named `name`.
    pub fn inspection(&self, name: &str) -> Option<&Inspection> {
        self.inspect.iter().find(|s| s.name.as_str() == name)
    }
}

fn list<T>(
    v: &Value,
    path: &str,
    read: fn(&Value, &str) -> Result<T, ModelError>,
) -> Result<Vec<T>, ModelError> {
    let items = v.as_array().ok_or_else(|| mistyped(path, "an array", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read(item, &index(path, i)))
        .collect()
}

fn check_rules(rules: &[Rule], item_path: &str, field: &str) -> Result<(), ModelError> {
    match rules.iter().position(Vec::is_empty) {
        Some(j) => Err(ModelError::invalid(
            index(&join(item_path, field), j),
            "a rule must not be empty",
        )),
        None => Ok(()),
    }
}
