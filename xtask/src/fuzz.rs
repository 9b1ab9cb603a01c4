//! `cargo xtask fuzz`: runs the cargo-fuzz targets under `fuzz/` with the nightly toolchain.
//!
//! - `cargo xtask fuzz --smoke`: every target for [`SMOKE_SECONDS`] seconds (CI).
//! - `cargo xtask fuzz --seconds N [TARGET ...]`: longer runs, one target after the other.
//!
//! Installs cargo-fuzz (`cargo install --locked cargo-fuzz`) when it is missing; fails with a
//! clear message when the nightly toolchain is missing. New inputs go to a temporary corpus
//! directory, so the small committed corpora under `fuzz/corpus/` stay as they are; crashes
//! are written to `fuzz/artifacts/TARGET/` and fail the run.

use std::{
    path::Path,
    process::{Command, Stdio},
};

use anyhow::{Context, bail};

use crate::report::Report;

/// How long `--smoke` runs each target.
pub const SMOKE_SECONDS: u64 = 20;

/// Runs the fuzz targets as `args` say.
pub fn run(args: &[String]) -> anyhow::Result<Report> {
    let (seconds, only) = parse_args(args)?;
    let root = crate::workspace::root();
    let fuzz_dir = root.join("fuzz");
    require_nightly()?;
    ensure_cargo_fuzz()?;
    let targets = match only {
        Some(t) => t,
        None => list_targets(&root)?,
    };
    let mut report = Report::default();
    for target in &targets {
        println!("==> fuzz {target} for {seconds} s");
        let outcome = run_target(&root, &fuzz_dir, target, seconds);
        report.check(&format!("fuzz {target}"), outcome);
    }
    Ok(report.finish())
}

fn parse_args(args: &[String]) -> anyhow::Result<(u64, Option<Vec<String>>)> {
    let mut seconds = None;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--smoke" => seconds = Some(SMOKE_SECONDS),
            "--seconds" => {
                let n = it.next().context("--seconds needs a number")?;
                seconds = Some(n.parse().with_context(|| format!("--seconds {n:?}"))?);
            }
            t if !t.starts_with('-') => targets.push(t.to_string()),
            other => bail!(
                "unknown option {other:?} (usage: cargo xtask fuzz --smoke | --seconds N [TARGET ...])"
            ),
        }
    }
    let seconds = seconds.context("usage: cargo xtask fuzz --smoke | --seconds N [TARGET ...]")?;
    Ok((seconds, (!targets.is_empty()).then_some(targets)))
}

fn require_nightly() -> anyhow::Result<()> {
    let ok = Command::new("cargo")
        .args(["+nightly", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        bail!(
            "the nightly toolchain is missing: cargo-fuzz needs it (libFuzzer and sanitizer flags). Install it with `rustup toolchain install nightly`"
        );
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    println!("==> cargo-fuzz is missing: cargo install --locked cargo-fuzz");
    let status = Command::new("cargo")
        .args(["install", "--locked", "cargo-fuzz"])
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!("`cargo install --locked cargo-fuzz` failed ({status})");
    }
    Ok(())
}

fn list_targets(root: &Path) -> anyhow::Result<Vec<String>> {
    let out = Command::new("cargo")
        .args(["+nightly", "fuzz", "list"])
        .current_dir(root)
        .output()
        .context("cannot run cargo fuzz list")?;
    if !out.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let targets: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if targets.is_empty() {
        bail!("cargo fuzz list found no targets under fuzz/");
    }
    Ok(targets)
}

fn run_target(root: &Path, fuzz_dir: &Path, target: &str, seconds: u64) -> Result<(), String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("temporary corpus: {e}"))?;
    let corpus = fuzz_dir.join("corpus").join(target);
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["+nightly", "fuzz", "run", target])
        .arg(scratch.path())
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-timeout=10", "-rss_limit_mb=2048", "-max_len=65536"])
        .status()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: a crash, leak or timeout; the input is under fuzz/artifacts/{target}/"
        ))
    }
}
