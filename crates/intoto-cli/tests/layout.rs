//! `in-toto layout ...` end to end: the demo layout built from TOML and built step by step
//! equals the reference-made `examples/demo/demo.layout`; problems give exit 1 and a first
//! line that names the file, line and problem.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use crate::support::stderr;

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_in-toto"));
    c.current_dir(dir);
    c
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    out
}

/// A temporary directory with the demo's keys and TOML layout.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["layout.toml", "alice.pub", "bob.pub", "owner", "owner.pub"] {
        std::fs::copy(demo().join(f), dir.path().join(f)).unwrap();
    }
    dir
}

#[test]
fn from_toml_writes_the_demo_layout_and_sign_signs_it() {
    let dir = workdir();
    let d = dir.path();
    ok(d, &["layout", "from", "layout.toml", "-o", "root.layout"]);
    let expected = std::fs::read(demo().join("demo.layout")).unwrap();
    assert_eq!(std::fs::read(d.join("root.layout")).unwrap(), expected);
    // Without -o: the same bytes on stdout, plus a newline.
    let out = ok(d, &["layout", "from", "layout.toml"]);
    assert_eq!(out.stdout[..out.stdout.len() - 1], expected[..]);

    ok(d, &["layout", "check", "root.layout"]);
    ok(d, &["layout", "check", "layout.toml"]);
    ok(d, &["sign", "-f", "root.layout", "-k", "owner"]);
    ok(
        d,
        &["sign", "-f", "root.layout", "-k", "owner.pub", "--verify"],
    );
    let shown = String::from_utf8(ok(d, &["layout", "show", "root.layout"]).stdout).unwrap();
    assert!(shown.contains("signatures: 1 ("), "{shown}");
    assert!(
        shown.contains("signed by 1 of 1 key(s): b19fc08f"),
        "{shown}"
    );
    assert!(
        shown.contains("write-code --[products foo.py]--> materials of package"),
        "{shown}"
    );
}

#[test]
fn step_by_step_edits_build_the_demo_layout() {
    let dir = workdir();
    let d = dir.path();
    let readme =
        "Demo supply chain: alice writes the code, bob packages it, the client checks the package.";
    ok(
        d,
        &[
            "layout",
            "new",
            "l.json",
            "--expires",
            "2036-01-01",
            "--readme",
            readme,
        ],
    );
    // An existing file is not replaced without --force.
    assert_eq!(run(d, &["layout", "new", "l.json"]).status.code(), Some(2));
    // The inspection first: its MATCH from steps not added yet is only a warning.
    let out = ok(
        d,
        &[
            "layout",
            "add-inspection",
            "l.json",
            "--name",
            "untar",
            "--run",
            "tar xzf foo.tar.gz",
            "-m",
            "MATCH foo.tar.gz WITH PRODUCTS FROM package",
            "-m",
            "ALLOW root.layout",
            "-m",
            "ALLOW *.pub",
            "-m",
            "DISALLOW *",
            "-p",
            "MATCH foo.py WITH PRODUCTS FROM write-code",
            "-p",
            "ALLOW foo.tar.gz",
            "-p",
            "ALLOW root.layout",
            "-p",
            "ALLOW *.pub",
            "-p",
            "DISALLOW *",
        ],
    );
    assert!(
        stderr(&out).contains("no step or inspection of that name"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        run(d, &["layout", "check", "l.json"]).status.code(),
        Some(1)
    );
    let out = ok(d, &["layout", "add-key", "l.json", "alice.pub"]);
    let alice = String::from_utf8(out.stdout).unwrap().trim().to_string();
    ok(
        d,
        &[
            "layout",
            "add-step",
            "l.json",
            "--name",
            "write-code",
            "--keyid",
            &alice,
            "--expected-command",
            r#"sh -c "printf 'print(\"hello\")\\n' > foo.py""#,
            "-p",
            "CREATE foo.py",
            "-p",
            "DISALLOW *",
        ],
    );
    ok(
        d,
        &[
            "layout",
            "add-step",
            "l.json",
            "-n",
            "package",
            "-k",
            "bob.pub",
            "-c",
            "tar czf foo.tar.gz foo.py",
            "-m",
            "MATCH foo.py WITH PRODUCTS FROM write-code",
            "-m",
            "DISALLOW *",
            "-p",
            "CREATE foo.tar.gz",
            "-p",
            "ALLOW foo.py",
            "-p",
            "DISALLOW *",
        ],
    );
    ok(d, &["layout", "check", "l.json"]);
    let ours: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("l.json")).unwrap()).unwrap();
    let mut theirs: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo().join("demo.layout")).unwrap()).unwrap();
    // The inspection was added first here; otherwise the layouts are the same.
    assert_eq!(ours["signed"]["inspect"], theirs["signed"]["inspect"]);
    theirs["signed"]["inspect"] = ours["signed"]["inspect"].clone();
    assert_eq!(ours, theirs);

    ok(d, &["layout", "set-expiry", "l.json", "90d"]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("l.json")).unwrap()).unwrap();
    assert_ne!(v["signed"]["expires"], "2036-01-01T00:00:00Z");
}

#[test]
fn edits_that_break_the_layout_are_refused() {
    let dir = workdir();
    let d = dir.path();
    ok(d, &["layout", "from", "layout.toml", "-o", "l.json"]);
    let before = std::fs::read(d.join("l.json")).unwrap();
    for (args, code, first) in [
        (
            vec!["add-step", "l.json", "-n", "package", "-k", "bob.pub"],
            1,
            "there is already a step named \"package\"",
        ),
        (
            vec!["add-step", "l.json", "-n", "x", "-k", "bob.pub", "-t", "2"],
            1,
            "threshold 2 is more than the 1 key(s)",
        ),
        (
            vec![
                "add-step", "l.json", "-n", "x", "-k", "bob.pub", "-m", "MATCH x",
            ],
            1,
            "is not a valid artifact rule",
        ),
        (
            vec!["add-key", "l.json", "layout.toml"],
            2,
            "cannot use 'layout.toml' as a public key",
        ),
        (
            vec!["set-expiry", "l.json", "3m"],
            2,
            "write \"mo\" for months",
        ),
        (
            vec!["add-inspection", "l.json", "-n", "i", "--run", ""],
            1,
            "run is empty",
        ),
    ] {
        let mut full = vec!["layout"];
        full.extend(args.iter().copied());
        let out = run(d, &full);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        let line = err.lines().next().unwrap_or_default();
        assert!(
            line.contains(first),
            "{args:?}: first line {line:?}, expected {first:?}"
        );
    }
    assert_eq!(std::fs::read(d.join("l.json")).unwrap(), before);
}

#[test]
fn problems_are_reported_at_their_toml_line() {
    let dir = workdir();
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("layout.toml")).unwrap();
    let bad = text
        .replace("FROM write-code", "FROM writecode")
        .replace("threshold = 1", "threshold = 2");
    std::fs::write(d.join("bad.toml"), bad).unwrap();
    let out = run(d, &["layout", "from", "bad.toml", "-o", "l.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!d.join("l.json").exists());
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].contains("bad.toml:14:13: step \"write-code\": threshold 2 is more than"),
        "{err}"
    );
    assert!(
        lines[1].contains("bad.toml:23:23: step \"package\""),
        "{err}"
    );
    assert!(lines[1].contains("(did you mean \"write-code\"?)"), "{err}");
    assert!(
        lines[2].contains("bad.toml:38:3: inspection \"untar\""),
        "{err}"
    );
    assert!(lines[3].contains("3 problem(s) found"), "{err}");
    // `check` and `show` say the same.
    assert_eq!(
        run(d, &["layout", "check", "bad.toml"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(d, &["layout", "show", "bad.toml"]).status.code(),
        Some(1)
    );
    // Not a layout at all.
    std::fs::copy(demo().join("README.md"), d.join("x.json")).unwrap();
    assert_eq!(
        run(d, &["layout", "check", "x.json"]).status.code(),
        Some(2)
    );
}

#[test]
fn check_reports_json_paths() {
    let dir = workdir();
    let d = dir.path();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo().join("demo.layout")).unwrap()).unwrap();
    v["signed"]["steps"][1]["threshold"] = serde_json::json!(3);
    std::fs::write(d.join("l.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let out = run(d, &["layout", "check", "l.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.lines()
            .next()
            .unwrap()
            .contains("l.json:signed.steps[1].threshold: step \"package\": threshold 3"),
        "{err}"
    );
    // show prints the tree anyway, then fails.
    let out = run(d, &["layout", "show", "l.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed by 3 of 1 key(s)"));
}
