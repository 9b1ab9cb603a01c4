//! Paths of test data: the crate's golden files, the repository's spec-tests, and the
//! reference vectors next to the repository (`../shared/vectors`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a file given relative to the repository root (as spec-tests' JSON files name them).
pub fn read(rel: &str) -> Vec<u8> {
    let p = root().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Whether the shared reference vectors (outside the repository) are present.
pub fn have_shared() -> bool {
    root().join("../shared/vectors").is_dir()
}

/// Parses a JSON file given relative to the repository root.
pub fn json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&read(rel)).unwrap()
}

/// The crate's golden file made by `tests/data/gen_golden.py`.
pub fn golden() -> serde_json::Value {
    json("crates/intoto-crypto/tests/data/reference_golden.json")
}
