//! Documentation rendered from the CLI's clap definition:
//!
//! - `cargo xtask man [DIR]`: man pages (`in-toto.1`, `in-toto-verify.1`, one per
//!   subcommand, also `in-toto-record-start.1`) into DIR (default `target/man`);
//! - `cargo xtask cli-doc [--check]`: writes docs/cli-reference.md, or with `--check` fails
//!   when the committed file differs from what the definition renders.

use std::path::PathBuf;

use anyhow::Context;

use crate::{report::Report, workspace};

/// `cargo xtask man [DIR]`.
pub fn man(args: &[String]) -> anyhow::Result<Report> {
    let dir = args
        .first()
        .map_or_else(|| workspace::root().join("target/man"), PathBuf::from);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let command = intoto_cli::command().version(env!("CARGO_PKG_VERSION"));
    clap_mangen::generate_to(command, &dir)
        .with_context(|| format!("cannot write man pages into '{}'", dir.display()))?;
    let mut report = Report::default();
    let mut pages: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".1"))
        .collect();
    pages.sort();
    for page in &pages {
        let text = std::fs::read_to_string(dir.join(page))?;
        let outcome = if text.contains(".SH NAME") && text.contains(".SH SYNOPSIS") {
            Ok(())
        } else {
            Err("no NAME or SYNOPSIS section".to_string())
        };
        report.check(page, outcome);
    }
    for needed in [
        "in-toto.1",
        "in-toto-verify.1",
        "in-toto-run.1",
        "in-toto-record-start.1",
    ] {
        let present = pages.iter().any(|p| p == needed);
        report.check(
            needed,
            present.then_some(()).ok_or_else(|| "missing".to_string()),
        );
    }
    println!("wrote {} man page(s) into {}", pages.len(), dir.display());
    Ok(report.finish())
}

/// `cargo xtask cli-doc [--check]`.
pub fn cli_doc(args: &[String]) -> anyhow::Result<Report> {
    let path = workspace::root().join("docs/cli-reference.md");
    let rendered = intoto_cli::cli_reference_markdown();
    let mut report = Report::default();
    if args.iter().any(|a| a == "--check") {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let outcome = if committed == rendered {
            Ok(())
        } else {
            Err("stale: run `cargo xtask cli-doc` and commit docs/cli-reference.md".to_string())
        };
        report.check("docs/cli-reference.md", outcome);
    } else {
        std::fs::write(&path, rendered)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        println!("wrote {}", path.display());
        report.check("docs/cli-reference.md", Ok(()));
    }
    Ok(report.finish())
}
