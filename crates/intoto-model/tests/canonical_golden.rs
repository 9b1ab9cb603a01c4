//! Canonical JSON equals the reference's on generated values: `tests/data/canonical_golden.json`
//! holds 400 random values (seeded; nested objects and arrays, 64-bit integers, strings with
//! control characters, quotes, backslashes, non-ASCII and non-BMP characters) with
//! securesystemslib's `encode_canonical` of each, made by `tests/data/gen_canonical_golden.py`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use intoto_model::canonical;
use serde_json::Value;

#[test]
fn canonical_json_equals_securesystemslib_on_generated_values() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/canonical_golden.json"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 400);
    let b64 = base64::engine::general_purpose::STANDARD;
    for case in cases {
        let expected = b64.decode(case["canonical_b64"].as_str().unwrap()).unwrap();
        let ours = canonical::encode(&case["value"]).unwrap();
        assert!(
            ours == expected,
            "case {}: ours {:?}, reference {:?}",
            case["index"],
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&expected)
        );
    }
}
