//! The bundled example supply chain (`examples/attestations`): a classic link (checkout), a
//! SLSA provenance (build) and a test result (test) under one ITE-10/11 layout with CEL rules.
//! It verifies; four broken variants each fail with a precise first reason.
//!
//! `INTOTO_REGENERATE_EXAMPLE=1 cargo test -p intoto-attest --test integration example::` rewrites the
//! example (new keys, layout and attestations).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::{
    fs,
    path::{Path, PathBuf},
};

use intoto_attest::{
    AttestError, AttestationLayout, CompiledLayout, Evidence, Failure, Parameters, envelope_file,
    make_statement, sign_statement, verify,
};
use intoto_crypto::{KeyType, PrivateKey, sign_metablock};
use intoto_model::{
    ArtifactPath, DigestSet, Link, Metablock, ResourceDescriptor, StepName, hex,
    predicate::{SLSA_PROVENANCE_V1, TEST_RESULT_V0_1},
    pyjson,
};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const NOW: i64 = 1_750_000_000;
const SOURCES: [(&str, &str); 2] = [
    ("src/hello.c", "int main(void) { return 0; }\n"),
    (
        "src/Makefile",
        "app.bin: hello.c\n\tcc -o app.bin hello.c\n",
    ),
];
const BINARY: &[u8] = b"\x7fELF example binary\n";

fn example_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/attestations")
}

fn sha256(bytes: &[u8]) -> DigestSet {
    DigestSet::from_pairs([("sha256", hex::encode(&Sha256::digest(bytes)))]).unwrap()
}

fn key(name: &str) -> PrivateKey {
    PrivateKey::from_pem(
        &fs::read(example_dir().join("keys").join(name)).unwrap(),
        None,
    )
    .unwrap()
}

fn short(k: &PrivateKey) -> String {
    k.keyid().to_string()[..8].to_owned()
}

fn write_statement(
    dir: &Path,
    step: &str,
    key: &PrivateKey,
    subject: Vec<ResourceDescriptor>,
    predicate_type: &str,
    predicate: Value,
) {
    let st = make_statement(subject, predicate_type, predicate).unwrap();
    let env = sign_statement(&st, &[key]).unwrap();
    fs::write(
        dir.join(format!("{step}.{}.json", short(key))),
        envelope_file(&env),
    )
    .unwrap();
}

fn provenance(sources: &[ResourceDescriptor]) -> Value {
    json!({"buildDefinition": {"buildType": "https://example.com/make/v1",
        "externalParameters": {"target": "app.bin"},
        "resolvedDependencies": sources.iter().map(ResourceDescriptor::to_value).collect::<Vec<_>>()},
        "runDetails": {"builder": {"id": "https://example.com/builders/ci@v1"}}})
}

fn test_result(result: &str, failed: &[&str]) -> Value {
    json!({"result": result, "url": "https://example.com/ci/runs/42",
        "passedTests": ["unit", "integration"], "warnedTests": [], "failedTests": failed})
}

fn app(digest: DigestSet) -> Vec<ResourceDescriptor> {
    vec![ResourceDescriptor::named("app.bin", digest)]
}

/// Writes all three attestations into `dir` (the good chain).
fn write_attestations(dir: &Path, alice: &PrivateKey, builder: &PrivateKey) {
    let mut link = Link::new(StepName::new("checkout").unwrap());
    link.command = vec![
        "git".into(),
        "clone".into(),
        "https://example.com/hello.git".into(),
    ];
    link.byproducts.return_value = Some(0);
    let sources: Vec<ResourceDescriptor> = SOURCES
        .iter()
        .map(|(p, c)| {
            link.products
                .insert(ArtifactPath::new(*p).unwrap(), sha256(c.as_bytes()));
            ResourceDescriptor::named(*p, sha256(c.as_bytes()))
        })
        .collect();
    let mut mb = Metablock::new(link.to_value());
    sign_metablock(&mut mb, alice).unwrap();
    fs::write(
        dir.join(format!("checkout.{}.link", short(alice))),
        pyjson::metablock_file(&mb.to_value()),
    )
    .unwrap();
    write_statement(
        dir,
        "build",
        builder,
        app(sha256(BINARY)),
        SLSA_PROVENANCE_V1,
        provenance(&sources),
    );
    write_statement(
        dir,
        "test",
        alice,
        app(sha256(BINARY)),
        TEST_RESULT_V0_1,
        test_result("PASSED", &[]),
    );
}

fn functionary(k: &PrivateKey) -> (String, Value) {
    let id = k.keyid().to_string();
    (
        id.clone(),
        json!({"keyType": "ed25519", "scheme": "ed25519",
        "keyVal": {"public": k.public_key().record().keyval.public}, "keyID": id}),
    )
}

fn regenerate() {
    let dir = example_dir();
    let alice = PrivateKey::generate(KeyType::Ed25519).unwrap();
    let builder = PrivateKey::generate(KeyType::Ed25519).unwrap();
    for (name, k) in [("alice", &alice), ("builder", &builder)] {
        fs::write(dir.join("keys").join(name), k.to_pkcs8_pem(None).unwrap()).unwrap();
        fs::write(
            dir.join("keys").join(format!("{name}.pub")),
            k.public_key().to_pem().unwrap(),
        )
        .unwrap();
    }
    let (a, b) = (alice.keyid().to_string(), builder.keyid().to_string());
    let layout = format!(
        r#"# Example ITE-10/11 layout: a classic checkout link, a SLSA provenance for the build and a
# test result, chained by artifact rules and checked with CEL attribute rules.
expires: "2100-01-01T00:00:00Z"
functionaries:
{fa}
{fb}
steps:
  - name: checkout
    expectedMaterials:
      - "DISALLOW *"
    expectedProducts:
      - "CREATE src/*"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/link/v0.3"
        expectedAttributes:
          - rule: "predicate.command[0] == 'git'"
          - rule: "byproducts['return-value'] == 0"
        functionaries: ["{a}"]
  - name: build
    expectedMaterials:
      - "MATCH src/* WITH products FROM checkout"
      - "DISALLOW *"
    expectedProducts:
      - "CREATE app.bin"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://slsa.dev/provenance/v1"
        expectedAttributes:
          - rule: "predicate.buildDefinition.buildType == 'https://example.com/make/v1'"
          - rule: "predicate.runDetails.builder.id.startsWith('https://example.com/builders/')"
          - rule: "predicate.buildDefinition.externalParameters.target == 'app.bin'"
        functionaries: ["{b}"]
  - name: test
    expectedMaterials:
      - "MATCH app.bin WITH products FROM build"
      - "DISALLOW *"
    expectedPredicates:
      - predicateType: "https://in-toto.io/attestation/test-result/v0.1"
        expectedAttributes:
          - rule: "predicate.result == 'PASSED'"
          - rule: "size(predicate.failedTests) == 0"
          - rule: "predicate.url.startsWith('https://example.com/ci/')"
            allowIfNoClaim: true
        functionaries: ["{a}"]
"#,
        fa = yaml_functionary(&alice),
        fb = yaml_functionary(&builder),
    );
    fs::write(dir.join("layout.yml"), layout).unwrap();
    let att = dir.join("attestations");
    for e in fs::read_dir(&att).unwrap() {
        fs::remove_file(e.unwrap().path()).unwrap();
    }
    write_attestations(&att, &alice, &builder);
}

fn yaml_functionary(k: &PrivateKey) -> String {
    let (id, v) = functionary(k);
    format!(
        "  {id}:\n    keyType: ed25519\n    scheme: ed25519\n    keyVal:\n      public: \"{}\"\n    keyID: \"{id}\"",
        v["keyVal"]["public"].as_str().unwrap()
    )
}

fn run(dir: &Path) -> Result<intoto_attest::Report, AttestError> {
    let layout =
        AttestationLayout::from_yaml(&fs::read(example_dir().join("layout.yml")).unwrap())?;
    let compiled = CompiledLayout::compile(&layout, &Parameters::default())?;
    let evidence = Evidence::load_dir(dir, &compiled.keys)?;
    verify(&compiled, &evidence, NOW)
}

/// A copy of the good attestations with `change` applied.
fn variant(change: impl FnOnce(&Path, &PrivateKey, &PrivateKey)) -> Failure {
    let tmp = tempfile::tempdir().unwrap();
    for e in fs::read_dir(example_dir().join("attestations")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
    }
    change(tmp.path(), &key("alice"), &key("builder"));
    match run(tmp.path()) {
        Err(AttestError::Verification(f)) => *f,
        other => panic!("expected a verification failure, got {other:?}"),
    }
}

#[test]
fn example_verifies() {
    if std::env::var_os("INTOTO_REGENERATE_EXAMPLE").is_some() {
        regenerate();
    }
    let report = run(&example_dir().join("attestations")).unwrap();
    assert_eq!(report.accepted.len(), 3, "{report:?}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn wrong_predicate_type_fails() {
    let f = variant(|dir, alice, _| {
        write_statement(
            dir,
            "test",
            alice,
            app(sha256(BINARY)),
            "https://in-toto.io/attestation/test-result/v0.2",
            test_result("PASSED", &[]),
        );
    });
    let text = f.to_string();
    assert!(
        matches!(f, Failure::ThresholdNotMet { ref step, .. } if step == "test"),
        "{text}"
    );
    assert!(
        text.contains("has predicate type https://in-toto.io/attestation/test-result/v0.2"),
        "{text}"
    );
}

#[test]
fn false_attribute_fails_naming_rule_step_and_file() {
    let f = variant(|dir, alice, _| {
        write_statement(
            dir,
            "test",
            alice,
            app(sha256(BINARY)),
            TEST_RESULT_V0_1,
            test_result("FAILED", &["integration"]),
        );
    });
    match &f {
        Failure::AttributeFalse {
            step, rule, file, ..
        } => {
            assert_eq!(step, "test");
            assert_eq!(rule, "predicate.result == 'PASSED'");
            assert!(file.starts_with("test."), "{file}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn missing_functionary_signature_fails() {
    let f = variant(|dir, alice, builder| {
        fs::remove_file(dir.join(format!("build.{}.json", short(builder)))).unwrap();
        let sources: Vec<ResourceDescriptor> = SOURCES
            .iter()
            .map(|(p, c)| ResourceDescriptor::named(*p, sha256(c.as_bytes())))
            .collect();
        write_statement(
            dir,
            "build",
            alice,
            app(sha256(BINARY)),
            SLSA_PROVENANCE_V1,
            provenance(&sources),
        );
    });
    let text = f.to_string();
    assert!(
        matches!(f, Failure::ThresholdNotMet { ref step, found: 0, .. } if step == "build"),
        "{text}"
    );
    assert!(text.contains("not by an authorized functionary"), "{text}");
}

#[test]
fn subject_digest_mismatch_fails_with_both_digests() {
    let f = variant(|dir, alice, _| {
        write_statement(
            dir,
            "test",
            alice,
            app(sha256(b"another binary")),
            TEST_RESULT_V0_1,
            test_result("PASSED", &[]),
        );
    });
    let text = f.to_string();
    assert!(
        matches!(f, Failure::ArtifactRules { ref step, .. } if step == "test"),
        "{text}"
    );
    assert!(text.contains("app.bin has digest sha256:"), "{text}");
    assert!(text.contains("in the products of build"), "{text}");
}
