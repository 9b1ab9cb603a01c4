//! `in-toto attest`, `in-toto inspect` and `in-toto verify-attestations` end to end: exit codes
//! and what the output names.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    path::{Path, PathBuf},
    process::Output,
};

use crate::support::in_toto as bin;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_bundled_attestation_example_verifies() {
    let example = root().join("examples/attestations");
    let out = bin()
        .arg("verify-attestations")
        .arg("-l")
        .arg(example.join("layout.yml"))
        .arg("-a")
        .arg(example.join("attestations"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn the_bundled_attestation_example_is_expired_as_of_its_expiry() {
    let example = root().join("examples/attestations");
    let verify_as_of = |time: &str| {
        bin()
            .arg("verify-attestations")
            .arg("-l")
            .arg(example.join("layout.yml"))
            .arg("-a")
            .arg(example.join("attestations"))
            .args(["--as-of", time])
            .output()
            .unwrap()
    };
    // The layout expires at 2100-01-01T00:00:00Z.
    let out = verify_as_of("2100-01-01T00:00:00Z");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("expired"), "{}", text(&out));
    let out = verify_as_of("2099-12-31T23:59:59Z");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("verified as of 2099-12-31T23:59:59Z (--as-of)"));
}

#[test]
fn verify_attestations_without_evidence_fails() {
    let example = root().join("examples/attestations");
    let empty = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("verify-attestations")
        .arg("-l")
        .arg(example.join("layout.yml"))
        .arg("-a")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn attest_then_inspect_shows_subject_and_predicate_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"binary").unwrap();
    std::fs::write(
        dir.path().join("result.json"),
        br#"{"result": "PASSED", "configuration": [], "passedTests": ["t1"]}"#,
    )
    .unwrap();
    let key = root().join("spec-tests/keys/ed25519.pem");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "attest",
            "-t",
            "https://in-toto.io/attestation/test-result/v0.1",
        ])
        .args(["-p", "result.json", "-s", "app.bin", "--signing-key"])
        .arg(&key)
        .args(["-o", "test.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = bin()
        .current_dir(dir.path())
        .args(["inspect", "test.json"])
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("app.bin"), "{shown}");
    assert!(
        shown.contains("https://in-toto.io/attestation/test-result/v0.1"),
        "{shown}"
    );
}

#[test]
fn inspect_reports_malformed_input_precisely() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        b"{\"signed\": {\"_type\": \"link\"}, \"signatures\": [}",
    )
    .unwrap();
    let out = bin().arg("inspect").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("line 1"), "{}", text(&out));
}
