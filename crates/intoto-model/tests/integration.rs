//! The integration tests of this crate, one module per file, built as one test binary:
//! one link instead of one per file (less disk and build time; `autotests = false` in
//! Cargo.toml). Run one file's tests with `cargo test -p intoto-model --test integration MODULE::`.

mod adversarial;
mod canonical_golden;
mod canonical_prop;
mod golden;
mod link_json_prop;
mod no_panic;
mod rejections;
mod vectors;
