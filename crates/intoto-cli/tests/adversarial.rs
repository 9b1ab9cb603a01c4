//! Adversarial files given to the `in-toto` command (issue 7): refused with a first line that
//! says why, a non-zero exit code, no panic, and nothing written.
#![allow(clippy::unwrap_used)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::Output,
};

use crate::support::in_toto as bin;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests")
}

/// The directory's entries with their sizes, to show that nothing was written.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    out.sort();
    out
}

fn first_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines().next().unwrap_or_default().to_string()
}

fn assert_refused(out: &Output, expected_code: i32, first_line_contains: &str) {
    assert_eq!(
        out.status.code(),
        Some(expected_code),
        "{}",
        first_line(out)
    );
    let line = first_line(out);
    assert!(line.contains(first_line_contains), "{line}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// A scratch directory holding a copy of the ed25519 layout vector and its public key.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        vectors().join("signed/ed25519.metablock.layout.json"),
        dir.path().join("root.layout"),
    )
    .unwrap();
    fs::copy(
        vectors().join("keys/ed25519.pub"),
        dir.path().join("owner.pub"),
    )
    .unwrap();
    fs::copy(
        vectors().join("keys/ed25519.pem"),
        dir.path().join("owner.pem"),
    )
    .unwrap();
    dir
}

#[test]
fn verify_and_sign_refuse_a_2_gib_file_before_reading_it() {
    let dir = scratch();
    let layout = dir.path().join("root.layout");
    // Sparse: 2 GiB long, no disk space used; refused on its size alone.
    fs::OpenOptions::new()
        .write(true)
        .open(&layout)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let before = listing(dir.path());
    let out = bin()
        .current_dir(dir.path())
        .args(["verify", "-l", "root.layout", "-k", "owner.pub"])
        .output()
        .unwrap();
    assert_refused(
        &out,
        1,
        "2147483648 bytes, more than the limit of 268435456 bytes",
    );
    let out = bin()
        .current_dir(dir.path())
        .args(["sign", "-f", "root.layout", "-k", "owner.pem"])
        .output()
        .unwrap();
    assert_refused(&out, 2, "more than the limit of 268435456 bytes");
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn sign_refuses_duplicate_keys_and_deep_nesting_and_writes_nothing() {
    let dir = scratch();
    let cases = [
        (
            "dup.link",
            r#"{"signed": {"_type": "link", "_type": "layout"}, "signatures": []}"#.to_string(),
        ),
        (
            "deep.link",
            format!(
                r#"{{"signed": {}1{}, "signatures": []}}"#,
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
        ),
    ];
    for (name, text) in &cases {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let before = listing(dir.path());
    for ((name, text), reason) in cases
        .iter()
        .zip(["duplicate object key", "recursion limit exceeded"])
    {
        let out = bin()
            .current_dir(dir.path())
            .args(["sign", "-f", name, "-k", "owner.pem"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", first_line(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(reason),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(fs::read_to_string(dir.path().join(name)).unwrap(), *text);
    }
    assert_eq!(listing(dir.path()), before);
}
