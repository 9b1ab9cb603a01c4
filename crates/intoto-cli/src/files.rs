//! Reading metadata and key files with a size limit, and writing output files.

use std::{fs, io::Read, path::Path};

use anyhow::{Context, bail};
use intoto_model::{SignedDocument, json::MAX_DOCUMENT_BYTES};

/// Reads a whole file, refusing files larger than [`MAX_DOCUMENT_BYTES`] before reading them.
pub fn read_limited(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = fs::File::open(path).with_context(|| format!("cannot open '{}'", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot stat '{}'", path.display()))?
        .len();
    if size > MAX_DOCUMENT_BYTES {
        bail!(
            "'{}' is {size} bytes, more than the limit of {MAX_DOCUMENT_BYTES} bytes",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read '{}'", path.display()))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        bail!(
            "'{}' grew beyond the size limit while being read",
            path.display()
        );
    }
    Ok(bytes)
}

/// Reads a PEM file (key or certificate) with the same size limit; it must be UTF-8 text.
pub fn read_pem(path: &Path) -> anyhow::Result<String> {
    String::from_utf8(read_limited(path)?)
        .map_err(|_| anyhow::anyhow!("'{}' is not a PEM file", path.display()))
}

/// Reads and parses a signed metadata file (Metablock or DSSE envelope).
pub fn read_signed_document(path: &Path) -> anyhow::Result<SignedDocument> {
    let bytes = read_limited(path)?;
    SignedDocument::from_slice(&bytes)
        .with_context(|| format!("'{}' is not valid in-toto metadata", path.display()))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that a crash never leaves a half-written file behind (shared with the recorder).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    intoto_record::metadata::write_atomically(path, bytes).map_err(anyhow::Error::from)
}
