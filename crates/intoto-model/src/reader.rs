//! Hand-written extraction of fields from a JSON object, with the JSON path of every problem.
//!
//! The model types are read with these helpers rather than `#[derive(Deserialize)]` so that each
//! error names the exact path (`steps[2].pubkeys[0]`), floats and negative numbers are told
//! apart from integers, and every field the model does not know is collected instead of lost.

use serde_json::{Map, Value};

use crate::ModelError;

/// `parent.key`, or just `key` at the top.
pub(crate) fn join(parent: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match (parent.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        // Keys that are not identifiers (file paths, URIs) are written as a quoted index.
        (_, false) => format!("{parent}[{}]", Value::String(key.to_string())),
    }
}

/// `parent[index]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// A short name for the JSON type of `v`, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `expected X, found Y` at `path`.
pub(crate) fn mistyped(path: &str, expected: &str, found: &Value) -> ModelError {
    ModelError::invalid(path, format!("expected {expected}, found {}", kind(found)))
}

/// Reads a string value.
pub(crate) fn string(v: &Value, path: &str) -> Result<String, ModelError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| mistyped(path, "a string", v))
}

/// Reads a list of strings (`expected_command`, `run`, `command`, one rule).
pub(crate) fn string_list(v: &Value, path: &str) -> Result<Vec<String>, ModelError> {
    let items = v
        .as_array()
        .ok_or_else(|| mistyped(path, "an array of strings", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| string(item, &index(path, i)))
        .collect()
}

/// Reads an object.
pub(crate) fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ModelError> {
    v.as_object().ok_or_else(|| mistyped(path, "an object", v))
}

/// Reads a non-negative integer that fits in a `u64`.
pub(crate) fn unsigned(v: &Value, path: &str) -> Result<u64, ModelError> {
    match v {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Ok(u),
            (None, Some(_)) => Err(ModelError::invalid(path, "must not be negative")),
            (None, None) => Err(mistyped(path, "an integer", v)),
        },
        other => Err(mistyped(path, "an integer", other)),
    }
}

/// The fields of one JSON object being read; tracks which ones the model consumed.
pub(crate) struct Fields<'a> {
    obj: &'a Map<String, Value>,
    path: String,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Starts reading `v`, which must be an object.
    pub(crate) fn new(v: &'a Value, path: &str) -> Result<Self, ModelError> {
        Ok(Fields {
            obj: object(v, if path.is_empty() { "$" } else { path })?,
            path: path.to_string(),
            known: Vec::new(),
        })
    }

    /// The path of field `key` of this object.
    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field that must be present.
    pub(crate) fn required(&mut self, key: &'static str) -> Result<&'a Value, ModelError> {
        self.known.push(key);
        self.obj
            .get(key)
            .ok_or_else(|| ModelError::invalid(join(&self.path, key), "missing field"))
    }

    /// A field that may be absent (`null` counts as present and is left to the caller).
    pub(crate) fn optional(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.obj.get(key)
    }

    /// Checks that `_type` is present and equals `expected`.
    pub(crate) fn expect_type(&mut self, expected: &str) -> Result<(), ModelError> {
        let v = self.required("_type")?;
        let path = self.path("_type");
        let found = string(v, &path)?;
        if found == expected {
            Ok(())
        } else {
            Err(ModelError::invalid(
                path,
                format!("expected {expected:?}, found {found:?}"),
            ))
        }
    }

    /// A required string field.
    pub(crate) fn string(&mut self, key: &'static str) -> Result<String, ModelError> {
        let v = self.required(key)?;
        string(v, &self.path(key))
    }

    /// A required list-of-strings field.
    pub(crate) fn string_list(&mut self, key: &'static str) -> Result<Vec<String>, ModelError> {
        let v = self.required(key)?;
        string_list(v, &self.path(key))
    }

    /// An optional string field (absent -> `None`; `null` is an error).
    pub(crate) fn opt_string(&mut self, key: &'static str) -> Result<Option<String>, ModelError> {
        match self.optional(key) {
            None => Ok(None),
            Some(v) => string(v, &self.path(key)).map(Some),
        }
    }

    /// The fields that were not asked for, in key order.
    pub(crate) fn unknown(self) -> Map<String, Value> {
        self.obj
            .iter()
            .filter(|(k, _)| !self.known.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Paths of the unknown fields `extra` of the object at `path`, appended to `out`.
pub(crate) fn push_unknown(out: &mut Vec<String>, path: &str, extra: &Map<String, Value>) {
    out.extend(extra.keys().map(|k| join(path, k)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_quote_keys_that_are_not_identifiers() {
        assert_eq!(join("", "steps"), "steps");
        assert_eq!(join("products", "a/b.txt"), "products[\"a/b.txt\"]");
        assert_eq!(index("steps", 2), "steps[2]");
    }

    #[test]
    fn unsigned_tells_floats_and_negatives_apart() {
        let e = unsigned(&json!(-1), "t").unwrap_err();
        assert_eq!(e, ModelError::invalid("t", "must not be negative"));
        let e = unsigned(&json!(1.0), "t").unwrap_err();
        assert_eq!(
            e,
            ModelError::invalid("t", "expected an integer, found a non-integer number")
        );
    }

    #[test]
    fn unknown_fields_are_collected() {
        let v = json!({"a": 1, "b": 2});
        let mut f = Fields::new(&v, "").unwrap();
        f.required("a").unwrap();
        assert_eq!(f.unknown(), json!({"b": 2}).as_object().unwrap().clone());
    }
}
