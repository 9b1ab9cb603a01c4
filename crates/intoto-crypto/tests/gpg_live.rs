//! OpenPGP against the real `gpg` program and the Python reference (feature `gpg-export`):
//! throw-away keys (RSA and Ed25519, with and without signing subkeys) in temporary GnuPG
//! homes; our export equals the reference's, our signatures verify with the reference
//! (`in-toto-sign --verify -g`) and the reference's with ours. Skips with a message when
//! `gpg` (or, for the reference parts, `.venv`) is missing.
#![cfg(feature = "gpg-export")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use intoto_crypto::CryptoError;
use intoto_crypto::gpg::{GpgProgram, sign_metablock_gpg, verify_metablock_gpg};
use intoto_model::{GpgPublicKey, Metablock, pyjson};
use serde_json::json;

/// A temporary GnuPG home whose agent is stopped on drop.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Option<Home> {
        let ok = Command::new("gpg")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipping: gpg is not installed");
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "intoto-gpg-live-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Some(Home { dir })
    }

    fn gpg(&self, args: &[&str]) -> String {
        let out = Command::new("gpg")
            .args(["--batch", "--passphrase", "", "--homedir"])
            .arg(&self.dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Makes a key (`algo` primary with `usage`, plus optional subkeys) and returns its
    /// fingerprint.
    fn key(&self, uid: &str, algo: &str, usage: &str, subkeys: &[(&str, &str)]) -> String {
        self.gpg(&["--quick-gen-key", uid, algo, usage, "never"]);
        let listing = self.gpg(&["--with-colons", "--list-keys", uid]);
        let fpr = listing
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|l| l.split(':').nth(8))
            .unwrap()
            .to_string();
        for (algo, usage) in subkeys {
            self.gpg(&["--quick-add-key", &fpr, algo, usage, "never"]);
        }
        fpr
    }

    fn program(&self) -> GpgProgram {
        GpgProgram::new("gpg").with_homedir(&self.dir)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&self.dir)
            .args(["--kill", "gpg-agent"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn venv_bin(tool: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(tool);
    p.exists().then_some(p)
}

fn link() -> Metablock {
    Metablock::new(
        json!({"_type": "link", "name": "package", "command": ["tar"],
        "materials": {}, "products": {"a": {"sha256": "00"}},
        "byproducts": {"stdout": "d\u{e9}j\u{e0}\n"}, "environment": {}}),
    )
}

fn layout() -> Metablock {
    Metablock::new(
        json!({"_type": "layout", "expires": "2100-01-01T00:00:00Z", "keys": {},
        "readme": "", "steps": [], "inspect": []}),
    )
}

fn write(home: &Home, name: &str, mb: &Metablock) -> PathBuf {
    let path = home.dir.join(name);
    std::fs::write(&path, pyjson::metablock_file(&mb.to_value())).unwrap();
    path
}

/// The reference's export of `keyid` as a key object.
fn reference_export(home: &Home, keyid: &str) -> Option<GpgPublicKey> {
    let python = venv_bin("python")?;
    let out = Command::new(python)
        .args([
            "-c",
            "import json,sys; from securesystemslib._gpg.functions import export_pubkey; \
             print(json.dumps(export_pubkey(sys.argv[1], sys.argv[2])))",
            keyid,
        ])
        .arg(&home.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = serde_json::from_slice(&out.stdout).unwrap();
    Some(GpgPublicKey::from_value(&v, "reference").unwrap())
}

/// `in-toto-sign` with `args` on `file`; whether it succeeded.
fn in_toto_sign(home: &Home, file: &Path, args: &[&str]) -> Option<bool> {
    let tool = venv_bin("in-toto-sign")?;
    let out = Command::new(tool)
        .arg("-f")
        .arg(file)
        .args(args)
        .arg("--gpg-home")
        .arg(&home.dir)
        .output()
        .unwrap();
    Some(out.status.success())
}

#[test]
fn both_directions_for_rsa_and_ed25519_with_and_without_subkeys() {
    let Some(home) = Home::new() else { return };
    let keys = [
        home.key(
            "Live RSA <r@live>",
            "rsa2048",
            "sign,cert",
            &[("rsa2048", "encr")],
        ),
        home.key(
            "Live RSA Sub <rs@live>",
            "rsa2048",
            "cert",
            &[("rsa2048", "sign")],
        ),
        home.key(
            "Live Ed <e@live>",
            "ed25519",
            "sign,cert",
            &[("cv25519", "encr")],
        ),
        home.key(
            "Live Ed Sub <es@live>",
            "ed25519",
            "cert",
            &[("ed25519", "sign")],
        ),
    ];
    let gpg = home.program();
    if venv_bin("in-toto-sign").is_none() {
        eprintln!("skipping the reference parts: .venv is missing");
    }
    for (i, fpr) in keys.iter().enumerate() {
        let ours = gpg.export_pubkey(fpr).unwrap();
        assert_eq!(ours.keyid.as_str(), fpr.to_lowercase());
        let ed_sub = ours.keytype == "eddsa" && i == 3;
        if let Some(reference) = reference_export(&home, fpr) {
            // Equal, except that the reference drops Ed25519 signing subkeys.
            let mut trimmed = ours.clone();
            if ed_sub {
                trimmed.subkeys = None;
            }
            assert_eq!(trimmed, reference, "{fpr}");
        }
        for (name, mut mb) in [("link", link()), ("layout", layout())] {
            // Ours signs, ours and the reference verify.
            let signer = sign_metablock_gpg(&mut mb, &gpg, Some(fpr)).unwrap();
            assert_eq!(verify_metablock_gpg(&mb, &ours).unwrap(), signer);
            let file = write(&home, &format!("ours-{i}.{name}"), &mb);
            if let Some(ok) = in_toto_sign(&home, &file, &["--verify", "-g", fpr]) {
                // The reference's own export lacks the Ed25519 signing subkey.
                assert_eq!(
                    ok, !ed_sub,
                    "reference verifying our {name} signed by {fpr}"
                );
            }
            // The reference signs, ours verifies.
            let unsigned = write(
                &home,
                &format!("unsigned-{i}.{name}"),
                &Metablock::new(mb.signed.clone()),
            );
            let signed = home.dir.join(format!("theirs-{i}.{name}"));
            let out = signed.to_str().unwrap();
            if let Some(ok) = in_toto_sign(&home, &unsigned, &["-g", fpr, "-o", out]) {
                assert!(ok, "reference signing with {fpr}");
                let theirs = Metablock::from_value(
                    serde_json::from_slice(&std::fs::read(&signed).unwrap()).unwrap(),
                )
                .unwrap();
                assert_eq!(verify_metablock_gpg(&theirs, &ours).unwrap(), signer);
                // Same key and data: the same other_headers up to the creation time.
                assert_eq!(theirs.signatures[0].keyid(), mb.signatures[0].keyid());
            }
        }
    }
}

#[test]
fn default_key_unknown_key_and_missing_program() {
    let Some(home) = Home::new() else { return };
    let fpr = home.key("Default <d@live>", "ed25519", "sign,cert", &[]);
    let gpg = home.program();
    let mut mb = link();
    let signer = sign_metablock_gpg(&mut mb, &gpg, None).unwrap();
    assert_eq!(signer.as_str(), fpr.to_lowercase());
    // Signing again replaces the signature by the same key.
    sign_metablock_gpg(&mut mb, &gpg, None).unwrap();
    assert_eq!(mb.signatures.len(), 1);
    let key = gpg.export_pubkey(&fpr[fpr.len() - 16..]).unwrap();
    verify_metablock_gpg(&mb, &key).unwrap();

    let err = gpg.export_pubkey("0123456789ABCDEF").unwrap_err();
    assert!(
        matches!(&err, CryptoError::GpgKeyNotFound { keyid } if keyid == "0123456789ABCDEF"),
        "{err:?}"
    );
    let err = gpg.sign(Some("0123456789ABCDEF"), b"x").unwrap_err();
    assert!(
        matches!(&err, CryptoError::GpgCommand { command, .. } if command.contains("--detach-sign")),
        "{err:?}"
    );
    let err = GpgProgram::new("/nonexistent/gpg")
        .sign(None, b"x")
        .unwrap_err();
    assert!(matches!(err, CryptoError::GpgCommand { .. }));
}
