//! Key ids: SHA-256 over the canonical JSON of a key object.

use intoto_model::{KeyId, canonical};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

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
