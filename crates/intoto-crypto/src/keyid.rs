//! Key ids: SHA-256 over the canonical JSON of a key object.

use intoto_model::{KeyId, PublicKeyRecord, canonical};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::CryptoError;

/// The key id securesystemslib >= 1.0 computes: lowercase hex SHA-256 of the canonical JSON of
/// `{"keytype", "keyval": {"public"}, "scheme"}`.
pub fn keyid_of(keytype: &str, scheme: &str, public: &str) -> KeyId {
    let obj = json!({"keytype": keytype, "scheme": scheme, "keyval": {"public": public}});
    hash_object(&obj)
}

/// The key id older releases (in-toto-golang, in-toto-rs, securesystemslib < 1.0) computed:
/// like [`keyid_of`] but with `keyid_hash_algorithms` inside the hashed object.
pub fn legacy_keyid_of(
    keytype: &str,
    scheme: &str,
    public: &str,
    hash_algorithms: &[String],
) -> KeyId {
    let mut keyval = Map::new();
    keyval.insert("public".into(), public.into());
    let obj = json!({
        "keytype": keytype,
        "scheme": scheme,
        "keyid_hash_algorithms": hash_algorithms,
        "keyval": keyval,
    });
    hash_object(&obj)
}

/// `keyid_hash_algorithms` that securesystemslib < 1.0 put into every key object it hashed.
pub(crate) const LEGACY_HASH_ALGORITHMS: [&str; 2] = ["sha256", "sha512"];

/// Checks that `keyid` (a layout's map key, or a key object's `keyid`) is the key id of
/// `record`'s content, computed either way: the current way ([`keyid_of`]) or the legacy way
/// ([`legacy_keyid_of`] with the record's `keyid_hash_algorithms`, or securesystemslib's old
/// default `["sha256", "sha512"]` when the record does not list them). Accepting both keeps
/// metadata made by older tools working; anything else means the id and the key material
/// disagree, and a key id that does not commit to its key is refused.
pub fn check_keyid(keyid: &KeyId, record: &PublicKeyRecord) -> Result<(), CryptoError> {
    let public = &record.keyval.public;
    let current = keyid_of(&record.keytype, &record.scheme, public);
    let default_algs = LEGACY_HASH_ALGORITHMS.map(String::from);
    let algs = record
        .keyid_hash_algorithms
        .as_deref()
        .unwrap_or(&default_algs);
    let legacy = legacy_keyid_of(&record.keytype, &record.scheme, public, algs);
    let default_legacy = legacy_keyid_of(&record.keytype, &record.scheme, public, &default_algs);
    if *keyid == current || *keyid == legacy || *keyid == default_legacy {
        return Ok(());
    }
    Err(CryptoError::KeyIdMismatch {
        keyid: keyid.clone(),
        computed: current,
        legacy,
    })
}

fn hash_object(obj: &Value) -> KeyId {
    // An object of strings always has a canonical form; the fallback is unreachable.
    let bytes = canonical::encode(obj).unwrap_or_default();
    KeyId::from_digest(&Sha256::digest(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danny_legacy_keyid() {
        // demo_files/danny: the key id written in the file was computed the legacy way.
        let public = "32b2b597295d7a9ef4c5cfd2d588f6b02dc983a58cf5677b1d7d20af82c7e1a2";
        let algs = vec!["sha256".to_string(), "sha512".to_string()];
        assert_eq!(
            legacy_keyid_of("ed25519", "ed25519", public, &algs).as_str(),
            "36a5529f72cf3b1cc096a28887350969212f9d6c46529658ab186fc0cb781699"
        );
    }
}
