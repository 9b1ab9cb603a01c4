//! The differential verification corpus under `spec-tests/verify/`: supply chains built and
//! judged by the Python reference (`spec-tests/verify/generate.py`, see its README), replayed
//! through our `in-toto verify`.
//!
//! Each scenario directory holds `root.layout`, `keys/`, `links/`, `work/` (any of the
//! directories may be absent when empty: git keeps no empty directories) and `scenario.json`.
//! For every scenario this module:
//!
//! 1. copies `work/` (or nothing, when it is absent) to a fresh temporary directory;
//! 2. translates `verify_args` (paths relative to the scenario directory) to absolute paths:
//!    the value of `-l`/`--layout` and `--link-dir`, and every value after
//!    `--verification-keys`/`-k` up to the next argument starting with `-`;
//! 3. appends `--param NAME=VALUE` for every entry of `params`;
//! 4. runs `in-toto verify ARGS` with the temporary copy as the current directory (inspections
//!    run there, and any `INSPECTION.link` written there is thrown away);
//! 5. checks that our exit code equals `reference_exit` (0 pass, 1 fail, 2 usage).
//!
//! Where we deliberately differ from the reference, an entry `{"case": "verify/<scenario>",
//! "ours": "pass"|"fail", "exit": N, "why": ...}` in `spec-tests/differences.json` replaces the
//! reference's outcome for that scenario.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::Context;
use serde_json::Value;

use crate::report::Report;

/// How long one scenario may run before it counts as hung (the slowest reference scenario
/// runs an inspection with a one-second timeout).
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);

/// Flags of `in-toto verify` whose single value is a path.
const PATH_FLAGS: &[&str] = &["-l", "--layout", "--link-dir"];
/// Flags of `in-toto verify` followed by one or more paths.
const MULTI_PATH_FLAGS: &[&str] = &["--verification-keys", "-k"];

/// Runs every scenario of the corpus through `cli` (`in-toto verify`).
///
/// `root` is the workspace root; `root/spec-tests/verify` (or, failing that, `root/verify` or
/// `root` itself) holds the scenarios.
pub fn run(root: &Path, cli: &Path, report: &mut Report) -> anyhow::Result<()> {
    let corpus = locate_corpus(root)?;
    let differences = load_differences(&corpus)?;
    let mut scenarios: Vec<PathBuf> = fs::read_dir(&corpus)
        .with_context(|| format!("cannot read '{}'", corpus.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("scenario.json").is_file())
        .collect();
    scenarios.sort();
    if scenarios.is_empty() {
        anyhow::bail!("no scenarios under '{}'", corpus.display());
    }
    for dir in &scenarios {
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case = format!("verify/{dir_name}");
        let outcome = run_scenario(dir, cli, differences.get(&case));
        report.check(&case, outcome);
    }
    Ok(())
}

fn locate_corpus(root: &Path) -> anyhow::Result<PathBuf> {
    let candidates = [
        root.join("spec-tests").join("verify"),
        root.join("verify"),
        root.to_path_buf(),
    ];
    for dir in candidates {
        let has_scenario = fs::read_dir(&dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().join("scenario.json").is_file())
        });
        if has_scenario {
            return Ok(dir);
        }
    }
    anyhow::bail!(
        "no verification corpus (spec-tests/verify/*/scenario.json) under '{}'",
        root.display()
    )
}

/// Documented differences for `verify/...` cases: case -> our expected exit code.
fn load_differences(corpus: &Path) -> anyhow::Result<BTreeMap<String, i64>> {
    let mut map = BTreeMap::new();
    let Some(path) = corpus
        .parent()
        .map(|p| p.join("differences.json"))
        .filter(|p| p.is_file())
    else {
        return Ok(map);
    };
    let bytes = fs::read(&path).with_context(|| format!("cannot read '{}'", path.display()))?;
    let doc: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("'{}' is not JSON", path.display()))?;
    for entry in doc.as_array().into_iter().flatten() {
        let Some(case) = entry["case"].as_str() else {
            continue;
        };
        if !case.starts_with("verify/") {
            continue;
        }
        let pass = entry["ours"] == "pass";
        let exit = entry["exit"].as_i64().unwrap_or(if pass { 0 } else { 1 });
        map.insert(case.to_string(), exit);
    }
    Ok(map)
}

fn run_scenario(dir: &Path, cli: &Path, documented_exit: Option<&i64>) -> Result<(), String> {
    let text = fs::read(dir.join("scenario.json")).map_err(|e| format!("scenario.json: {e}"))?;
    let scenario: Value =
        serde_json::from_slice(&text).map_err(|e| format!("scenario.json: {e}"))?;
    let args: Vec<String> = scenario["verify_args"]
        .as_array()
        .ok_or("scenario.json: verify_args is not an array")?
        .iter()
        .map(|a| a.as_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or("scenario.json: verify_args holds a non-string")?;
    let reference_exit = scenario["reference_exit"]
        .as_i64()
        .ok_or("scenario.json: reference_exit is not an integer")?;
    let expected_exit = documented_exit.copied().unwrap_or(reference_exit);

    let mut full_args = vec!["verify".to_string()];
    full_args.extend(absolutize(&args, dir));
    if let Some(params) = scenario["params"].as_object() {
        for (name, value) in params {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            full_args.push("--param".to_string());
            full_args.push(format!("{name}={value}"));
        }
    }

    let tmp = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let work = tmp.path().join("work");
    let source_work = dir.join("work");
    if source_work.is_dir() {
        copy_dir(&source_work, &work).map_err(|e| format!("copying work/: {e}"))?;
    } else {
        fs::create_dir(&work).map_err(|e| format!("creating work/: {e}"))?;
    }
    let (code, stderr) = run_cli(cli, &full_args, &work, tmp.path())?;

    match code {
        Some(code) if i64::from(code) == expected_exit => Ok(()),
        code => {
            let reference_error = scenario["reference_error"].as_str().unwrap_or("-");
            let ours = code.map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
            let documented = if documented_exit.is_some() {
                " (documented difference in spec-tests/differences.json)"
            } else {
                ""
            };
            Err(format!(
                "exit {ours}, expected {expected_exit}{documented}; reference: {reference_error}; \
                 ours: {}; args: {}",
                first_lines(&stderr, 3),
                full_args.join(" ")
            ))
        }
    }
}

/// Runs the CLI with stdout and stderr sent to files (no pipe can fill up), killing it after
/// [`SCENARIO_TIMEOUT`]. Returns the exit code (None when killed) and stderr.
fn run_cli(
    cli: &Path,
    args: &[String],
    cwd: &Path,
    scratch: &Path,
) -> Result<(Option<i32>, String), String> {
    let out_path = scratch.join("stdout.txt");
    let err_path = scratch.join("stderr.txt");
    let stdout = fs::File::create(&out_path).map_err(|e| format!("stdout file: {e}"))?;
    let stderr = fs::File::create(&err_path).map_err(|e| format!("stderr file: {e}"))?;
    let mut child = Command::new(cli)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot run '{}': {e}", cli.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > SCENARIO_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "still running after {}s; killed",
                    SCENARIO_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for the CLI: {e}")),
        }
    };
    let stderr_text = fs::read_to_string(&err_path).unwrap_or_default();
    Ok((status.code(), stderr_text))
}

/// Makes the path arguments of `verify_args` absolute, relative to the scenario directory.
fn absolutize(args: &[String], base: &Path) -> Vec<String> {
    #[derive(PartialEq)]
    enum Mode {
        Plain,
        One,
        Multi,
    }
    let mut out = Vec::with_capacity(args.len());
    let mut mode = Mode::Plain;
    for arg in args {
        match mode {
            Mode::One => {
                out.push(base.join(arg).to_string_lossy().into_owned());
                mode = Mode::Plain;
                continue;
            }
            Mode::Multi if !arg.starts_with('-') => {
                out.push(base.join(arg).to_string_lossy().into_owned());
                continue;
            }
            _ => {}
        }
        out.push(arg.clone());
        mode = if PATH_FLAGS.contains(&arg.as_str()) {
            Mode::One
        } else if MULTI_PATH_FLAGS.contains(&arg.as_str()) {
            Mode::Multi
        } else {
            Mode::Plain
        };
    }
    out
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect();
    if lines.is_empty() {
        "(no stderr)".to_string()
    } else {
        lines.join(" | ")
    }
}
