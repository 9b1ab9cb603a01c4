//! `cargo xtask conformance`: every vector under `spec-tests/`, through the library and the CLI.
//!
//! - `canonical/cases.json`: canonical JSON bytes equal the reference's (or both refuse).
//! - `keys/keyids.json`: the key object we derive from a PEM public key equals the reference's.
//! - `signed/manifest.json`: metadata signed (and tampered) by the reference; our library and
//!   `in-toto sign --verify` reach the reference's verdict and exit code.
//! - `crates/intoto-crypto/tests/data/gpg/cases.json`: metadata signed with GnuPG by the
//!   reference (`in-toto-sign -g`), checked with the reference's own key objects; our verdict
//!   (ok, bad signature, no signature by the key, expired key) equals the reference's.
//! - `verify/*/scenario.json`: supply chains judged by the reference's `in-toto-verify`; our
//!   `in-toto verify` reaches the same exit code.
//!
//! Where we deliberately differ from the reference, `spec-tests/differences.json` names the
//! case, our expected outcome and why; those cases are checked against our documented outcome.

use std::{collections::BTreeMap, path::Path, process::Command};

use anyhow::Context;
use base64::Engine as _;
use serde_json::Value;

use crate::{
    report::Report,
    workspace::{self, read_json},
};

/// Runs all conformance vectors.
pub fn run() -> anyhow::Result<Report> {
    let root = workspace::root();
    let vectors = root.join("spec-tests");
    let cli = workspace::build_cli()?;
    let differences = load_differences(&vectors)?;
    let mut report = Report::default();
    canonical_cases(&vectors, &differences, &mut report)?;
    key_ids(&root, &vectors, &mut report)?;
    signed_metadata(&vectors, &cli, &differences, &mut report)?;
    crate::verify_vectors::run(&root, &cli, &mut report)?;
    gpg_cases(&root, &mut report)?;
    let unused: Vec<_> = differences.keys().filter(|k| !report.seen(k)).collect();
    report.check(
        "differences.json names only existing cases",
        if unused.is_empty() {
            Ok(())
        } else {
            Err(format!("unknown cases {unused:?}"))
        },
    );
    println!(
        "({} cases follow a documented difference from the reference: spec-tests/differences.json)",
        differences.len()
    );
    Ok(report.finish())
}

/// Our documented outcome for a case where we deliberately differ from the reference.
struct Difference {
    pass: bool,
    exit: Option<i64>,
}

fn load_differences(vectors: &Path) -> anyhow::Result<BTreeMap<String, Difference>> {
    let doc = read_json(&vectors.join("differences.json"))?;
    let mut map = BTreeMap::new();
    for entry in doc
        .as_array()
        .context("differences.json: expected an array")?
    {
        let case = entry["case"]
            .as_str()
            .context("differences.json: entry without case")?;
        if entry["why"].as_str().is_none_or(str::is_empty) {
            anyhow::bail!("differences.json: {case} does not say why");
        }
        let pass = entry["ours"] == "pass";
        map.insert(
            case.to_string(),
            Difference {
                pass,
                exit: entry["exit"].as_i64(),
            },
        );
    }
    Ok(map)
}

fn canonical_cases(
    vectors: &Path,
    differences: &BTreeMap<String, Difference>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let cases = read_json(&vectors.join("canonical/cases.json"))?;
    for case in cases
        .as_array()
        .context("canonical/cases.json: expected an array")?
    {
        let name = format!("canonical/{}", case["name"].as_str().unwrap_or("?"));
        let ours = intoto_model::canonical::encode(&case["input"]);
        if let Some(diff) = differences.get(&name) {
            let outcome = match (diff.pass, &ours) {
                (true, Ok(_)) | (false, Err(_)) => Ok(()),
                (true, Err(e)) => Err(format!("documented as encodable, we refused: {e}")),
                (false, Ok(_)) => Err("documented as refused, we encoded it".to_string()),
            };
            report.check(&name, outcome);
            continue;
        }
        let outcome = match (case.get("canonical_b64").and_then(Value::as_str), ours) {
            (Some(expected), Ok(bytes)) => {
                let got = base64::engine::general_purpose::STANDARD.encode(&bytes);
                if got == expected {
                    Ok(())
                } else {
                    Err(format!("bytes differ: ours {got}, reference {expected}"))
                }
            }
            (None, Err(_)) if case["error"] == Value::Bool(true) => Ok(()),
            (None, Ok(bytes)) => Err(format!(
                "the reference refuses this value, we wrote {:?}",
                String::from_utf8_lossy(&bytes)
            )),
            (Some(_), Err(e)) => Err(format!("the reference encodes this value, we refused: {e}")),
            (None, Err(e)) => Err(format!("case has no expectation (ours: {e})")),
        };
        report.check(&name, outcome);
    }
    Ok(())
}

fn key_ids(root: &Path, vectors: &Path, report: &mut Report) -> anyhow::Result<()> {
    let entries = read_json(&vectors.join("keys/keyids.json"))?;
    for entry in entries
        .as_array()
        .context("keys/keyids.json: expected an array")?
    {
        let file = entry["file"].as_str().unwrap_or("?");
        let name = format!("keyid/{file}");
        let path = root.join(file);
        if !path.exists() {
            // Vectors under ../shared are only checked where that checkout is present.
            report.check(&name, Err(format!("'{}' is missing", path.display())));
            continue;
        }
        let loaded = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|pem| intoto_crypto::PublicKey::from_pem(&pem).map_err(|e| e.to_string()));
        if let Some(reference_error) = entry.get("error").and_then(Value::as_str) {
            let outcome = match loaded {
                Err(_) => Ok(()),
                Ok(key) => Err(format!(
                    "the reference refuses this file ({reference_error}), we loaded key {}",
                    key.keyid()
                )),
            };
            report.check(&name, outcome);
            continue;
        }
        let outcome = loaded.and_then(|key| {
            let ours = serde_json::to_value(key.to_record()).map_err(|e| e.to_string())?;
            if ours == entry["key"] {
                Ok(())
            } else {
                Err(format!("ours {ours}, reference {}", entry["key"]))
            }
        });
        report.check(&name, outcome);
    }
    Ok(())
}

fn signed_metadata(
    vectors: &Path,
    cli: &Path,
    differences: &BTreeMap<String, Difference>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let dir = vectors.join("signed");
    let manifest = read_json(&dir.join("manifest.json"))?;
    for case in manifest
        .as_array()
        .context("signed/manifest.json: expected an array")?
    {
        let name = format!("signed/{}", case["name"].as_str().unwrap_or("?"));
        let file = dir.join(case["file"].as_str().unwrap_or(""));
        let keys: Vec<_> = case["verify_with"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|k| dir.join(k))
                    .collect()
            })
            .unwrap_or_default();
        let mut expect_pass = case["expect"] == "pass";
        let mut expected_exit =
            case["reference_exit"]
                .as_i64()
                .unwrap_or(if expect_pass { 0 } else { 1 });
        if let Some(diff) = differences.get(&name) {
            expect_pass = diff.pass;
            expected_exit = diff.exit.unwrap_or(if diff.pass { 0 } else { 1 });
        }

        let library = library_verdict(&file, &keys);
        let outcome = match (&library, expect_pass) {
            (Ok(()), true) | (Err(_), false) => Ok(()),
            (Ok(()), false) => Err("library accepted what the reference rejects".to_string()),
            (Err(e), true) => Err(format!("library rejected what the reference accepts: {e}")),
        };
        report.check_as(&name, &format!("{name} (library)"), outcome);

        let mut cmd = Command::new(cli);
        cmd.arg("sign")
            .arg("--verify")
            .arg("-f")
            .arg(&file)
            .arg("-k")
            .args(&keys);
        let outcome = match cmd.output() {
            Ok(out) => match out.status.code() {
                Some(code) if i64::from(code) == expected_exit => Ok(()),
                code => Err(format!(
                    "exit {code:?}, reference exit {expected_exit}; stderr: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
            },
            Err(e) => Err(format!("cannot run the CLI: {e}")),
        };
        report.check_as(&name, &format!("{name} (cli)"), outcome);
    }
    Ok(())
}

/// Verifies `file` with every key in `keys` and reads its content, as `in-toto sign --verify`
/// does.
fn library_verdict(file: &Path, keys: &[std::path::PathBuf]) -> Result<(), String> {
    use intoto_model::{IN_TOTO_PAYLOAD_TYPE, SignedContent, SignedDocument, json::parse_strict};
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let document = SignedDocument::from_slice(&bytes).map_err(|e| e.to_string())?;
    let content = match &document {
        SignedDocument::Metablock(mb) => mb.signed.clone(),
        SignedDocument::Envelope(env) if env.payload_type == IN_TOTO_PAYLOAD_TYPE => {
            parse_strict(&env.payload).map_err(|e| e.to_string())?
        }
        SignedDocument::Envelope(env) => return Err(format!("payloadType {}", env.payload_type)),
    };
    for key_path in keys {
        let pem = std::fs::read_to_string(key_path).map_err(|e| e.to_string())?;
        let key = intoto_crypto::PublicKey::from_pem(&pem).map_err(|e| e.to_string())?;
        match &document {
            intoto_model::SignedDocument::Metablock(mb) => {
                intoto_crypto::verify_metablock(mb, &key)
            }
            intoto_model::SignedDocument::Envelope(env) => {
                intoto_crypto::verify_envelope(env, &key)
            }
        }
        .map_err(|e| e.to_string())?;
    }
    SignedContent::from_value(&content).map_err(|e| e.to_string())?;
    Ok(())
}

/// GnuPG-signed metadata made by the reference, with its verdicts (see the fixtures' README).
fn gpg_cases(root: &Path, report: &mut Report) -> anyhow::Result<()> {
    use intoto_crypto::CryptoError;
    let dir = root.join("crates/intoto-crypto/tests/data/gpg");
    let cases = read_json(&dir.join("cases.json"))?;
    for case in cases
        .as_array()
        .context("gpg/cases.json: expected an array")?
    {
        let file = case["metadata"].as_str().unwrap_or("?");
        let key_name = case["key"].as_str().unwrap_or("?");
        let expect = case["expect"].as_str().unwrap_or("?");
        let outcome = (|| -> Result<(), String> {
            let key_json =
                read_json(&dir.join(format!("keys/{key_name}.json"))).map_err(|e| e.to_string())?;
            let key = intoto_model::GpgPublicKey::from_value(&key_json, key_name)
                .map_err(|e| e.to_string())?;
            let doc = read_json(&dir.join("metadata").join(file)).map_err(|e| e.to_string())?;
            let mb = intoto_model::Metablock::from_value(doc).map_err(|e| e.to_string())?;
            let ours = match intoto_crypto::gpg::verify_metablock_gpg(&mb, &key) {
                Ok(_) => "ok",
                Err(CryptoError::BadSignature { .. }) => "bad-signature",
                Err(CryptoError::GpgNoSignature { .. }) => "no-signature",
                Err(CryptoError::GpgKeyExpired { .. }) => "expired",
                Err(other) => return Err(format!("unexpected error: {other}")),
            };
            if ours == expect {
                Ok(())
            } else {
                Err(format!("ours {ours}, reference {expect}"))
            }
        })();
        report.check(&format!("gpg/{file} with key {key_name}"), outcome);
    }
    Ok(())
}
