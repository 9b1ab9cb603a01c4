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

impl CanonicalError {
    /// The same failure as a [`ModelError`](crate::ModelError) whose path starts at `root`
    /// (e.g. `signed`) instead of `$`.
    pub fn at(self, root: &str) -> crate::ModelError {
        match self {
            CanonicalError::Float { number, path } => crate::ModelError::invalid(
                path.replacen('$', root, 1),
                format!(
                    "canonical JSON cannot encode the number {number} (only integers in the 64-bit range)"
                ),
            ),
        }
    }
}

/// Encodes `value` as canonical JSON bytes.
pub fn encode(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out).map_err(|e| CanonicalError::Float {
        number: e.number,
        path: e
            .path
            .iter()
            .rev()
            .fold(String::from("$"), |mut path, segment| {
                path.push_str(segment);
                path
            }),
    })?;
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

/// A float found while encoding; `path` collects the segments (`.key`, `[3]`) innermost first
/// as the error travels up, so no path is built while encoding succeeds.
struct FloatAt {
    number: String,
    path: Vec<String>,
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<(), FloatAt> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                write_integer(out, i.unsigned_abs(), i < 0);
            } else if let Some(u) = n.as_u64() {
                write_integer(out, u, false);
            } else {
                return Err(FloatAt {
                    number: n.to_string(),
                    path: Vec::new(),
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
                write_value(item, out).map_err(|mut e| {
                    e.path.push(format!("[{i}]"));
                    e
                })?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Code point order equals the byte order of UTF-8, which is `str`'s `Ord`. The map
            // iterates in that order already (serde_json's `Map` is a `BTreeMap`); sort only if
            // a feature (`preserve_order`) ever makes it keep insertion order instead.
            let in_order = map
                .keys()
                .zip(map.keys().skip(1))
                .all(|(a, b)| a.as_str() < b.as_str());
            out.push(b'{');
            if in_order {
                write_members(map.iter(), out)?;
            } else {
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                members.sort_unstable_by(|a, b| a.0.cmp(b.0));
                write_members(members.into_iter(), out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_members<'a>(
    members: impl Iterator<Item = (&'a String, &'a Value)>,
    out: &mut Vec<u8>,
) -> Result<(), FloatAt> {
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(key, out);
        out.push(b':');
        write_value(value, out).map_err(|mut e| {
            e.path.push(format!(".{key}"));
            e
        })?;
    }
    Ok(())
}

/// Writes a decimal integer (`-` first when `negative`) without an intermediate `String`.
fn write_integer(out: &mut Vec<u8>, magnitude: u64, negative: bool) {
    let mut digits = [0u8; 20];
    let mut n = magnitude;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[start..]);
}

pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // Most strings (paths, hex digests) need no escape: a check without early exit, which the
    // compiler vectorises, then one copy.
    let escapes = bytes
        .iter()
        .map(|&b| u8::from(b == b'\\' || b == b'"') as usize)
        .sum::<usize>();
    if escapes == 0 {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    // Copy runs between the bytes that need a backslash, rather than byte by byte.
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' || b == b'"' {
            out.extend_from_slice(&bytes[run..i]);
            out.push(b'\\');
            run = i;
        }
    }
    out.extend_from_slice(&bytes[run..]);
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
