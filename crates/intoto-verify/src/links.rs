//! Steps 4, 5 and 8 of the workflow: loading each step's link files, checking their
//! signatures against the authorized functionaries, counting distinct functionaries toward the
//! threshold, and checking that the counted links agree.

use std::path::{Path, PathBuf};

use intoto_crypto::PublicKey;
use intoto_model::{KeyId, Link, SignedDocument, Step};

use crate::{
    VerifyError, document,
    keys::{LayoutKeys, TrustedKey},
    report::{LinkReport, LinkStatus, StepReport},
};

/// A link file found for a step.
pub struct LoadedFile {
    /// The key id the file name was built from.
    pub file_keyid: KeyId,
    /// The file.
    pub path: PathBuf,
    /// Its parsed (not yet verified) content.
    pub doc: SignedDocument,
}

/// A link file whose signature checked out, with the main key it counts for.
pub struct VerifiedFile {
    /// The loaded file.
    pub file: LoadedFile,
    /// The authorized main key id.
    pub main_keyid: KeyId,
}

/// The link file name of a step for a key: `STEP.KEYID8.link`.
pub fn link_file_name(step: &str, keyid: &KeyId) -> String {
    format!("{step}.{}.link", keyid.short())
}

/// Loads the link files of `step` from `link_dir`: one per authorized key id (and OpenPGP
/// subkey), and for a step with `cert_constraints` (ITE-7) every other link file of the step
/// signed with a certificate. Fails when fewer files than the threshold exist or a file is
/// malformed.
pub fn load_step_files(
    step: &Step,
    keys: &LayoutKeys,
    link_dir: &Path,
) -> Result<Vec<LoadedFile>, VerifyError> {
    let mut files = Vec::new();
    let mut looked_for = Vec::new();
    for authorized in &step.pubkeys {
        for file_keyid in keys.file_keyids(authorized) {
            let name = link_file_name(step.name.as_str(), &file_keyid);
            let path = link_dir.join(&name);
            looked_for.push(name);
            if let Some(doc) = document::read_optional(&path)? {
                files.push(LoadedFile {
                    file_keyid,
                    path,
                    doc,
                });
            }
        }
    }
    if crate::certs::accepts_certificates(step) {
        let certified = crate::certs::load_certified_files(step, &files, link_dir)?;
        files.extend(certified);
        looked_for.push(format!("{}.*.link signed with a certificate", step.name));
    }
    if (files.len() as u64) < step.threshold {
        return Err(VerifyError::LinksMissing {
            step: step.name.to_string(),
            required: step.threshold,
            found: files.len(),
            link_dir: link_dir.to_path_buf(),
            expected_files: looked_for.join(", "),
        });
    }
    Ok(files)
}

/// Checks each file's signature with its authorized key and counts distinct functionaries.
/// Unauthorized files and bad signatures are skipped (and reported); the step fails when
/// fewer than `threshold` distinct functionaries remain.
///
/// Two key ids with the same key material count once, and links by subkeys of one OpenPGP
/// key count once, as the reference does for subkeys.
///
/// A file whose key id is not one of the step's keys counts, for a step with
/// `cert_constraints`, when its certificate checks out against `certs` (ITE-7,
/// [`crate::certs::verify_certified`]). When the threshold is not met and such a file was
/// refused, the error is [`VerifyError::CertifiedLink`] with the certificate's reason.
pub fn verify_step_files(
    step: &Step,
    files: Vec<LoadedFile>,
    keys: &LayoutKeys,
    certs: &intoto_x509::TrustStore,
    now_unix: i64,
    step_report: &mut StepReport,
    warnings: &mut Vec<String>,
) -> Result<Vec<VerifiedFile>, VerifyError> {
    let mut verified: Vec<VerifiedFile> = Vec::new();
    let mut counted: Vec<KeyId> = Vec::new();
    let mut skipped = Vec::new();
    let mut cert_error = None;
    // Keys of the certificates counted so far: one key is one functionary, whether it signs
    // as a layout key or under a certificate (and under whichever key id).
    let mut cert_keys: Vec<(KeyId, PublicKey)> = Vec::new();
    for file in files {
        let file_name = file.path.display().to_string();
        let mut record = |authorized: Option<&KeyId>, status, reason: Option<String>| {
            step_report.links.push(LinkReport {
                file: file_name.clone(),
                keyid: file.file_keyid.to_string(),
                authorized_key: authorized.map(ToString::to_string),
                status,
                reason,
            });
        };
        let authorized = keys.main_keyid(&file.file_keyid, &step.pubkeys);
        if authorized.is_none() && crate::certs::accepts_certificates(step) {
            match crate::certs::verify_certified(step, &file, certs, now_unix) {
                Ok((main, key)) => {
                    let duplicate = counted.iter().find(|c| {
                        **c == main
                            || material(c, keys, &cert_keys).is_some_and(|k| k.same_material(&key))
                    });
                    match duplicate {
                        Some(first) => {
                            warnings.push(format!(
                                "step '{}': links by key {main} (certificate) and key {first} are by the same functionary and count once toward the threshold",
                                step.name
                            ));
                            record(
                                Some(&main),
                                LinkStatus::Duplicate,
                                Some(format!(
                                    "signed with a certificate; same functionary as the link by key {first}: counted once"
                                )),
                            );
                        }
                        None => {
                            counted.push(main.clone());
                            record(
                                Some(&main),
                                LinkStatus::Used,
                                Some("signed with a certificate".into()),
                            );
                        }
                    }
                    cert_keys.push((main.clone(), key));
                    verified.push(VerifiedFile {
                        file,
                        main_keyid: main,
                    });
                }
                Err(e) => {
                    skipped.push(format!("'{file_name}': {e}"));
                    record(None, LinkStatus::Skipped, Some(e.to_string()));
                    cert_error.get_or_insert((file.path.clone(), e));
                }
            }
            continue;
        }
        let Some(main) = authorized else {
            let why = format!(
                "key {} is not authorized for step '{}'",
                file.file_keyid, step.name
            );
            skipped.push(format!("'{file_name}': {why}"));
            record(None, LinkStatus::Skipped, Some(why));
            continue;
        };
        let Some(key) = keys.get(&main) else {
            let why = format!("key {main} is not in the layout");
            skipped.push(format!("'{file_name}': {why}"));
            record(None, LinkStatus::Skipped, Some(why));
            continue;
        };
        if let Err(why) = key.verify(&file.doc, now_unix) {
            skipped.push(format!("'{file_name}': {why}"));
            record(Some(&main), LinkStatus::Skipped, Some(why.to_string()));
            continue;
        }
        let duplicate = counted.iter().find(|c| {
            **c == main
                || keys.get(c).is_some_and(|other| other.same_material(key))
                || matches!(key, TrustedKey::Standard(k)
                    if cert_keys.iter().any(|(id, ck)| id == *c && ck.same_material(k)))
        });
        match duplicate {
            Some(first) => {
                warnings.push(format!(
                    "step '{}': links by key {main} and key {first} are by the same functionary and count once toward the threshold",
                    step.name
                ));
                record(
                    Some(&main),
                    LinkStatus::Duplicate,
                    Some(format!(
                        "same functionary as the link by key {first}: counted once"
                    )),
                );
            }
            None => {
                counted.push(main.clone());
                record(Some(&main), LinkStatus::Used, None);
            }
        }
        verified.push(VerifiedFile {
            file,
            main_keyid: main,
        });
    }
    if (counted.len() as u64) < step.threshold {
        let details = if skipped.is_empty() {
            String::new()
        } else {
            format!("; not counted: {}", skipped.join("; "))
        };
        if let Some((path, source)) = cert_error {
            return Err(VerifyError::CertifiedLink {
                step: step.name.to_string(),
                path,
                source: Box::new(source),
                required: step.threshold,
                found: counted.len(),
            });
        }
        return Err(VerifyError::ThresholdNotMet {
            step: step.name.to_string(),
            required: step.threshold,
            found: counted.len(),
            details,
        });
    }
    Ok(verified)
}

/// The key a counted functionary signed with: its layout key, or its certificate's key.
fn material<'a>(
    id: &KeyId,
    keys: &'a LayoutKeys,
    cert_keys: &'a [(KeyId, PublicKey)],
) -> Option<&'a PublicKey> {
    match keys.get(id) {
        Some(TrustedKey::Standard(k)) => Some(k),
        _ => cert_keys.iter().find(|(c, _)| c == id).map(|(_, k)| k),
    }
}

/// Step 8: with a threshold above one, every counted link must report the same materials and
/// products.
pub fn check_agreement(step: &Step, links: &[(String, Link)]) -> Result<(), VerifyError> {
    if step.threshold <= 1 {
        return Ok(());
    }
    let Some((first_file, first)) = links.first() else {
        return Ok(());
    };
    for (file, link) in &links[1..] {
        let side = if link.materials != first.materials {
            Some("materials")
        } else if link.products != first.products {
            Some("products")
        } else {
            None
        };
        if let Some(side) = side {
            return Err(VerifyError::LinksDisagree {
                step: step.name.to_string(),
                first: first_file.clone(),
                second: file.clone(),
                side,
            });
        }
    }
    Ok(())
}
