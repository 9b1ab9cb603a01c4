//! Link files: signed run links, record start/stop and its checks, mock links.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::fs;

use intoto_crypto::{KeyType, PrivateKey};
use intoto_hash::RecordOptions;
use intoto_model::{SignedDocument, StepName};
use intoto_record::{
    RecordError, Signer, Step, Wrapper, command::CommandOptions, metadata, mock_step, record_start,
    record_stop, run_step,
};

fn key() -> PrivateKey {
    PrivateKey::generate(KeyType::Ed25519).unwrap()
}

fn options(base: &std::path::Path) -> RecordOptions {
    RecordOptions {
        base_path: Some(base.into()),
        ..RecordOptions::default()
    }
}

#[test]
fn start_then_stop_with_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in"), b"1").unwrap();
    let name = StepName::new("build").unwrap();
    let k = key();
    for wrapper in [Wrapper::Metablock, Wrapper::Dsse] {
        let (unfinished, _) = record_start(
            &name,
            &["in".into()],
            &options(dir.path()),
            &Signer::Key(k.clone()),
            wrapper,
            dir.path(),
            None,
        )
        .unwrap();
        assert_eq!(
            unfinished.file_name().unwrap().to_str().unwrap(),
            format!(".build.{}.link-unfinished", k.keyid().short())
        );
        fs::write(dir.path().join("out"), b"2").unwrap();
        let (link_path, rec) = record_stop(
            &name,
            &["out".into()],
            &options(dir.path()),
            &Signer::Key(k.clone()),
            dir.path(),
            dir.path(),
            None,
        )
        .unwrap();
        assert!(!unfinished.exists());
        assert_eq!(rec.link.materials.len(), 1);
        assert_eq!(rec.link.products.len(), 1);
        let doc = SignedDocument::from_slice(&fs::read(&link_path).unwrap()).unwrap();
        assert_eq!(
            Wrapper::of(&doc),
            wrapper,
            "stop keeps the wrapper of start"
        );
    }
}

#[test]
fn stop_refuses_another_key_and_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let name = StepName::new("s").unwrap();
    let (a, b) = (key(), key());
    let err = record_stop(
        &name,
        &[],
        &options(dir.path()),
        &Signer::Key(a.clone()),
        dir.path(),
        dir.path(),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, RecordError::UnfinishedMissing { .. }),
        "{err}"
    );
    let (path, _) = record_start(
        &name,
        &[],
        &options(dir.path()),
        &Signer::Key(a.clone()),
        Wrapper::Metablock,
        dir.path(),
        None,
    )
    .unwrap();
    // Put a's unfinished file where b would look for it.
    let b_path = dir
        .path()
        .join(metadata::unfinished_file_name(&name, b.keyid()));
    fs::rename(&path, &b_path).unwrap();
    let err = record_stop(
        &name,
        &[],
        &options(dir.path()),
        &Signer::Key(b.clone()),
        dir.path(),
        dir.path(),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, RecordError::UnfinishedInvalid { .. }),
        "{err}"
    );
    assert!(b_path.exists(), "a refused unfinished link is kept");
}

#[test]
fn run_link_file_verifies_and_has_the_reference_fields() {
    let dir = tempfile::tempdir().unwrap();
    let k = key();
    let step = Step {
        name: StepName::new("s").unwrap(),
        materials: vec![],
        products: vec![],
        command: vec!["sh".into(), "-c".into(), "echo hi".into()],
        artifacts: options(dir.path()),
        run: CommandOptions {
            record_streams: true,
            ..CommandOptions::default()
        },
    };
    let rec = run_step(&step, None).unwrap();
    let bytes = metadata::signed_file(&rec.link, Wrapper::Metablock, &Signer::Key(k.clone()))
        .unwrap()
        .bytes;
    let SignedDocument::Metablock(mb) = SignedDocument::from_slice(&bytes).unwrap() else {
        panic!()
    };
    intoto_crypto::verify_metablock(&mb, k.public_key()).unwrap();
    let keys: Vec<&String> = mb.signed.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "_type",
            "byproducts",
            "command",
            "environment",
            "materials",
            "name",
            "products"
        ]
    );
    assert_eq!(mb.signed["byproducts"]["stdout"], "hi\n");
}

#[test]
fn mock_is_unsigned_and_records_the_current_directory() {
    let step = mock_step(StepName::new("m").unwrap(), vec!["true".into()]);
    assert_eq!(step.materials, ["."]);
    assert!(step.run.record_streams);
    let rec = Step {
        materials: vec![],
        products: vec![],
        ..step
    };
    let rec = run_step(&rec, None).unwrap();
    let bytes = metadata::unsigned_file(&rec.link, Wrapper::Dsse);
    let SignedDocument::Envelope(env) = SignedDocument::from_slice(&bytes).unwrap() else {
        panic!()
    };
    assert!(env.signatures.is_empty());
    assert_eq!(env.payload, metadata::dsse_payload(&rec.link));
}
