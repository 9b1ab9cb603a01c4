//! `cargo xtask bench verify [--quick]`: whole-process timings of `in-toto verify` (ours,
//! release build) against the reference's `in-toto-verify` on a generated three-step supply
//! chain whose links each hold N artifacts (N = 10,000 and 100,000; `--quick`: 1,000 and
//! 10,000), with MATCH, CREATE, ALLOW and DISALLOW rules and no inspections. Prints wall time,
//! peak RSS, the ratio to the reference and how our time grows with N.

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};
use intoto_crypto::PrivateKey;
use intoto_model::{
    ArtifactPath, Artifacts, Digest, DigestSet, Layout, LayoutKey, Link, Metablock, Step, StepName,
    Timestamp, pyjson,
};
use sha2::Digest as _;

use crate::{bench, report::Report, workspace};

struct Workdir<'a>(&'a Path);

impl Workdir<'_> {
    fn path(&self) -> &Path {
        self.0
    }
}

/// Runs the verification benchmark.
pub fn run(quick: bool) -> anyhow::Result<Report> {
    let root = workspace::root();
    let reference = std::env::var_os("INTOTO_REFERENCE_VENV")
        .map_or_else(|| root.join(".venv"), PathBuf::from)
        .join("bin/in-toto-verify");
    if !reference.exists() {
        bail!("the reference is not installed ('{}')", reference.display());
    }
    let ours = bench::build_release(&root)?;
    let keys = root.join("spec-tests/keys");
    let owner = load_key(&keys.join("ed25519.pem"))?;
    let functionary = load_key(&keys.join("ed25519-alt.pem"))?;
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[10_000, 100_000]
    };
    println!("| artifacts per link | ours | reference | ref/ours | peak RSS ours | peak RSS ref |");
    println!("|---|---|---|---|---|---|");
    let mut ours_times = Vec::new();
    for &n in sizes {
        // INTOTO_BENCH_KEEP=DIR keeps the generated chains in DIR/N (for profiling).
        let temp = tempfile::tempdir().context("cannot create a temporary directory")?;
        let dir = match std::env::var_os("INTOTO_BENCH_KEEP") {
            Some(keep) => {
                let d = PathBuf::from(keep).join(n.to_string());
                fs::create_dir_all(&d)?;
                d
            }
            None => temp.path().to_path_buf(),
        };
        let work = Workdir(&dir);
        write_chain(work.path(), n, &owner, &functionary)?;
        fs::copy(keys.join("ed25519.pub"), work.path().join("owner.pub"))?;
        let args = [
            "-l",
            "root.layout",
            "--verification-keys",
            "owner.pub",
            "--link-dir",
            ".",
        ];
        let mut ours_cmd = Command::new(&ours);
        ours_cmd
            .arg("verify")
            .args(args)
            .arg("-q")
            .current_dir(work.path());
        let mut ref_cmd = Command::new(&reference);
        ref_cmd.args(args).arg("-q").current_dir(work.path());
        let o = bench::measure(&mut ours_cmd, 2)?;
        let r = bench::measure(&mut ref_cmd, 1)?;
        println!(
            "| {n} | {:.3} s | {:.3} s | {:.1}x | {} MiB | {} MiB |",
            o.secs,
            r.secs,
            r.secs / o.secs,
            o.peak_kib / 1024,
            r.peak_kib / 1024
        );
        std::io::stdout().flush()?;
        ours_times.push((n, o.secs));
    }
    if let [(n1, t1), (n2, t2)] = ours_times[..] {
        println!(
            "\nGrowth: {}x the artifacts took {:.1}x the time (linear would be {}x).",
            n2 / n1,
            t2 / t1,
            n2 / n1
        );
    }
    Ok(Report::default())
}

fn load_key(path: &Path) -> anyhow::Result<PrivateKey> {
    let pem = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    PrivateKey::from_pem(&pem, None).with_context(|| format!("cannot load {}", path.display()))
}

fn digest(label: &str, i: usize) -> anyhow::Result<DigestSet> {
    let hex = intoto_model::hex::encode(&sha2::Sha256::digest(format!("{label}{i}")));
    Ok(DigestSet::sha256(Digest::new(hex)?)?)
}

fn artifacts(prefix: &str, label: &str, n: usize) -> anyhow::Result<Artifacts> {
    (0..n)
        .map(|i| {
            Ok((
                ArtifactPath::new(format!("{prefix}/file{i}.c"))?,
                digest(label, i)?,
            ))
        })
        .collect()
}

fn rules(texts: &[&str]) -> Vec<Vec<String>> {
    texts
        .iter()
        .map(|t| t.split(' ').map(String::from).collect())
        .collect()
}

/// clone (creates src/*) -> build (src/* -> out/*) -> package (out/* -> out/* + pkg.tar).
fn write_chain(
    dir: &Path,
    n: usize,
    owner: &PrivateKey,
    functionary: &PrivateKey,
) -> anyhow::Result<()> {
    let name = |s: &str| StepName::new(s);
    let src = artifacts("src", "src", n)?;
    let out = artifacts("out", "out", n)?;
    let mut pkg = out.clone();
    pkg.insert(ArtifactPath::new("pkg.tar")?, digest("pkg", 0)?);

    let mut layout = Layout::new(Timestamp::parse("2040-01-01T00:00:00Z")?);
    layout.keys.insert(
        functionary.keyid().clone(),
        LayoutKey::Standard(functionary.public_key().to_record()),
    );
    let mut clone = Step::new(name("clone")?);
    clone.expected_products = rules(&["CREATE src/*", "DISALLOW *"]);
    let mut build = Step::new(name("build")?);
    build.expected_materials = rules(&["MATCH src/* WITH PRODUCTS FROM clone", "DISALLOW *"]);
    build.expected_products = rules(&["CREATE out/*", "DISALLOW *"]);
    let mut package = Step::new(name("package")?);
    package.expected_materials = rules(&["MATCH out/* WITH PRODUCTS FROM build", "DISALLOW *"]);
    package.expected_products = rules(&[
        "MATCH out/* WITH PRODUCTS FROM build",
        "CREATE pkg.tar",
        "DISALLOW *",
    ]);
    for step in [&mut clone, &mut build, &mut package] {
        step.pubkeys = vec![functionary.keyid().clone()];
    }
    layout.steps = vec![clone, build, package];
    write_signed(&dir.join("root.layout"), layout.to_value(), owner)?;

    for (step, materials, products) in [
        ("clone", Artifacts::new(), src.clone()),
        ("build", src, out.clone()),
        ("package", out, pkg),
    ] {
        let mut link = Link::new(name(step)?);
        link.materials = materials;
        link.products = products;
        let file = dir.join(format!("{step}.{}.link", functionary.keyid().short()));
        write_signed(&file, link.to_value(), functionary)?;
    }
    Ok(())
}

fn write_signed(path: &Path, value: serde_json::Value, key: &PrivateKey) -> anyhow::Result<()> {
    let mut mb = Metablock::new(value);
    intoto_crypto::sign_metablock(&mut mb, key)?;
    fs::write(path, pyjson::metablock_file(&mb.to_value()))
        .with_context(|| format!("cannot write {}", path.display()))
}
