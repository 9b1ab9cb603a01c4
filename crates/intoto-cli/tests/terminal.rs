//! Terminal behaviour: no escape codes on a pipe or with NO_COLOR, colours only when asked
//! for, `-q` silences everything, `RUST_LOG` and `-vv` raise the log level, completions.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec-tests/verify/dsse-metablock-dsse-layout-dsse-links-rule-fail")
}

/// `in-toto verify` of a failing scenario (a warning, a summary, an error): output on every
/// stream, with the colour variables cleared unless `env` sets them.
fn verify(env: &[(&str, &str)], extra: &[&str]) -> Output {
    let dir = scenario();
    let work = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_in-toto"));
    cmd.arg("verify")
        .arg("-l")
        .arg(dir.join("root.layout"))
        .arg("--verification-keys")
        .arg(dir.join("keys/ed25519.pub"))
        .arg("--link-dir")
        .arg(dir.join("links"))
        .args(extra)
        .current_dir(work.path())
        .stdin(Stdio::null());
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "RUST_LOG", "TERM"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

#[test]
fn a_pipe_gets_no_escape_codes() {
    let out = verify(&[], &["-v"]);
    assert!(!out.stdout.is_empty() && !out.stderr.is_empty());
    assert!(
        !has_escape(&out.stdout),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !has_escape(&out.stderr),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn no_color_wins_over_forced_colours() {
    // CLICOLOR_FORCE makes colours appear on a pipe (so the output does have colours to
    // remove) ...
    let forced = verify(&[("CLICOLOR_FORCE", "1")], &[]);
    assert!(
        has_escape(&forced.stdout),
        "{}",
        String::from_utf8_lossy(&forced.stdout)
    );
    assert!(
        has_escape(&forced.stderr),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    // ... and NO_COLOR removes every one of them.
    let plain = verify(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]);
    assert!(
        !has_escape(&plain.stdout),
        "{:?}",
        String::from_utf8_lossy(&plain.stdout)
    );
    assert!(
        !has_escape(&plain.stderr),
        "{:?}",
        String::from_utf8_lossy(&plain.stderr)
    );
    assert_eq!(
        anstream_free(&forced.stdout),
        String::from_utf8_lossy(&plain.stdout),
        "colours change nothing but the escape codes"
    );
}

/// The text with CSI escape sequences removed.
fn anstream_free(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // ESC [ params final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn quiet_silences_even_rust_log() {
    let out = verify(&[("RUST_LOG", "trace")], &["-q"]);
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn verbosity_levels_and_rust_log() {
    let default = String::from_utf8_lossy(&verify(&[], &[]).stderr).into_owned();
    assert!(!default.contains("DEBUG"), "{default}");
    assert!(default.contains("WARN"), "{default}");
    let debug = String::from_utf8_lossy(&verify(&[], &["-vv"]).stderr).into_owned();
    assert!(
        debug.contains("DEBUG") && debug.contains("verifying '"),
        "{debug}"
    );
    let env = String::from_utf8_lossy(&verify(&[("RUST_LOG", "debug")], &[]).stderr).into_owned();
    assert!(
        env.contains("DEBUG") && env.contains("verifying '"),
        "{env}"
    );
    let errors_only =
        String::from_utf8_lossy(&verify(&[("RUST_LOG", "error")], &["-v"]).stderr).into_owned();
    assert!(
        !errors_only.contains("WARN") && errors_only.contains("ERROR"),
        "{errors_only}"
    );
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef in-toto"),
        ("fish", "complete -c in-toto"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("verification-keys"),
            "{shell}: no verify flags"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_in-toto"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `in-toto run -x -p big` with a sparse file of `size` bytes (2 GB take a second or two to
/// hash, past the bar's half-second delay), under a pseudo-terminal made by script(1) when
/// `on_terminal`, else with stderr on a pipe; returns everything written to the terminal or to
/// stderr.
fn run_hashing_big_file(size: u64, on_terminal: bool, quiet: bool) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("big")).unwrap();
    big.set_len(size).unwrap();
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-tests/keys/ed25519.pem");
    let quiet = if quiet { " -q" } else { "" };
    let command = format!(
        "'{}' run -n s --signing-key '{}' -x -p big{quiet}",
        env!("CARGO_BIN_EXE_in-toto"),
        key.display()
    );
    if !on_terminal {
        let out = Command::new("sh")
            .args(["-c", &command])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        return Some(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let log = dir.path().join("terminal.log");
    let out = Command::new("script")
        .arg("-qec")
        .arg(&command)
        .arg(&log)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned())
}

#[test]
fn progress_bar_only_on_a_terminal_and_never_with_quiet() {
    let Some(terminal) = run_hashing_big_file(2_000_000_000, true, false) else {
        eprintln!("skipped: script(1) from util-linux is not available");
        return;
    };
    assert!(terminal.contains("recording products: "), "{terminal}");
    let quiet = run_hashing_big_file(2_000_000_000, true, true).unwrap();
    assert!(!quiet.contains("recording products"), "{quiet}");
    let pipe = run_hashing_big_file(2_000_000_000, false, false).unwrap();
    assert!(
        !pipe.contains("recording products") && !has_escape(pipe.as_bytes()),
        "{pipe}"
    );
}
