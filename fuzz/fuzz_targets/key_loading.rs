//! Key loading: public keys (SubjectPublicKeyInfo PEM, securesystemslib key objects) and
//! private keys (PEM: PKCS#8 plain and encrypted, PKCS#1, SEC1, OpenSSL legacy encrypted;
//! legacy securesystemslib JSON). Nothing may panic.
#![no_main]

use intoto_crypto::{PrivateKey, PublicKey};
use intoto_model::{PublicKeyRecord, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(key) = PublicKey::from_pem(text) {
            // A loaded key writes back a PEM that loads to the same key.
            let pem = key.to_pem();
            assert!(
                pem.is_ok_and(|p| PublicKey::from_pem(&p).is_ok_and(|k| k == key)),
                "public key PEM round trip"
            );
        }
    }
    let _ = PrivateKey::from_pem(data, None);
    if PrivateKey::pem_is_encrypted(data) {
        let _ = PrivateKey::from_pem(data, Some(b"hunter2"));
    }
    let _ = PrivateKey::from_legacy_json(data);
    if let Ok(value) = json::parse_strict(data) {
        if let Ok(record) = serde_json::from_value::<PublicKeyRecord>(value) {
            let _ = PublicKey::from_record(&record);
        }
    }
});
