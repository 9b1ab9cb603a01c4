//! Property: no input makes the readers panic. Values are generated from the model's own
//! vocabulary (field names, `_type`s, plausible strings and numbers, floats included) so that
//! generation reaches deep into layouts, links and statements.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{Layout, Link, ResourceDescriptor, SignedContent, Statement, Timestamp};
use proptest::prelude::*;
use serde_json::{Map, Value};

const WORDS: &[&str] = &[
    "_type",
    "type",
    "layout",
    "link",
    "step",
    "inspection",
    "expires",
    "readme",
    "keys",
    "steps",
    "inspect",
    "name",
    "threshold",
    "pubkeys",
    "expected_command",
    "expected_materials",
    "expected_products",
    "run",
    "command",
    "materials",
    "products",
    "byproducts",
    "environment",
    "return-value",
    "stdout",
    "stderr",
    "keyid",
    "keytype",
    "scheme",
    "keyval",
    "public",
    "method",
    "hashes",
    "subkeys",
    "sha256",
    "gitCommit",
    "subject",
    "predicateType",
    "predicate",
    "digest",
    "uri",
    "content",
    "https://in-toto.io/Statement/v1",
    "2030-01-01T00:00:00Z",
    "ab",
    "",
    ".",
    "..",
    "a/b",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(WORDS).prop_map(str::to_string),
        "[a-f0-9]{0,66}",
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 128, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(word(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn readers_never_panic(v in json_value()) {
        let _ = Layout::from_value(&v);
        let _ = Layout::from_value_with_default_expires(&v, Timestamp::from_unix(0).unwrap());
        let _ = Link::from_value(&v);
        let _ = Statement::from_value(&v);
        let _ = ResourceDescriptor::from_value(&v);
        if let Ok(content) = SignedContent::from_value(&v) {
            // Whatever reads must write back to something that reads the same.
            prop_assert_eq!(SignedContent::from_value(&content.to_value()).unwrap(), content);
        }
    }

    #[test]
    fn timestamps_never_panic(s in "[0-9TZ:-]{0,24}|\\PC{0,24}") {
        if let Ok(t) = Timestamp::parse(&s) {
            prop_assert_eq!(t.to_string(), s);
        }
    }
}
