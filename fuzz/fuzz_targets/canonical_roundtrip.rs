//! Canonical JSON: for any JSON the strict parser accepts, the canonical encoding (when there
//! is one: floats have none) decodes back to the same value and re-encodes to the same bytes.
//!
//! Canonical JSON writes control characters raw inside strings (securesystemslib does), which
//! RFC 8259 parsers refuse; the decoder here escapes them first. Outside strings canonical
//! JSON has no whitespace, so every byte below 0x20 is inside a string.
#![no_main]

use intoto_model::{canonical, json};
use libfuzzer_sys::fuzz_target;

fn decode(bytes: &[u8]) -> Result<serde_json::Value, json::JsonError> {
    let mut escaped = Vec::with_capacity(bytes.len());
    for &b in bytes {
        if b < 0x20 {
            escaped.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            escaped.push(b);
        }
    }
    json::parse_strict(&escaped)
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = json::parse_strict(data) else {
        return;
    };
    let Ok(bytes) = canonical::encode(&value) else {
        return;
    };
    let decoded = decode(&bytes);
    assert!(
        decoded.as_ref().is_ok_and(|v| *v == value),
        "decode(encode(v)) != v: {decoded:?}"
    );
    let again = canonical::encode(&value);
    assert!(
        again.is_ok_and(|b| b == bytes),
        "encoding is not deterministic"
    );
});
