//! docs/cli-reference.md, rendered from the clap definition (`cargo xtask cli-doc` writes it;
//! a test fails when the committed file differs).

use std::fmt::Write as _;

use clap::{Arg, Command};

/// The CLI reference in Markdown: every command, its usage, arguments and help.
pub fn markdown() -> String {
    let mut cli = crate::command();
    cli.build();
    let mut out = String::new();
    out.push_str(
        "# `in-toto` CLI reference\n\n\
         Generated from the clap definitions by `cargo xtask cli-doc`; do not edit by hand \
         (a test fails when this file is stale). Explanations, exit codes and the differences \
         from the Python reference are in [cli.md](cli.md); moving from the Python tools is in \
         [migrating.md](migrating.md).\n\n\
         The binary also answers to the reference's program names (`in-toto-run`, \
         `in-toto-record`, `in-toto-verify`, `in-toto-sign`, `in-toto-mock`, \
         `in-toto-match-products`) when invoked under them, with the flags of the matching \
         subcommand below.\n",
    );
    render(&mut out, &cli, "in-toto", 2);
    out
}

fn render(out: &mut String, command: &Command, path: &str, depth: usize) {
    let heading = "#".repeat(depth.min(6));
    let _ = write!(out, "\n{heading} `{path}`\n\n");
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        let _ = writeln!(out, "{}\n", about.to_string().trim_end());
    }
    let mut usage = command.clone().bin_name(path);
    let usage = usage.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").trim_end();
    let _ = writeln!(out, "```text\n{usage}\n```\n");
    let args: Vec<&Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .collect();
    if !args.is_empty() {
        out.push_str("| argument | meaning |\n|---|---|\n");
        for arg in args {
            let _ = writeln!(out, "| {} | {} |", spelling(arg), help(arg));
        }
        out.push('\n');
    }
    let subcommands: Vec<&Command> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        .collect();
    if !subcommands.is_empty() {
        out.push_str("| subcommand | what it does |\n|---|---|\n");
        for sub in &subcommands {
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            let _ = writeln!(out, "| `{}` | {} |", sub.get_name(), cell(&about));
        }
    }
    if let Some(after) = command.get_after_help() {
        let _ = write!(out, "\n```text\n{}\n```\n", after.to_string().trim_end());
    }
    for sub in subcommands {
        render(out, sub, &format!("{path} {}", sub.get_name()), depth + 1);
    }
}

/// `-k, --verification-keys <PATH>...` or `<COMMAND>...`.
fn spelling(arg: &Arg) -> String {
    let names: Vec<String> = arg
        .get_short()
        .map(|s| format!("-{s}"))
        .into_iter()
        .chain(arg.get_long().map(|l| format!("--{l}")))
        .collect();
    let values = arg
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|n| format!("<{n}>"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let takes_value = arg.get_action().takes_values();
    let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    let mut text = names.join(", ");
    if takes_value {
        let value = if values.is_empty() {
            format!("<{}>", arg.get_id().as_str().to_uppercase())
        } else {
            values
        };
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&value);
        if many {
            text.push_str("...");
        }
    }
    format!("`{}`", text.replace('|', "\\|"))
}

fn help(arg: &Arg) -> String {
    let text = arg
        .get_long_help()
        .or(arg.get_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut text = text.trim_end().to_string();
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    let takes_value = arg.get_action().takes_values();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !possible.is_empty() && takes_value {
        let _ = write!(text, " One of: {}.", possible.join(", "));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && takes_value {
        let _ = write!(text, " Default: {}.", defaults.join(" "));
    }
    if arg.is_required_set() {
        text.push_str(" Required.");
    }
    let aliases = arg.get_visible_aliases().unwrap_or_default();
    if !aliases.is_empty() {
        let _ = write!(
            text,
            " Alias: {}.",
            aliases
                .iter()
                .map(|a| format!("`--{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    cell(text.trim())
}

/// Text fit for one Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
