//! Property: canonical JSON of any float-free value parses back (strictly) to the same value.
//!
//! Strings exclude U+0000..U+001F: canonical JSON writes control characters raw, which is not
//! valid JSON (RFC 8259 requires them escaped), so such canonical bytes are only ever hashed and
//! signed, never parsed. `control_characters_do_not_parse_back` pins that down.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{canonical, json::parse_strict};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Any Unicode except control characters; quotes and backslashes included.
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn text() -> impl Strategy<Value = String> {
    "[^\\x00-\\x1f]{0,12}"
}

#[test]
fn control_characters_do_not_parse_back() {
    let bytes = canonical::encode(&Value::String("a\nb".into())).unwrap();
    assert!(parse_strict(&bytes).is_err());
}

proptest! {
    #[test]
    fn parse_strict_inverts_encode(v in json_value()) {
        let bytes = canonical::encode(&v).unwrap();
        prop_assert_eq!(parse_strict(&bytes).unwrap(), v);
    }

    #[test]
    fn encode_is_idempotent_through_parse(v in json_value()) {
        let once = canonical::encode(&v).unwrap();
        let twice = canonical::encode(&parse_strict(&once).unwrap()).unwrap();
        prop_assert_eq!(once, twice);
    }
}
