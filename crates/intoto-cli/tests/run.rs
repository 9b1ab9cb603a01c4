//! `in-toto run`, `record start|stop` and `mock` end to end: exit codes, file names,
//! byproducts, timeouts, and errors that name the path.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{fs, path::Path};

use serde_json::Value;

use crate::support::{run_in as bin, stderr};

struct Dir {
    tmp: tempfile::TempDir,
    keyid8: String,
}

fn setup() -> Dir {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin(tmp.path(), &["keygen", "key"]);
    assert!(out.status.success());
    let keyid = String::from_utf8(out.stdout).unwrap();
    fs::create_dir(tmp.path().join("src")).unwrap();
    fs::write(tmp.path().join("src/a.c"), b"int a;").unwrap();
    Dir {
        tmp,
        keyid8: keyid.trim()[..8].to_string(),
    }
}

fn signed(path: &Path) -> Value {
    let v: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    v["signed"].clone()
}

#[test]
fn run_writes_the_link_and_passes_the_exit_code_through() {
    let d = setup();
    let p = d.tmp.path();
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "build",
            "--signing-key",
            "key",
            "-m",
            "src",
            "-p",
            "src",
            "-s",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // the output reached our stdout/stderr as well as the link
    assert_eq!(String::from_utf8_lossy(&out.stdout), "out\n");
    assert!(stderr(&out).contains("err"));
    let link = signed(&p.join(format!("build.{}.link", d.keyid8)));
    assert_eq!(
        link["byproducts"],
        serde_json::json!({"stdout": "out\n", "stderr": "err\n", "return-value": 3})
    );
    assert!(link["materials"]["src/a.c"]["sha256"].is_string());
}

#[test]
fn without_record_streams_output_still_reaches_the_terminal() {
    let d = setup();
    let p = d.tmp.path();
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "s",
            "--signing-key",
            "key",
            "-d",
            "src",
            "--",
            "echo",
            "visible",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "visible\n");
    let link = signed(&p.join(format!("src/s.{}.link", d.keyid8)));
    assert_eq!(
        link["byproducts"],
        serde_json::json!({"stdout": "", "stderr": "", "return-value": 0})
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = setup();
    let p = d.tmp.path();
    for args in [
        &["run", "-n", "s", "--signing-key", "key"][..],
        &["run", "-n", "s", "-x"],
        &["run", "-n", "s", "-g", "--signing-key", "key", "-x"],
        &["run", "-n", "s", "-g", "ABC", "--use-dsse", "-x"],
        &["record", "start", "-n", "s", "-g", "--use-dsse"],
        &["run", "-n", "a/b", "--signing-key", "key", "-x"],
    ] {
        let out = bin(p, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = bin(p, &["run", "-n", "s", "--gpg", "ABC", "--use-dsse", "-x"]);
    assert!(
        stderr(&out).contains("cannot sign DSSE"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn in_toto_errors_exit_1_without_a_link() {
    let d = setup();
    let p = d.tmp.path();
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "t",
            "--signing-key",
            "key",
            "--run-timeout",
            "1",
            "--",
            "sh",
            "-c",
            "sleep 30",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did not finish within 1 s"),
        "{}",
        stderr(&out)
    );
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "t",
            "--signing-key",
            "key",
            "--",
            "./no-such-program",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot run command './no-such-program'"),
        "{}",
        stderr(&out)
    );
    std::os::unix::fs::symlink("..", p.join("src/up")).unwrap();
    let out = bin(
        p,
        &["run", "-n", "t", "--signing-key", "key", "-m", "src", "-x"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("'src/up/src'") || stderr(&out).contains("symlink loop"),
        "{}",
        stderr(&out)
    );
    for args in [&["--lstrip-paths", "a", "ab"][..], &["--exclude", "!"]] {
        let out = bin(
            p,
            &[&["run", "-n", "t", "--signing-key", "key", "-x"][..], args].concat(),
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    }
    let out = bin(p, &["run", "-n", "t", "--signing-key", "missing-key", "-x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing-key"));
    assert!(
        !fs::read_dir(p).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("t."))
    );
}

#[test]
fn excludes_lstrip_and_added_excludes() {
    let d = setup();
    let p = d.tmp.path();
    fs::write(p.join("src/x.log"), b"").unwrap();
    fs::write(p.join("src/y.link"), b"").unwrap();
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "e",
            "--signing-key",
            "key",
            "-m",
            "src",
            "--add-exclude",
            "*.log",
            "--lstrip-paths",
            "src/",
            "-x",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let link = signed(&p.join(format!("e.{}.link", d.keyid8)));
    let names: Vec<&String> = link["materials"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["a.c"]);
    assert_eq!(link["byproducts"], serde_json::json!({}));
    assert_eq!(link["command"], serde_json::json!([]));
}

#[test]
fn record_start_and_stop() {
    let d = setup();
    let p = d.tmp.path();
    let out = bin(
        p,
        &[
            "record",
            "start",
            "-n",
            "edit",
            "--signing-key",
            "key",
            "-m",
            "src",
            "--use-dsse",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let unfinished = p.join(format!(".edit.{}.link-unfinished", d.keyid8));
    assert!(unfinished.exists());
    fs::write(p.join("src/b.c"), b"new").unwrap();
    let out = bin(
        p,
        &[
            "record",
            "stop",
            "-n",
            "edit",
            "--signing-key",
            "key",
            "-p",
            "src",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!unfinished.exists());
    let env: Value =
        serde_json::from_slice(&fs::read(p.join(format!("edit.{}.link", d.keyid8))).unwrap())
            .unwrap();
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    // stop without start: exit 1 and the file name in the message
    let out = bin(
        p,
        &[
            "record",
            "stop",
            "-n",
            "other",
            "--signing-key",
            "key",
            "-p",
            "src",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(".other."), "{}", stderr(&out));
}

#[test]
fn mock_writes_an_unsigned_link() {
    let d = setup();
    let p = d.tmp.path();
    let out = bin(
        p,
        &["mock", "-n", "try", "--", "sh", "-c", "echo hi; exit 4"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&fs::read(p.join("try.link")).unwrap()).unwrap();
    assert_eq!(v["signatures"], serde_json::json!([]));
    assert_eq!(v["signed"]["byproducts"]["stdout"], "hi\n");
    assert_eq!(v["signed"]["byproducts"]["return-value"], 4);
    assert!(v["signed"]["materials"]["src/a.c"].is_object());
    assert!(v["signed"]["materials"].get("key").is_some());
}

/// The tree digest the library computes for `dir` (checked against the reference's in
/// intoto-hash's tests/resolver.rs).
fn tree_digest(dir: &Path) -> Value {
    intoto_hash::DirResolver::tree_digest(dir, &intoto_hash::RecordOptions::default(), None)
        .unwrap()
        .to_value()
}

#[test]
fn run_and_record_take_dir_and_ostree_uris() {
    let d = setup();
    let p = d.tmp.path();
    fs::write(p.join("src/b.c"), b"int b;").unwrap();
    let before = tree_digest(&p.join("src"));
    let out = bin(
        p,
        &[
            "run",
            "-n",
            "build",
            "--signing-key",
            "key",
            "-m",
            "dir:src",
            "-p",
            "dir:src",
            "src/a.c",
            "--",
            "sh",
            "-c",
            "echo changed > src/b.c",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let link = signed(&p.join(format!("build.{}.link", d.keyid8)));
    assert_eq!(link["materials"], serde_json::json!({"dir:src": before}));
    let after = tree_digest(&p.join("src"));
    assert_ne!(before, after);
    assert_eq!(link["products"]["dir:src"], after);
    assert!(link["products"]["src/a.c"].is_object());

    // record start/stop with an OSTree branch in a repository at the base path.
    let repo = p.join("repo");
    let commit = "ab".repeat(32);
    fs::create_dir_all(repo.join("refs/heads")).unwrap();
    fs::create_dir_all(repo.join("objects/ab")).unwrap();
    fs::write(repo.join("refs/heads/main"), format!("{commit}\n")).unwrap();
    fs::write(
        repo.join(format!("objects/ab/{}.commit", &commit[2..])),
        b"commit object",
    )
    .unwrap();
    for args in [
        &[
            "record",
            "start",
            "-n",
            "pub",
            "--signing-key",
            "key",
            "--base-path",
            "repo",
            "-m",
            "ostree:main",
        ][..],
        &[
            "record",
            "stop",
            "-n",
            "pub",
            "--signing-key",
            "key",
            "--base-path",
            "repo",
            "-p",
            "ostree:main",
        ][..],
    ] {
        let out = bin(p, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let link = signed(&p.join(format!("pub.{}.link", d.keyid8)));
    let digests = intoto_hash::OstreeResolver::commit_digest(&repo, "main").unwrap();
    assert_eq!(link["materials"]["ostree:main"], digests.to_value());
    assert_eq!(link["products"]["ostree:main"], digests.to_value());
}

#[test]
fn a_dir_uri_that_is_not_a_directory_fails_the_run_naming_it() {
    let d = setup();
    let out = bin(
        d.tmp.path(),
        &[
            "run",
            "-n",
            "build",
            "--signing-key",
            "key",
            "-p",
            "dir:missing",
            "--",
            "true",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let first = stderr(&out).lines().next().unwrap_or_default().to_string();
    assert!(first.contains("'dir:missing': not a directory"), "{first}");
    assert!(
        !d.tmp
            .path()
            .join(format!("build.{}.link", d.keyid8))
            .exists()
    );
}
