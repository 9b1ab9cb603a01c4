//! Helpers the test files share: running the `in-toto` binary and reading its output.
#![allow(dead_code, clippy::unwrap_used)] // each file uses some of them

use std::{
    path::Path,
    process::{Command, Output},
};

/// The `in-toto` binary built for these tests, ready for arguments.
pub fn in_toto() -> Command {
    Command::new(env!("CARGO_BIN_EXE_in-toto"))
}

/// Runs `in-toto ARGS` in `dir` and waits for it.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    in_toto().args(args).current_dir(dir).output().unwrap()
}

/// The process's stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The process's stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
