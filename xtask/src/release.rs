//! `cargo xtask release [--debug]`: builds this project's own `in-toto` binary as an in-toto
//! supply chain and verifies it with itself.
//!
//! 1. Throw-away keys (`in-toto keygen`) for the owner and the functionaries `maintainer`,
//!    `tester` and `builder`, in a temporary directory next to a copy of `release/layout.toml`.
//! 2. The layout: `in-toto layout from`, then `in-toto sign` with the owner's key.
//! 3. The steps, each recorded with `in-toto run` in the workspace root: `snapshot` (the source
//!    tree cargo reads), `test` (a quick subset of the tests; CI runs all of them before) and
//!    `build` (`cargo build --release -p intoto-cli`, product `target/release/in-toto`).
//! 4. `in-toto verify` in a client directory holding only the layout, the owner's public key and
//!    the binary (the `smoke` inspection runs it); then a tampered binary must be rejected.
//!
//! With `--debug` the build step builds the debug binary (a quick local check); the layout's
//! `{PROFILE}` parameter says which. The build reuses the workspace's `target/` (with
//! `CARGO_TARGET_DIR` unset for the steps, so the recorded path is `target/...`).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

use crate::{report::Report, workspace};

/// What cargo reads to build: the `snapshot` step's products, the later steps' materials.
const SOURCES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo",
    "crates",
    "xtask",
];

/// The tests the `test` step runs (the layout's `expected_command`).
const TEST_COMMAND: &[&str] = &[
    "cargo",
    "test",
    "--quiet",
    "-p",
    "intoto-model",
    "-p",
    "intoto-rules",
    "-p",
    "intoto-layout",
];

/// Runs the release chain.
pub fn run(args: &[String]) -> anyhow::Result<Report> {
    let debug = match args {
        [] => false,
        [flag] if flag == "--debug" => true,
        _ => bail!("usage: cargo xtask release [--debug]"),
    };
    let profile = if debug { "debug" } else { "release" };
    let cli = workspace::build_cli()?;
    let root = workspace::root();
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let w = work.path();
    let (keys, links, client) = (w.join("keys"), w.join("links"), w.join("client"));
    for d in [&keys, &links, &client] {
        std::fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    println!("Release chain in {} (profile {profile})", w.display());
    let mut chain = Chain {
        cli: &cli,
        report: Report::default(),
    };
    let key = |name: &str| keys.join(name).display().to_string();

    // 1. Keys, and the layout beside them (its key paths are relative to it).
    for name in ["owner", "maintainer", "tester", "builder"] {
        chain.step(w, &format!("key for {name}"), &["keygen", &key(name)], 0)?;
    }
    std::fs::copy(root.join("release/layout.toml"), keys.join("layout.toml"))
        .context("cannot copy release/layout.toml")?;

    // 2. The layout, converted and signed.
    let layout = client.join("root.layout").display().to_string();
    chain.step(
        w,
        "convert release/layout.toml",
        &["layout", "from", &key("layout.toml"), "-o", &layout],
        0,
    )?;
    chain.step(
        w,
        "the owner signs the layout",
        &["sign", "-f", &layout, "-k", &key("owner")],
        0,
    )?;
    std::fs::copy(keys.join("owner.pub"), client.join("owner.pub"))?;

    // 3. The steps, recorded in the workspace root.
    let links_dir = links.display().to_string();
    let record = |name: &str, signer: &str| -> Vec<String> {
        [
            "run",
            "-n",
            name,
            "--signing-key",
            &key(signer),
            "-d",
            &links_dir,
        ]
        .map(String::from)
        .to_vec()
    };
    let sources: Vec<String> = SOURCES.iter().map(|s| (*s).to_string()).collect();

    let mut snapshot = record("snapshot", "maintainer");
    snapshot.push("-p".into());
    snapshot.extend(sources.iter().cloned());
    snapshot.push("--no-command".into());
    chain.step_owned(&root, "snapshot: record the source tree", &snapshot, 0)?;

    let mut test = record("test", "tester");
    test.push("-m".into());
    test.extend(sources.iter().cloned());
    test.push("-p".into());
    test.extend(sources.iter().cloned());
    test.push("--".into());
    test.extend(TEST_COMMAND.iter().map(|s| (*s).to_string()));
    chain.step_owned(&root, "test: run the tests on that tree", &test, 0)?;

    let binary = format!("target/{profile}/in-toto");
    let mut build = record("build", "builder");
    build.push("-m".into());
    build.extend(sources.iter().cloned());
    build.extend(["-p".into(), binary.clone(), "--".into()]);
    build.extend(["cargo", "build"].map(String::from));
    if !debug {
        build.push("--release".into());
    }
    build.extend(["--package", "intoto-cli"].map(String::from));
    chain.step_owned(&root, "build: build the binary from that tree", &build, 0)?;

    // 4. The client verifies what it received.
    std::fs::copy(root.join(&binary), client.join("in-toto"))
        .with_context(|| format!("cannot copy {binary}"))?;
    let verify = [
        "verify",
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--link-dir",
        &links_dir,
        "--param",
        &format!("PROFILE={profile}"),
        "--no-inspection-links",
    ];
    chain.step(&client, "verify the release binary", &verify, 0)?;

    // A binary that is not the builder's product must be rejected.
    let mut tampered = std::fs::read(client.join("in-toto"))?;
    tampered.extend_from_slice(b"tampered");
    std::fs::write(client.join("in-toto"), tampered)?;
    chain.step(&client, "a tampered binary fails verification", &verify, 1)?;
    Ok(chain.report.finish())
}

struct Chain<'a> {
    cli: &'a Path,
    report: Report,
}

impl Chain<'_> {
    fn step(&mut self, dir: &Path, what: &str, args: &[&str], expected: i32) -> anyhow::Result<()> {
        let owned: Vec<String> = args.iter().map(|s| (*s).to_string()).collect();
        self.step_owned(dir, what, &owned, expected)
    }

    fn step_owned(
        &mut self,
        dir: &Path,
        what: &str,
        args: &[String],
        expected: i32,
    ) -> anyhow::Result<()> {
        println!("\n# {what}\n{}$ in-toto {}", short(dir), args.join(" "));
        // The steps' cargo must build into the workspace's target/ (the recorded path).
        let status = Command::new(self.cli)
            .args(args)
            .current_dir(dir)
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .context("cannot run in-toto")?;
        let code = status.code();
        self.report.check(
            what,
            if code == Some(expected) {
                Ok(())
            } else {
                Err(format!("exit {code:?}, expected {expected}"))
            },
        );
        if code != Some(expected) && expected == 0 {
            bail!("{what} failed; the chain stops here");
        }
        Ok(())
    }
}

fn short(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| PathBuf::from("."), PathBuf::from)
        .display()
        .to_string()
}
