//! JSON text exactly as Python's `json.dumps(..., sort_keys=True)` writes it, which is how the
//! reference implementation writes metadata files and DSSE payloads. Writing the same bytes
//! lets users diff our files against the reference's.
//!
//! - [`metablock_file`]: `indent=1, separators=(",", ": ")` (the reference's Metablock files).
//! - [`compact_sorted`]: default separators `", "` and `": "`, no indent (DSSE envelope files and
//!   the DSSE payload of links and layouts).
//!
//! Both escape like `ensure_ascii=True`: `"`, `\`, `\n`, `\r`, `\t`, `\b`, `\f` get short
//! escapes, other control characters and every non-ASCII character become `\uXXXX` (UTF-16, so
//! astral characters become a surrogate pair).

use serde_json::Value;

/// Python `json.dumps(v, indent=1, separators=(",", ": "), sort_keys=True)`.
pub fn metablock_file(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out, Some(1), 0, b",", b": ");
    out
}

/// Python `json.dumps(v, sort_keys=True)`.
pub fn compact_sorted(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out, None, 0, b", ", b": ");
    out
}

/// A Metablock file from its parts: the `signatures` value and the `signed` value already
/// written one level deep in the same style (as [`crate::Link::to_json`] writes a link).
/// Equals [`metablock_file`] of the whole object.
pub fn metablock_file_from_parts(signatures: &Value, signed: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(signed.len() + 512);
    out.extend_from_slice(b"{\n \"signatures\": ");
    write(signatures, &mut out, Some(1), 1, b",", b": ");
    out.extend_from_slice(b",\n \"signed\": ");
    out.extend_from_slice(signed);
    out.extend_from_slice(b"\n}");
    out
}

/// `value` in the Metablock file style, as if nested `level` deep.
pub(crate) fn write_indented(value: &Value, level: usize, out: &mut Vec<u8>) {
    write(value, out, Some(1), level, b",", b": ");
}

fn newline(out: &mut Vec<u8>, indent: Option<usize>, level: usize) {
    if let Some(width) = indent {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', width * level));
    }
}

fn write(
    value: &Value,
    out: &mut Vec<u8>,
    indent: Option<usize>,
    level: usize,
    item_sep: &[u8],
    key_sep: &[u8],
) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) if items.is_empty() => out.extend_from_slice(b"[]"),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(item_sep);
                }
                newline(out, indent, level + 1);
                write(item, out, indent, level + 1, item_sep, key_sep);
            }
            newline(out, indent, level);
            out.push(b']');
        }
        Value::Object(map) if map.is_empty() => out.extend_from_slice(b"{}"),
        Value::Object(map) => {
            // Python sorts `str` keys by code point: the byte order of UTF-8, which is the
            // order serde_json's `BTreeMap`-backed `Map` iterates in; sort only if a feature
            // (`preserve_order`) ever makes it keep insertion order instead.
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            if !members.is_sorted_by(|a, b| a.0 <= b.0) {
                members.sort_unstable_by(|a, b| a.0.cmp(b.0));
            }
            out.push(b'{');
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(item_sep);
                }
                newline(out, indent, level + 1);
                write_string(key, out);
                out.extend_from_slice(key_sep);
                write(value, out, indent, level + 1, item_sep, key_sep);
            }
            newline(out, indent, level);
            out.push(b'}');
        }
    }
}

fn write_number(n: &serde_json::Number, out: &mut Vec<u8>) {
    match n.as_f64().filter(|_| !(n.is_i64() || n.is_u64())) {
        Some(f) => out.extend_from_slice(python_float_repr(f).as_bytes()),
        None => out.extend_from_slice(n.to_string().as_bytes()),
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in `-4..16`, otherwise as `d.ddde+XX` with at least two exponent digits.
fn python_float_repr(f: f64) -> String {
    let sci = format!("{f:e}"); // e.g. "-1.2345e-7": shortest round-trip digits
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            let zeros = "0".repeat(point.unsigned_abs() as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = point as usize;
            if digits.len() <= point {
                let zeros = "0".repeat(point - digits.len());
                format!("{sign}{digits}{zeros}.0")
            } else {
                format!("{sign}{}.{}", &digits[..point], &digits[point..])
            }
        }
    } else {
        let rest = &digits[1..];
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{sign}{}{frac}e{exp_sign}{:02}",
            &digits[..1],
            exp.unsigned_abs()
        )
    }
}

pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    // Paths and hex digests are printable ASCII without quotes or backslashes: one scan, then
    // one copy instead of a push per character.
    let plain = s
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if plain {
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            ' '..='~' => out.push(c as u8),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.extend_from_slice(b"\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[usize::from((*unit >> shift) & 0xf)]);
                    }
                }
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_like_python() {
        let v = json!({"signed": {"b": [1, {}], "a": []}, "signatures": [{"keyid": "ab", "sig": "cd"}]});
        let expected = "{\n \"signatures\": [\n  {\n   \"keyid\": \"ab\",\n   \"sig\": \"cd\"\n  }\n ],\n \"signed\": {\n  \"a\": [],\n  \"b\": [\n   1,\n   {}\n  ]\n }\n}";
        assert_eq!(String::from_utf8(metablock_file(&v)).unwrap(), expected);
    }

    #[test]
    fn compact_uses_python_default_separators() {
        let v = json!({"b": 1, "a": [1, 2]});
        assert_eq!(compact_sorted(&v), br#"{"a": [1, 2], "b": 1}"#);
    }

    #[test]
    fn floats_like_python_repr() {
        // Expected strings from CPython 3.11: repr(x) for each value.
        let cases = [
            (1.0, "1.0"),
            (1e20, "1e+20"),
            (1e-7, "1e-07"),
            (123456789.5, "123456789.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (-2.5e-5, "-2.5e-05"),
            (1.5e300, "1.5e+300"),
        ];
        for (f, expected) in cases {
            assert_eq!(python_float_repr(f), expected, "{f}");
        }
    }

    #[test]
    fn escapes_like_ensure_ascii() {
        let v = json!("\"\\\n\t\u{1}\u{7f}é😀");
        assert_eq!(
            String::from_utf8(compact_sorted(&v)).unwrap(),
            "\"\\\"\\\\\\n\\t\\u0001\\u007f\\u00e9\\ud83d\\ude00\""
        );
    }
}
