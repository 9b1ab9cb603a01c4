//! # intoto-verify
//!
//! The in-toto verification workflow, step by step as the Python reference runs it: the root
//! layout's signatures and expiry, parameter substitution, each step's links with their
//! signatures and thresholds, sublayouts, command alignment, artifact rules and inspections.
//! Every check is recorded in a [`Report`] (for `in-toto verify --format json`); a failure is a
//! [`VerifyError`] that names the layout, step, link file, key or rule.
//!
//! ```
//! use intoto_verify::{Options, VerificationKey, verify};
//! # let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"),
//! #     "/../../spec-tests/verify/dsse-metablock-dsse-sublayout-pass"));
//! let pem = std::fs::read_to_string(dir.join("keys/ed25519.pub"))?;
//! let key = VerificationKey::from(intoto_crypto::PublicKey::from_pem(&pem)?);
//! let options = Options {
//!     link_dir: dir.join("links"),
//!     now_unix: 1_800_000_000, // the library reads no clock
//!     params: None,
//!     inspections: Default::default(),
//!     intermediate_certs: Vec::new(),
//! };
//! let outcome = verify(&dir.join("root.layout"), &[key], &options);
//! assert!(outcome.result.is_ok());
//! assert_eq!(outcome.report.steps[0].name, "sub"); // a step verified through a sublayout
//! assert!(outcome.report.steps[0].sublayout.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The report serialises (serde) to the stable JSON of `in-toto verify --format json`,
//! described by `docs/verify-report.schema.json` and versioned by [`REPORT_VERSION`].
#![forbid(unsafe_code)]

mod certs;
mod document;
mod error;
pub mod inspect;
mod keys;
mod links;
pub mod params;
mod report;
mod rules;
mod workflow;

pub use error::VerifyError;
pub use keys::VerificationKey;
pub use report::{
    InspectionReport, LinkReport, LinkStatus, REPORT_VERSION, Report, RuleReport, StepReport,
    Verdict,
};
pub use workflow::{MAX_SUBLAYOUT_DEPTH, Options, Outcome, sublayout_dir_name, verify};
