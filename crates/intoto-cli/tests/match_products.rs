//! `in-toto match-products`: exit 0 when local files match a link's products, 1 with the
//! differences listed otherwise, for Metablock and DSSE links.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use crate::support::{in_toto as bin, stdout};

fn key() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests/keys/ed25519.pem")
}

/// Records `a.txt` and `b.txt` as products of a step and returns the link's path.
fn record(dir: &Path, dsse: bool) -> PathBuf {
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    std::fs::write(dir.join("b.txt"), "b").unwrap();
    let mut cmd = bin();
    cmd.current_dir(dir)
        .args(["run", "-n", "build", "--signing-key"])
        .arg(key())
        .args(["-p", "a.txt", "b.txt", "-x"]);
    if dsse {
        cmd.arg("--use-dsse");
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "link"))
        .unwrap()
}

#[test]
fn matching_files_exit_0_for_both_wrappers() {
    for dsse in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let link = record(dir.path(), dsse);
        let out = bin()
            .current_dir(dir.path())
            .arg("match-products")
            .arg("-l")
            .arg(&link)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "dsse={dsse}: {}", stdout(&out));
    }
}

#[test]
fn differences_are_listed_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let link = record(dir.path(), true);
    std::fs::write(dir.path().join("a.txt"), "changed").unwrap();
    std::fs::remove_file(dir.path().join("b.txt")).unwrap();
    std::fs::write(dir.path().join("c.txt"), "new").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .arg("match-products")
        .arg("-l")
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let listed = stdout(&out);
    assert!(listed.contains("Hashes differ: a.txt"), "{listed}");
    assert!(listed.contains("Only in products: b.txt"), "{listed}");
    assert!(listed.contains("Not in products: c.txt"), "{listed}");
}

#[test]
fn excludes_and_paths_narrow_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let link = record(dir.path(), false);
    std::fs::write(dir.path().join("c.txt"), "new").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .arg("match-products")
        .arg("-l")
        .arg(&link)
        .args(["-e", "c.txt", "*.link"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn an_unreadable_link_is_exit_2() {
    let out = bin()
        .args(["match-products", "-l", "/nonexistent.link"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
