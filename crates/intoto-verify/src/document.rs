//! Reading signed metadata files for the workflow: size-limited reads, strict parsing, and
//! turning verified content into typed layouts and links.

use std::{
    fs,
    io::{ErrorKind, Read},
    path::Path,
};

use intoto_model::{
    IN_TOTO_PAYLOAD_TYPE, Layout, Link, ModelError, SignedDocument, json::MAX_DOCUMENT_BYTES,
    json::parse_strict,
};
use serde_json::Value;

use crate::VerifyError;

/// Reads and parses a signed metadata file. `Ok(None)` when the file does not exist.
pub fn read_optional(path: &Path) -> Result<Option<SignedDocument>, VerifyError> {
    match fs::File::open(path) {
        Ok(file) => read_open(path, file).map(Some),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(source) => Err(VerifyError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Reads and parses a signed metadata file that must exist.
pub fn read(path: &Path) -> Result<SignedDocument, VerifyError> {
    let file = fs::File::open(path).map_err(|source| VerifyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_open(path, file)
}

fn read_open(path: &Path, file: fs::File) -> Result<SignedDocument, VerifyError> {
    let io = |source| VerifyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_DOCUMENT_BYTES {
        return Err(VerifyError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    SignedDocument::from_slice(&bytes).map_err(|source| VerifyError::Malformed {
        path: path.to_path_buf(),
        source,
    })
}

/// The signed content of a document, after its signatures were checked: the Metablock's
/// `signed` value or the DSSE payload parsed strictly. The error path is prefixed with
/// `signed.` or `payload.`.
pub fn content(doc: &SignedDocument, path: &Path) -> Result<Value, VerifyError> {
    let malformed = |source: ModelError| VerifyError::Malformed {
        path: path.to_path_buf(),
        source,
    };
    match doc {
        SignedDocument::Metablock(mb) => Ok(mb.signed.clone()),
        SignedDocument::Envelope(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(VerifyError::UnexpectedContent {
                    path: path.to_path_buf(),
                    expected: "the DSSE payloadType application/vnd.in-toto+json",
                    found: format!("{:?}", env.payload_type),
                });
            }
            parse_strict(&env.payload).map_err(|e| malformed(ModelError::from(e).within("payload")))
        }
    }
}

fn prefix(doc: &SignedDocument) -> &'static str {
    match doc {
        SignedDocument::Metablock(_) => "signed",
        SignedDocument::Envelope(_) => "payload",
    }
}

/// What a verified link file holds: a link, or a sublayout standing in for a step.
pub enum StepEvidence {
    /// A link.
    Link(Box<Link>),
    /// A sublayout (verified recursively by the workflow).
    Layout,
}

/// Reads the content of a verified step file as a link or a sublayout.
pub fn step_evidence(doc: &SignedDocument, path: &Path) -> Result<StepEvidence, VerifyError> {
    let value = content(doc, path)?;
    let malformed = |source: ModelError| VerifyError::Malformed {
        path: path.to_path_buf(),
        source: source.within(prefix(doc)),
    };
    match value.get("_type").and_then(Value::as_str) {
        Some("layout") => {
            Layout::from_value(&value).map_err(malformed)?;
            Ok(StepEvidence::Layout)
        }
        _ => Ok(StepEvidence::Link(Box::new(
            Link::from_value(&value).map_err(malformed)?,
        ))),
    }
}

/// Reads the content of a verified layout file.
pub fn layout(doc: &SignedDocument, path: &Path) -> Result<Layout, VerifyError> {
    let value = content(doc, path)?;
    match value.get("_type").and_then(Value::as_str) {
        Some("layout") => Layout::from_value(&value).map_err(|source| VerifyError::Malformed {
            path: path.to_path_buf(),
            source: source.within(prefix(doc)),
        }),
        other => Err(VerifyError::UnexpectedContent {
            path: path.to_path_buf(),
            expected: "a layout",
            found: other.map_or_else(|| "no _type".to_string(), |t| format!("_type {t:?}")),
        }),
    }
}
