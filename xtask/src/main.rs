//! `cargo xtask <command>`: project automation in Rust.
//!
//! - `conformance`: runs every vector under `spec-tests/` through the library and the CLI.
//! - `differential`: signs and verifies with our CLI and the Python reference (needs the
//!   reference in `.venv`, see README), in both directions.
//! - `demo`: builds `in-toto` and runs it on the bundled example.
//! - `getting-started`: runs the shell blocks of `docs/getting-started.md` verbatim.
//! - `release`: builds the release binary as an in-toto supply chain and verifies it.
//! - `man [DIR]`: man pages from the CLI's clap definition (default `target/man`).
//! - `cli-doc [--check]`: docs/cli-reference.md from the same definition.
#![forbid(unsafe_code)]

mod bench;
mod bench_verify;
mod conformance;
mod demo;
mod differential;
mod differential_chain;
mod differential_gpg;
mod differential_record;
mod differential_uris;
mod docs;
mod fuzz;
mod getting_started;
mod release;
mod report;
mod verify_vectors;
mod workspace;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("conformance") => conformance::run(),
        Some("differential") => differential::run(),
        Some("demo") => demo::run(),
        Some("getting-started") => getting_started::run(),
        Some("release") => release::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("man") => docs::man(&args[1..]),
        Some("cli-doc") => docs::cli_doc(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\ncommands:\n  conformance   run the vectors under spec-tests/ through the library and the CLI\n  differential  compare with the Python reference in .venv (both directions)\n  demo          sign and check the bundled demo layout\n  getting-started  run the shell blocks of docs/getting-started.md verbatim\n  release [--debug]  build in-toto as an in-toto supply chain (release/layout.toml) and verify it\n  bench record [--quick]  time in-toto run against the reference and a bare parallel SHA-256\n  man [DIR]     man pages from the clap definition (default target/man)\n  cli-doc [--check]  write (or check) docs/cli-reference.md"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(report) if report.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}
