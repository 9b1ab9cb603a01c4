//! Key ids of every generation: a key loaded from PEM answers to its current id and to the
//! legacy ids in-toto-golang, in-toto-rs and securesystemslib < 1.0 computed for it, and
//! finds its signatures under any of them; a key read from a layout answers only to the id
//! the layout lists it under.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use intoto_crypto::{
    CryptoError, PrivateKey, PublicKey, check_keyid, keyid_of, sign_envelope, sign_metablock,
    verify_envelope, verify_metablock,
};
use intoto_model::{
    Envelope, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE, KeyId, Metablock, Signature,
};
use serde_json::json;

/// Alice's and dan's key ids as in-toto-golang computes them (its `keylib_test.go` and the
/// layouts in `spec-tests/in-toto-golang/`).
const ALICE_GO: &str = "70ca5750c2eda80b18f41f4ec5f92146789b5d68dd09577be422a0159bd13680";
const DAN_GO: &str = "b7d643dec0a051096ee5d87221b5d91a33daa658699d30903e1cefb90c418401";

fn go_public(name: &str) -> PublicKey {
    let text = common::read(&format!("spec-tests/in-toto-golang/{name}"));
    PublicKey::from_pem(&String::from_utf8(text).unwrap()).unwrap()
}

fn go_private(name: &str) -> PrivateKey {
    PrivateKey::from_pem(
        &common::read(&format!("spec-tests/in-toto-golang/{name}")),
        None,
    )
    .unwrap()
}

fn id(s: &str) -> KeyId {
    KeyId::new(s).unwrap()
}

#[test]
fn a_pem_key_answers_to_its_current_id_first_and_to_the_go_id() {
    for (name, go) in [("alice.pub", ALICE_GO), ("dan.pub", DAN_GO)] {
        let key = go_public(name);
        let current = keyid_of(key.keytype(), key.scheme(), &key.record().keyval.public);
        assert_eq!(key.keyid(), &current);
        assert_eq!(key.keyids()[0], current);
        assert!(key.answers_to(&id(go)), "{name}: {:?}", key.keyids());
        assert!(key.keyids().len() <= 4);
    }
    // The private key's public half has the same ids.
    assert!(go_private("alice").public_key().answers_to(&id(ALICE_GO)));
}

#[test]
fn a_layout_key_answers_only_to_the_id_it_is_listed_under() {
    let pem = go_public("alice.pub");
    // As in-toto-golang writes it into a layout: the PEM text trimmed.
    let mut record = pem.to_record();
    record.keyval.public = record.keyval.public.trim().to_string();
    record.keyid = Some(id(ALICE_GO));
    record.keyid_hash_algorithms = Some(vec!["sha256".into(), "sha512".into()]);
    check_keyid(&id(ALICE_GO), &record).unwrap();
    let listed = PublicKey::from_record(&record).unwrap();
    assert_eq!(listed.keyids(), &[id(ALICE_GO)][..]);
    assert!(!listed.answers_to(pem.keyid()));
    // The untrimmed text under the Go id: the id no longer commits to the key object.
    let mut untrimmed = record.clone();
    untrimmed.keyval.public.push('\n');
    assert!(matches!(
        check_keyid(&id(ALICE_GO), &untrimmed),
        Err(CryptoError::KeyIdMismatch { keyid, .. }) if keyid == id(ALICE_GO)
    ));
}

/// A Metablock signed by alice's key under in-toto-golang's id for it.
fn signed_under_go_id() -> Metablock {
    let key = go_private("alice");
    let mut mb = Metablock::new(json!({"_type": "link", "name": "build"}));
    sign_metablock(&mut mb, &key).unwrap();
    if let Signature::Standard { keyid, .. } = &mut mb.signatures[0] {
        *keyid = id(ALICE_GO);
    }
    mb
}

#[test]
fn a_pem_key_finds_its_metablock_signature_under_the_go_id() {
    let mb = signed_under_go_id();
    verify_metablock(&mb, &go_public("alice.pub")).unwrap();
}

#[test]
fn a_layout_key_listed_under_its_current_id_does_not_find_a_signature_under_the_go_id() {
    let mb = signed_under_go_id();
    let pem = go_public("alice.pub");
    let listed = PublicKey::from_record(&pem.to_record()).unwrap();
    match verify_metablock(&mb, &listed) {
        Err(CryptoError::NoSignatureForKey { keyid }) => assert_eq!(&keyid, pem.keyid()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn another_key_does_not_answer_to_the_go_id() {
    let mb = signed_under_go_id();
    assert!(matches!(
        verify_metablock(&mb, &go_public("dan.pub")),
        Err(CryptoError::NoSignatureForKey { .. })
    ));
}

#[test]
fn a_bad_signature_under_the_go_id_is_reported_as_bad() {
    let mut mb = signed_under_go_id();
    mb.signed = json!({"_type": "link", "name": "tampered"});
    assert!(matches!(
        verify_metablock(&mb, &go_public("alice.pub")),
        Err(CryptoError::BadSignature { .. })
    ));
}

fn envelope() -> Envelope {
    Envelope {
        payload: br#"{"_type":"link"}"#.to_vec(),
        payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
        signatures: Vec::new(),
    }
}

#[test]
fn a_pem_key_finds_its_dsse_signature_under_the_go_id() {
    let key = go_private("alice");
    let mut env = envelope();
    sign_envelope(&mut env, &key).unwrap();
    env.signatures[0].keyid = Some(id(ALICE_GO));
    verify_envelope(&env, &go_public("alice.pub")).unwrap();
}

#[test]
fn dsse_signatures_under_two_ids_of_one_key_claim_it_twice() {
    let key = go_private("alice");
    let mut env = envelope();
    sign_envelope(&mut env, &key).unwrap();
    let twin = EnvelopeSignature {
        keyid: Some(id(ALICE_GO)),
        sig: env.signatures[0].sig.clone(),
    };
    env.signatures.push(twin);
    assert!(matches!(
        verify_envelope(&env, &go_public("alice.pub")),
        Err(CryptoError::DuplicateSignature { .. })
    ));
}
