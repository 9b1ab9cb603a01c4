//! Adversarial inputs for the model (issue 7): metadata an attacker wrote. Each case is refused
//! with an error that says what is wrong (the variant and its message are asserted), and
//! nothing panics. File-level cases (a 2 GiB file) are in intoto-verify's and intoto-cli's
//! adversarial tests; see docs/security.md for the whole table.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{
    Layout, Link, ModelError, SignedDocument, StepName, Timestamp, TimestampError, canonical,
    canonical::CanonicalError,
    json::{JsonError, parse_strict},
};
use serde_json::{Value, json};

const K1: &str = "2f89b9272acfc8f4a0a0f094d789fdb0ba798b0fe41f2f5f417c12f0085ff498";

/// Asserts a JSON syntax error and returns its message.
fn syntax_error<T: std::fmt::Debug>(r: Result<T, ModelError>) -> String {
    match r {
        Err(ModelError::Json(JsonError::Syntax { message, .. })) => message,
        other => panic!("expected a JSON syntax error, got {other:?}"),
    }
}

/// Asserts `ModelError::Invalid` and returns `path: message`.
fn invalid<T: std::fmt::Debug>(r: Result<T, ModelError>) -> String {
    match r {
        Err(e @ ModelError::Invalid { .. }) => e.to_string(),
        other => panic!("expected ModelError::Invalid, got {other:?}"),
    }
}

fn layout() -> Value {
    json!({
        "_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
        "keys": {K1: {"keyid": K1, "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "00"}}},
        "steps": [{"_type": "step", "name": "build", "threshold": 1, "pubkeys": [K1],
                   "expected_command": [], "expected_materials": [], "expected_products": []}],
        "inspect": []
    })
}

#[test]
fn duplicate_object_keys_anywhere_in_signed_metadata_are_refused() {
    // Two parsers could read different values out of the same signed bytes: refuse outright,
    // at every depth and in both wrappers.
    let cases: [&[u8]; 4] = [
        br#"{"signed": {"_type": "link", "_type": "layout"}, "signatures": []}"#,
        br#"{"signed": {"a": {"b": [{"c": 1, "c": 2}]}}, "signatures": []}"#,
        br#"{"signed": {}, "signatures": [{"keyid": "a", "keyid": "b", "sig": ""}]}"#,
        br#"{"payload": "", "payloadType": "x", "payloadType": "y", "signatures": []}"#,
    ];
    for bytes in cases {
        let message = syntax_error(SignedDocument::from_slice(bytes));
        assert!(message.starts_with("duplicate object key"), "{message}");
    }
}

#[test]
fn invalid_utf8_is_refused() {
    let bytes = b"{\"signed\": {\"_type\": \"link\", \"name\": \"\xff\xfe\"}, \"signatures\": []}";
    let message = syntax_error(SignedDocument::from_slice(bytes));
    assert!(message.contains("invalid unicode"), "{message}");
}

#[test]
fn lone_surrogates_in_escapes_are_refused() {
    // serde_json's messages: a high surrogate must be followed by a `\u` low surrogate.
    for (escape, expected) in [
        (r"\ud800", "unexpected end of hex escape"),
        (r"\udfff", "lone leading surrogate in hex escape"),
        (r"\ud800\u0041", "lone leading surrogate in hex escape"),
        (r"\ud800x", "unexpected end of hex escape"),
    ] {
        let text = format!(r#"{{"signed": {{"name": "{escape}"}}, "signatures": []}}"#);
        let message = syntax_error(SignedDocument::from_slice(text.as_bytes()));
        assert_eq!(message, expected, "{escape}");
    }
}

#[test]
fn numbers_out_of_range_are_refused_with_the_json_path() {
    // 2^64 does not fit any integer type: the strict parser reads it as a float, which no
    // field accepts and canonical JSON cannot encode.
    let mut v = layout();
    v["steps"][0]["threshold"] = parse_strict(b"18446744073709551616").unwrap();
    assert_eq!(
        invalid(Layout::from_value(&v)),
        "steps[0].threshold: expected an integer, found a non-integer number"
    );
    assert!(matches!(
        canonical::encode(&v),
        Err(CanonicalError::Float { path, .. }) if path == "$.steps[0].threshold"
    ));
    let mut v = layout();
    v["steps"][0]["threshold"] = json!(-1);
    assert_eq!(
        invalid(Layout::from_value(&v)),
        "steps[0].threshold: must not be negative"
    );
}

#[test]
fn floats_are_refused_in_signed_fields_and_canonical_json() {
    let mut v = layout();
    v["steps"][0]["threshold"] = json!(1.0);
    assert!(invalid(Layout::from_value(&v)).starts_with("steps[0].threshold: "));
    let doc = SignedDocument::from_slice(br#"{"signed": {"x": 0.5}, "signatures": []}"#).unwrap();
    let SignedDocument::Metablock(mb) = doc else {
        panic!("not a Metablock")
    };
    assert_eq!(
        invalid(mb.signed_bytes()),
        "signed.x: canonical JSON cannot encode the number 0.5 (only integers in the 64-bit range)"
    );
    // Not finite at all: refused by the parser.
    let message = syntax_error(SignedDocument::from_slice(b"{\"signed\": {\"x\": 1e999}}"));
    assert!(message.contains("out of range"), "{message}");
}

#[test]
fn nesting_ten_thousand_deep_is_refused_without_overflowing_the_stack() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let text = format!(
            "{{\"signed\": {}1{}, \"signatures\": []}}",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let message = syntax_error(SignedDocument::from_slice(text.as_bytes()));
        assert_eq!(message, "recursion limit exceeded");
    }
}

#[test]
fn expires_in_other_time_zones_or_with_fractional_seconds_is_refused() {
    // The reference validates `expires` against `YYYY-MM-DDTHH:MM:SSZ` before it parses it;
    // anything else is malformed, never reinterpreted.
    for odd in [
        "2030-01-01T00:00:00+01:00",
        "2030-01-01T00:00:00.5Z",
        "2030-01-01T00:00:00z",
        "2030-01-01 00:00:00Z",
        "2030-01-01T00:00:00",
        "2030-02-30T00:00:00Z",
        "2030-01-01T24:00:00Z",
    ] {
        assert!(
            matches!(
                Timestamp::parse(odd),
                Err(TimestampError::Format(_) | TimestampError::OutOfRange(_))
            ),
            "{odd}"
        );
        let mut v = layout();
        v["expires"] = json!(odd);
        assert!(
            invalid(Layout::from_value(&v)).starts_with("expires: "),
            "{odd}"
        );
    }
}

#[test]
fn step_names_that_could_escape_the_link_directory_are_refused() {
    // A step name becomes part of `STEP.KEYID8.link` and of the sublayout directory: names with
    // `/`, `\`, NUL, `.` or `..` never reach the file system.
    for bad in ["../../etc/x", "/abs", "a/b", "a\\b", "a\0b", "..", ".", ""] {
        assert!(StepName::new(bad).is_err(), "{bad:?}");
        let mut v = layout();
        v["steps"][0]["name"] = json!(bad);
        let message = invalid(Layout::from_value(&v));
        assert!(message.starts_with("steps[0].name: "), "{message}");
        let mut v = layout();
        v["steps"] = json!([]);
        v["inspect"] = json!([{"_type": "inspection", "name": bad, "run": ["true"],
                              "expected_materials": [], "expected_products": []}]);
        let message = invalid(Layout::from_value(&v));
        assert!(message.starts_with("inspect[0].name: "), "{message}");
        let link = json!({"_type": "link", "name": bad, "command": [], "materials": {},
                          "products": {}, "byproducts": {}, "environment": {}});
        assert!(invalid(Link::from_value(&link)).starts_with("name: "));
    }
}
