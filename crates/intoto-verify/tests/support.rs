//! Helpers the test files share: the fixed verification time, keys, signed Metablock files
//! and the verification options.
#![allow(dead_code, clippy::unwrap_used)] // each file uses some of them

use std::path::Path;

use intoto_crypto::{KeyType, PrivateKey, legacy_keyid_of};
use intoto_model::{KeyId, Metablock, pyjson};
use intoto_verify::{Options, inspect::InspectionOptions};

/// The verification time of every test: 2027-01-15, inside the test certificates' validity
/// and before the test layouts' expiry (2030-01-01).
pub const NOW: i64 = 1_800_000_000;

/// A fresh Ed25519 key.
pub fn key() -> PrivateKey {
    PrivateKey::generate(KeyType::Ed25519).unwrap()
}

/// The key's legacy id (in-toto-golang's and older Python's, with `keyid_hash_algorithms`).
pub fn legacy_id(key: &PrivateKey) -> KeyId {
    let rec = key.public_key().record();
    let algs = ["sha256".to_string(), "sha512".to_string()];
    legacy_keyid_of(&rec.keytype, &rec.scheme, &rec.keyval.public, &algs)
}

/// `value` in a Metablock signed by `key`.
pub fn signed_metablock(value: serde_json::Value, key: &PrivateKey) -> Metablock {
    let mut mb = Metablock::new(value);
    intoto_crypto::sign_metablock(&mut mb, key).unwrap();
    mb
}

/// Writes `mb` to `path` as the reference writes Metablock files.
pub fn write_metablock(path: &Path, mb: &Metablock) {
    std::fs::write(path, pyjson::metablock_file(&mb.to_value())).unwrap();
}

/// Writes `value` signed by `key` to `path`.
pub fn write_signed(path: &Path, value: serde_json::Value, key: &PrivateKey) {
    write_metablock(path, &signed_metablock(value, key));
}

/// Options for links in `link_dir`, at [`NOW`], writing no inspection links.
pub fn options(link_dir: &Path) -> Options {
    Options {
        link_dir: link_dir.to_path_buf(),
        now_unix: NOW,
        params: None,
        inspections: InspectionOptions {
            persist_links: false,
            ..InspectionOptions::default()
        },
        intermediate_certs: Vec::new(),
    }
}

/// `value` in a Metablock signed by `key`, its signature labelled with `keyid` instead of
/// the key's own id.
pub fn signed_metablock_under(
    value: serde_json::Value,
    key: &PrivateKey,
    keyid: &KeyId,
) -> Metablock {
    let mut mb = signed_metablock(value, key);
    if let Some(intoto_model::Signature::Standard { keyid: k, .. }) = mb.signatures.first_mut() {
        *k = keyid.clone();
    }
    mb
}
