//! `in-toto sign` and `in-toto keygen` end to end: exit codes and first-line messages for every
//! outcome, on vectors signed by the reference (`spec-tests/`).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use crate::support::{in_toto as bin, stderr};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests")
}

fn signed(name: &str) -> PathBuf {
    vectors().join("signed").join(name)
}

fn key(name: &str) -> PathBuf {
    vectors().join("keys").join(name)
}

fn verify(file: &Path, keys: &[PathBuf]) -> Output {
    bin()
        .arg("sign")
        .arg("--verify")
        .arg("-f")
        .arg(file)
        .arg("-k")
        .args(keys)
        .output()
        .unwrap()
}

const ED25519_KEYID: &str = "6f0155bcdee9bf8db0ee0947ee279704f5b67f93fc4aed868effb251d6b0f55e";

#[test]
fn reference_signed_metadata_verifies_for_every_key_type_and_wrapper() {
    for key_name in ["ed25519", "rsa3072", "ecdsa-p256", "ecdsa-p384"] {
        for wrapper in ["metablock", "dsse"] {
            for kind in ["link", "layout"] {
                let file = signed(&format!("{key_name}.{wrapper}.{kind}.json"));
                let out = verify(&file, &[key(&format!("{key_name}.pub"))]);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}: {}",
                    file.display(),
                    stderr(&out)
                );
            }
        }
    }
}

#[test]
fn tampered_payload_fails_with_exit_1_naming_the_key() {
    for wrapper in ["metablock", "dsse"] {
        let out = verify(
            &signed(&format!("ed25519.{wrapper}.link.tampered.json")),
            &[key("ed25519.pub")],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("signature by key {ED25519_KEYID} does not verify")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn wrong_key_fails_with_exit_1_naming_the_key() {
    let out = verify(
        &signed("ed25519.metablock.layout.wrong-key.json"),
        &[key("ed25519.pub")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("no signature by key {ED25519_KEYID}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn truncated_signature_fails_with_exit_1_naming_the_key() {
    for wrapper in ["metablock", "dsse"] {
        let out = verify(
            &signed(&format!("rsa3072.{wrapper}.link.truncated-sig.json")),
            &[key("rsa3072.pub")],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("signature by key "),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn every_passed_key_must_have_signed() {
    let file = signed("ed25519.metablock.layout.two-signatures.json");
    let both = verify(&file, &[key("ed25519.pub"), key("ed25519-alt.pub")]);
    assert_eq!(both.status.code(), Some(0), "{}", stderr(&both));
    let extra = verify(&file, &[key("ed25519.pub"), key("ecdsa-p256.pub")]);
    assert_eq!(extra.status.code(), Some(1), "{}", stderr(&extra));
}

#[test]
fn malformed_metadata_is_exit_2_with_the_json_path() {
    let out = verify(
        &signed("ed25519.dsse.link.missing-name.json"),
        &[key("ed25519.pub")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("payload.name: missing field"),
        "{}",
        stderr(&out)
    );

    let out = verify(
        &signed("ed25519.metablock.link.duplicate-key-first-valid.json"),
        &[key("ed25519.pub")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("duplicate object key \"name\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_file_is_exit_2_naming_it() {
    let out = verify(Path::new("/nonexistent/x.link"), &[key("ed25519.pub")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read '/nonexistent/x.link'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gpg_verification_needs_key_ids() {
    let out = bin()
        .args(["sign", "--verify", "-f"])
        .arg(signed("ed25519.metablock.link.json"))
        .arg("--gpg")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at least one key id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gpg_signing_of_dsse_is_refused() {
    let out = bin()
        .args(["sign", "-f"])
        .arg(signed("ed25519.dsse.layout.json"))
        .args(["--gpg", "ABCDEF", "-o", "/nonexistent/out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not available for DSSE"),
        "{}",
        stderr(&out)
    );
}

/// Signs a layout through a throw-away GnuPG keyring and verifies it with the key exported from
/// the keyring. Skipped (with a message) where `gpg` is not installed.
#[test]
fn gpg_sign_and_verify_round_trip() {
    if Command::new("gpg").arg("--version").output().is_err() {
        eprintln!("skipped: gpg is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let generated = Command::new("gpg")
        .arg("--homedir")
        .arg(home.path())
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "in-toto test <test@example.invalid>",
            "ed25519",
            "sign",
            "never",
        ])
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", stderr(&generated));
    let list = Command::new("gpg")
        .arg("--homedir")
        .arg(home.path())
        .args(["--with-colons", "--list-keys"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&list.stdout).into_owned();
    let fpr = listing
        .lines()
        .find_map(|l| {
            l.strip_prefix("fpr:")
                .map(|r| r.trim_matches(':').to_lowercase())
        })
        .unwrap();
    let out_path = home.path().join("root.layout");
    let out = bin()
        .args(["sign", "-f"])
        .arg(signed("ed25519.metablock.layout.json"))
        .arg("--gpg")
        .arg("--gpg-home")
        .arg(home.path())
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let check = |id: &str| {
        bin()
            .args(["sign", "--verify", "-f"])
            .arg(&out_path)
            .args(["--gpg", id, "--gpg-home"])
            .arg(home.path())
            .output()
            .unwrap()
    };
    let ok = check(&fpr);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // Tampering is caught and the message names the key.
    let text = std::fs::read_to_string(&out_path).unwrap().replacen(
        "\"readme\": \"",
        "\"readme\": \"x",
        1,
    );
    std::fs::write(&out_path, text).unwrap();
    let bad = check(&fpr);
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains(&fpr[fpr.len() - 16..]) || stderr(&bad).contains(&fpr),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn usage_errors_exit_2() {
    // Neither --key nor --gpg.
    let out = bin().args(["sign", "-f", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // --verify with --output.
    let out = bin()
        .args(["sign", "-f", "x", "-k", "y", "--verify", "-o", "z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn signs_a_link_to_the_reference_file_name_and_it_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["sign", "-f"])
        .arg(signed("ecdsa-p384.metablock.link.json"))
        .arg("-k")
        .arg(key("ed25519.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(written.len(), 1);
    let name = written[0].to_string_lossy().into_owned();
    assert!(
        name.ends_with(&format!(".{}.link", &ED25519_KEYID[..8])),
        "{name}"
    );
    let out = verify(&dir.path().join(&name), &[key("ed25519.pub")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_link_takes_exactly_one_key_and_no_append() {
    let link = signed("ed25519.metablock.link.json");
    let out = bin()
        .args(["sign", "-f"])
        .arg(&link)
        .arg("-k")
        .arg(key("ed25519.pem"))
        .arg(key("ed25519-alt.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exactly one key"), "{}", stderr(&out));
    let out = bin()
        .args(["sign", "-a", "-f"])
        .arg(&link)
        .arg("-k")
        .arg(key("ed25519.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--append is only available for layouts"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn append_keeps_existing_layout_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("root.layout");
    for (extra, key_name) in [(None, "ed25519.pem"), (Some("-a"), "ecdsa-p256.pem")] {
        let mut cmd = bin();
        cmd.args(["sign", "-f"]);
        cmd.arg(if extra.is_some() {
            out_path.clone()
        } else {
            signed("rsa3072.dsse.layout.json")
        });
        cmd.arg("-k").arg(key(key_name)).arg("-o").arg(&out_path);
        cmd.args(extra);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = verify(&out_path, &[key("ed25519.pub"), key("ecdsa-p256.pub")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The reference's own signature was replaced by the first signing (no --append).
    let out = verify(&out_path, &[key("rsa3072.pub")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn encrypted_key_without_prompt_says_to_pass_prompt() {
    let out = bin()
        .args(["sign", "-f"])
        .arg(signed("ed25519.metablock.layout.json"))
        .arg("-k")
        .arg(key("ed25519.enc.pem"))
        .arg("-o")
        .arg(std::env::temp_dir().join("intoto-cli-test-unused.layout"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is encrypted; pass --prompt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn keygen_writes_a_pair_that_signs_and_verifies_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["ed25519", "ecdsa-p256", "ecdsa-p384"] {
        let private = dir.path().join(kind);
        let out = bin()
            .args(["keygen", "-t", kind])
            .arg(&private)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let keyid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(keyid.len(), 64);

        let output = dir.path().join(format!("{kind}.layout"));
        let out = bin()
            .args(["sign", "-f"])
            .arg(signed("ed25519.metablock.layout.json"))
            .arg("-k")
            .arg(&private)
            .arg("-o")
            .arg(&output)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = verify(&output, &[dir.path().join(format!("{kind}.pub"))]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = std::fs::read_to_string(&output).unwrap();
        assert!(text.contains(&format!("\"keyid\": \"{keyid}\"")));

        let again = bin()
            .args(["keygen", "-t", kind])
            .arg(&private)
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(2));
        assert!(
            stderr(&again).contains("already exists"),
            "{}",
            stderr(&again)
        );
    }
}
