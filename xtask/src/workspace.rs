//! Paths of the workspace and a freshly built `in-toto` binary.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Builds the CLI and returns the path of the `in-toto` binary.
pub fn build_cli() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--package", "intoto-cli"])
        .current_dir(root())
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("building the in-toto binary failed");
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let bin = target.join("debug").join("in-toto");
    if !bin.exists() {
        bail!("'{}' was not built", bin.display());
    }
    Ok(bin)
}

/// Reads and parses a JSON file.
pub fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read '{}'", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("'{}' is not JSON", path.display()))
}

/// Runs a command to completion, with its output captured.
pub fn exec(cmd: &mut Command) -> Result<std::process::Output, String> {
    cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))
}

/// Checks a finished command's exit code; the error says what ran and shows its stderr.
pub fn expect_exit(out: &std::process::Output, code: i32, what: &str) -> Result<(), String> {
    if out.status.code() == Some(code) {
        Ok(())
    } else {
        Err(format!(
            "{what}: exit {:?}, expected {code}; stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
