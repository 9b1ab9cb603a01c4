//! examples/ci-cargo-build.sh, run as CI would run it, on a tiny cargo project made in a
//! temporary directory (no dependencies, so the build is offline and takes about a second).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{path::Path, process::Command};

#[test]
fn ci_script_records_and_verifies_a_cargo_build() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ci-cargo-build.sh");
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("hello");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        project.join("src/main.rs"),
        "fn main() { println!(\"hello\"); }\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("out");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new("bash")
        .arg(&script)
        .arg(&project)
        .arg(&out_dir)
        .env("IN_TOTO", env!("CARGO_BIN_EXE_in-toto"))
        .env("CARGO", &cargo)
        .env("NO_COLOR", "1")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("step 'build' (threshold 1): build."),
        "{stdout}"
    );
    assert!(stdout.contains("PASS: '"), "{stdout}");
    assert!(project.join("target/debug/hello").is_file());
    let link = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "link"))
        .unwrap();

    // A binary swapped after the build no longer matches the link's product.
    std::fs::write(
        project.join("target/debug/hello"),
        "#!/bin/sh\necho pwned\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .args(["match-products", "-l"])
        .arg(&link)
        .args(["-p", "target/debug/hello"])
        .current_dir(&project)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Hashes differ: target/debug/hello"));
}
