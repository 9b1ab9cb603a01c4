//! Two-part recording (`record start` / `record stop`) through `.NAME.KEYID8.link-unfinished`,
//! with the reference's checks: stop finds the file by the signing key's id (with GnuPG: the
//! only `.NAME.*.link-unfinished`), verifies that the same key signed it, adds the products,
//! re-signs in the same wrapper, writes `NAME.KEYID8.link` and removes the unfinished file.

use std::{
    fs,
    path::{Path, PathBuf},
};

use intoto_crypto::PrivateKey;
use intoto_hash::{Progress, RecordOptions};
use intoto_model::{
    Link, SignedDocument, StepName,
    file::{FileError, read_metadata_file},
};

use crate::{
    RecordError, Recording, Side, Signer, Step, Wrapper,
    command::CommandOptions,
    metadata::{link_file_name, signed_file, unfinished_file_name, write_atomically},
    step::record,
};

/// Records `materials` and writes the unfinished link signed by `signer` into `dir` (the
/// reference: the current directory), named after the signature's key id. Returns the file
/// written.
pub fn record_start(
    name: &StepName,
    materials: &[String],
    artifacts: &RecordOptions,
    signer: &Signer,
    wrapper: Wrapper,
    dir: &Path,
    progress: Option<&Progress>,
) -> Result<(PathBuf, Recording), RecordError> {
    let step = step(name, artifacts);
    let mut skipped = Vec::new();
    let mut link = Link::new(name.clone());
    link.materials = record(&step, Side::Materials, materials, progress, &mut skipped)?;
    let signed = signed_file(&link, wrapper, signer)?;
    let path = dir.join(unfinished_file_name(name, &signed.keyid));
    write_atomically(&path, &signed.bytes)?;
    Ok((
        path,
        Recording {
            link,
            skipped,
            truncated: false,
        },
    ))
}

/// Finishes the unfinished link of `name` in `dir` signed by `signer`: records `products`,
/// writes `NAME.KEYID8.link` into `metadata_dir`, removes the unfinished file. Returns the
/// link file.
///
/// With a private key the unfinished file is `.NAME.KEYID8.link-unfinished` of that key. With
/// GnuPG, as in the reference, it is the only file matching `.NAME.*.link-unfinished` (none
/// or several are errors); its signature is checked with the key exported from the keyring
/// (the given id, or the id the unfinished link's signature carries) and the link is signed
/// again with that key.
pub fn record_stop(
    name: &StepName,
    products: &[String],
    artifacts: &RecordOptions,
    signer: &Signer,
    dir: &Path,
    metadata_dir: &Path,
    progress: Option<&Progress>,
) -> Result<(PathBuf, Recording), RecordError> {
    let (unfinished, mut link, wrapper, signer) = match signer {
        Signer::Key(key) | Signer::Certified { key, .. } => {
            let keyid = signer.known_keyid().unwrap_or(key.keyid());
            let path = dir.join(unfinished_file_name(name, keyid));
            let (document, bytes_path) = read_unfinished(path, name)?;
            check_key(&document, &bytes_path, key, keyid)?;
            let (link, wrapper) = link_of(&document, &bytes_path, name)?;
            (
                bytes_path,
                link,
                wrapper,
                std::borrow::Cow::Borrowed(signer),
            )
        }
        #[cfg(feature = "gpg")]
        Signer::Gpg { program, keyid } => {
            let path = find_unfinished(dir, name)?;
            let (document, path) = read_unfinished(path, name)?;
            let signed_by = check_gpg(&document, &path, name, program, keyid.as_deref())?;
            let (link, wrapper) = link_of(&document, &path, name)?;
            let again = Signer::Gpg {
                program: program.clone(),
                keyid: Some(keyid.clone().unwrap_or_else(|| signed_by.to_string())),
            };
            (path, link, wrapper, std::borrow::Cow::Owned(again))
        }
    };
    let step = step(name, artifacts);
    let mut skipped = Vec::new();
    link.products = record(&step, Side::Products, products, progress, &mut skipped)?;
    let signed = signed_file(&link, wrapper, &signer)?;
    let path = metadata_dir.join(link_file_name(name, &signed.keyid));
    write_atomically(&path, &signed.bytes)?;
    fs::remove_file(&unfinished).map_err(|source| RecordError::Io {
        action: "remove",
        path: unfinished.clone(),
        source,
    })?;
    Ok((
        path,
        Recording {
            link,
            skipped,
            truncated: false,
        },
    ))
}

fn step(name: &StepName, artifacts: &RecordOptions) -> Step {
    Step {
        name: name.clone(),
        materials: Vec::new(),
        products: Vec::new(),
        command: Vec::new(),
        artifacts: artifacts.clone(),
        run: CommandOptions::default(),
    }
}

fn invalid(path: &Path, reason: String) -> RecordError {
    RecordError::UnfinishedInvalid {
        path: path.to_path_buf(),
        reason,
    }
}

/// The reference's `glob(".NAME.*.link-unfinished")` in `dir`, except that the key id part
/// may not contain a dot (so that step `a` never picks up step `a.b`'s file).
#[cfg(feature = "gpg")]
fn find_unfinished(dir: &Path, name: &StepName) -> Result<PathBuf, RecordError> {
    let prefix = format!(".{}.", name.as_str());
    const SUFFIX: &str = ".link-unfinished";
    let entries = fs::read_dir(dir).map_err(|source| RecordError::Io {
        action: "list",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|f| {
            f.strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(SUFFIX))
                .is_some_and(|middle| !middle.contains('.'))
        })
        .collect();
    found.sort();
    match found.len() {
        0 => Err(RecordError::UnfinishedMissing {
            step: name.to_string(),
            path: dir.join(format!("{prefix}*{SUFFIX}")),
        }),
        1 => Ok(dir.join(&found[0])),
        _ => Err(RecordError::UnfinishedAmbiguous {
            step: name.to_string(),
            dir: dir.to_path_buf(),
            found,
        }),
    }
}

/// Reads and parses the unfinished link at `path`.
fn read_unfinished(
    path: PathBuf,
    name: &StepName,
) -> Result<(SignedDocument, PathBuf), RecordError> {
    let bytes = match read_metadata_file(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => {
            return Err(RecordError::UnfinishedMissing {
                step: name.to_string(),
                path,
            });
        }
        Err(FileError::Io { source, .. }) => {
            return Err(RecordError::Io {
                action: "read",
                path,
                source,
            });
        }
        Err(FileError::TooLarge { limit, .. }) => {
            return Err(invalid(&path, format!("larger than {limit} bytes")));
        }
        Err(FileError::NotAFile { kind, .. }) => {
            return Err(invalid(&path, format!("a {kind}, not a regular file")));
        }
    };
    let document = SignedDocument::from_slice(&bytes).map_err(|e| invalid(&path, e.to_string()))?;
    Ok((document, path))
}

/// Checks that `key` signed the unfinished link.
fn check_key(
    document: &SignedDocument,
    path: &Path,
    key: &PrivateKey,
    keyid: &intoto_model::KeyId,
) -> Result<(), RecordError> {
    // A certified signer's signature carries another id of the same key (ITE-7).
    let renamed;
    let public = if keyid == key.keyid() {
        key.public_key()
    } else {
        let mut record = key.public_key().to_record();
        record.keyid = Some(keyid.clone());
        renamed = intoto_crypto::PublicKey::from_record(&record)
            .map_err(|e| invalid(path, format!("key {keyid}: {e}")))?;
        &renamed
    };
    let verified = match document {
        SignedDocument::Metablock(mb) => intoto_crypto::verify_metablock(mb, public),
        SignedDocument::Envelope(env) => intoto_crypto::verify_envelope(env, public),
    };
    verified.map_err(|e| {
        invalid(
            path,
            format!(
                "not signed by the signing key {} ({e}); stop must use the key that started",
                public.keyid()
            ),
        )
    })
}

/// Checks the unfinished link's GnuPG signature with the key `keyid` (or, without one, the key
/// its first signature names) exported from the keyring. Returns the signing (sub)key's id.
#[cfg(feature = "gpg")]
fn check_gpg(
    document: &SignedDocument,
    path: &Path,
    name: &StepName,
    program: &intoto_crypto::gpg::GpgProgram,
    keyid: Option<&str>,
) -> Result<intoto_model::KeyId, RecordError> {
    let SignedDocument::Metablock(mb) = document else {
        return Err(invalid(
            path,
            "it is a DSSE envelope, which GnuPG keys cannot sign; stop must use the key that started"
                .into(),
        ));
    };
    let wanted = match keyid {
        Some(id) => id.to_string(),
        None => mb
            .signatures
            .first()
            .map(|s| s.keyid().to_string())
            .ok_or_else(|| invalid(path, "it has no signature".into()))?,
    };
    let gpg_err = |source| RecordError::Gpg {
        step: name.to_string(),
        key: wanted.clone(),
        source: Box::new(source),
    };
    let key = program.export_pubkey(&wanted).map_err(gpg_err)?;
    intoto_crypto::gpg::verify_metablock_gpg(mb, &key).map_err(|e| {
        invalid(
            path,
            format!(
                "not signed by GnuPG key {} ({e}); stop must use the key that started",
                key.keyid
            ),
        )
    })
}

/// The link inside the unfinished file, which must be a link for `name`.
fn link_of(
    document: &SignedDocument,
    path: &Path,
    name: &StepName,
) -> Result<(Link, Wrapper), RecordError> {
    let value = match document {
        SignedDocument::Metablock(mb) => mb.signed.clone(),
        SignedDocument::Envelope(env) => intoto_model::json::parse_strict(&env.payload)
            .map_err(|e| invalid(path, format!("the DSSE payload is not JSON: {e}")))?,
    };
    let link = Link::from_value(&value).map_err(|e| invalid(path, e.to_string()))?;
    if link.name != *name {
        return Err(invalid(
            path,
            format!("it is a link for step '{}', not '{name}'", link.name),
        ));
    }
    Ok((link, Wrapper::of(document)))
}
