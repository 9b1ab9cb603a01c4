//! Adversarial supply chains (issue 7): the attacker controls links, the link directory, the
//! inspected artifacts and functionary keys up to the thresholds. Each case fails closed with
//! the error variant that names the problem. See docs/security.md for the whole table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{fs, path::PathBuf, time::Duration};

use intoto_crypto::{CryptoError, PrivateKey};
use intoto_model::{
    ArtifactPath, Digest, DigestSet, Envelope, Inspection, Layout, LayoutKey, Link, ModelError,
    Step, StepName, Timestamp,
};
use intoto_verify::{Options, VerificationKey, VerifyError, verify};

use crate::support::{NOW, key, options, signed_metablock_under, write_metablock, write_signed};
const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// One step `build` by `functionary`, layout signed by `owner`, links in a temporary directory.
struct Chain {
    dir: tempfile::TempDir,
    owner: PrivateKey,
    functionary: PrivateKey,
    layout: Layout,
}

impl Chain {
    fn new() -> Chain {
        let (owner, functionary) = (key(), key());
        let mut layout = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
        layout.keys.insert(
            functionary.keyid().clone(),
            LayoutKey::Standard(functionary.public_key().to_record()),
        );
        let mut build = Step::new(StepName::new("build").unwrap());
        build.pubkeys = vec![functionary.keyid().clone()];
        layout.steps = vec![build];
        let chain = Chain {
            dir: tempfile::tempdir().unwrap(),
            owner,
            functionary,
            layout,
        };
        chain.write_link(&chain.link(&["app"]), &chain.functionary);
        chain
    }

    fn link(&self, products: &[&str]) -> Link {
        let mut link = Link::new(StepName::new("build").unwrap());
        let digest = DigestSet::sha256(Digest::new(H).unwrap()).unwrap();
        for p in products {
            link.products
                .insert(ArtifactPath::new(*p).unwrap(), digest.clone());
        }
        link
    }

    fn link_path(&self, key: &PrivateKey) -> PathBuf {
        self.dir
            .path()
            .join(format!("build.{}.link", key.keyid().short()))
    }

    fn write_link(&self, link: &Link, key: &PrivateKey) {
        write_signed(&self.link_path(key), link.to_value(), key);
    }

    fn layout_path(&self) -> PathBuf {
        self.dir.path().join("root.layout")
    }

    fn write_layout(&self) {
        write_signed(&self.layout_path(), self.layout.to_value(), &self.owner);
    }

    fn options(&self) -> Options {
        options(self.dir.path())
    }

    fn verify_with(&self, options: &Options) -> Result<Link, VerifyError> {
        let keys = [VerificationKey::from(self.owner.public_key().clone())];
        verify(&self.layout_path(), &keys, options).result
    }

    fn verify(&self) -> Result<Link, VerifyError> {
        self.write_layout();
        self.verify_with(&self.options())
    }
}

#[test]
fn the_baseline_chain_passes() {
    Chain::new().verify().unwrap();
}

#[test]
fn a_layout_key_whose_id_does_not_match_its_key_is_refused_at_load() {
    let mut chain = Chain::new();
    // The functionary's key id, but another key's material under it.
    let id = chain.functionary.keyid().clone();
    let mut record = key().public_key().to_record();
    record.keyid = Some(id.clone());
    chain
        .layout
        .keys
        .insert(id.clone(), LayoutKey::Standard(record));
    match chain.verify() {
        Err(e @ VerifyError::KeyIdMismatch { .. }) => {
            let VerifyError::KeyIdMismatch { source, .. } = &e else {
                unreachable!()
            };
            assert!(matches!(source, CryptoError::KeyIdMismatch { keyid, .. } if *keyid == id));
            assert!(e.to_string().contains(id.as_str()), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_key_under_ids_with_different_keyid_hash_algorithms_counts_once() {
    let mut chain = Chain::new();
    // The functionary's key again, with a legacy id over `keyid_hash_algorithms: ["sha256"]`.
    let mut record = chain.functionary.public_key().to_record();
    let algs = vec!["sha256".to_string()];
    let twin = intoto_crypto::legacy_keyid_of(
        &record.keytype,
        &record.scheme,
        &record.keyval.public,
        &algs,
    );
    record.keyid = Some(twin.clone());
    record.keyid_hash_algorithms = Some(algs);
    chain
        .layout
        .keys
        .insert(twin.clone(), LayoutKey::Standard(record));
    chain.layout.steps[0].pubkeys.push(twin.clone());
    chain.layout.steps[0].threshold = 2;
    // The same link, signed by the same key but claiming the twin id, under the twin's name.
    let twin_file = chain
        .dir
        .path()
        .join(format!("build.{}.link", twin.short()));
    write_metablock(
        &twin_file,
        &signed_metablock_under(chain.link(&["app"]).to_value(), &chain.functionary, &twin),
    );
    match chain.verify() {
        Err(VerifyError::ThresholdNotMet {
            required: 2,
            found: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_dsse_layout_with_a_foreign_payload_type_is_refused() {
    let chain = Chain::new();
    let mut env = Envelope {
        payload: serde_json::to_vec(&chain.layout.to_value()).unwrap(),
        payload_type: "application/json".into(),
        signatures: Vec::new(),
    };
    intoto_crypto::sign_envelope(&mut env, &chain.owner).unwrap();
    fs::write(
        chain.layout_path(),
        serde_json::to_vec(&env.to_value()).unwrap(),
    )
    .unwrap();
    match chain.verify_with(&chain.options()) {
        Err(VerifyError::UnexpectedContent { found, .. }) => {
            assert_eq!(found, "\"application/json\"")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn link_artifact_paths_that_are_absolute_or_climb_out_are_refused_with_the_json_path() {
    for bad in [
        "../../etc/passwd",
        "/etc/passwd",
        "src/../../x",
        "C:evil",
        "a\\..\\b",
    ] {
        let chain = Chain::new();
        chain.write_link(&chain.link(&["app", bad]), &chain.functionary);
        match chain.verify() {
            Err(VerifyError::Malformed {
                source: ModelError::Invalid { path, message },
                ..
            }) => {
                let expected = format!("signed.products[{}]", serde_json::json!(bad));
                assert_eq!(path, expected);
                assert!(message.contains("absolute or has a \"..\""), "{message}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn step_and_inspection_names_cannot_make_the_verifier_read_outside_the_link_dir() {
    // A valid link for the step one directory up: a name like `../build` would reach it.
    let chain = Chain::new();
    let inner = chain.dir.path().join("links");
    fs::create_dir(&inner).unwrap();
    for name in ["../build", "/tmp/build", "a\0b", ".."] {
        // The layout is built as JSON: StepName itself refuses these names.
        let mut value = chain.layout.to_value();
        value["steps"][0]["name"] = serde_json::json!(name);
        write_signed(&chain.layout_path(), value.clone(), &chain.owner);
        let options = Options {
            link_dir: inner.clone(),
            ..chain.options()
        };
        match chain.verify_with(&options) {
            Err(VerifyError::Malformed {
                source: ModelError::Invalid { path, .. },
                ..
            }) => assert_eq!(path, "signed.steps[0].name", "{name:?}"),
            other => panic!("{name:?}: {other:?}"),
        }
        value["steps"] = serde_json::json!([]);
        value["inspect"] = serde_json::json!([{"_type": "inspection", "name": name,
            "run": ["true"], "expected_materials": [], "expected_products": []}]);
        write_signed(&chain.layout_path(), value, &chain.owner);
        match chain.verify_with(&options) {
            Err(VerifyError::Malformed {
                source: ModelError::Invalid { path, .. },
                ..
            }) => assert_eq!(path, "signed.inspect[0].name", "{name:?}"),
            other => panic!("{name:?}: {other:?}"),
        }
    }
}

#[test]
fn an_expired_layout_is_refused() {
    let mut chain = Chain::new();
    chain.layout.expires = Timestamp::from_unix(NOW).unwrap();
    match chain.verify() {
        Err(VerifyError::LayoutExpired { expires, .. }) => assert_eq!(expires.unix_seconds(), NOW),
        other => panic!("{other:?}"),
    }
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_in_place_of_a_link_or_layout_is_refused_without_blocking() {
    // Nobody ever writes to the fifos: opening or reading them the usual way would hang.
    let chain = Chain::new();
    chain.write_layout();
    let link = chain.link_path(&chain.functionary);
    fs::remove_file(&link).unwrap();
    mkfifo(&link);
    match chain.verify_with(&chain.options()) {
        Err(VerifyError::NotAFile { path, kind }) => assert_eq!((path, kind), (link, "fifo")),
        other => panic!("{other:?}"),
    }
    fs::remove_file(chain.layout_path()).unwrap();
    mkfifo(&chain.layout_path());
    match chain.verify_with(&chain.options()) {
        Err(e @ VerifyError::NotAFile { .. }) => assert_eq!(
            e.to_string(),
            format!(
                "'{}' is a fifo, not a regular file",
                chain.layout_path().display()
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_2_gib_layout_or_link_is_refused_before_it_is_read() {
    let chain = Chain::new();
    chain.write_layout();
    // Sparse: no disk space used, no byte read.
    let huge = fs::OpenOptions::new()
        .write(true)
        .open(chain.link_path(&chain.functionary))
        .unwrap();
    huge.set_len(2 << 30).unwrap();
    match chain.verify_with(&chain.options()) {
        Err(VerifyError::TooLarge { size, limit, path }) => {
            assert_eq!(size, 2 << 30);
            assert_eq!(limit, intoto_model::json::MAX_DOCUMENT_BYTES);
            assert_eq!(path, chain.link_path(&chain.functionary));
        }
        other => panic!("{other:?}"),
    }
    let layout = fs::OpenOptions::new()
        .write(true)
        .open(chain.layout_path())
        .unwrap();
    layout.set_len(2 << 30).unwrap();
    match chain.verify_with(&chain.options()) {
        Err(VerifyError::TooLarge { path, .. }) => assert_eq!(path, chain.layout_path()),
        other => panic!("{other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn an_inspection_that_never_finishes_is_killed_with_its_process_group() {
    let mut chain = Chain::new();
    let pid_file = chain.dir.path().join("grandchild.pid");
    let script = format!(
        "sleep 1000 & echo $! > '{}'; sleep 1000",
        pid_file.display()
    );
    chain.layout.inspect = vec![Inspection::new(
        StepName::new("hang").unwrap(),
        vec!["sh".into(), "-c".into(), script],
    )];
    chain.write_layout();
    let mut options = chain.options();
    options.inspections.timeout = Duration::from_secs(1);
    match chain.verify_with(&options) {
        Err(e @ VerifyError::InspectionFailed { .. }) => {
            assert!(e.to_string().contains("inspection 'hang'"), "{e}");
            assert!(e.to_string().contains("was killed"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let pid = fs::read_to_string(&pid_file).unwrap();
    let stat = format!("/proc/{}/stat", pid.trim());
    let gone = (0..100).any(|_| {
        let running = fs::read_to_string(&stat).is_ok_and(|s| {
            let state = s
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().next());
            !matches!(state, Some("Z" | "X"))
        });
        if running {
            std::thread::sleep(Duration::from_millis(20));
        }
        !running
    });
    assert!(gone, "the inspection's grandchild survived");
}

#[cfg(unix)]
#[test]
fn an_inspection_printing_hundreds_of_megabytes_passes_without_keeping_it() {
    let mut chain = Chain::new();
    chain.layout.inspect = vec![Inspection::new(
        StepName::new("chatty").unwrap(),
        vec!["sh".into(), "-c".into(), "yes | head -c 300000000".into()],
    )];
    chain.verify().unwrap();
}

#[cfg(unix)]
#[test]
fn a_sublayout_that_contains_itself_stops_at_the_depth_limit() {
    let chain = Chain::new();
    // The functionary's "link" is a layout for the same step, signed by the functionary, and
    // its sublayout directory `build.KEYID8` is a symlink back to the link directory.
    let mut sub = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
    sub.keys = chain.layout.keys.clone();
    sub.steps = chain.layout.steps.clone();
    write_signed(
        &chain.link_path(&chain.functionary),
        sub.to_value(),
        &chain.functionary,
    );
    let sub_dir = intoto_verify::sublayout_dir_name("build", chain.functionary.keyid());
    std::os::unix::fs::symlink(".", chain.dir.path().join(sub_dir)).unwrap();
    let mut error = chain.verify().unwrap_err();
    let mut depth = 0;
    while let VerifyError::Sublayout { source, .. } = error {
        error = *source;
        depth += 1;
    }
    assert_eq!(depth, intoto_verify::MAX_SUBLAYOUT_DEPTH);
    assert!(
        matches!(&error, VerifyError::SublayoutTooDeep { step, limit: 16 } if step == "build"),
        "{error:?}"
    );
}
