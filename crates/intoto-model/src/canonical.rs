//! Canonical JSON exactly as securesystemslib's `encode_canonical` writes it: the bytes that
//! Metablock signatures cover.
//!
//! Objects have their keys sorted by code point, there is no whitespace, strings escape only
//! `\` and `"` (everything else, control characters and non-ASCII included, is written raw as
//! UTF-8), integers are decimal and floats are refused.
//!
//! ```
//! let v = serde_json::json!({"b": "tab\there", "a": [1, {}]});
//! let bytes = intoto_model::canonical::encode(&v).unwrap();
//! assert_eq!(bytes, b"{\"a\":[1,{}],\"b\":\"tab\there\"}");
//! ```

use serde_json::Value;

/// A value that canonical JSON cannot represent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// Canonical JSON has no floating point numbers; integers beyond the 64-bit range are
    /// read as floats and refused too.
    #[error(
        "canonical JSON cannot encode the number {number} at {path} (only integers in the 64-bit range)"
    )]
    Float {
        /// The number as written.
        number: String,
        /// JSON path of the number, e.g. `signed.steps[0].threshold`.
        path: String,
    },
}

/// Encodes `value` as canonical JSON bytes.
pub fn encode(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    let mut path = String::from("$");
    write_value(value, &mut out, &mut path)?;
    Ok(out)
}

/// Encodes a serializable value (a model type) as canonical JSON bytes.
pub fn encode_serializable<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    // Serializing our own model types to a Value cannot fail: they hold only strings, integers,
    // maps with string keys and sequences.
    match serde_json::to_value(value) {
        Ok(v) => encode(&v),
        Err(e) => Err(CanonicalError::Float {
            number: e.to_string(),
            path: "$".into(),
        }),
    }
}

fn write_value(value: &Value, out: &mut Vec<u8>, path: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.extend_from_slice(n.to_string().as_bytes());
            } else {
                return Err(CanonicalError::Float {
                    number: n.to_string(),
                    path: path.clone(),
                });
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                write_value(item, out, path)?;
                path.truncate(len);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Code point order equals the byte order of UTF-8, which is `str`'s `Ord`.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                let len = path.len();
                path.push('.');
                path.push_str(key);
                write_value(&map[key.as_str()], out, path)?;
                path.truncate(len);
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        if b == b'\\' || b == b'"' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_by_code_point() {
        let v = json!({"b": 1, "B": 2, "é": 3, "a": {"z": [], "y": {}}});
        assert_eq!(
            encode(&v).unwrap(),
            "{\"B\":2,\"a\":{\"y\":{},\"z\":[]},\"b\":1,\"é\":3}".as_bytes()
        );
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        let v = json!("a\"b\\c\n\u{1}\u{7f}é");
        assert_eq!(
            encode(&v).unwrap(),
            "\"a\\\"b\\\\c\n\u{1}\u{7f}é\"".as_bytes()
        );
    }

    #[test]
    fn refuses_floats_with_their_path() {
        let v = json!({"signed": {"steps": [{"threshold": 1.5}]}});
        assert_eq!(
            encode(&v).unwrap_err(),
            CanonicalError::Float {
                number: "1.5".into(),
                path: "$.signed.steps[0].threshold".into()
            }
        );
    }

    #[test]
    fn writes_large_integers_exactly() {
        let v = json!([i64::MIN, u64::MAX, -1, 0]);
        assert_eq!(
            encode(&v).unwrap(),
            b"[-9223372036854775808,18446744073709551615,-1,0]"
        );
    }
}
