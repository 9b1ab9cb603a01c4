//! The integration tests of this crate, one module per file, built as one test binary:
//! one link instead of one per file (less disk and build time; `autotests = false` in
//! Cargo.toml). Run one file's tests with `cargo test -p intoto-verify --test integration MODULE::`.

mod adversarial;
mod ite7;
mod keyids;
mod support;
mod workflow;
