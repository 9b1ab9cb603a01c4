//! ITE-7 in the workflow: link files signed by functionaries that the layout knows by
//! certificate (a step's `cert_constraints`, the layout's `rootcas`/`intermediatecas`) rather
//! than by key. As in in-toto-golang, every `STEP.KEYID8.link` file of such a step is a
//! candidate; a file counts when the signature named by its file name carries a certificate
//! that chains to a root of the layout, passes one of the step's constraints and verifies the
//! signature.

use std::path::Path;

use intoto_model::{KeyId, SignedDocument, Step};
use intoto_x509::{Certificate, TrustStore, X509Error};

use crate::{VerifyError, document, links::LoadedFile};

/// Whether the step accepts functionaries by certificate.
pub fn accepts_certificates(step: &Step) -> bool {
    step.cert_constraints
        .as_ref()
        .is_some_and(|c| !c.is_empty())
}

/// The step's link files that `load_step_files` did not already find by key id: every
/// `STEP.XXXXXXXX.link` in `link_dir` (eight lowercase hex digits) whose Metablock has a
/// signature with a certificate and a key id starting with those digits.
pub fn load_certified_files(
    step: &Step,
    already: &[LoadedFile],
    link_dir: &Path,
) -> Result<Vec<LoadedFile>, VerifyError> {
    let entries = match std::fs::read_dir(link_dir) {
        Ok(e) => e,
        Err(_) => return Ok(Vec::new()), // a missing directory holds no links
    };
    let prefix = format!("{}.", step.name.as_str());
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| {
            name.strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".link"))
                .is_some_and(|id| {
                    id.len() == 8
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                })
        })
        .collect();
    names.sort();
    let mut found = Vec::new();
    for name in names {
        let path = link_dir.join(&name);
        if already.iter().any(|f| f.path == path) {
            continue;
        }
        let short = &name[prefix.len()..prefix.len() + 8];
        let Some(doc) = document::read_optional(&path)? else {
            continue;
        };
        let SignedDocument::Metablock(mb) = &doc else {
            continue; // DSSE signatures carry no certificate
        };
        let Some(keyid) = mb
            .signatures
            .iter()
            .find(|s| s.certificate().is_some() && s.keyid().as_str().starts_with(short))
            .map(|s| s.keyid().clone())
        else {
            continue;
        };
        found.push(LoadedFile {
            file_keyid: keyid,
            path,
            doc,
        });
    }
    Ok(found)
}

/// Checks a file found by [`load_certified_files`] (or any file of a step that accepts
/// certificates whose key id is not one of the step's keys): the signature under the file's
/// key id carries a certificate that chains to a layout root at `now_unix`, passes one of the
/// step's constraints, and verifies the signature. Returns the functionary's key id and the
/// certificate's key.
pub fn verify_certified(
    step: &Step,
    file: &LoadedFile,
    store: &TrustStore,
    now_unix: i64,
) -> Result<(KeyId, intoto_crypto::PublicKey), X509Error> {
    let malformed = |reason: &str| X509Error::Malformed {
        context: format!(" in '{}'", file.path.display()),
        reason: reason.to_string(),
    };
    let SignedDocument::Metablock(mb) = &file.doc else {
        return Err(malformed("a DSSE envelope carries no certificate"));
    };
    let signature = mb
        .signatures
        .iter()
        .find(|s| *s.keyid() == file.file_keyid)
        .ok_or_else(|| malformed("no signature under the file's key id"))?;
    let pem = signature
        .certificate()
        .ok_or_else(|| malformed("the signature carries no certificate"))?;
    let context = format!(" in '{}'", file.path.display());
    let cert = Certificate::from_pem(pem, &context)?;
    let chain = store.verify(&cert, now_unix)?;
    intoto_x509::check_constraints(
        step.name.as_str(),
        step.cert_constraints.as_deref(),
        &cert,
        &chain.root_keyid,
    )?;
    intoto_x509::verify_certified_signature(mb, signature, &cert)?;
    Ok((file.file_keyid.clone(), cert.public_key().clone()))
}
