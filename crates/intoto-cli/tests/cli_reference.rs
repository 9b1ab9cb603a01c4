//! docs/cli-reference.md is what the clap definition renders (regenerate it with
//! `cargo xtask cli-doc`), and it documents every subcommand.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;

#[test]
fn committed_cli_reference_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli-reference.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let rendered = intoto_cli::cli_reference_markdown();
    assert!(
        committed == rendered,
        "docs/cli-reference.md is stale: run `cargo xtask cli-doc` and commit it"
    );
}

#[test]
fn cli_reference_covers_every_subcommand_and_flag() {
    let rendered = intoto_cli::cli_reference_markdown();
    let command = intoto_cli::command();
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        assert!(
            rendered.contains(&format!("## `in-toto {}`", sub.get_name())),
            "{} is missing",
            sub.get_name()
        );
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(
                    rendered.contains(&format!("--{long}")),
                    "in-toto {} --{long} is missing",
                    sub.get_name()
                );
            }
        }
    }
}
