//! Reading metadata and key files with a size limit, and writing output files.

use std::path::Path;

use anyhow::Context;
use intoto_model::SignedDocument;

/// Reads a whole file, refusing files larger than the metadata size limit before reading them
/// and fifos, devices and directories without blocking.
pub fn read_limited(path: &Path) -> anyhow::Result<Vec<u8>> {
    Ok(intoto_model::file::read_metadata_file(path)?)
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
