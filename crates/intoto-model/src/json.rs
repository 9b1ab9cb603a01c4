//! Strict JSON parsing for metadata that may come from an attacker.
//!
//! `serde_json` alone silently keeps the last of two equal object keys; two parsers could then
//! read different values out of the same signed bytes. [`parse_strict`] rejects duplicate keys
//! anywhere in the document, enforces a size limit before parsing and relies on `serde_json`'s
//! nesting limit (128) and its rejection of invalid UTF-8 and lone surrogates.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value, map::Entry};

/// Largest metadata document we read, in bytes (256 MiB). Links of very large trees stay far
/// below this; anything bigger is refused before it is parsed.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Why a document is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("document is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the document.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not JSON (syntax, encoding, nesting, duplicate key ...).
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// What the parser found.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
}

/// Parses `bytes` as one JSON value, rejecting duplicate object keys, trailing data,
/// invalid UTF-8, lone surrogates, nesting deeper than 128 and documents over the size limit.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    let size = bytes.len() as u64;
    if size > MAX_DOCUMENT_BYTES {
        return Err(JsonError::TooLarge {
            size,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue.deserialize(&mut de).map_err(syntax)?;
    de.end().map_err(syntax)?;
    Ok(value)
}

fn syntax(e: serde_json::Error) -> JsonError {
    // serde_json appends " at line X column Y" to custom messages; keep the bare message.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    JsonError::Syntax {
        message,
        line: e.line(),
        column: e.column(),
    }
}

/// A `serde_json::Value` seed that refuses duplicate keys.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // Metadata is written with sorted keys, so members usually arrive in increasing order:
        // then each key is a duplicate of none before it if it is greater than the last one,
        // and the map is built in one go at the end. The first key out of order switches to
        // one map search per key. Either way a duplicate is reported at the same point.
        let mut sorted: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if sorted.last().is_none_or(|(last, _)| *last < key) {
                let value = map.next_value_seed(StrictValue)?;
                sorted.push((key, value));
                continue;
            }
            let mut object: Map<String, Value> = sorted.into_iter().collect();
            let mut next = Some(key);
            while let Some(key) = next {
                // The vacant entry holds the place while the value is read.
                match object.entry(key) {
                    Entry::Occupied(taken) => return Err(duplicate(taken.key())),
                    Entry::Vacant(place) => {
                        place.insert(map.next_value_seed(StrictValue)?);
                    }
                }
                next = map.next_key::<String>()?;
            }
            return Ok(Value::Object(object));
        }
        Ok(Value::Object(sorted.into_iter().collect()))
    }
}

fn duplicate<E: serde::de::Error>(key: &str) -> E {
    E::custom(format!("duplicate object key {key:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicate_keys_at_any_depth() {
        let err = parse_strict(br#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
        assert!(
            matches!(&err, JsonError::Syntax { message, .. } if message.contains("duplicate object key \"b\"")),
            "{err}"
        );
    }

    #[test]
    fn keys_in_any_order_read_as_serde_json_reads_them() {
        for doc in [
            r#"{"a": 1, "b": 2, "c": {"y": [], "x": {}}}"#,
            r#"{"c": 1, "b": 2, "a": 3}"#,
            r#"{"a": 1, "c": 2, "b": 3, "d": 4}"#,
            r#"{"": 0, "é": 1, "z": 2}"#,
            r#"{}"#,
        ] {
            let ours = parse_strict(doc.as_bytes()).unwrap();
            let theirs: Value = serde_json::from_str(doc).unwrap();
            assert_eq!(ours, theirs, "{doc}");
        }
    }

    #[test]
    fn rejects_duplicates_in_and_out_of_key_order() {
        for (doc, key, column) in [
            (r#"{"a": 1, "a": 2}"#, "a", 12),
            (r#"{"b": 1, "a": 2, "b": 3}"#, "b", 20),
            (r#"{"a": 1, "b": 2, "a": 3, "c": 4}"#, "a", 20),
            (r#"{"b": 1, "a": 2, "c": 3, "a": 4}"#, "a", 28),
        ] {
            match parse_strict(doc.as_bytes()) {
                Err(JsonError::Syntax {
                    message,
                    line: 1,
                    column: c,
                }) => {
                    assert_eq!(message, format!("duplicate object key {key:?}"), "{doc}");
                    assert_eq!(c, column, "{doc}");
                }
                other => panic!("{doc}: {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_trailing_data() {
        assert!(matches!(
            parse_strict(b"{} {}"),
            Err(JsonError::Syntax { .. })
        ));
    }

    #[test]
    fn rejects_lone_surrogate() {
        assert!(matches!(
            parse_strict(br#""\ud800""#),
            Err(JsonError::Syntax { .. })
        ));
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert!(matches!(
            parse_strict(b"\"\xff\""),
            Err(JsonError::Syntax { .. })
        ));
    }

    #[test]
    fn rejects_deep_nesting() {
        let doc = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(
            parse_strict(doc.as_bytes()),
            Err(JsonError::Syntax { .. })
        ));
    }

    #[test]
    fn keeps_values() {
        let v = parse_strict(br#"{"a": [1, -2, "x", null, true, 1.5]}"#).unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, -2, "x", null, true, 1.5]}));
    }
}
