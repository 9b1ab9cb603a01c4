//! Creation produces exactly the reference's signed bytes.
//!
//! Every expected string below was printed by the Python reference (in-toto 3.1.0,
//! securesystemslib 1.6) from `/work/main/.venv`, with
//! `print(<obj>.signable_bytes.decode())`, where `<obj>` is the Python expression in each
//! test's comment (`from in_toto.models.link import Link`,
//! `from in_toto.models.layout import Layout, Step, Inspection`).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use intoto_model::{
    ArtifactPath, Byproducts, DigestSet, Inspection, KeyId, KeyVal, Layout, LayoutKey, Link,
    PublicKeyRecord, Step, StepName, Timestamp, canonical,
};

fn name(s: &str) -> StepName {
    StepName::new(s).unwrap()
}

fn bytes(v: &serde_json::Value) -> String {
    String::from_utf8(canonical::encode(v).unwrap()).unwrap()
}

#[test]
fn empty_link() {
    // Link(name='x')
    assert_eq!(
        bytes(&Link::new(name("x")).to_value()),
        r#"{"_type":"link","byproducts":{},"command":[],"environment":{},"materials":{},"name":"x","products":{}}"#
    );
}

#[test]
fn empty_layout() {
    // Layout(expires="2030-01-01T00:00:00Z")
    let layout = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
    assert_eq!(
        bytes(&layout.to_value()),
        r#"{"_type":"layout","expires":"2030-01-01T00:00:00Z","inspect":[],"keys":{},"readme":"","steps":[]}"#
    );
}

fn rules(rules: &[&[&str]]) -> Vec<Vec<String>> {
    rules
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn populated_layout() {
    // key = {"keyid": "ab"*32, "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "cd"*32}}
    // Layout(expires="2030-01-01T00:00:00Z", readme="r\u00e9\"", keys={"ab"*32: key},
    //   steps=[Step(name="build", threshold=2, pubkeys=["ab"*32], expected_command=["make", "all"],
    //     expected_materials=[["ALLOW", "src/*"], ["DISALLOW", "*"]], expected_products=[["CREATE", "out"]])],
    //   inspect=[Inspection(name="check", run=["ls", "-l"],
    //     expected_materials=[["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"]])])
    let id = KeyId::new("ab".repeat(32)).unwrap();
    let key = PublicKeyRecord {
        keyid: Some(id.clone()),
        keytype: "ed25519".into(),
        scheme: "ed25519".into(),
        keyval: KeyVal {
            public: "cd".repeat(32),
            private: None,
            certificate: None,
        },
        keyid_hash_algorithms: None,
        extra: BTreeMap::new(),
    };
    let mut layout = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
    layout.readme = "ré\"".into();
    layout.keys.insert(id.clone(), LayoutKey::Standard(key));
    let mut step = Step::new(name("build"));
    step.threshold = 2;
    step.pubkeys = vec![id];
    step.expected_command = vec!["make".into(), "all".into()];
    step.expected_materials = rules(&[&["ALLOW", "src/*"], &["DISALLOW", "*"]]);
    step.expected_products = rules(&[&["CREATE", "out"]]);
    layout.steps.push(step);
    let mut inspection = Inspection::new(name("check"), vec!["ls".into(), "-l".into()]);
    inspection.expected_materials = rules(&[&["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"]]);
    layout.inspect.push(inspection);
    layout.validate().unwrap();
    assert_eq!(
        bytes(&layout.to_value()),
        concat!(
            r#"{"_type":"layout","expires":"2030-01-01T00:00:00Z","inspect":[{"_type":"inspection","expected_materials":[["MATCH","*","WITH","PRODUCTS","FROM","build"]],"expected_products":[],"name":"check","run":["ls","-l"]}],"#,
            r#""keys":{"abababababababababababababababababababababababababababababababab":{"keyid":"abababababababababababababababababababababababababababababababab","keytype":"ed25519","keyval":{"public":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"},"scheme":"ed25519"}},"readme":"ré\"","#,
            r#""steps":[{"_type":"step","expected_command":["make","all"],"expected_materials":[["ALLOW","src/*"],["DISALLOW","*"]],"expected_products":[["CREATE","out"]],"name":"build","pubkeys":["abababababababababababababababababababababababababababababababab"],"threshold":2}]}"#
        )
    );
}

#[test]
fn populated_link() {
    // Link(name="build", command=["make"], materials={"a.c": {"sha256": "11"*32}},
    //   products={"dir/b": {"sha256": "22"*32}},
    //   byproducts={"stdout": "ok\n", "stderr": "", "return-value": 0})
    let mut link = Link::new(name("build"));
    link.command = vec!["make".into()];
    link.materials.insert(
        ArtifactPath::new("a.c").unwrap(),
        DigestSet::from_pairs([("sha256", "11".repeat(32))]).unwrap(),
    );
    link.products.insert(
        ArtifactPath::new("dir/b").unwrap(),
        DigestSet::from_pairs([("sha256", "22".repeat(32))]).unwrap(),
    );
    link.byproducts = Byproducts {
        stdout: Some("ok\n".into()),
        stderr: Some(String::new()),
        return_value: Some(0),
        other: Default::default(),
    };
    assert_eq!(
        bytes(&link.to_value()),
        concat!(
            r#"{"_type":"link","byproducts":{"return-value":0,"stderr":"","stdout":"ok"#,
            "\n",
            r#""},"command":["make"],"environment":{},"materials":{"a.c":{"sha256":"1111111111111111111111111111111111111111111111111111111111111111"}},"name":"build","products":{"dir/b":{"sha256":"2222222222222222222222222222222222222222222222222222222222222222"}}}"#
        )
    );
}
