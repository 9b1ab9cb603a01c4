//! `in-toto verify --format json` against its documented schema
//! (docs/verify-report.schema.json), on the real outputs of every verification scenario in
//! spec-tests/verify (passing and failing), and the text summary on a few of them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use serde_json::Value;

use crate::support::{stderr, stdout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenarios() -> PathBuf {
    root().join("spec-tests/verify")
}

/// The schema as documented, and a strict copy that also rejects fields the schema does not
/// describe (so every field we print is documented).
fn schemas() -> (Value, Value) {
    let text = std::fs::read_to_string(root().join("docs/verify-report.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut strict = schema.clone();
    for def in strict["$defs"].as_object_mut().unwrap().values_mut() {
        if def.get("properties").is_some() {
            def["additionalProperties"] = Value::Bool(false);
        }
    }
    (schema, strict)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `in-toto verify` on a scenario with `extra` flags, in a scratch copy of its `work/`.
fn verify(dir: &Path, extra: &[&str]) -> Output {
    let scenario: Value =
        serde_json::from_slice(&std::fs::read(dir.join("scenario.json")).unwrap()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_in-toto"));
    cmd.arg("verify");
    for arg in scenario["verify_args"].as_array().unwrap() {
        let arg = arg.as_str().unwrap();
        let path = dir.join(arg);
        if !arg.starts_with('-') && path.exists() {
            cmd.arg(path);
        } else {
            cmd.arg(arg);
        }
    }
    for (name, value) in scenario["params"].as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        cmd.arg("--param").arg(format!("{name}={value}"));
    }
    let work = tempfile::tempdir().unwrap();
    if dir.join("work").is_dir() {
        copy_dir(&dir.join("work"), work.path());
    }
    cmd.args(["--no-inspection-links"])
        .args(extra)
        .current_dir(work.path())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn errors(validator: &jsonschema::Validator, report: &Value) -> Vec<String> {
    validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn json_reports_of_every_scenario_follow_the_schema() {
    let (schema, strict) = schemas();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let strict = jsonschema::validator_for(&strict).unwrap();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenario.json").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() > 100,
        "spec-tests/verify has {} scenarios",
        dirs.len()
    );
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = verify(dir, &["--format", "json"]);
        let code = out.status.code();
        if out.stdout.is_empty() {
            // Only usage errors (exit 2) print no report.
            assert_eq!(code, Some(2), "{name}: no report");
            *seen.entry("usage error").or_default() += 1;
            continue;
        }
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON: {e}"));
        let problems = errors(&validator, &report);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let undocumented = errors(&strict, &report);
        assert!(
            undocumented.is_empty(),
            "{name}: undocumented fields {undocumented:#?}"
        );
        let verdict = report["verdict"].as_str().unwrap();
        match code {
            Some(0) => assert_eq!(verdict, "pass", "{name}"),
            Some(1) => assert_eq!(verdict, "fail", "{name}"),
            other => panic!("{name}: exit {other:?} with a report"),
        }
        *seen
            .entry(if verdict == "pass" { "pass" } else { "fail" })
            .or_default() += 1;
        let text = report.to_string();
        if report["expires"].is_null() {
            *seen.entry("failed before the layout was read").or_default() += 1;
        }
        if text.contains("\"sublayout\":{") {
            *seen.entry("sublayout").or_default() += 1;
        }
        if text.contains("\"status\":\"skipped\"") {
            *seen.entry("skipped link").or_default() += 1;
        }
        if !report["inspections"].as_array().unwrap().is_empty() {
            *seen.entry("inspection").or_default() += 1;
        }
        if text.contains("\"verdict\":\"fail\",\"error\":\"")
            && !report["rules"].as_array().unwrap().is_empty()
        {
            *seen.entry("rule or inspection failure").or_default() += 1;
        }
    }
    // The corpus exercises every part of the schema, so a schema mistake cannot hide.
    for kind in [
        "pass",
        "fail",
        "failed before the layout was read",
        "sublayout",
        "skipped link",
        "inspection",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "no scenario with {kind}: {seen:?}"
        );
    }
}

#[test]
fn the_schema_rejects_reports_that_break_it() {
    let (schema, _) = schemas();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let out = verify(
        &scenarios().join("dsse-metablock-dsse-sublayout-pass"),
        &["--format", "json"],
    );
    let good: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(validator.is_valid(&good));
    let broken = [
        ("/report_version", Value::from(2)),
        ("/verdict", Value::from("ok")),
        ("/error", Value::from("a passing report with an error")),
        (
            "/steps/0/links/0/status",
            Value::from("used (counted once)"),
        ),
        ("/steps/0/sublayout/steps/0/threshold", Value::from(0)),
    ];
    for (pointer, value) in broken {
        let mut report = good.clone();
        *report.pointer_mut(pointer).unwrap() = value;
        assert!(!validator.is_valid(&report), "{pointer} was accepted");
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("layout_keys");
    assert!(!validator.is_valid(&missing));
}

#[test]
fn text_summary_lists_steps_links_keys_and_the_sublayout() {
    let out = verify(&scenarios().join("dsse-metablock-dsse-sublayout-pass"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("step 'sub' (threshold 1): sub.5d225f45.link by 5d225f45"),
        "{text}"
    );
    assert!(text.contains("    sublayout:\n"), "{text}");
    assert!(
        text.contains("      step 'inner' (threshold 1): inner.6f0155bc.link by 6f0155bc"),
        "{text}"
    );
    assert!(text.starts_with("PASS: '"), "{text}");
}

#[test]
fn text_failure_gives_the_reason_first_on_stderr_and_details_with_verbose() {
    let dir = scenarios().join("dsse-metablock-dsse-layout-dsse-links-rule-fail");
    let out = verify(&dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("artifact rules: failed"), "{text}");
    assert!(text.starts_with("FAIL: '"), "{text}");
    let err = stderr(&out);
    let reason = err.lines().find(|l| l.contains("ERROR")).unwrap();
    assert!(
        reason.contains("verification failed: \"check\": expected_materials[1]"),
        "{err}"
    );
    assert!(!text.contains("'check' materials: "), "{text}");

    let verbose = stdout(&verify(&dir, &["-v"]));
    assert!(
        verbose.contains("'check' materials: 2 rule(s), fail"),
        "{verbose}"
    );
    assert!(
        verbose
            .contains("signed by 6f0155bcdee9bf8db0ee0947ee279704f5b67f93fc4aed868effb251d6b0f55e"),
        "{verbose}"
    );
}

#[test]
fn quiet_prints_nothing() {
    let dir = scenarios().join("dsse-metablock-dsse-layout-dsse-links-rule-fail");
    let out = verify(&dir, &["-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_key_that_cannot_be_loaded_still_gives_a_json_report() {
    let (schema, _) = schemas();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pub");
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .args([
            "verify",
            "--format",
            "json",
            "-l",
            "root.layout",
            "--verification-keys",
        ])
        .arg(&missing)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(validator.is_valid(&report), "{report}");
    assert_eq!(report["verdict"], "fail");
    assert!(report["steps"].as_array().unwrap().is_empty());
    let error = report["error"].as_str().unwrap();
    assert!(error.contains("missing.pub"), "{error}");
}
