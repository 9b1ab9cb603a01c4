//! Every rejection path of the TOML conversion, the JSON check and the edits, asserting the
//! error variant and where it is reported.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use intoto_layout::{
    Error, ItemKind, Location, Problems, check_layout_value,
    edit::{self, NewInspection, NewStep},
    from_toml,
};
use intoto_model::{Layout, Timestamp};
use serde_json::json;

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

fn now() -> Timestamp {
    Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
}

const HEADER: &str =
    "expires = \"1y\"\n[functionaries]\nalice = \"alice.pub\"\nbob = \"bob.pub\"\n";
/// The first line after [`HEADER`].
const FIRST: usize = 5;

fn convert(body: &str) -> Result<intoto_layout::Converted, Problems> {
    from_toml(&format!("{HEADER}{body}"), &demo(), now())
}

/// The only error (warnings aside) of `body`, with its line.
fn only_problem(body: &str) -> (Error, usize) {
    let problems = convert(body).unwrap_err();
    let errors: Vec<_> = problems.errors().cloned().collect();
    assert_eq!(errors.len(), 1, "{problems:?}");
    let problem = errors.into_iter().next().unwrap();
    match problem.at {
        Location::Line { line, .. } => (problem.error, line),
        Location::Path(p) => panic!("a TOML problem located at a JSON path {p}"),
    }
}

const GOOD_STEP: &str = "[[step]]\nname = \"build\"\nfunctionaries = [\"alice\", \"bob\"]\n";

#[test]
fn a_valid_layout_converts() {
    let converted = convert(&format!(
        "{GOOD_STEP}threshold = 2\nexpected_products = [\"CREATE app\", [\"ALLOW\", \"a b\"]]\n"
    ))
    .unwrap();
    let step = &converted.layout.steps[0];
    assert_eq!(step.threshold, 2);
    assert_eq!(step.pubkeys.len(), 2);
    assert_eq!(step.expected_products[1], ["ALLOW", "a b"]);
    assert_eq!(converted.layout.expires.to_string(), "2027-01-01T00:00:00Z");
    assert!(converted.warnings.0.is_empty());
}

#[test]
fn unknown_step_in_match_from() {
    let (error, line) = only_problem(&format!(
        "{GOOD_STEP}[[inspection]]\nname = \"check\"\nrun = \"true\"\nexpected_materials = [\n  \"ALLOW x\",\n  \"MATCH app WITH PRODUCTS FROM biuld\",\n]\n"
    ));
    assert_eq!(line, FIRST + 8);
    match error {
        Error::UnknownMatchStep {
            from, hint, index, ..
        } => {
            assert_eq!(from, "biuld");
            assert_eq!(index, 1);
            assert_eq!(hint, " (did you mean \"build\"?)");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn step_rules_cannot_match_from_an_inspection() {
    let (error, line) = only_problem(&format!(
        "{GOOD_STEP}expected_materials = [\"MATCH * WITH PRODUCTS FROM check\"]\n[[inspection]]\nname = \"check\"\nrun = \"true\"\n"
    ));
    assert_eq!(line, FIRST + 3);
    assert!(
        matches!(error, Error::MatchFromInspection { .. }),
        "{error:?}"
    );
}

#[test]
fn functionary_not_listed() {
    let (error, line) =
        only_problem("[[step]]\nname = \"build\"\nfunctionaries = [\"alice\",\n  \"carol\"]\n");
    assert_eq!(line, FIRST + 3);
    assert_eq!(
        error,
        Error::UnknownFunctionary {
            step: "build".into(),
            name: "carol".into(),
            hint: String::new(),
        }
    );
    // A misspelt name, or the key file instead of the name: the message suggests the name.
    for wrong in ["alcie", "alice.pub"] {
        let (error, _) = only_problem(&format!(
            "[[step]]\nname = \"build\"\nfunctionaries = [\"{wrong}\"]\n"
        ));
        assert!(
            matches!(&error, Error::UnknownFunctionary { hint, .. } if hint == " (did you mean \"alice\"?)"),
            "{error:?}"
        );
    }
}

#[test]
fn key_file_missing_or_not_a_key() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("carol.pub");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.to_str().unwrap();
    for (file, expected) in [
        ("nothing.pub", "cannot read the key file"),
        ("README.md", ""),
        // Not read at all: a device or a directory could make the conversion read forever,
        // and opening a fifo nobody writes to would wait forever.
        ("/dev/zero", "a character device, not a regular file"),
        (".", "a directory, not a regular file"),
        (fifo, "a fifo, not a regular file"),
    ] {
        let text = format!(
            "[functionaries]\ncarol = \"{file}\"\n[[step]]\nname = \"a\"\nfunctionaries = [\"carol\"]\n"
        );
        let problems = from_toml(&text, &demo(), now()).unwrap_err();
        let first = &problems.0[0];
        assert_eq!(first.at, Location::Line { line: 2, column: 9 });
        match &first.error {
            Error::UnusableKey { what, reason } => {
                assert!(what.contains("carol") && what.contains(file), "{what}");
                assert!(reason.contains(expected), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // That the step is left without keys is not reported again.
        assert_eq!(problems.errors().count(), 1, "{problems:?}");
    }
}

#[test]
fn scheme_override_and_bad_scheme() {
    let text = "[functionaries]\nbob = { path = \"bob.pub\", scheme = \"rsa-pkcs1v15-sha256\" }\n[[step]]\nname = \"a\"\nfunctionaries = [\"bob\"]\n";
    let layout = from_toml(text, &demo(), now()).unwrap().layout;
    let key = layout.keys.values().next().unwrap();
    assert_eq!(key.as_standard().unwrap().scheme, "rsa-pkcs1v15-sha256");

    let text = "[functionaries]\nbob = { path = \"bob.pub\", scheme = \"ed25519\" }\n";
    let problems = from_toml(text, &demo(), now()).unwrap_err();
    assert!(
        matches!(problems.0[0].error, Error::UnusableKey { .. }),
        "{problems:?}"
    );
    let text = "[functionaries]\nbob = { file = \"bob.pub\" }\n";
    let problems = from_toml(text, &demo(), now()).unwrap_err();
    assert!(
        matches!(problems.0[0].error, Error::Toml(_)),
        "{problems:?}"
    );
}

#[test]
fn unparseable_rules() {
    let (error, line) = only_problem(&format!(
        "{GOOD_STEP}expected_products = [\"CREATE app\", \"MATCH app WITH PRODUCTS\"]\n"
    ));
    assert_eq!(line, FIRST + 3);
    match error {
        Error::InvalidRule {
            item_kind,
            index,
            rule,
            ..
        } => {
            assert_eq!(item_kind, ItemKind::Step);
            assert_eq!(index, 1);
            assert_eq!(rule, ["MATCH", "app", "WITH", "PRODUCTS"]);
        }
        other => panic!("{other:?}"),
    }
    let (error, _) = only_problem(&format!("{GOOD_STEP}expected_products = [\"FROB app\"]\n"));
    assert!(matches!(error, Error::InvalidRule { .. }), "{error:?}");
    let (error, _) = only_problem(&format!("{GOOD_STEP}expected_products = [[]]\n"));
    assert!(matches!(error, Error::InvalidRule { .. }), "{error:?}");
    let (error, line) = only_problem(&format!(
        "{GOOD_STEP}expected_materials = [\"ALLOW 'app\"]\n"
    ));
    assert_eq!(line, FIRST + 3);
    assert!(matches!(error, Error::UnsplittableRule { .. }), "{error:?}");
    let (error, _) = only_problem(&format!("{GOOD_STEP}expected_command = \"sh -c 'x\"\n"));
    assert!(
        matches!(error, Error::UnsplittableCommand { .. }),
        "{error:?}"
    );
}

#[test]
fn thresholds() {
    let (error, line) = only_problem(&format!("{GOOD_STEP}threshold = 3\n"));
    assert_eq!(line, FIRST + 3);
    assert_eq!(
        error,
        Error::ThresholdAboveKeys {
            step: "build".into(),
            threshold: 3,
            keys: 2
        }
    );
    let (error, _) = only_problem(&format!("{GOOD_STEP}threshold = 0\n"));
    assert!(matches!(error, Error::ThresholdZero { .. }), "{error:?}");
    let (error, _) = only_problem(&format!("{GOOD_STEP}threshold = -1\n"));
    assert!(matches!(error, Error::ThresholdZero { .. }), "{error:?}");
    let (error, line) = only_problem("[[step]]\nname = \"nobody\"\n");
    assert_eq!(line, FIRST + 1);
    assert!(matches!(error, Error::NoFunctionaries { .. }), "{error:?}");
    // The same key twice counts once.
    let text = "[functionaries]\na = \"alice.pub\"\nb = \"alice.pub\"\n[[step]]\nname = \"s\"\nfunctionaries = [\"a\", \"b\"]\nthreshold = 2\n";
    let problems = from_toml(text, &demo(), now()).unwrap_err();
    assert!(
        matches!(problems.0[0].error, Error::DuplicateFunctionary { .. }),
        "{problems:?}"
    );
    assert!(matches!(
        problems.0[1].error,
        Error::ThresholdAboveKeys { keys: 1, .. }
    ));
}

#[test]
fn duplicate_names() {
    let (error, line) = only_problem(&format!(
        "{GOOD_STEP}[[inspection]]\nname = \"build\"\nrun = \"true\"\n"
    ));
    assert_eq!(line, FIRST + 4);
    assert_eq!(
        error,
        Error::DuplicateName {
            name: "build".into(),
            first: ItemKind::Step
        }
    );
}

#[test]
fn invalid_names_runs_and_expiry() {
    let (error, _) = only_problem("[[step]]\nname = \"../x\"\nfunctionaries = [\"alice\"]\n");
    assert!(matches!(error, Error::InvalidName(_)), "{error:?}");
    let (error, line) = only_problem("[[inspection]]\nname = \"i\"\nrun = []\n");
    assert_eq!(line, FIRST + 2);
    assert!(matches!(error, Error::EmptyRun { .. }), "{error:?}");
    let problems = from_toml("expires = \"soon\"\n", &demo(), now()).unwrap_err();
    assert!(
        matches!(problems.0[0].error, Error::Expiry(_)),
        "{problems:?}"
    );
    let problems = from_toml("expires = 12\n", &demo(), now()).unwrap_err();
    assert!(
        matches!(problems.0[0].error, Error::Toml(_)),
        "{problems:?}"
    );
    let layout = from_toml("expires = 2036-01-01\n", &demo(), now())
        .unwrap()
        .layout;
    assert_eq!(layout.expires.to_string(), "2036-01-01T00:00:00Z");
}

#[test]
fn toml_syntax_and_schema_errors_have_lines() {
    let problems =
        from_toml("readme = \"x\"\n[[step]]\nnme = \"a\"\n", &demo(), now()).unwrap_err();
    let first = &problems.0[0];
    assert!(matches!(first.error, Error::Toml(_)), "{problems:?}");
    assert!(first.error.to_string().contains("nme"), "{}", first.error);
    assert!(
        matches!(first.at, Location::Line { line: 3, .. }),
        "{:?}",
        first.at
    );
    let problems = from_toml("readme = \n", &demo(), now()).unwrap_err();
    assert!(matches!(problems.0[0].at, Location::Line { line: 1, .. }));
}

#[test]
fn unused_keys_are_warnings() {
    let converted = convert("[[step]]\nname = \"a\"\nfunctionaries = [\"alice\"]\n").unwrap();
    let warnings: Vec<_> = converted.warnings.warnings().collect();
    assert_eq!(warnings.len(), 1);
    assert!(matches!(warnings[0].error, Error::UnusedKey { .. }));
    assert_eq!(warnings[0].at, Location::Line { line: 4, column: 7 });
}

fn demo_value() -> serde_json::Value {
    let bytes = std::fs::read(demo().join("demo.layout")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["signed"].clone()
}

#[test]
fn json_layouts_are_checked_with_paths() {
    let (layout, problems) = check_layout_value(&demo_value(), "signed", Some(now()));
    assert!(layout.is_some());
    assert!(problems.0.is_empty(), "{problems:?}");

    let mut v = demo_value();
    v["steps"][1]["threshold"] = json!(2);
    v["steps"][1]["pubkeys"] = json!(["ab".repeat(32)]);
    v["inspect"][0]["expected_products"][0] =
        json!(["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "nope"]);
    let (_, problems) = check_layout_value(
        &v,
        "signed",
        Some(Timestamp::parse("2040-01-01T00:00:00Z").unwrap()),
    );
    let found: Vec<(String, &Error)> = problems
        .0
        .iter()
        .map(|p| (p.at.to_string(), &p.error))
        .collect();
    assert!(
        matches!(found[0], (ref at, Error::KeyNotListed { .. }) if at == "signed.steps[1].pubkeys[0]"),
        "{found:?}"
    );
    assert!(
        matches!(found[1], (ref at, Error::ThresholdAboveKeys { .. }) if at == "signed.steps[1].threshold")
    );
    assert!(
        matches!(found[2], (ref at, Error::UnknownMatchStep { .. }) if at == "signed.inspect[0].expected_products[0]")
    );
    assert!(matches!(found[3], (_, Error::UnusedKey { .. })));
    assert!(matches!(found[4], (ref at, Error::Expired { .. }) if at == "signed.expires"));
    assert_eq!(found.len(), 5);

    let mut v = demo_value();
    let id = "05d1db1697ffb1d1f6a5c8fe83f38d9f668f15d564b110c8e557771836c36669";
    v["keys"][id]["keyid"] = json!("cd".repeat(32));
    v["keys"][id]["keyval"]["public"] = json!("not a key");
    let (_, problems) = check_layout_value(&v, "signed", None);
    assert!(
        matches!(problems.0[0].error, Error::KeyIdMismatch { .. }),
        "{problems:?}"
    );
    assert!(
        matches!(problems.0[1].error, Error::UnusableKey { .. }),
        "{problems:?}"
    );

    let mut v = demo_value();
    v["steps"][0]["threshold"] = json!("one");
    let (layout, problems) = check_layout_value(&v, "payload", None);
    assert!(layout.is_none());
    assert_eq!(
        problems.0[0].at,
        Location::Path("payload.steps[0].threshold".into())
    );
    assert!(matches!(problems.0[0].error, Error::Format(_)));
}

#[test]
fn edits_refuse_invalid_items() {
    let mut layout = Layout::from_value(&demo_value()).unwrap();
    let alice = intoto_layout::load_key(&demo().join("alice.pub"), None).unwrap();
    let id = edit::add_key(&mut layout, &alice);
    let step = |name: &str, threshold, rules: &[&str]| NewStep {
        name: name.into(),
        keys: vec![id.clone()],
        threshold,
        expected_command: vec![],
        expected_materials: rules.iter().map(|r| r.to_string()).collect(),
        expected_products: vec![],
    };
    assert!(matches!(
        edit::add_step(&mut layout, step("package", 1, &[])),
        Err(Error::DuplicateName {
            first: ItemKind::Step,
            ..
        })
    ));
    assert!(matches!(
        edit::add_step(&mut layout, step("untar", 1, &[])),
        Err(Error::DuplicateName {
            first: ItemKind::Inspection,
            ..
        })
    ));
    assert!(matches!(
        edit::add_step(&mut layout, step("x", 2, &[])),
        Err(Error::ThresholdAboveKeys { .. })
    ));
    assert!(matches!(
        edit::add_step(&mut layout, step("x", 0, &[])),
        Err(Error::ThresholdZero { .. })
    ));
    assert!(matches!(
        edit::add_step(&mut layout, step("x", 1, &["MATCH a"])),
        Err(Error::InvalidRule { .. })
    ));
    assert!(matches!(
        edit::add_step(&mut layout, step("x", 1, &["ALLOW \"a"])),
        Err(Error::UnsplittableRule { .. })
    ));
    let mut nobody = step("x", 1, &[]);
    nobody.keys.clear();
    assert!(matches!(
        edit::add_step(&mut layout, nobody),
        Err(Error::NoFunctionaries { .. })
    ));
    let mut unknown = step("x", 1, &[]);
    unknown.keys = vec![intoto_model::KeyId::new("ef".repeat(32)).unwrap()];
    assert!(matches!(
        edit::add_step(&mut layout, unknown),
        Err(Error::KeyNotListed { .. })
    ));
    assert!(matches!(
        edit::add_inspection(
            &mut layout,
            NewInspection {
                name: "i".into(),
                ..Default::default()
            }
        ),
        Err(Error::EmptyRun { .. })
    ));
    assert_eq!(layout.steps.len(), 2);
    edit::add_step(
        &mut layout,
        step("sign-off", 1, &["MATCH * WITH PRODUCTS FROM package"]),
    )
    .unwrap();
    assert_eq!(layout.steps[2].expected_materials[0][5], "package");
}
