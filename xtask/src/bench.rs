//! `cargo xtask bench record [--quick]`: whole-process timings of `in-toto run -x -m TREE`
//! (ours, release build) against the reference's `in-toto-run` and against a bare parallel
//! SHA-256 of the same files (`cargo xtask bench sha256-tree DIR`, the speed of light), on
//! generated trees: many small files, source-like files, a few large files. Prints wall time,
//! peak RSS (from `/usr/bin/time -f`), and the ratios.
//!
//! Full sizes are the (100,000 x 1 KiB; 20,000 source-like; 4 x 512 MiB); `--quick`
//! divides them by ten (the large files by sixteen). Each command runs once to warm the page
//! cache, then the best of `runs` timings is kept.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, bail};
use rayon::prelude::*;
use sha2::Digest as _;

use crate::{report::Report, workspace};

struct TreeSpec {
    name: &'static str,
    files: usize,
    /// Size of file `i`.
    size: fn(usize) -> usize,
    per_dir: usize,
}

/// Runs `bench <what>`.
pub fn run(args: &[String]) -> anyhow::Result<Report> {
    match args.first().map(String::as_str) {
        Some("record") => record(args.iter().any(|a| a == "--quick")),
        Some("verify") => crate::bench_verify::run(args.iter().any(|a| a == "--quick")),
        Some("sha256-tree") => {
            let dir = args
                .get(1)
                .context("usage: cargo xtask bench sha256-tree DIR")?;
            let (files, bytes) = sha256_tree(Path::new(dir))?;
            println!("{files} files, {bytes} bytes");
            Ok(Report::default())
        }
        _ => bail!("usage: cargo xtask bench record|verify [--quick]"),
    }
}

fn record(quick: bool) -> anyhow::Result<Report> {
    let root = workspace::root();
    let reference = std::env::var_os("INTOTO_REFERENCE_VENV")
        .map_or_else(|| root.join(".venv"), PathBuf::from)
        .join("bin/in-toto-run");
    if !reference.exists() {
        bail!("the reference is not installed ('{}')", reference.display());
    }
    let ours = build_release(&root)?;

    let scale = if quick { 10 } else { 1 };
    let specs = [
        TreeSpec {
            name: "small files (1 KiB)",
            files: 100_000 / scale,
            size: |_| 1024,
            per_dir: 1000,
        },
        TreeSpec {
            name: "source-like (0.1-60 KiB)",
            files: 20_000 / scale,
            size: |i| 100 + (i * 7919) % 60_000,
            per_dir: 50,
        },
        TreeSpec {
            name: if quick {
                "large files (4 x 32 MiB)"
            } else {
                "large files (4 x 512 MiB)"
            },
            files: 4,
            size: if quick { |_| 32 << 20 } else { |_| 512 << 20 },
            per_dir: 4,
        },
    ];
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    // A private copy: a parallel `cargo build` may replace target/debug/xtask meanwhile.
    let xtask = work.path().join("xtask-sha256");
    // /proc/self/exe still reads when the file itself has been replaced.
    fs::copy("/proc/self/exe", &xtask)
        .or_else(|_| fs::copy(std::env::current_exe()?, &xtask))
        .context("cannot copy the xtask binary")?;
    let key = work.path().join("key");
    let status = Command::new(&ours).arg("keygen").arg(&key).output()?;
    if !status.status.success() {
        bail!("in-toto keygen failed");
    }
    let runs = if quick { 3 } else { 5 };
    println!(
        "| tree | files | ours | reference | bare parallel SHA-256 | ref/ours | ours/bare | peak RSS ours | peak RSS ref |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for spec in &specs {
        let tree = work
            .path()
            .join(spec.name.split(' ').next().unwrap_or("tree"));
        generate(&tree, spec)?;
        let out = work.path().join("out");
        fs::create_dir_all(&out)?;
        let mut ours_cmd = Command::new(&ours);
        ours_cmd
            .args(["run", "-q", "-n", "bench", "--signing-key"])
            .arg(&key)
            .arg("-d")
            .arg(&out)
            .args(["-x", "-m"])
            .arg(&tree);
        let mut ref_cmd = Command::new(&reference);
        ref_cmd
            .args(["-q", "-n", "bench", "--signing-key"])
            .arg(&key)
            .arg("-d")
            .arg(&out)
            .args(["-x", "-m"])
            .arg(&tree);
        let mut bare_cmd = Command::new(&xtask);
        bare_cmd.args(["bench", "sha256-tree"]).arg(&tree);
        let bare = measure(&mut bare_cmd, runs)?;
        let o = measure(&mut ours_cmd, runs)?;
        let r = measure(&mut ref_cmd, runs.min(2))?;
        println!(
            "| {} | {} | {:.3} s | {:.3} s | {:.3} s | {:.1}x | {:.2} | {} MiB | {} MiB |",
            spec.name,
            spec.files,
            o.secs,
            r.secs,
            bare.secs,
            r.secs / o.secs,
            o.secs / bare.secs,
            o.peak_kib / 1024,
            r.peak_kib / 1024
        );
        std::io::stdout().flush()?;
        fs::remove_dir_all(&tree)?;
    }
    Ok(Report::default())
}

pub(crate) fn build_release(root: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "--package", "intoto-cli"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("the release build failed");
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release/in-toto"))
}

/// Writes the tree: `per_dir` files per directory, deterministic pseudo-random content.
fn generate(tree: &Path, spec: &TreeSpec) -> anyhow::Result<()> {
    (0..spec.files.div_ceil(spec.per_dir))
        .into_par_iter()
        .try_for_each(|d| -> anyhow::Result<()> {
            let dir = tree.join(format!("d{d:04}/sub"));
            fs::create_dir_all(&dir)?;
            let mut state = (d as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for i in d * spec.per_dir..((d + 1) * spec.per_dir).min(spec.files) {
                let size = (spec.size)(i);
                let mut data = Vec::with_capacity(size);
                while data.len() < size {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    data.extend_from_slice(&state.to_le_bytes());
                }
                data.truncate(size);
                fs::write(dir.join(format!("file{i}.c")), &data)?;
            }
            Ok(())
        })
}

pub(crate) struct Measured {
    pub(crate) secs: f64,
    pub(crate) peak_kib: u64,
}

/// Best wall time of `runs` after one warm-up, and the peak RSS of the best run.
pub(crate) fn measure(cmd: &mut Command, runs: usize) -> anyhow::Result<Measured> {
    let mut best: Option<Measured> = None;
    for i in 0..=runs {
        let program = cmd.get_program().to_owned();
        let mut timed = Command::new("/usr/bin/time");
        timed.args(["-f", "%M"]).arg(&program).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            timed.current_dir(dir);
        }
        let start = Instant::now();
        let out = timed
            .output()
            .with_context(|| format!("cannot run {program:?}"))?;
        let secs = start.elapsed().as_secs_f64();
        if !out.status.success() {
            bail!(
                "{program:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let peak_kib = stderr
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        if i > 0 && best.as_ref().is_none_or(|b| secs < b.secs) {
            best = Some(Measured { secs, peak_kib });
        }
    }
    best.context("no run")
}

/// The speed of light: list every file, then SHA-256 them on all cores (1 MiB reads).
fn sha256_tree(dir: &Path) -> anyhow::Result<(usize, u64)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    let bytes = files
        .par_iter()
        .map_init(
            || vec![0u8; 1 << 20],
            |buf, f| -> anyhow::Result<u64> {
                let mut file = fs::File::open(f)?;
                let mut hasher = sha2::Sha256::new();
                let mut n = 0u64;
                loop {
                    let read = std::io::Read::read(&mut file, buf)?;
                    if read == 0 {
                        break;
                    }
                    n += read as u64;
                    hasher.update(&buf[..read]);
                }
                std::hint::black_box(hasher.finalize());
                Ok(n)
            },
        )
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok((files.len(), bytes))
}
