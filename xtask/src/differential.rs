//! `cargo xtask differential`: our CLI against the Python reference (in-toto 3.1.0 in `.venv`),
//! both directions, for every key type and both signature wrappers.
//!
//! For each vector signed by the reference (`spec-tests/signed/*`, the valid ones):
//! 1. we re-sign it with `in-toto sign`; the reference's `in-toto-sign --verify` accepts it;
//! 2. the reference re-signs it; our `in-toto sign --verify` accepts it;
//! 3. with Ed25519 (deterministic signatures) both signed files are byte for byte identical;
//! 4. our signed file with one byte of the payload changed is rejected by the reference (exit 1).
//!
//! Then keys made by `in-toto keygen` (every type, plain and encrypted) load in the reference,
//! and recording (`in-toto run`, `record`, `mock`) is compared in `differential_record`, GnuPG
//! signing of links in `differential_gpg`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};
use serde_json::Value;

use crate::{
    report::Report,
    workspace::{self, exec, expect_exit},
};

struct Tools {
    ours: PathBuf,
    reference_sign: PathBuf,
    python: PathBuf,
}

/// Runs the differential suite.
pub fn run() -> anyhow::Result<Report> {
    let root = workspace::root();
    let venv =
        std::env::var_os("INTOTO_REFERENCE_VENV").map_or_else(|| root.join(".venv"), PathBuf::from);
    let tools = Tools {
        ours: workspace::build_cli()?,
        reference_sign: venv.join("bin/in-toto-sign"),
        python: venv.join("bin/python"),
    };
    if !tools.reference_sign.exists() {
        bail!(
            "the reference is not installed: run `python3 -m venv .venv && .venv/bin/pip install in-toto==3.1.0` first (looked for '{}')",
            tools.reference_sign.display()
        );
    }
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut report = Report::default();
    signing_both_ways(&root, &tools, work.path(), &mut report)?;
    keygen_loads_in_reference(&tools, work.path(), &mut report)?;
    let record_tools = crate::differential_record::Tools {
        ours: &tools.ours,
        venv_bin: venv.join("bin"),
    };
    crate::differential_record::run(&record_tools, work.path(), &mut report)?;
    crate::differential_gpg::run(&record_tools, work.path(), &mut report)?;
    Ok(report.finish())
}

fn signing_both_ways(
    root: &Path,
    tools: &Tools,
    work: &Path,
    report: &mut Report,
) -> anyhow::Result<()> {
    let signed = root.join("spec-tests/signed");
    let manifest = workspace::read_json(&signed.join("manifest.json"))?;
    let keys = root.join("spec-tests/keys");
    // Vectors where we deliberately refuse what the reference accepts (malformed content) are
    // not signing round trips; conformance checks them.
    let differences = workspace::read_json(&root.join("spec-tests/differences.json"))?;
    let differs = |name: &str| {
        differences.as_array().is_some_and(|d| {
            d.iter()
                .any(|e| e["case"].as_str() == Some(&format!("signed/{name}")))
        })
    };
    for case in manifest.as_array().context("manifest: expected an array")? {
        let Some(name) = case["name"].as_str() else {
            continue;
        };
        let single_key = case["verify_with"].as_array().is_some_and(|k| k.len() == 1);
        if case["expect"] != "pass" || !single_key || differs(name) {
            continue;
        }
        let Some(pub_rel) = case["verify_with"][0].as_str() else {
            continue;
        };
        let public = signed.join(pub_rel);
        let Some(stem) = public.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let private = keys.join(format!("{stem}.pem"));
        if !private.exists() {
            continue;
        }
        let input = signed.join(case["file"].as_str().unwrap_or(""));
        let ours_out = work.join(format!("{name}.ours"));
        let ref_out = work.join(format!("{name}.reference"));

        // 1. ours signs, reference verifies.
        let outcome = exec(
            Command::new(&tools.ours)
                .arg("sign")
                .arg("-f")
                .arg(&input)
                .arg("-k")
                .arg(&private)
                .arg("-o")
                .arg(&ours_out),
        )
        .and_then(|o| expect_exit(&o, 0, "in-toto sign"))
        .and_then(|()| {
            exec(
                Command::new(&tools.reference_sign)
                    .arg("--verify")
                    .arg("-f")
                    .arg(&ours_out)
                    .arg("-k")
                    .arg(&public),
            )
        })
        .and_then(|o| expect_exit(&o, 0, "reference in-toto-sign --verify"));
        report.check(
            &format!("{name}: signed by us, verified by the reference"),
            outcome,
        );

        // 2. reference signs, ours verifies.
        let outcome = exec(
            Command::new(&tools.reference_sign)
                .arg("-f")
                .arg(&input)
                .arg("-k")
                .arg(&private)
                .arg("-o")
                .arg(&ref_out),
        )
        .and_then(|o| expect_exit(&o, 0, "reference in-toto-sign"))
        .and_then(|()| {
            exec(
                Command::new(&tools.ours)
                    .arg("sign")
                    .arg("--verify")
                    .arg("-f")
                    .arg(&ref_out)
                    .arg("-k")
                    .arg(&public),
            )
        })
        .and_then(|o| expect_exit(&o, 0, "in-toto sign --verify"));
        report.check(
            &format!("{name}: signed by the reference, verified by us"),
            outcome,
        );

        // 3. deterministic signatures give identical files.
        if stem.starts_with("ed25519") {
            let outcome = match (std::fs::read(&ours_out), std::fs::read(&ref_out)) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                (Ok(_), Ok(_)) => Err("signed files differ".to_string()),
                _ => Err("a signed file is missing".to_string()),
            };
            report.check(
                &format!("{name}: byte-identical to the reference's file"),
                outcome,
            );
        }

        // 4. tampering with our file is caught by the reference.
        let tampered = work.join(format!("{name}.tampered"));
        let outcome = tamper(&ours_out, &tampered)
            .and_then(|()| {
                exec(
                    Command::new(&tools.reference_sign)
                        .arg("--verify")
                        .arg("-f")
                        .arg(&tampered)
                        .arg("-k")
                        .arg(&public),
                )
            })
            .and_then(|o| expect_exit(&o, 1, "reference --verify of a tampered file"));
        report.check(
            &format!("{name}: our signature over tampered content rejected by the reference"),
            outcome,
        );
    }
    Ok(())
}

/// Changes the `name`/`readme` content of a signed file without touching its signatures.
fn tamper(from: &Path, to: &Path) -> Result<(), String> {
    let bytes = std::fs::read(from).map_err(|e| e.to_string())?;
    let mut doc: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if let Some(signed) = doc.get_mut("signed") {
        if signed.get("_type") == Some(&Value::from("link")) {
            signed["name"] = Value::from("tampered");
        } else {
            signed["readme"] = Value::from("tampered");
        }
    } else if let Some(Value::String(payload)) = doc.get_mut("payload") {
        // Flip the payload to a different, still valid base64 document.
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut inner = engine
            .decode(payload.as_bytes())
            .map_err(|e| e.to_string())?;
        inner.extend_from_slice(b" ");
        *payload = engine.encode(inner);
    }
    let text = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    std::fs::write(to, text).map_err(|e| e.to_string())
}

fn keygen_loads_in_reference(
    tools: &Tools,
    work: &Path,
    report: &mut Report,
) -> anyhow::Result<()> {
    const LOAD: &str = "import sys\nfrom in_toto.models._signer import load_crypto_signer_from_pkcs8_file, load_public_key_from_file\npw = sys.argv[2].encode() if len(sys.argv) > 2 else None\nsigner = load_crypto_signer_from_pkcs8_file(sys.argv[1], pw)\npub = load_public_key_from_file(sys.argv[1] + '.pub')\nassert signer.public_key.keyid == pub['keyid'], (signer.public_key.keyid, pub['keyid'])\nprint(pub['keyid'])\n";
    for kind in ["ed25519", "rsa", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521"] {
        let path = work.join(format!("keygen-{kind}"));
        let name =
            format!("keygen {kind}: the reference loads our key pair and computes our key id");
        let outcome = exec(
            Command::new(&tools.ours)
                .arg("keygen")
                .arg("-t")
                .arg(kind)
                .arg(&path),
        )
        .and_then(|o| {
            expect_exit(&o, 0, "in-toto keygen")?;
            Ok(String::from_utf8_lossy(&o.stdout).trim().to_string())
        })
        .and_then(|our_keyid| {
            let o = exec(Command::new(&tools.python).arg("-c").arg(LOAD).arg(&path))?;
            expect_exit(&o, 0, "reference key loading")?;
            let theirs = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if theirs == our_keyid {
                Ok(())
            } else {
                Err(format!("key id: ours {our_keyid}, reference {theirs}"))
            }
        });
        report.check(&name, outcome);
    }
    // Encrypted PKCS#8 written by the library (the CLI would prompt on a terminal).
    for kind in ["ed25519", "rsa", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521"] {
        let name = format!("encrypted {kind} key from the library: the reference decrypts it");
        let path = work.join(format!("encrypted-{kind}"));
        let outcome = write_encrypted_pair(kind, &path).and_then(|our_keyid| {
            let o = exec(
                Command::new(&tools.python)
                    .arg("-c")
                    .arg(LOAD)
                    .arg(&path)
                    .arg("hunter2"),
            )?;
            expect_exit(&o, 0, "reference key loading")?;
            let theirs = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if theirs == our_keyid {
                Ok(())
            } else {
                Err(format!("key id: ours {our_keyid}, reference {theirs}"))
            }
        });
        report.check(&name, outcome);
    }
    Ok(())
}

fn write_encrypted_pair(kind: &str, path: &Path) -> Result<String, String> {
    let kind: intoto_crypto::KeyType = kind.parse().map_err(|e| format!("{e}"))?;
    let key = intoto_crypto::PrivateKey::generate(kind).map_err(|e| e.to_string())?;
    let pem = key
        .to_pkcs8_pem(Some(b"hunter2"))
        .map_err(|e| e.to_string())?;
    let public = key.public_key().to_pem().map_err(|e| e.to_string())?;
    std::fs::write(path, pem).map_err(|e| e.to_string())?;
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    std::fs::write(pub_path, public).map_err(|e| e.to_string())?;
    Ok(key.keyid().to_string())
}
