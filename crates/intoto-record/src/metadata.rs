//! Wrapping a link as the reference writes it: file names, Metablock or DSSE bytes, signing,
//! and writing files atomically.

use std::{fs, path::Path};

use intoto_crypto::{CryptoError, PrivateKey};
use intoto_model::{
    Envelope, IN_TOTO_PAYLOAD_TYPE, KeyId, Link, PythonStyle, Signature, SignedDocument, StepName,
    hex, pyjson,
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
    link.to_python_json(PythonStyle::Compact)
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
    let sign_err = |source| RecordError::Sign {
        step: link.name.to_string(),
        source,
    };
    match (wrapper, signer) {
        (Wrapper::Metablock, Signer::Key(key)) => {
            signed_metablock_file(link, key, None).map_err(sign_err)
        }
        (
            Wrapper::Metablock,
            Signer::Certified {
                key,
                cert_pem,
                keyid,
            },
        ) => signed_metablock_file(link, key, Some((keyid, cert_pem))).map_err(sign_err),
        (Wrapper::Dsse, _) => {
            let mut env = Envelope {
                payload: dsse_payload(link),
                payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
                signatures: Vec::new(),
            };
            let keyid = signer.sign_envelope(link.name.as_str(), &mut env)?;
            Ok(SignedLink {
                bytes: pyjson::compact_sorted(&env.to_value()),
                keyid,
            })
        }
        #[cfg(feature = "gpg")]
        (Wrapper::Metablock, Signer::Gpg { program, keyid }) => {
            let mut mb = intoto_model::Metablock::new(link.to_value());
            let keyid = intoto_crypto::gpg::sign_metablock_gpg(&mut mb, program, keyid.as_deref())
                .map_err(sign_err)?;
            Ok(SignedLink {
                bytes: pyjson::metablock_file(&mb.to_value()),
                keyid,
            })
        }
    }
}

/// A Metablock link file signed with `key`; with `certified` (ITE-7) the signature carries
/// that key id and certificate. The canonical text and its signature are made on one thread
/// while the file text is written on another: for a link of many artifacts these are the two
/// largest costs after hashing, and they do not depend on each other.
fn signed_metablock_file(
    link: &Link,
    key: &PrivateKey,
    certified: Option<(&KeyId, &str)>,
) -> Result<SignedLink, CryptoError> {
    let keyid = certified.map_or(key.keyid(), |(id, _)| id);
    let (signature, body) = std::thread::scope(|scope| {
        let signing = scope.spawn(|| -> Result<Signature, CryptoError> {
            let canonical = link.to_canonical_json().map_err(|e| e.at("signed"))?;
            Ok(Signature::Standard {
                keyid: keyid.clone(),
                sig: hex::encode(&key.sign(&canonical)?),
                cert: certified.map(|(_, cert)| cert.to_string()),
            })
        });
        let body = link.to_python_json(PythonStyle::MetablockSigned);
        let signature = signing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (signature, body)
    });
    let signature = signature?;
    let signatures = Value::Array(vec![signature.to_value()]);
    Ok(SignedLink {
        bytes: pyjson::metablock_file_from_parts(&signatures, &body),
        keyid: keyid.clone(),
    })
}

/// The file bytes of `link` in `wrapper` with no signature (`in-toto mock`).
pub fn unsigned_file(link: &Link, wrapper: Wrapper) -> Vec<u8> {
    match wrapper {
        Wrapper::Metablock => pyjson::metablock_file_from_parts(
            &Value::Array(Vec::new()),
            &link.to_python_json(PythonStyle::MetablockSigned),
        ),
        Wrapper::Dsse => pyjson::compact_sorted(
            &Envelope {
                payload: dsse_payload(link),
                payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
                signatures: Vec::new(),
            }
            .to_value(),
        ),
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
