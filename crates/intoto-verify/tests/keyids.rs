//! Key ids of every generation in the workflow: a root layout signed under its owner's legacy
//! key id verifies with the owner's PEM key, and a functionary listed in the layout under a
//! legacy key id is found under that id, and only under that id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{fs, path::PathBuf};

use intoto_crypto::PrivateKey;
use intoto_model::{
    Envelope, IN_TOTO_PAYLOAD_TYPE, KeyId, Layout, LayoutKey, Link, Step, StepName, Timestamp,
};
use intoto_verify::{VerificationKey, VerifyError, verify};

use crate::support::{
    key, legacy_id, options, signed_metablock_under, write_metablock, write_signed,
};

/// One step `build` by a functionary listed under its legacy id, as in-toto-golang writes
/// layouts.
struct Chain {
    dir: tempfile::TempDir,
    owner: PrivateKey,
    functionary: PrivateKey,
    layout: Layout,
}

impl Chain {
    fn new() -> Chain {
        let (owner, functionary) = (key(), key());
        let listed = legacy_id(&functionary);
        let mut record = functionary.public_key().to_record();
        record.keyid = Some(listed.clone());
        record.keyid_hash_algorithms = Some(vec!["sha256".into(), "sha512".into()]);
        let mut layout = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
        layout
            .keys
            .insert(listed.clone(), LayoutKey::Standard(record));
        let mut build = Step::new(StepName::new("build").unwrap());
        build.pubkeys = vec![listed];
        layout.steps = vec![build];
        Chain {
            dir: tempfile::tempdir().unwrap(),
            owner,
            functionary,
            layout,
        }
    }

    fn write_link_under(&self, keyid: &KeyId) {
        let link = Link::new(StepName::new("build").unwrap());
        let file = format!("build.{}.link", legacy_id(&self.functionary).short());
        write_metablock(
            &self.dir.path().join(file),
            &signed_metablock_under(link.to_value(), &self.functionary, keyid),
        );
    }

    fn layout_path(&self) -> PathBuf {
        self.dir.path().join("root.layout")
    }

    fn verify(&self) -> Result<Link, VerifyError> {
        let options = options(self.dir.path());
        let keys = [VerificationKey::from(self.owner.public_key().clone())];
        verify(&self.layout_path(), &keys, &options).result
    }
}

#[test]
fn a_layout_signed_under_the_owners_legacy_id_verifies_with_the_owners_pem_key() {
    let chain = Chain::new();
    chain.write_link_under(&legacy_id(&chain.functionary));
    write_metablock(
        &chain.layout_path(),
        &signed_metablock_under(
            chain.layout.to_value(),
            &chain.owner,
            &legacy_id(&chain.owner),
        ),
    );
    chain.verify().unwrap();
}

#[test]
fn a_dsse_layout_signed_under_the_owners_legacy_id_verifies_with_the_owners_pem_key() {
    let chain = Chain::new();
    chain.write_link_under(&legacy_id(&chain.functionary));
    let mut env = Envelope {
        payload: serde_json::to_vec(&chain.layout.to_value()).unwrap(),
        payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
        signatures: Vec::new(),
    };
    intoto_crypto::sign_envelope(&mut env, &chain.owner).unwrap();
    env.signatures[0].keyid = Some(legacy_id(&chain.owner));
    fs::write(
        chain.layout_path(),
        serde_json::to_vec(&env.to_value()).unwrap(),
    )
    .unwrap();
    chain.verify().unwrap();
}

#[test]
fn a_functionary_listed_under_a_legacy_id_must_sign_under_that_id() {
    let chain = Chain::new();
    write_signed(&chain.layout_path(), chain.layout.to_value(), &chain.owner);
    // Under the listed (legacy) id: counted.
    chain.write_link_under(&legacy_id(&chain.functionary));
    chain.verify().unwrap();
    // The same key's signature under its current id, in the listed id's file: not counted.
    chain.write_link_under(chain.functionary.keyid());
    match chain.verify() {
        Err(VerifyError::ThresholdNotMet {
            required: 1,
            found: 0,
            details,
            ..
        }) => assert!(details.contains("no signature by key"), "{details}"),
        other => panic!("{other:?}"),
    }
}
