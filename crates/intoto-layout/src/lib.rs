//! # intoto-layout
//!
//! Writing in-toto layouts by hand without writing JSON: a short TOML description
//! ([`from_toml`]) becomes a normal unsigned layout, the same bytes the reference writes for
//! one ([`unsigned_layout_bytes`]), ready for `in-toto sign`. Everything that would make
//! verification fail for sure is found on the spot and reported at its TOML line (or JSON path
//! for an existing layout, [`check_layout_value`]): an unknown step in `MATCH ... FROM`, a
//! functionary not listed or whose key cannot be loaded, a rule that does not parse, a
//! threshold above the number of keys, two steps with one name. [`edit`] changes a layout
//! step by step, [`show::render`] prints it as a tree.
//!
//! ```
//! use intoto_layout::{from_toml, Error, Location};
//! use intoto_model::Timestamp;
//!
//! let now = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
//! let toml = r#"
//! expires = "90d"
//!
//! [[step]]
//! name = "build"
//! expected_products = ["CREATE app", "DISALLOW *"]
//!
//! [[inspection]]
//! name = "check"
//! run = "test -f app"
//! expected_materials = ["MATCH app WITH PRODUCTS FROM biuld"]
//! "#;
//! let problems = from_toml(toml, ".".as_ref(), now).unwrap_err();
//! // The step has no functionary, and the MATCH names a step that does not exist.
//! assert!(matches!(problems.0[0].error, Error::NoFunctionaries { .. }));
//! let last = &problems.0[1];
//! assert_eq!(last.at, Location::Line { line: 11, column: 23 });
//! assert!(last.to_string().contains("(did you mean \"build\"?)"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod check;
pub mod edit;
mod error;
pub mod expiry;
pub mod show;
mod source;
mod spans;
pub mod words;

pub use check::{JsonPaths, Locate, check};
pub use error::{Error, ItemKind, Location, Problem, Problems};
pub use expiry::{Expiry, ExpiryError};
pub use source::{Converted, DEFAULT_EXPIRY, from_toml, load_key};

use intoto_model::{Layout, Metablock, Timestamp, pyjson};
use serde_json::Value;

/// The file the reference writes for an unsigned layout (`Metablock(signed=layout).dump()`):
/// `{"signatures": [], "signed": {...}}` as `json.dumps(indent=1, sort_keys=True)`, without a
/// trailing newline.
pub fn unsigned_layout_bytes(layout: &Layout) -> Vec<u8> {
    pyjson::metablock_file(&Metablock::new(layout.to_value()).to_value())
}

/// Reads the `signed` part of a layout (a Metablock's `signed`, or a DSSE payload, with
/// `prefix` `"signed"` or `"payload"` for the paths) and checks it as [`check()`] does.
/// Returns the layout when it could be read at all, and every problem found.
pub fn check_layout_value(
    signed: &Value,
    prefix: &str,
    now: Option<Timestamp>,
) -> (Option<Layout>, Problems) {
    match Layout::from_value_unvalidated(signed, None) {
        Err(e) => {
            let e = e.within(prefix);
            let at = match &e {
                intoto_model::ModelError::Invalid { path, .. } => Location::Path(path.clone()),
                _ => Location::Path(prefix.to_string()),
            };
            (
                None,
                Problems(vec![Problem {
                    at,
                    error: Error::Format(e),
                }]),
            )
        }
        Ok(layout) => {
            let problems = check(&layout, &JsonPaths::new(prefix), now);
            (Some(layout), problems)
        }
    }
}
