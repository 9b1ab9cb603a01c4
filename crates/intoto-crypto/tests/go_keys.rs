//! The in-toto-golang test keys (`spec-tests/in-toto-golang/`): every private key Go loads
//! (PKCS#1 RSA, PKCS#8 Ed25519, P-384 and P-521, SEC1) signs and its public key verifies;
//! ECDSA P-521 interoperates with the reference (`tests/data/reference_p521.json`); the curves
//! neither Go nor the reference support are refused by name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use base64::Engine as _;
use intoto_crypto::{CryptoError, KeyType, PrivateKey, PublicKey, Scheme};
use intoto_model::hex;

fn go_private(name: &str) -> Result<PrivateKey, CryptoError> {
    PrivateKey::from_pem(
        &common::read(&format!("spec-tests/in-toto-golang/{name}")),
        None,
    )
}

fn go_public(name: &str) -> Result<PublicKey, CryptoError> {
    let text = common::read(&format!("spec-tests/in-toto-golang/{name}.pub"));
    PublicKey::from_pem(&String::from_utf8(text).unwrap())
}

#[test]
fn every_go_key_we_support_signs_and_its_public_key_verifies() {
    for (name, kind, scheme) in [
        (
            "alice",
            KeyType::Rsa,
            Scheme::RsaPss(intoto_crypto::HashAlg::Sha256),
        ),
        (
            "dan",
            KeyType::Rsa,
            Scheme::RsaPss(intoto_crypto::HashAlg::Sha256),
        ),
        ("carol", KeyType::Ed25519, Scheme::Ed25519),
        ("grace", KeyType::EcdsaP384, Scheme::EcdsaP384),
        ("frank", KeyType::EcdsaP521, Scheme::EcdsaP521),
    ] {
        let private = go_private(name).unwrap();
        let public = go_public(name).unwrap();
        assert_eq!(private.public_key().key_type(), kind, "{name}");
        assert_eq!(public.signature_scheme(), scheme, "{name}");
        assert_eq!(private.keyid(), public.keyid(), "{name}");
        let sig = private.sign(b"in-toto").unwrap();
        public.verify(b"in-toto", &sig).unwrap();
        assert!(
            matches!(
                public.verify(b"in-toto!", &sig),
                Err(CryptoError::BadSignature { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn rsa_pkcs1v15_schemes_sign_and_verify_with_a_go_pkcs1_key() {
    let private = go_private("alice").unwrap();
    for h in [
        intoto_crypto::HashAlg::Sha224,
        intoto_crypto::HashAlg::Sha256,
        intoto_crypto::HashAlg::Sha384,
        intoto_crypto::HashAlg::Sha512,
    ] {
        let key = private.with_scheme(Scheme::RsaPkcs1v15(h)).unwrap();
        let sig = key.sign(b"m").unwrap();
        key.public_key().verify(b"m", &sig).unwrap();
        // PKCS#1 v1.5 signatures are deterministic.
        assert_eq!(key.sign(b"m").unwrap(), sig);
        // Not a PSS signature.
        let pss = key.public_key().with_scheme(Scheme::RsaPss(h)).unwrap();
        assert!(matches!(
            pss.verify(b"m", &sig),
            Err(CryptoError::BadSignature { .. })
        ));
    }
}

#[test]
fn a_sec1_p521_key_loads_as_its_pkcs8_form() {
    // tests/data/frank.sec1.pem: `openssl ec -in spec-tests/in-toto-golang/frank`.
    let sec1 = PrivateKey::from_pem(
        &common::read("crates/intoto-crypto/tests/data/frank.sec1.pem"),
        None,
    )
    .unwrap();
    assert_eq!(sec1.keyid(), go_private("frank").unwrap().keyid());
}

#[test]
fn p521_signatures_made_by_the_reference_verify() {
    let golden = common::json("crates/intoto-crypto/tests/data/reference_p521.json");
    let message = base64::engine::general_purpose::STANDARD
        .decode(golden["message_b64"].as_str().unwrap())
        .unwrap();
    let frank = go_public("frank").unwrap();
    for e in golden["signatures"].as_array().unwrap() {
        let rec = serde_json::from_value(e["key"].clone()).unwrap();
        let key = PublicKey::from_record(&rec).unwrap();
        assert!(key.same_material(&frank));
        // The reference's key id is the one we compute for the Go PEM key.
        assert_eq!(key.keyid(), frank.keyid());
        let sig = hex::decode(e["sig"].as_str().unwrap()).unwrap();
        key.verify(&message, &sig).unwrap();
        let mut tampered = message.clone();
        tampered.push(0);
        assert!(matches!(
            key.verify(&tampered, &sig),
            Err(CryptoError::BadSignature { .. })
        ));
    }
}

#[test]
fn a_p521_key_with_a_p384_scheme_is_refused() {
    let frank = go_public("frank").unwrap();
    assert!(matches!(
        frank.with_scheme(Scheme::EcdsaP384),
        Err(CryptoError::SchemeMismatch { .. })
    ));
    let mut rec = frank.to_record();
    rec.scheme = "ecdsa-sha2-nistp256".into();
    assert!(matches!(
        PublicKey::from_record(&rec),
        Err(CryptoError::SchemeMismatch { .. })
    ));
}

#[test]
fn a_malformed_p521_signature_is_reported_as_malformed() {
    let frank = go_public("frank").unwrap();
    assert!(matches!(
        frank.verify(b"m", &[0x30, 0x03, 0x02, 0x01]),
        Err(CryptoError::MalformedSignature { .. })
    ));
}

#[test]
fn curves_neither_go_nor_the_reference_support_are_refused_by_name() {
    for (name, curve) in [("erin", "secp256k1"), ("heidi", "P-224")] {
        assert!(
            matches!(go_public(name), Err(CryptoError::UnsupportedKeyType { keytype }) if keytype.contains(curve)),
            "{name}"
        );
        assert!(
            matches!(
                go_private(name),
                Err(CryptoError::UnsupportedKeyType { .. } | CryptoError::InvalidKey { .. })
            ),
            "{name}"
        );
    }
}

/// The PEM text of `name` with its label replaced (as in-toto-golang, which ignores labels).
fn relabelled(name: &str, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(common::read(name)).unwrap();
    text.replace(from, to).into_bytes()
}

#[test]
fn a_private_key_body_loads_whatever_its_label_as_in_go() {
    let frank = go_private("frank").unwrap();
    let alice = go_private("alice").unwrap();
    // A SEC1 body labelled PKCS#8, a PKCS#8 body labelled SEC1, a PKCS#1 body labelled PKCS#8.
    for (file, from, to, expected) in [
        (
            "crates/intoto-crypto/tests/data/frank.sec1.pem",
            "EC PRIVATE KEY",
            "PRIVATE KEY",
            frank.keyid(),
        ),
        (
            "spec-tests/in-toto-golang/frank",
            "PRIVATE KEY",
            "EC PRIVATE KEY",
            frank.keyid(),
        ),
        (
            "spec-tests/in-toto-golang/alice",
            "RSA PRIVATE KEY",
            "PRIVATE KEY",
            alice.keyid(),
        ),
    ] {
        let key = PrivateKey::from_pem(&relabelled(file, from, to), None).unwrap();
        assert_eq!(key.keyid(), expected, "{file} as {to}");
    }
    // A body that is no key at all still reports the labelled format's error.
    let garbage = b"-----BEGIN RSA PRIVATE KEY-----\nAQID\n-----END RSA PRIVATE KEY-----\n";
    assert!(matches!(
        PrivateKey::from_pem(garbage, None),
        Err(CryptoError::InvalidKey { reason }) if reason.contains("PKCS#1")
    ));
}
