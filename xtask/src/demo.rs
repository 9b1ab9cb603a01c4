//! `cargo xtask demo`: builds `in-toto` and walks through the bundled example in
//! `examples/demo/`: the project owner signs the layout, anyone checks the signature, and a
//! tampered copy is rejected.

use std::{path::Path, process::Command};

use anyhow::{Context, bail};

use crate::{report::Report, workspace};

/// Runs the demo, printing each command and its outcome.
pub fn run() -> anyhow::Result<Report> {
    let cli = workspace::build_cli()?;
    let example = workspace::root().join("examples/demo");
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    for file in ["demo.layout", "owner", "owner.pub"] {
        std::fs::copy(example.join(file), work.path().join(file))
            .with_context(|| format!("cannot copy examples/demo/{file}"))?;
    }
    println!("Working in {}", work.path().display());
    let mut report = Report::default();

    step(
        &cli,
        work.path(),
        "The owner signs the layout",
        &[
            "sign",
            "-f",
            "demo.layout",
            "-k",
            "owner",
            "-o",
            "root.layout",
        ],
        0,
        &mut report,
    )?;
    step(
        &cli,
        work.path(),
        "Anyone checks the owner's signature",
        &["sign", "--verify", "-f", "root.layout", "-k", "owner.pub"],
        0,
        &mut report,
    )?;

    let signed = std::fs::read_to_string(work.path().join("root.layout"))?;
    let tampered = signed.replacen("\"readme\": \"", "\"readme\": \"tampered: ", 1);
    if tampered == signed {
        bail!("the demo layout has no readme to tamper with");
    }
    std::fs::write(work.path().join("tampered.layout"), tampered)?;
    step(
        &cli,
        work.path(),
        "A tampered copy is rejected (exit 1)",
        &[
            "sign",
            "--verify",
            "-f",
            "tampered.layout",
            "-k",
            "owner.pub",
        ],
        1,
        &mut report,
    )?;
    Ok(report.finish())
}

fn step(
    cli: &Path,
    dir: &Path,
    what: &str,
    args: &[&str],
    expected: i32,
    report: &mut Report,
) -> anyhow::Result<()> {
    println!("\n# {what}\n$ in-toto {}", args.join(" "));
    let out = Command::new(cli)
        .args(args)
        .current_dir(dir)
        .output()
        .context("cannot run in-toto")?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let code = out.status.code();
    println!(
        "(exit {})",
        code.map_or_else(|| "signal".to_string(), |c| c.to_string())
    );
    report.check(
        what,
        if code == Some(expected) {
            Ok(())
        } else {
            Err(format!("exit {code:?}, expected {expected}"))
        },
    );
    Ok(())
}
