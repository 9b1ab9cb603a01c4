//! The binary answers to the reference's program names through symlinks: `in-toto-run`,
//! `in-toto-record`, `in-toto-verify`, `in-toto-sign`, `in-toto-mock`,
//! `in-toto-match-products`, with the reference's flags.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn key() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests/keys/ed25519.pem")
}

fn public_key() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests/keys/ed25519.pub")
}

/// A directory of symlinks named as the reference's programs, pointing at our binary.
fn tools() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "in-toto-run",
        "in-toto-record",
        "in-toto-verify",
        "in-toto-sign",
        "in-toto-mock",
        "in-toto-match-products",
    ] {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_in-toto"), dir.path().join(name)).unwrap();
    }
    dir
}

fn run(tools: &Path, cwd: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(tools.join(program))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn reference_program_names_run_a_supply_chain() {
    let tools = tools();
    let work = tempfile::tempdir().unwrap();
    let (t, w) = (tools.path(), work.path());
    let key = key();
    let key = key.to_str().unwrap();
    let pubkey = public_key();
    let pubkey = pubkey.to_str().unwrap();

    std::fs::write(w.join("src.txt"), "hello\n").unwrap();
    let out = run(
        t,
        w,
        "in-toto-run",
        &[
            "-n",
            "build",
            "--signing-key",
            key,
            "-m",
            "src.txt",
            "-p",
            "out.txt",
            "--",
            "cp",
            "src.txt",
            "out.txt",
        ],
    );
    ok(&out, "in-toto-run");
    let link = std::fs::read_dir(w)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("build.") && n.ends_with(".link"))
        .unwrap();

    ok(
        &run(
            t,
            w,
            "in-toto-record",
            &[
                "start",
                "-n",
                "review",
                "--signing-key",
                key,
                "-m",
                "out.txt",
            ],
        ),
        "in-toto-record start",
    );
    ok(
        &run(
            t,
            w,
            "in-toto-record",
            &[
                "stop",
                "-n",
                "review",
                "--signing-key",
                key,
                "-p",
                "out.txt",
            ],
        ),
        "in-toto-record stop",
    );
    ok(
        &run(
            t,
            w,
            "in-toto-sign",
            &["-f", &link, "-k", pubkey, "--verify"],
        ),
        "in-toto-sign --verify",
    );
    ok(
        &run(
            t,
            w,
            "in-toto-match-products",
            &["-l", &link, "-p", "out.txt"],
        ),
        "in-toto-match-products",
    );
    ok(
        &run(t, w, "in-toto-mock", &["-n", "try", "--", "true"]),
        "in-toto-mock",
    );
    assert!(w.join("try.link").is_file());

    std::fs::write(w.join("out.txt"), "changed\n").unwrap();
    let out = run(
        t,
        w,
        "in-toto-match-products",
        &["-l", &link, "-p", "out.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn in_toto_verify_verifies_and_fails_like_the_subcommand() {
    let tools = tools();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec-tests/verify/dsse-metablock-dsse-sublayout-pass");
    let work = tempfile::tempdir().unwrap();
    let layout = dir.join("root.layout");
    let keys = dir.join("keys/ed25519.pub");
    let links = dir.join("links");
    let args = [
        "-l",
        layout.to_str().unwrap(),
        "--verification-keys",
        keys.to_str().unwrap(),
        "--link-dir",
        links.to_str().unwrap(),
        "--no-inspection-links",
    ];
    let out = run(tools.path(), work.path(), "in-toto-verify", &args);
    ok(&out, "in-toto-verify");
    assert!(String::from_utf8_lossy(&out.stdout).contains("PASS: '"));
    let empty = tempfile::tempdir().unwrap();
    let mut missing = args;
    missing[5] = empty.path().to_str().unwrap();
    let out = run(tools.path(), work.path(), "in-toto-verify", &missing);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn help_usage_errors_and_version_use_the_program_name() {
    let tools = tools();
    let cwd = tempfile::tempdir().unwrap();
    let help = run(tools.path(), cwd.path(), "in-toto-run", &["--help"]);
    ok(&help, "--help");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Usage: in-toto-run"), "{text}");
    assert!(text.contains("--step-name"), "{text}");
    let usage = run(tools.path(), cwd.path(), "in-toto-sign", &[]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("in-toto-sign"));
    let version = run(tools.path(), cwd.path(), "in-toto-verify", &["--version"]);
    ok(&version, "--version");
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("in-toto-verify "));
    // The plain name keeps its subcommands.
    let plain = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&plain.stdout).contains("match-products"));
}
