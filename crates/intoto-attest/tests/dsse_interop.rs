//! DSSE interoperability with securesystemslib 1.6 (the reference's DSSE code): envelopes it
//! made verify with ours, and ours are byte for byte what it makes (Ed25519 signatures are
//! deterministic), so it verifies ours. Fixtures and their generator: `tests/data/sslib/`
//! (`make.py`); `make.py verify ours-ed25519.json` checks our committed envelope (made by
//! `in-toto attest`) with securesystemslib. No Python is needed to run these tests.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::{fs, path::PathBuf};

use intoto_attest::{Evidence, envelope_file, statement_of};
use intoto_crypto::{PrivateKey, PublicKey, verify_envelope};
use intoto_model::{Envelope, IN_TOTO_PAYLOAD_TYPE, SignedDocument};

fn data(name: &str) -> Vec<u8> {
    fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/sslib")
            .join(name),
    )
    .unwrap()
}

fn envelope(name: &str) -> Envelope {
    match SignedDocument::from_slice(&data(name)).unwrap() {
        SignedDocument::Envelope(e) => e,
        SignedDocument::Metablock(_) => panic!("not an envelope"),
    }
}

fn public(name: &str) -> PublicKey {
    PublicKey::from_pem(std::str::from_utf8(&data(name)).unwrap()).unwrap()
}

#[test]
fn securesystemslib_envelopes_verify_with_ours() {
    let ed = public("key.pub");
    let rsa = public("rsa.pub");
    let one = envelope("sslib-ed25519.json");
    verify_envelope(&one, &ed).unwrap();
    assert!(verify_envelope(&one, &rsa).is_err());
    let two = envelope("sslib-two-signatures.json");
    verify_envelope(&two, &ed).unwrap();
    verify_envelope(&two, &rsa).unwrap();
    let statement = statement_of(&SignedDocument::Envelope(two)).unwrap();
    assert_eq!(statement.subject[0].name.as_deref(), Some("app.bin"));
}

#[test]
fn tampered_payload_fails() {
    let mut env = envelope("sslib-ed25519.json");
    env.payload.push(b' ');
    assert!(verify_envelope(&env, &public("key.pub")).is_err());
}

#[test]
fn our_envelopes_are_what_securesystemslib_writes() {
    let key = PrivateKey::from_pem(&data("key.pem"), None).unwrap();
    let mut env = Envelope {
        payload: data("statement.json"),
        payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
        signatures: Vec::new(),
    };
    intoto_crypto::sign_envelope(&mut env, &key).unwrap();
    let ours = envelope_file(&env);
    assert_eq!(ours, data("sslib-ed25519.json"));
}

#[test]
fn our_attest_output_verifies() {
    // Made by `in-toto attest -t .../test-result/v0.1 -p predicate.json --subject-digest
    // app.bin=sha256:e3b0... --signing-key key.pem -o ours-ed25519.json`; securesystemslib
    // verified it (`make.py verify ours-ed25519.json`).
    let env = envelope("ours-ed25519.json");
    verify_envelope(&env, &public("key.pub")).unwrap();
    let st = statement_of(&SignedDocument::Envelope(env)).unwrap();
    assert_eq!(
        st.predicate_type,
        "https://in-toto.io/attestation/test-result/v0.1"
    );
}

#[test]
fn securesystemslib_envelopes_are_evidence() {
    let ed = public("key.pub");
    let keys = [(ed.keyid().to_string(), ed)].into_iter().collect();
    let mut evidence = Evidence::default();
    evidence
        .add("test.ac6d2b47.json", &data("sslib-ed25519.json"), &keys)
        .unwrap();
    assert_eq!(evidence.claims.len(), 1);
    assert_eq!(evidence.claims[0].step, "test");
}
