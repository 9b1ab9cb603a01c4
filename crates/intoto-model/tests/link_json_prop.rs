//! Property: a link written straight from its type ([`Link::to_json`]) is byte for byte the
//! text of its `Value` form, in all three spellings (canonical, Metablock file, DSSE payload).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{
    ArtifactPath, Digest, DigestSet, Link, PythonStyle, StepName, canonical, pyjson,
};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Any Unicode but NUL (refused in names), with quotes, backslashes, control and astral
/// characters, which the three spellings escape differently.
fn text() -> impl Strategy<Value = String> {
    "[^\\x00]{1,10}"
}

fn digests() -> impl Strategy<Value = DigestSet> {
    ("[0-9a-f]{64}", proptest::option::of("[0-9a-f]{128}")).prop_map(|(sha256, sha512)| {
        let mut set = DigestSet::new();
        set.insert("sha256", Digest::new(sha256).unwrap()).unwrap();
        if let Some(hex) = sha512 {
            set.insert("sha512", Digest::new(hex).unwrap()).unwrap();
        }
        set
    })
}

fn artifacts() -> impl Strategy<Value = Vec<(String, DigestSet)>> {
    prop::collection::vec((text(), digests()), 0..12)
}

fn link() -> impl Strategy<Value = Link> {
    (
        "[a-z][a-z0-9-]{0,8}",
        prop::collection::vec(text(), 0..4),
        artifacts(),
        artifacts(),
        proptest::option::of(text()),
        proptest::option::of(any::<i64>()),
        prop::collection::btree_map(text(), text(), 0..3),
    )
        .prop_map(|(name, command, materials, products, stdout, rv, extra)| {
            let mut link = Link::new(StepName::new(name).unwrap());
            link.command = command;
            for (path, d) in materials {
                link.materials.insert(ArtifactPath::new(path).unwrap(), d);
            }
            for (path, d) in products {
                link.products.insert(ArtifactPath::new(path).unwrap(), d);
            }
            link.byproducts.stdout = stdout;
            link.byproducts.return_value = rv;
            for (k, v) in extra {
                // Unknown top-level fields, sorted among the modelled ones.
                if Link::new(StepName::new("x").unwrap())
                    .to_value()
                    .get(&k)
                    .is_none()
                {
                    link.extra.insert(k, json!({ "v": v }));
                }
            }
            link.environment
                .insert("nested".into(), json!([1, {"b": null, "a": "é"}]));
            link
        })
}

proptest! {
    #[test]
    fn typed_writer_equals_value_writer(link in link()) {
        let value = link.to_value();
        prop_assert_eq!(
            link.to_canonical_json().unwrap(),
            canonical::encode(&value).unwrap()
        );
        prop_assert_eq!(link.to_python_json(PythonStyle::Compact), pyjson::compact_sorted(&value));
        let signatures = json!([{"keyid": "ab", "sig": "cd"}]);
        let whole = pyjson::metablock_file(&json!({"signatures": signatures, "signed": value}));
        let body = link.to_python_json(PythonStyle::MetablockSigned);
        prop_assert_eq!(pyjson::metablock_file_from_parts(&signatures, &body), whole);
    }
}

#[test]
fn a_value_with_no_extra_fields_has_no_extra_keys() {
    // The generator filters extra keys against the modelled ones; make sure that list is real.
    let v = Link::new(StepName::new("x").unwrap()).to_value();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "_type",
            "byproducts",
            "command",
            "environment",
            "materials",
            "name",
            "products"
        ]
    );
    assert!(matches!(v.get("materials"), Some(Value::Object(m)) if m.is_empty()));
}
