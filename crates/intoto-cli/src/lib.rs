//! The `in-toto` command line tool.
//!
//! The binary (`src/main.rs`) only calls [`main`]. The library target exists so that
//! `cargo xtask man` and `cargo xtask cli-doc` render the man pages and
//! docs/cli-reference.md from the same clap definition the binary parses ([`command`],
//! [`cli_reference_markdown`]); it is not an API for other programs.
#![forbid(unsafe_code)]

mod aliases;
mod commands;
mod exit;
mod files;
mod logging;
mod reference;
mod style;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use reference::markdown as cli_reference_markdown;

/// Supply-chain integrity with in-toto: sign layouts, record and sign links, verify.
#[derive(Debug, Parser)]
#[command(name = "in-toto", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify a supply chain: the layout, its links, rules and inspections (like `in-toto-verify`).
    Verify(commands::verify::Args),
    /// Check that local files match the products of a link (like `in-toto-match-products`).
    MatchProducts(commands::match_products::Args),
    /// Generate a key pair: a PKCS#8 PEM private key and a `.pub` PEM public key.
    Keygen(commands::keygen::Args),
    /// Sign link or layout metadata, or verify its signatures (like `in-toto-sign`).
    Sign(commands::sign::Args),
    /// Run a step's command and write its signed link (like `in-toto-run`).
    Run(commands::run::Args),
    /// Record a step in two parts, start and stop (like `in-toto-record`).
    Record(commands::record::Args),
    /// Run a command and write an unsigned link, to try out a layout (like `in-toto-mock`).
    Mock(commands::mock::Args),
    /// Wrap a predicate and subjects into a signed in-toto Statement (DSSE envelope).
    Attest(commands::attest::Args),
    /// Print any in-toto metadata readably (layout, link, envelope, statement, ITE-10 layout).
    Inspect(commands::inspect::Args),
    /// Verify attestations against an ITE-10/11 layout (the attestation-verifier's YAML format).
    VerifyAttestations(commands::verify_attestations::Args),
    /// Write layouts: convert TOML, create and edit step by step, check, show as a tree.
    Layout(commands::layout::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(commands::completions::Args),
}

/// The clap definition of `in-toto` (all subcommands), as the binary parses it.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs the `in-toto` binary: parses the arguments (as `in-toto SUBCOMMAND ...`, or as the
/// reference's `in-toto-run ...` and friends when invoked under those names), runs the
/// command and gives the exit code.
pub fn main() -> ExitCode {
    let parsed = match aliases::alias_of(std::env::args_os().next().as_deref()) {
        Some(alias) => alias.parse(std::env::args_os()),
        None => Cli::try_parse().map(|cli| cli.command),
    };
    let command = match parsed {
        Ok(command) => command,
        Err(e) => {
            // clap exits 0 for --help/--version and 2 for usage errors, as argparse does.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match command {
        Command::Verify(args) => {
            logging::init(args.verbosity);
            commands::verify::run(args)
        }
        Command::MatchProducts(args) => {
            logging::init(args.verbosity);
            commands::match_products::run(args)
        }
        Command::Keygen(args) => {
            logging::init(args.verbosity);
            commands::keygen::run(args)
        }
        Command::Sign(args) => {
            logging::init(args.verbosity);
            commands::sign::run(args)
        }
        Command::Run(args) => {
            logging::init(args.verbosity);
            commands::run::run(args)
        }
        Command::Record(args) => {
            logging::init(args.verbosity());
            commands::record::run(args)
        }
        Command::Mock(args) => {
            logging::init(args.verbosity());
            commands::mock::run(args)
        }
        Command::Attest(args) => {
            logging::init(args.verbosity);
            commands::attest::run(args)
        }
        Command::Inspect(args) => {
            logging::init(args.verbosity);
            commands::inspect::run(args)
        }
        Command::VerifyAttestations(args) => {
            logging::init(args.verbosity);
            commands::verify_attestations::run(args)
        }
        Command::Layout(args) => {
            logging::init(args.verbosity());
            commands::layout::run(args)
        }
        Command::Completions(args) => commands::completions::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
