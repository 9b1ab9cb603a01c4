//! GnuPG signing of `in-toto run -g` and `record start|stop -g` with throw-away keyrings
//! (Ed25519 and RSA primary keys in temporary homes): file names after the signing key,
//! `sign --verify -g`, and a full `in-toto verify` of a layout whose functionary key is the
//! GnuPG key. Every test is skipped (with a message) where `gpg` is not installed.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use intoto_crypto::gpg::GpgProgram;
use intoto_model::LayoutKey;
use serde_json::json;

use crate::support::stderr;

/// A keyring in a temporary directory holding one primary signing key.
struct Keyring {
    home: tempfile::TempDir,
    fpr: String,
}

impl Keyring {
    fn home(&self) -> &Path {
        self.home.path()
    }

    fn keyid8(&self) -> &str {
        &self.fpr[..8]
    }
}

impl Drop for Keyring {
    /// Stops the agent gpg started for this home.
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(self.home.path())
            .args(["--kill", "all"])
            .output();
    }
}

fn have_gpg() -> bool {
    let ok = Command::new("gpg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: gpg is not installed");
    }
    ok
}

fn gpg(home: &Path, args: &[&str]) -> Output {
    Command::new("gpg")
        .arg("--homedir")
        .arg(home)
        .args(args)
        .output()
        .unwrap()
}

/// `algo`: `ed25519` or `rsa3072`.
fn keyring(algo: &str) -> Keyring {
    let home = tempfile::tempdir().unwrap();
    let out = gpg(
        home.path(),
        &[
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "x <x@example.invalid>",
            algo,
            "sign",
            "never",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = gpg(home.path(), &["--with-colons", "--list-keys"]);
    let fpr = String::from_utf8_lossy(&list.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("fpr:")
                .map(|r| r.trim_matches(':').to_lowercase())
        })
        .unwrap();
    Keyring { home, fpr }
}

fn bin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .args(args)
        .current_dir(dir)
        .env_remove("GNUPG")
        .output()
        .unwrap()
}

fn home_str(k: &Keyring) -> &str {
    k.home().to_str().unwrap()
}

fn verify_link(dir: &Path, link: &str, k: &Keyring) -> Output {
    bin(
        dir,
        &[
            "sign",
            "--verify",
            "-f",
            link,
            "-g",
            &k.fpr,
            "--gpg-home",
            home_str(k),
        ],
    )
}

fn work_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("src.c"), b"int main;").unwrap();
    dir
}

#[test]
fn run_signs_with_the_default_and_a_named_key() {
    if !have_gpg() {
        return;
    }
    for algo in ["ed25519", "rsa3072"] {
        let k = keyring(algo);
        let dir = work_dir();
        let d = dir.path();
        // Default key (no id), then the key named by its fingerprint.
        for (name, id) in [("a", None), ("b", Some(k.fpr.as_str()))] {
            let mut args = vec!["run", "-n", name, "-m", "src.c", "-g"];
            args.extend(id);
            args.extend(["--gpg-home", home_str(&k), "--", "sh", "-c", "echo hi"]);
            let out = bin(d, &args);
            assert_eq!(out.status.code(), Some(0), "{algo}: {}", stderr(&out));
            let link = format!("{name}.{}.link", k.keyid8());
            assert!(d.join(&link).exists(), "{algo}: no {link}");
            let ok = verify_link(d, &link, &k);
            assert_eq!(ok.status.code(), Some(0), "{algo}: {}", stderr(&ok));
            // The signature is the reference's GnuPG signature object.
            let v: serde_json::Value =
                serde_json::from_slice(&fs::read(d.join(&link)).unwrap()).unwrap();
            let sig = &v["signatures"][0];
            assert_eq!(sig["keyid"], k.fpr.as_str(), "{algo}");
            assert!(sig["other_headers"].is_string(), "{algo}: {sig}");
        }
        // Tampering is caught.
        let link = d.join(format!("a.{}.link", k.keyid8()));
        let text = fs::read_to_string(&link)
            .unwrap()
            .replacen("\"src.c\"", "\"src.h\"", 1);
        fs::write(&link, text).unwrap();
        let bad = verify_link(d, link.to_str().unwrap(), &k);
        assert_eq!(bad.status.code(), Some(1), "{algo}: {}", stderr(&bad));
    }
}

#[test]
fn record_start_stop_with_gpg() {
    if !have_gpg() {
        return;
    }
    for algo in ["ed25519", "rsa3072"] {
        let k = keyring(algo);
        let dir = work_dir();
        let d = dir.path();
        let home = home_str(&k);
        // Start with the named key, stop with the default key (found through the glob).
        let out = bin(
            d,
            &[
                "record",
                "start",
                "-n",
                "edit",
                "-m",
                "src.c",
                "-g",
                &k.fpr,
                "--gpg-home",
                home,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{algo}: {}", stderr(&out));
        let unfinished = d.join(format!(".edit.{}.link-unfinished", k.keyid8()));
        assert!(unfinished.exists(), "{algo}");
        fs::write(d.join("out.o"), b"obj").unwrap();
        let out = bin(
            d,
            &[
                "record",
                "stop",
                "-n",
                "edit",
                "-p",
                "out.o",
                "-g",
                "--gpg-home",
                home,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{algo}: {}", stderr(&out));
        assert!(
            !unfinished.exists(),
            "{algo}: the unfinished link is removed"
        );
        let link = format!("edit.{}.link", k.keyid8());
        let ok = verify_link(d, &link, &k);
        assert_eq!(ok.status.code(), Some(0), "{algo}: {}", stderr(&ok));
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(d.join(&link)).unwrap()).unwrap();
        assert!(v["signed"]["materials"]["src.c"].is_object(), "{algo}");
        assert!(v["signed"]["products"]["out.o"].is_object(), "{algo}");
    }
}

#[test]
fn record_stop_with_gpg_needs_exactly_one_unfinished_link_by_that_key() {
    if !have_gpg() {
        return;
    }
    let (k, other) = (keyring("ed25519"), keyring("ed25519"));
    let dir = work_dir();
    let d = dir.path();
    let stop = |k: &Keyring| {
        bin(
            d,
            &["record", "stop", "-n", "s", "-g", "--gpg-home", home_str(k)],
        )
    };
    let none = stop(&k);
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("no unfinished link"),
        "{}",
        stderr(&none)
    );
    for key in [&k, &other] {
        let out = bin(
            d,
            &[
                "record",
                "start",
                "-n",
                "s",
                "-g",
                "--gpg-home",
                home_str(key),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let two = stop(&k);
    assert_eq!(two.status.code(), Some(1), "{}", stderr(&two));
    assert!(stderr(&two).contains("more than one"), "{}", stderr(&two));
    // Only the other key's unfinished link left: k's keyring cannot verify it.
    fs::remove_file(d.join(format!(".s.{}.link-unfinished", k.keyid8()))).unwrap();
    let wrong = bin(
        d,
        &[
            "record",
            "stop",
            "-n",
            "s",
            "-g",
            &k.fpr,
            "--gpg-home",
            home_str(&k),
        ],
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains(&k.fpr),
        "names the key: {}",
        stderr(&wrong)
    );
    assert!(
        d.join(format!(".s.{}.link-unfinished", other.keyid8()))
            .exists()
    );
}

fn spec_key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec-tests/keys")
        .join(name)
}

/// A one-step layout whose functionary is the GnuPG key, signed by a PEM owner key; the link
/// is recorded with `run -g` and the whole chain verified with `in-toto verify`.
#[test]
fn verify_a_layout_with_a_gpg_functionary() {
    if !have_gpg() {
        return;
    }
    for algo in ["ed25519", "rsa3072"] {
        let k = keyring(algo);
        let dir = work_dir();
        let d = dir.path();
        let exported = GpgProgram::detect()
            .unwrap()
            .with_homedir(k.home())
            .export_pubkey(&k.fpr)
            .unwrap();
        let key_value = LayoutKey::Gpg(exported).to_value();
        let layout = json!({
            "signed": {
                "_type": "layout",
                "expires": "2100-01-01T00:00:00Z",
                "readme": "",
                "keys": { k.fpr.clone(): key_value },
                "steps": [{
                    "_type": "step",
                    "name": "build",
                    "expected_materials": [["ALLOW", "src.c"], ["DISALLOW", "*"]],
                    "expected_products": [["CREATE", "out.o"], ["ALLOW", "src.c"], ["DISALLOW", "*"]],
                    "pubkeys": [k.fpr.clone()],
                    "expected_command": ["sh", "-c", "cp src.c out.o"],
                    "threshold": 1,
                }],
                "inspect": [],
            },
            "signatures": [],
        });
        fs::write(
            d.join("unsigned.layout"),
            serde_json::to_vec_pretty(&layout).unwrap(),
        )
        .unwrap();
        let owner = spec_key("ed25519.pem");
        let out = bin(
            d,
            &[
                "sign",
                "-f",
                "unsigned.layout",
                "-k",
                owner.to_str().unwrap(),
                "-o",
                "root.layout",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{algo}: {}", stderr(&out));
        let out = bin(
            d,
            &[
                "run",
                "-n",
                "build",
                "-m",
                "src.c",
                "-p",
                "src.c",
                "out.o",
                "-g",
                &k.fpr,
                "--gpg-home",
                home_str(&k),
                "--",
                "sh",
                "-c",
                "cp src.c out.o",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{algo}: {}", stderr(&out));
        let owner_pub = spec_key("ed25519.pub");
        let verify = || {
            bin(
                d,
                &[
                    "verify",
                    "-l",
                    "root.layout",
                    "-k",
                    owner_pub.to_str().unwrap(),
                ],
            )
        };
        let ok = verify();
        assert_eq!(ok.status.code(), Some(0), "{algo}: {}", stderr(&ok));
        // A product changed after the step: the chain no longer verifies.
        fs::write(d.join("out.o"), b"changed").unwrap();
        let link = d.join(format!("build.{}.link", k.keyid8()));
        let text = fs::read_to_string(&link)
            .unwrap()
            .replacen("\"out.o\"", "\"out.x\"", 1);
        fs::write(&link, text).unwrap();
        let bad = verify();
        assert_eq!(bad.status.code(), Some(1), "{algo}: {}", stderr(&bad));
    }
}
