//! The in-toto attestation-verifier's own layouts and test data verify (skipped when the
//! shared vectors are absent), and its layouts fail where they should.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::{collections::BTreeMap, path::PathBuf};

use intoto_attest::{
    AttestError, AttestationLayout, CompiledLayout, Evidence, Failure, Parameters, verify,
};

fn vectors() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/attestation-verifier");
    dir.is_dir().then_some(dir)
}

const NOW: i64 = 1_700_000_000;

fn run(
    layout: &str,
    data: &str,
    params: Option<&str>,
) -> Result<intoto_attest::Report, AttestError> {
    let dir = vectors().unwrap();
    let layout = AttestationLayout::from_yaml(&std::fs::read(dir.join(layout)).unwrap())?;
    let params = match params {
        Some(p) => Parameters::from_json(&std::fs::read(dir.join(p)).unwrap())?,
        None => Parameters::default(),
    };
    let compiled = CompiledLayout::compile(&layout, &params)?;
    let evidence = Evidence::load_dir(&dir.join(data), &compiled.keys)?;
    verify(&compiled, &evidence, NOW)
}

#[test]
fn prototype_layout_verifies_its_test_data() {
    if vectors().is_none() {
        eprintln!("skipped: ../shared/vectors/attestation-verifier absent");
        return;
    }
    let report = run("layouts/layout.yml", "test-data", None).unwrap();
    assert_eq!(report.accepted.len(), 3, "{report:?}");
    assert!(report.skipped.is_empty());
}

#[test]
fn npm_layout_verifies_with_parameters() {
    if vectors().is_none() {
        return;
    }
    let report = run(
        "layouts/layout-npm.yml",
        "test-data-npm",
        Some("parameters/npm-sigstore.json"),
    )
    .unwrap();
    assert_eq!(report.accepted.len(), 2, "{report:?}");
}

#[test]
fn npm_layout_without_parameters_fails_on_an_attribute() {
    if vectors().is_none() {
        return;
    }
    let err = run("layouts/layout-npm.yml", "test-data-npm", None).unwrap_err();
    // The material rule with an unsubstituted `{github_repository}` does not consume the
    // source material, so DISALLOW * is the first reason.
    match err {
        AttestError::Verification(f) => match *f {
            Failure::ArtifactRules { ref step, .. } => assert_eq!(step, "build"),
            other => panic!("{other}"),
        },
        other => panic!("{other}"),
    }
}

#[test]
fn wrong_key_means_no_claims() {
    let Some(dir) = vectors() else { return };
    let layout =
        AttestationLayout::from_yaml(&std::fs::read(dir.join("layouts/layout.yml")).unwrap())
            .unwrap();
    let compiled = CompiledLayout::compile(&layout, &Parameters::default()).unwrap();
    let evidence = Evidence::load_dir(&dir.join("test-data"), &BTreeMap::new()).unwrap();
    let err = verify(&compiled, &evidence, NOW).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("step \"clone\": no attestation signed by a layout functionary; clone.fe1c6281.json is signed by fe1c6281"), "{text}");
}
