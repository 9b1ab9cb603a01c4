//! securesystemslib JSON key files of older releases (e.g. `demo_files/danny`).

use intoto_model::{KeyId, KeyVal, PublicKeyRecord, hex};
use serde_json::Value;

use crate::{CryptoError, PrivateKey};

pub(crate) fn from_legacy_json(json: &[u8]) -> Result<PrivateKey, CryptoError> {
    let doc: Value = serde_json::from_slice(json)
        .map_err(|e| CryptoError::invalid_key(format!("key file is not JSON: {e}")))?;
    let field = |obj: &Value, name: &str| -> Result<String, CryptoError> {
        obj.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                CryptoError::invalid_key(format!("key file: missing string field {name:?}"))
            })
    };
    let keyval = doc
        .get("keyval")
        .ok_or_else(|| CryptoError::invalid_key("key file: missing \"keyval\""))?;
    let private = field(keyval, "private")?;
    if private.is_empty() {
        return Err(CryptoError::invalid_key(
            "key file holds no private key (keyval.private is empty)",
        ));
    }
    let keyid = match doc.get("keyid") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            KeyId::new(s.as_str())
                .map_err(|e| CryptoError::invalid_key(format!("key file: {e}")))?,
        ),
        Some(_) => return Err(CryptoError::invalid_key("key file: keyid is not a string")),
    };
    let keyid_hash_algorithms = match doc.get("keyid_hash_algorithms") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value::<Vec<String>>(v.clone()).map_err(|_| {
                CryptoError::invalid_key("key file: keyid_hash_algorithms is not a list of strings")
            })?,
        ),
    };
    let record = PublicKeyRecord {
        keyid,
        keytype: field(&doc, "keytype")?,
        scheme: field(&doc, "scheme")?,
        keyval: KeyVal {
            public: field(keyval, "public")?,
            private: None,
            certificate: None,
        },
        keyid_hash_algorithms,
        extra: Default::default(),
    };
    if record.keytype == "ed25519" {
        let seed = hex::decode(&private)
            .map_err(|e| CryptoError::invalid_key(format!("ed25519 private key: {e}")))?;
        // securesystemslib stored the 32-byte seed; some tools stored seed || public.
        let seed: [u8; 32] = seed
            .get(..32)
            .filter(|_| seed.len() == 32 || seed.len() == 64)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| {
                CryptoError::invalid_key(format!(
                    "ed25519 private key has {} bytes, not 32",
                    seed.len()
                ))
            })?;
        PrivateKey::from_ed25519_seed(seed, &record)
    } else {
        PrivateKey::from_pem_with_record(private.as_bytes(), &record)
    }
}
