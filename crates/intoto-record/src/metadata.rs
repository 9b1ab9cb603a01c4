//! Wrapping a link as the reference writes it: file names, Metablock or DSSE bytes, signing,
//! and writing files atomically.

use std::{fs, path::Path};

use intoto_model::{
    Envelope, IN_TOTO_PAYLOAD_TYPE, KeyId, Link, Metablock, SignedDocument, StepName, pyjson,
};
use serde_json::Value;

use crate::{RecordError, Signer};

/// The signature wrapper of a link file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wrapper {
    /// `{"signed": ..., "signatures": [...]}`, the reference's default.
    #[default]
    Metablock,
    /// A DSSE envelope whose payload is the link JSON (`--use-dsse`).
    Dsse,
}

impl Wrapper {
    /// The wrapper of a metadata file already read.
    pub fn of(document: &SignedDocument) -> Self {
        match document {
            SignedDocument::Metablock(_) => Wrapper::Metablock,
            SignedDocument::Envelope(_) => Wrapper::Dsse,
        }
    }
}

/// `NAME.KEYID8.link`, the file `in-toto run` and `record stop` write.
pub fn link_file_name(name: &StepName, keyid: &KeyId) -> String {
    format!("{}.{}.link", name.as_str(), keyid.short())
}

/// `.NAME.KEYID8.link-unfinished`, the file `record start` writes in the current directory.
pub fn unfinished_file_name(name: &StepName, keyid: &KeyId) -> String {
    format!(".{}.{}.link-unfinished", name.as_str(), keyid.short())
}

/// `NAME.link`, the unsigned file `in-toto mock` writes.
pub fn mock_file_name(name: &StepName) -> String {
    format!("{}.link", name.as_str())
}

/// The DSSE payload of a link: Python's `json.dumps(link, sort_keys=True)`, as the reference.
pub fn dsse_payload(link: &Link) -> Vec<u8> {
    pyjson::compact_sorted(&link.to_value())
}

/// A signed link file: its bytes and the key id its signature carries (the `KEYID8` of its
/// file name; for GnuPG the signing (sub)key's, known only once signed).
#[derive(Debug, Clone)]
pub struct SignedLink {
    /// The file bytes, formatted as the reference writes them.
    pub bytes: Vec<u8>,
    /// The key id of the signature.
    pub keyid: KeyId,
}

/// The file bytes of `link` in `wrapper`, signed by `signer`.
pub fn signed_file(
    link: &Link,
    wrapper: Wrapper,
    signer: &Signer,
) -> Result<SignedLink, RecordError> {
    sign_value(link.name.as_str(), link.to_value(), wrapper, signer)
}

/// [`signed_file`] for a link no longer needed: it is dropped once turned into JSON, so a link
/// with many artifacts is never held twice.
pub fn into_signed_file(
    link: Link,
    wrapper: Wrapper,
    signer: &Signer,
) -> Result<SignedLink, RecordError> {
    let name = link.name.to_string();
    let value = link.to_value();
    drop(link);
    sign_value(&name, value, wrapper, signer)
}

fn sign_value(
    step: &str,
    value: Value,
    wrapper: Wrapper,
    signer: &Signer,
) -> Result<SignedLink, RecordError> {
    let sign_err = |source| RecordError::Sign {
        step: step.to_string(),
        source,
    };
    Ok(match wrapper {
        Wrapper::Metablock => {
            let mut mb = Metablock::new(value);
            let keyid = signer.sign_metablock(&mut mb).map_err(sign_err)?;
            // Metablock::to_value would clone `signed`; move it into the output instead.
            let signed = std::mem::take(&mut mb.signed);
            let mut file = mb.to_value();
            if let Value::Object(m) = &mut file {
                m.insert("signed".into(), signed);
            }
            SignedLink {
                bytes: pyjson::metablock_file(&file),
                keyid,
            }
        }
        Wrapper::Dsse => {
            let mut env = Envelope {
                payload: pyjson::compact_sorted(&value),
                payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
                signatures: Vec::new(),
            };
            drop(value);
            let keyid = signer.sign_envelope(step, &mut env)?;
            SignedLink {
                bytes: pyjson::compact_sorted(&env.to_value()),
                keyid,
            }
        }
    })
}

/// The file bytes of `link` in `wrapper` with no signature (`in-toto mock`).
pub fn unsigned_file(link: &Link, wrapper: Wrapper) -> Vec<u8> {
    match wrapper {
        Wrapper::Metablock => pyjson::metablock_file(&Metablock::new(link.to_value()).to_value()),
        Wrapper::Dsse => pyjson::compact_sorted(&envelope(link).to_value()),
    }
}

fn envelope(link: &Link) -> Envelope {
    Envelope {
        payload: dsse_payload(link),
        payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
        signatures: Vec::new(),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that an interrupted run never leaves half a link behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RecordError> {
    let io_err = |source| RecordError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).map_err(io_err)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(e)
    })
}
