//! The integration tests of this crate, one module per file, built as one test binary:
//! one link instead of one per file (less disk and build time; `autotests = false` in
//! Cargo.toml). Run one file's tests with `cargo test -p intoto-cli --test integration MODULE::`.

mod adversarial;
mod aliases;
mod attest;
mod cli_reference;
mod example_ci;
mod golang_vectors;
mod gpg;
mod ite7;
mod layout;
mod match_products;
mod run;
mod sign;
mod support;
mod terminal;
mod verify_report;
