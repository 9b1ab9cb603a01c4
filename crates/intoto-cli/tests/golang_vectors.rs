//! The in-toto-golang project's own test metadata (`spec-tests/in-toto-golang/`, see its
//! README) verified with `in-toto verify` from the Go project's PEM keys, as its
//! `TestInTotoVerifyPass` and `TestVerifySublayouts` do: each layout passes, and each fails with
//! the reason named once a link, the layout or the final product is tampered with or the wrong
//! key is given.
//!
//! These layouts are signed under in-toto-golang's (legacy) key ids, which the PEM key's
//! current id does not match: they pass only because a key loaded from PEM finds its
//! signature under either id.
//!
//! The vectors expire on 2030-06-03 (`dsse-only.root.layout`) and 2030-11-18 (the others), so
//! every verification here runs `--as-of` [`CLOCK`], inside their lifetime: the tests keep
//! passing after that date.
#![allow(clippy::unwrap_used)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

use crate::support::stderr;

/// Alice's key id as in-toto-golang computes it (with `keyid_hash_algorithms`): the id the
/// root layouts are signed under.
const ALICE_GO_KEYID: &str = "70ca5750c2eda80b18f41f4ec5f92146789b5d68dd09577be422a0159bd13680";
/// The `package` functionary of `demo.layout` (Go key id).
const PACKAGE_KEYID: &str = "d3ffd1086938b3698618adf088bf14b13db4c8ae19e4e78d73da49ee88492710";
/// The `clone-dsse` functionary of `dsse-only.root.layout` (Go key id).
const CLONE_KEYID: &str = "776a00e29f3559e0141b3b096f696abc6cfb0c657ab40f441132b345b08453f5";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests/in-toto-golang")
}

/// A scratch directory holding a copy of every vector (the demo layout's inspection unpacks
/// `foo.tar.gz` into the current directory).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(vectors()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The time the vectors are verified at (`--as-of`): before any of them expires.
const CLOCK: &str = "2026-06-01T00:00:00Z";

fn verify(dir: &Path, layout: &str, key: &str) -> Output {
    verify_at(dir, layout, key, CLOCK)
}

fn verify_at(dir: &Path, layout: &str, key: &str, time: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .current_dir(dir)
        .args(["verify", "--no-inspection-links", "--layout", layout])
        .args(["--verification-keys", key, "--as-of", time])
        .output()
        .unwrap()
}

fn assert_passes(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PASS"));
}

/// Exit code 1 with a first line that contains every one of `reasons`.
fn assert_fails(out: &Output, reasons: &[&str]) {
    let text = stderr(out);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(out.status.code(), Some(1), "{text}");
    for reason in reasons {
        assert!(first.contains(reason), "{reason:?} not in {first:?}");
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// Changes a Metablock link's recorded product digest without re-signing it.
fn tamper_metablock_product(path: &Path) {
    let mut mb = read_json(path);
    let products = mb["signed"]["products"].as_object_mut().unwrap();
    let digests = products.values_mut().next().unwrap();
    digests["sha256"] = Value::from("0".repeat(64));
    write_json(path, &mb);
}

/// Replaces a DSSE envelope's payload with the same JSON plus one more product, keeping the
/// signature.
fn tamper_envelope_payload(path: &Path) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut env = read_json(path);
    let mut payload: Value =
        serde_json::from_slice(&b64.decode(env["payload"].as_str().unwrap()).unwrap()).unwrap();
    payload["products"]["evil"] = serde_json::json!({"sha256": "0".repeat(64)});
    env["payload"] = Value::from(b64.encode(serde_json::to_vec(&payload).unwrap()));
    write_json(path, &env);
}

#[test]
fn the_go_demo_layout_verifies_with_alices_pem_key() {
    let dir = scratch();
    assert_passes(&verify(dir.path(), "demo.layout", "alice.pub"));
}

#[test]
fn the_go_dsse_demo_layout_verifies_with_alices_pem_key() {
    let dir = scratch();
    assert_passes(&verify(dir.path(), "demo.dsse.layout", "alice.pub"));
}

#[test]
fn the_go_dsse_only_layout_and_links_verify_with_alices_pem_key() {
    let dir = scratch();
    assert_passes(&verify(dir.path(), "dsse-only.root.layout", "alice.pub"));
}

#[test]
fn a_go_layout_checked_with_another_key_fails_naming_that_key() {
    let dir = scratch();
    // dan is a functionary of the demo layout, not its owner.
    let out = verify(dir.path(), "demo.layout", "dan.pub");
    assert_fails(&out, &["not signed by key", "no signature by key"]);
    assert!(!stderr(&out).contains(ALICE_GO_KEYID));
}

#[test]
fn a_tampered_go_link_fails_naming_its_key() {
    let dir = scratch();
    tamper_metablock_product(&dir.path().join("package.d3ffd108.link"));
    let out = verify(dir.path(), "demo.layout", "alice.pub");
    assert_fails(&out, &[PACKAGE_KEYID, "does not verify"]);
}

#[test]
fn a_tampered_go_dsse_layout_fails_its_signature_check() {
    let dir = scratch();
    tamper_envelope_payload(&dir.path().join("demo.dsse.layout"));
    let out = verify(dir.path(), "demo.dsse.layout", "alice.pub");
    assert_fails(&out, &["not signed by key", "does not verify"]);
}

#[test]
fn a_tampered_go_dsse_link_fails_naming_its_key() {
    let dir = scratch();
    tamper_envelope_payload(&dir.path().join("clone-dsse.776a00e2.link"));
    let out = verify(dir.path(), "dsse-only.root.layout", "alice.pub");
    assert_fails(&out, &[CLONE_KEYID, "does not verify"]);
}

#[test]
fn a_replaced_final_product_fails_the_go_demo_inspection_rules() {
    let dir = scratch();
    // Another archive in place of the packaged foo.tar.gz: the untar inspection's MATCH rule
    // no longer finds it among the package step's products, so DISALLOW refuses it.
    let status = Command::new("tar")
        .current_dir(dir.path())
        .args(["czf", "foo.tar.gz", "alice.pub"])
        .status()
        .unwrap();
    assert!(status.success());
    let out = verify(dir.path(), "demo.layout", "alice.pub");
    assert_fails(&out, &["untar", "foo.tar.gz"]);
}

/// The super layout with the sublayout step's links in `sub_layout.70ca5750/`, where Go's
/// `TestVerifySublayouts` puts them. The Go test checks only the sublayout (the super layout
/// is unsigned and expired in 2021); to verify the whole chain with the CLI, the test gives
/// it a later expiry and has alice sign it with her Go private key (PKCS#1 PEM).
fn super_chain(dir: &Path) {
    let sub = dir.join("sub_layout.70ca5750");
    fs::create_dir(&sub).unwrap();
    for link in ["write-code.b7d643de.link", "package.d3ffd108.link"] {
        fs::copy(dir.join(link), sub.join(link)).unwrap();
    }
    let mut layout = read_json(&dir.join("super.layout"));
    layout["signed"]["expires"] = Value::from("2030-11-18T16:06:36Z");
    write_json(&dir.join("super.layout"), &layout);
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .current_dir(dir)
        .args(["sign", "-f", "super.layout", "-k", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_go_super_layout_verifies_through_its_sublayout() {
    let dir = scratch();
    super_chain(dir.path());
    assert_passes(&verify(dir.path(), "super.layout", "alice.pub"));
}

#[test]
fn a_tampered_link_inside_the_go_sublayout_fails_naming_its_key() {
    let dir = scratch();
    super_chain(dir.path());
    tamper_metablock_product(&dir.path().join("sub_layout.70ca5750/package.d3ffd108.link"));
    let out = verify(dir.path(), "super.layout", "alice.pub");
    assert_fails(&out, &[PACKAGE_KEYID, "does not verify"]);
}

#[test]
fn sign_verify_finds_the_go_signature_from_the_pem_key() {
    let dir = scratch();
    for layout in ["demo.layout", "demo.dsse.layout", "dsse-only.root.layout"] {
        let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
            .current_dir(dir.path())
            .args(["sign", "--verify", "-f", layout, "-k", "alice.pub"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{layout}: {}", stderr(&out));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .current_dir(dir.path())
        .args(["sign", "--verify", "-f", "demo.layout", "-k", "grace.pub"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn the_go_demo_layout_is_expired_as_of_a_second_after_its_expiry() {
    let dir = scratch();
    let out = verify_at(
        dir.path(),
        "demo.layout",
        "alice.pub",
        "2030-11-18T16:06:37Z",
    );
    assert_fails(&out, &["expired", "2030-11-18T16:06:36Z"]);
    // At the very second it names, it is already expired (as the reference: expires <= now).
    let out = verify_at(
        dir.path(),
        "demo.layout",
        "alice.pub",
        "2030-11-18T16:06:36Z",
    );
    assert_fails(&out, &["expired"]);
    let out = verify_at(
        dir.path(),
        "demo.layout",
        "alice.pub",
        "2030-11-18T16:06:35Z",
    );
    assert_passes(&out);
}

#[test]
fn verifying_as_of_a_time_says_so_in_the_json_report() {
    let dir = scratch();
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .current_dir(dir.path())
        .args(["verify", "--no-inspection-links", "-l", "demo.layout"])
        .args(["-k", "alice.pub", "--as-of", CLOCK, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["warnings"][0],
        Value::from(format!(
            "verified as of {CLOCK} (--as-of), not at the current time"
        ))
    );
}

#[test]
fn an_as_of_time_that_is_not_utc_rfc3339_is_a_usage_error() {
    let dir = scratch();
    for bad in [
        "2026-06-01",
        "2026-06-01T00:00:00+01:00",
        "2026-02-30T00:00:00Z",
        "now",
    ] {
        let out = verify_at(dir.path(), "demo.layout", "alice.pub", bad);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("--as-of"), "{bad}: {}", stderr(&out));
    }
}
