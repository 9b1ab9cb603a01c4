//! The verification workflow end to end on supply chains built in temporary directories:
//! one test per way verification can fail, asserting the error variant and what it names.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;

use intoto_crypto::PrivateKey;
use intoto_model::{
    ArtifactPath, Digest, DigestSet, Envelope, IN_TOTO_PAYLOAD_TYPE, Layout, LayoutKey, Link, Step,
    StepName, Timestamp, pyjson,
};
use intoto_verify::{
    LinkStatus, Options, Outcome, REPORT_VERSION, Verdict, VerificationKey, VerifyError, verify,
};

use crate::support::{
    NOW, key, legacy_id, options, signed_metablock_under, write_metablock, write_signed,
};

struct Chain {
    dir: tempfile::TempDir,
    owner: PrivateKey,
    alice: PrivateKey,
    bob: PrivateKey,
    layout: Layout,
}

fn digest(content: &str) -> DigestSet {
    use std::fmt::Write as _;
    // Any 64-hex string works as a sha256 value in a link.
    let mut hex = String::new();
    for b in content.bytes().cycle().take(32) {
        write!(hex, "{b:02x}").unwrap();
    }
    DigestSet::sha256(Digest::new(hex).unwrap()).unwrap()
}

fn artifacts(pairs: &[(&str, &str)]) -> BTreeMap<ArtifactPath, DigestSet> {
    pairs
        .iter()
        .map(|(p, c)| (ArtifactPath::new(*p).unwrap(), digest(c)))
        .collect()
}

fn rule(text: &str) -> Vec<String> {
    text.split(' ').map(String::from).collect()
}

fn pem(key: &PrivateKey) -> VerificationKey {
    key.public_key().clone().into()
}

fn layout_key(key: &PrivateKey) -> LayoutKey {
    LayoutKey::Standard(key.public_key().to_record())
}

impl Chain {
    /// write-code (alice) creates foo.py; package (bob) turns it into foo.tar.gz.
    fn new() -> Chain {
        let (owner, alice, bob) = (key(), key(), key());
        let mut layout = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
        for k in [&alice, &bob] {
            layout.keys.insert(k.keyid().clone(), layout_key(k));
        }
        let mut write = Step::new(StepName::new("write-code").unwrap());
        write.pubkeys = vec![alice.keyid().clone()];
        write.expected_products = vec![rule("CREATE foo.py"), rule("DISALLOW *")];
        let mut package = Step::new(StepName::new("package").unwrap());
        package.pubkeys = vec![bob.keyid().clone()];
        package.expected_materials = vec![
            rule("MATCH foo.py WITH PRODUCTS FROM write-code"),
            rule("DISALLOW *"),
        ];
        package.expected_products = vec![
            rule("CREATE foo.tar.gz"),
            rule("ALLOW foo.py"),
            rule("DISALLOW *"),
        ];
        layout.steps = vec![write, package];
        let chain = Chain {
            dir: tempfile::tempdir().unwrap(),
            owner,
            alice,
            bob,
            layout,
        };
        chain.write_link("write-code", &chain.alice, &[], &[("foo.py", "code")]);
        chain.write_link(
            "package",
            &chain.bob,
            &[("foo.py", "code")],
            &[("foo.py", "code"), ("foo.tar.gz", "tarball")],
        );
        chain
    }

    fn link(&self, name: &str, materials: &[(&str, &str)], products: &[(&str, &str)]) -> Link {
        let mut link = Link::new(StepName::new(name).unwrap());
        link.materials = artifacts(materials);
        link.products = artifacts(products);
        link
    }

    fn write_link(
        &self,
        name: &str,
        key: &PrivateKey,
        materials: &[(&str, &str)],
        products: &[(&str, &str)],
    ) {
        let link = self.link(name, materials, products);
        write_signed(
            &self
                .dir
                .path()
                .join(format!("{name}.{}.link", key.keyid().short())),
            link.to_value(),
            key,
        );
    }

    fn write_layout(&self) -> std::path::PathBuf {
        let path = self.dir.path().join("root.layout");
        write_signed(&path, self.layout.to_value(), &self.owner);
        path
    }

    fn options(&self) -> Options {
        options(self.dir.path())
    }

    /// Lists alice's key a second time, under its legacy key id, as a functionary of
    /// write-code, and writes a copy of her link under that id's file name, signed as the
    /// twin. Returns the copy's file name.
    fn add_alice_twin(&mut self) -> String {
        let twin_id = legacy_id(&self.alice);
        let mut record = self.alice.public_key().to_record();
        record.keyid = Some(twin_id.clone());
        self.layout
            .keys
            .insert(twin_id.clone(), LayoutKey::Standard(record));
        self.layout.steps[0].pubkeys.push(twin_id.clone());
        let link = self.link("write-code", &[], &[("foo.py", "code")]);
        let file = format!("write-code.{}.link", twin_id.short());
        write_metablock(
            &self.dir.path().join(&file),
            &signed_metablock_under(link.to_value(), &self.alice, &twin_id),
        );
        file
    }

    fn verify(&self) -> Result<Link, VerifyError> {
        self.outcome().result
    }

    fn outcome(&self) -> Outcome {
        let path = self.write_layout();
        verify(&path, &[pem(&self.owner)], &self.options())
    }
}

#[test]
fn a_correct_chain_passes_with_its_summary_link() {
    let chain = Chain::new();
    let summary = chain.verify().unwrap();
    assert!(summary.materials.is_empty());
    assert_eq!(summary.products.len(), 2);
}

#[test]
fn every_passed_key_must_have_signed_the_layout() {
    let chain = Chain::new();
    let path = chain.write_layout();
    let stranger = key();
    let outcome = verify(
        &path,
        &[pem(&chain.owner), pem(&stranger)],
        &chain.options(),
    );
    match outcome.result {
        Err(VerifyError::LayoutSignature { keyid, .. }) => {
            assert_eq!(keyid, stranger.keyid().as_str());
        }
        other => panic!("{other:?}"),
    }
    let outcome = verify(&path, &[], &chain.options());
    assert!(matches!(outcome.result, Err(VerifyError::NoLayoutKeys)));
}

#[test]
fn an_expired_layout_fails_at_the_exact_second() {
    let mut chain = Chain::new();
    chain.layout.expires = Timestamp::from_unix(NOW).unwrap();
    assert!(matches!(
        chain.verify(),
        Err(VerifyError::LayoutExpired { .. })
    ));
    chain.layout.expires = Timestamp::from_unix(NOW + 1).unwrap();
    chain.verify().unwrap();
}

#[test]
fn a_missing_link_names_the_step_and_the_files_looked_for() {
    let chain = Chain::new();
    std::fs::remove_file(
        chain
            .dir
            .path()
            .join(format!("package.{}.link", chain.bob.keyid().short())),
    )
    .unwrap();
    match chain.verify() {
        Err(e @ VerifyError::LinksMissing { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("step 'package' requires 1 link file(s), found 0"),
                "{text}"
            );
            assert!(
                text.contains(&format!("package.{}.link", chain.bob.keyid().short())),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_link_signed_by_an_unauthorized_key_does_not_count() {
    let chain = Chain::new();
    // Bob's key signs the write-code link but stores it under alice's file name.
    let link = chain.link("write-code", &[], &[("foo.py", "code")]);
    write_signed(
        &chain
            .dir
            .path()
            .join(format!("write-code.{}.link", chain.alice.keyid().short())),
        link.to_value(),
        &chain.bob,
    );
    match chain.verify() {
        Err(e @ VerifyError::ThresholdNotMet { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("step 'write-code' requires 1 link(s)"),
                "{text}"
            );
            assert!(
                text.contains(&format!("no signature by key {}", chain.alice.keyid())),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_tampered_link_does_not_count() {
    let chain = Chain::new();
    let path = chain
        .dir
        .path()
        .join(format!("package.{}.link", chain.bob.keyid().short()));
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"name\": \"package\"", "\"name\": \"packagf\"");
    std::fs::write(&path, text).unwrap();
    match chain.verify() {
        Err(e @ VerifyError::ThresholdNotMet { .. }) => {
            assert!(e.to_string().contains("does not verify"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failing_rule_names_the_step_rule_and_artifact() {
    let chain = Chain::new();
    chain.write_link(
        "write-code",
        &chain.alice,
        &[],
        &[("foo.py", "code"), ("evil.sh", "x")],
    );
    match chain.verify() {
        Err(e @ VerifyError::RuleFailed(_)) => {
            let text = e.to_string();
            assert!(text.contains("write-code"), "{text}");
            assert!(text.contains("DISALLOW"), "{text}");
            assert!(text.contains("evil.sh"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_modified_artifact_breaks_the_match() {
    let chain = Chain::new();
    chain.write_link(
        "package",
        &chain.bob,
        &[("foo.py", "other code")],
        &[("foo.py", "other code"), ("foo.tar.gz", "t")],
    );
    assert!(matches!(chain.verify(), Err(VerifyError::RuleFailed(_))));
}

#[test]
fn a_malformed_rule_fails_at_load_naming_step_and_index() {
    let mut chain = Chain::new();
    chain.layout.steps[1]
        .expected_materials
        .push(rule("MATCH foo WITH STUFF FROM x"));
    match chain.verify() {
        Err(e @ VerifyError::Rules { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("package") && text.contains("expected_materials[2]"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn thresholds_count_distinct_functionaries_and_links_must_agree() {
    let mut chain = Chain::new();
    let carl = key();
    chain
        .layout
        .keys
        .insert(carl.keyid().clone(), layout_key(&carl));
    chain.layout.steps[0].pubkeys.push(carl.keyid().clone());
    chain.layout.steps[0].threshold = 2;
    assert!(matches!(
        chain.verify(),
        Err(VerifyError::LinksMissing { .. })
    ));

    chain.write_link("write-code", &carl, &[], &[("foo.py", "code")]);
    chain.verify().unwrap();

    chain.write_link("write-code", &carl, &[], &[("foo.py", "different")]);
    match chain.verify() {
        Err(VerifyError::LinksDisagree { step, side, .. }) => {
            assert_eq!(step, "write-code");
            assert_eq!(side, "products");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_key_under_two_ids_counts_once() {
    let mut chain = Chain::new();
    chain.layout.steps[0].threshold = 2;
    chain.add_alice_twin();
    match chain.verify() {
        Err(VerifyError::ThresholdNotMet { found, .. }) => assert_eq!(found, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dsse_links_and_layouts_verify() {
    let chain = Chain::new();
    let link = chain.link("write-code", &[], &[("foo.py", "code")]);
    let mut env = Envelope {
        payload: pyjson::compact_sorted(&link.to_value()),
        payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
        signatures: vec![],
    };
    intoto_crypto::sign_envelope(&mut env, &chain.alice).unwrap();
    std::fs::write(
        chain
            .dir
            .path()
            .join(format!("write-code.{}.link", chain.alice.keyid().short())),
        pyjson::compact_sorted(&env.to_value()),
    )
    .unwrap();
    chain.verify().unwrap();
}

#[test]
fn parameters_are_substituted_and_a_missing_one_is_named() {
    let mut chain = Chain::new();
    chain.layout.steps[1].expected_products[0] = rule("CREATE {archive}");
    let path = chain.write_layout();
    let mut options = chain.options();
    options.params = Some(BTreeMap::from([(
        "archive".to_string(),
        "foo.tar.gz".to_string(),
    )]));
    verify(&path, &[pem(&chain.owner)], &options)
        .result
        .unwrap();

    options.params = Some(BTreeMap::from([("other".to_string(), "x".to_string())]));
    let err = verify(&path, &[pem(&chain.owner)], &options)
        .result
        .unwrap_err();
    assert!(
        err.to_string().contains("no value for parameter {archive}"),
        "{err}"
    );
}

#[test]
fn a_sublayout_stands_in_for_its_step() {
    let chain = Chain::new();
    // Alice delegates write-code to a sublayout with one step "edit" performed by dave.
    let dave = key();
    let mut sub = Layout::new(Timestamp::parse("2030-01-01T00:00:00Z").unwrap());
    sub.keys.insert(dave.keyid().clone(), layout_key(&dave));
    let mut edit = Step::new(StepName::new("edit").unwrap());
    edit.pubkeys = vec![dave.keyid().clone()];
    sub.steps = vec![edit];
    write_signed(
        &chain
            .dir
            .path()
            .join(format!("write-code.{}.link", chain.alice.keyid().short())),
        sub.to_value(),
        &chain.alice,
    );
    let sub_dir = chain
        .dir
        .path()
        .join(format!("write-code.{}", chain.alice.keyid().short()));
    std::fs::create_dir(&sub_dir).unwrap();
    let edit_link = chain.link("edit", &[], &[("foo.py", "code")]);
    write_signed(
        &sub_dir.join(format!("edit.{}.link", dave.keyid().short())),
        edit_link.to_value(),
        &dave,
    );
    chain.verify().unwrap();

    // The sublayout's own link missing: the failure names the sublayout and its step.
    std::fs::remove_file(sub_dir.join(format!("edit.{}.link", dave.keyid().short()))).unwrap();
    match chain.verify() {
        Err(e @ VerifyError::Sublayout { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("sublayout for step 'write-code'") && text.contains("step 'edit'"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failing_inspection_names_its_command_and_return_value() {
    let mut chain = Chain::new();
    chain.layout.inspect = vec![intoto_model::Inspection::new(
        StepName::new("check").unwrap(),
        vec!["sh".into(), "-c".into(), "exit 3".into()],
    )];
    match chain.verify() {
        Err(e @ VerifyError::InspectionFailed { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("inspection 'check'") && text.contains("returned 3"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_malformed_link_file_fails_naming_the_file() {
    let chain = Chain::new();
    let path = chain
        .dir
        .path()
        .join(format!("package.{}.link", chain.bob.keyid().short()));
    std::fs::write(&path, "{\"signed\": {}, \"signed\": {}}").unwrap();
    match chain.verify() {
        Err(e @ VerifyError::Malformed { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

// The report (`in-toto verify --format json`, the text summary): what each check recorded.

#[test]
fn the_report_of_a_passing_chain_lists_every_link_key_and_rule() {
    let chain = Chain::new();
    let report = chain.outcome().report;
    assert_eq!(report.report_version, REPORT_VERSION);
    assert_eq!(report.verdict, Verdict::Pass);
    assert_eq!(report.error, None);
    assert_eq!(report.layout_keys, [chain.owner.keyid().to_string()]);
    assert_eq!(report.expires.as_deref(), Some("2030-01-01T00:00:00Z"));
    let steps: Vec<(&str, Vec<&str>)> = report
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.accepted_keys().collect()))
        .collect();
    let (alice, bob) = (
        chain.alice.keyid().to_string(),
        chain.bob.keyid().to_string(),
    );
    assert_eq!(
        steps,
        [
            ("write-code", vec![alice.as_str()]),
            ("package", vec![bob.as_str()])
        ]
    );
    let link = &report.steps[0].links[0];
    assert_eq!(
        (link.status, link.reason.as_deref()),
        (LinkStatus::Used, None)
    );
    assert!(report.steps.iter().all(|s| s.sublayout.is_none()));
    // Two sides per step, every one passed, with the number of rules applied.
    let rules: Vec<(&str, &str, usize, Verdict)> = report
        .rules
        .iter()
        .map(|r| (r.item.as_str(), r.side.as_str(), r.rules, r.verdict))
        .collect();
    assert_eq!(
        rules,
        [
            ("write-code", "materials", 0, Verdict::Pass),
            ("write-code", "products", 2, Verdict::Pass),
            ("package", "materials", 2, Verdict::Pass),
            ("package", "products", 3, Verdict::Pass),
        ]
    );
}

#[test]
fn the_report_says_why_a_link_was_skipped() {
    let chain = Chain::new();
    // Bob's signature under alice's file name: alice's key checks it and it fails.
    let link = chain.link("write-code", &[], &[("foo.py", "code")]);
    write_signed(
        &chain
            .dir
            .path()
            .join(format!("write-code.{}.link", chain.alice.keyid().short())),
        link.to_value(),
        &chain.bob,
    );
    let outcome = chain.outcome();
    assert!(matches!(
        outcome.result,
        Err(VerifyError::ThresholdNotMet { .. })
    ));
    let report = outcome.report;
    assert_eq!(report.verdict, Verdict::Fail);
    assert!(report.error.as_deref().unwrap().contains("write-code"));
    assert_eq!(
        report.steps.len(),
        1,
        "verification stops at the failing step"
    );
    let skipped = &report.steps[0].links[0];
    assert_eq!(skipped.status, LinkStatus::Skipped);
    assert_eq!(
        skipped.authorized_key,
        Some(chain.alice.keyid().to_string())
    );
    assert!(
        skipped
            .reason
            .as_deref()
            .unwrap()
            .contains("no signature by key")
    );
    assert_eq!(report.steps[0].accepted_keys().count(), 0);
}

#[test]
fn the_report_marks_a_second_link_by_the_same_functionary() {
    let mut chain = Chain::new();
    let file = chain.add_alice_twin();
    let report = chain.outcome().report;
    assert_eq!(report.verdict, Verdict::Pass);
    let twin = report.steps[0]
        .links
        .iter()
        .find(|l| l.file.ends_with(&file))
        .unwrap();
    assert_eq!(twin.status, LinkStatus::Duplicate);
    assert_eq!(
        twin.authorized_key,
        Some(legacy_id(&chain.alice).to_string())
    );
    assert!(
        twin.reason
            .as_deref()
            .unwrap()
            .contains(&chain.alice.keyid().to_string())
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
}

#[test]
fn the_report_nests_a_sublayouts_report_in_its_step() {
    let chain = Chain::new();
    let dave = key();
    let mut sub = Layout::new(Timestamp::parse("2031-01-01T00:00:00Z").unwrap());
    sub.keys.insert(dave.keyid().clone(), layout_key(&dave));
    let mut edit = Step::new(StepName::new("edit").unwrap());
    edit.pubkeys = vec![dave.keyid().clone()];
    sub.steps = vec![edit];
    let sub_file = format!("write-code.{}.link", chain.alice.keyid().short());
    write_signed(
        &chain.dir.path().join(&sub_file),
        sub.to_value(),
        &chain.alice,
    );
    let sub_dir = chain
        .dir
        .path()
        .join(format!("write-code.{}", chain.alice.keyid().short()));
    std::fs::create_dir(&sub_dir).unwrap();
    let edit_file = sub_dir.join(format!("edit.{}.link", dave.keyid().short()));
    let edit_link = chain.link("edit", &[], &[("foo.py", "code")]);
    write_signed(&edit_file, edit_link.to_value(), &dave);

    let report = chain.outcome().report;
    assert_eq!(report.verdict, Verdict::Pass);
    let nested = report.steps[0].sublayout.as_deref().unwrap();
    assert_eq!(nested.verdict, Verdict::Pass);
    assert!(nested.layout.ends_with(&sub_file));
    assert_eq!(nested.layout_keys, [chain.alice.keyid().to_string()]);
    assert_eq!(nested.expires.as_deref(), Some("2031-01-01T00:00:00Z"));
    assert_eq!(nested.steps[0].name, "edit");
    assert_eq!(
        nested.steps[0].links[0].authorized_key,
        Some(dave.keyid().to_string())
    );

    // The sublayout's link missing: the nested report fails with the reason, and so does the
    // root report.
    std::fs::remove_file(&edit_file).unwrap();
    let report = chain.outcome().report;
    assert_eq!(report.verdict, Verdict::Fail);
    assert_eq!(report.steps.len(), 1);
    let nested = report.steps[0].sublayout.as_deref().unwrap();
    assert_eq!(nested.verdict, Verdict::Fail);
    assert!(nested.error.as_deref().unwrap().contains("step 'edit'"));
}

#[test]
fn the_report_records_failing_rules_and_inspections() {
    let chain = Chain::new();
    chain.write_link(
        "write-code",
        &chain.alice,
        &[],
        &[("foo.py", "code"), ("evil.sh", "x")],
    );
    let report = chain.outcome().report;
    let failed = report.rules.last().unwrap();
    assert_eq!(
        (
            failed.item.as_str(),
            failed.side.as_str(),
            failed.rules,
            failed.verdict
        ),
        ("write-code", "products", 2, Verdict::Fail)
    );
    assert!(failed.error.as_deref().unwrap().contains("evil.sh"));

    let mut chain = Chain::new();
    chain.layout.inspect = vec![
        intoto_model::Inspection::new(StepName::new("ok").unwrap(), vec!["true".into()]),
        intoto_model::Inspection::new(
            StepName::new("check").unwrap(),
            vec!["sh".into(), "-c".into(), "exit 3".into()],
        ),
    ];
    let report = chain.outcome().report;
    let ran: Vec<(&str, Option<i64>, Verdict)> = report
        .inspections
        .iter()
        .map(|i| (i.name.as_str(), i.return_value, i.verdict))
        .collect();
    assert_eq!(
        ran,
        [
            ("ok", Some(0), Verdict::Pass),
            ("check", Some(3), Verdict::Fail)
        ]
    );
    assert!(
        report.inspections[1]
            .error
            .as_deref()
            .unwrap()
            .contains("returned 3")
    );
}
