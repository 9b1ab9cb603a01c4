//! Two-part recording (`record start` / `record stop`) through `.NAME.KEYID8.link-unfinished`,
//! with the reference's checks: stop finds the file by the signing key's id, verifies that the
//! same key signed it, adds the products, re-signs in the same wrapper, writes
//! `NAME.KEYID8.link` and removes the unfinished file.

use std::{
    fs,
    path::{Path, PathBuf},
};

use intoto_crypto::PrivateKey;
use intoto_hash::{Progress, RecordOptions};
use intoto_model::{Link, SignedDocument, StepName, json::MAX_DOCUMENT_BYTES};

use crate::{
    RecordError, Recording, Side, Step, Wrapper,
    command::CommandOptions,
    metadata::{link_file_name, signed_file, unfinished_file_name, write_atomically},
    step::record,
};

/// Records `materials` and writes the signed unfinished link into `dir` (the reference: the
/// current directory). Returns the file written.
pub fn record_start(
    name: &StepName,
    materials: &[String],
    artifacts: &RecordOptions,
    key: &PrivateKey,
    wrapper: Wrapper,
    dir: &Path,
    progress: Option<&Progress>,
) -> Result<(PathBuf, Recording), RecordError> {
    let step = step(name, artifacts);
    let mut skipped = Vec::new();
    let mut link = Link::new(name.clone());
    link.materials = record(&step, Side::Materials, materials, progress, &mut skipped)?;
    let path = dir.join(unfinished_file_name(name, key.keyid()));
    write_atomically(&path, &signed_file(&link, wrapper, key)?)?;
    Ok((
        path,
        Recording {
            link,
            skipped,
            truncated: false,
        },
    ))
}

/// Finishes the unfinished link of `name` signed by `key` in `dir`: records `products`, writes
/// `NAME.KEYID8.link` into `metadata_dir`, removes the unfinished file. Returns the link file.
pub fn record_stop(
    name: &StepName,
    products: &[String],
    artifacts: &RecordOptions,
    key: &PrivateKey,
    dir: &Path,
    metadata_dir: &Path,
    progress: Option<&Progress>,
) -> Result<(PathBuf, Recording), RecordError> {
    let unfinished = dir.join(unfinished_file_name(name, key.keyid()));
    let (mut link, wrapper) = load_unfinished(&unfinished, name, key)?;
    let step = step(name, artifacts);
    let mut skipped = Vec::new();
    link.products = record(&step, Side::Products, products, progress, &mut skipped)?;
    let path = metadata_dir.join(link_file_name(name, key.keyid()));
    write_atomically(&path, &signed_file(&link, wrapper, key)?)?;
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

/// Reads the unfinished link, checks that `key` signed it and that it is a link for `name`.
fn load_unfinished(
    path: &Path,
    name: &StepName,
    key: &PrivateKey,
) -> Result<(Link, Wrapper), RecordError> {
    let invalid = |reason: String| RecordError::UnfinishedInvalid {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = match fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RecordError::UnfinishedMissing {
                step: name.to_string(),
                path: path.to_path_buf(),
            });
        }
        Ok(meta) if meta.len() > MAX_DOCUMENT_BYTES => {
            return Err(invalid(format!("larger than {MAX_DOCUMENT_BYTES} bytes")));
        }
        _ => fs::read(path).map_err(|source| RecordError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?,
    };
    let document = SignedDocument::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    let public = key.public_key();
    let verified = match &document {
        SignedDocument::Metablock(mb) => intoto_crypto::verify_metablock(mb, public),
        SignedDocument::Envelope(env) => intoto_crypto::verify_envelope(env, public),
    };
    verified.map_err(|e| {
        invalid(format!(
            "not signed by the signing key {} ({e}); stop must use the key that started",
            public.keyid()
        ))
    })?;
    let value = match &document {
        SignedDocument::Metablock(mb) => mb.signed.clone(),
        SignedDocument::Envelope(env) => intoto_model::json::parse_strict(&env.payload)
            .map_err(|e| invalid(format!("the DSSE payload is not JSON: {e}")))?,
    };
    let link = Link::from_value(&value).map_err(|e| invalid(e.to_string()))?;
    if link.name != *name {
        return Err(invalid(format!(
            "it is a link for step '{}', not '{name}'",
            link.name
        )));
    }
    Ok((link, Wrapper::of(&document)))
}
