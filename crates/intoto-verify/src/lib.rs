//! # intoto-verify
//!
//! The in-toto verification workflow, step by step as the Python reference runs it: the root
//! layout's signatures and expiry, parameter substitution, each step's links with their
//! signatures and thresholds, sublayouts, command alignment, artifact rules and inspections.
//! Every check is recorded in a [`Report`] (for `in-toto verify --format json`); a failure is a
//! [`VerifyError`] that names the layout, step, link file, key or rule.
//!
//! ```no_run
//! use intoto_verify::{Options, VerificationKey, verify};
//! let pem = std::fs::read_to_string("alice.pub").unwrap();
//! let key = VerificationKey::from(intoto_crypto::PublicKey::from_pem(&pem).unwrap());
//! let options = Options {
//!     link_dir: ".".into(),
//!     now_unix: 1_800_000_000,
//!     params: None,
//!     inspections: Default::default(),
//!     intermediate_certs: Vec::new(),
//! };
//! let outcome = verify("root.layout".as_ref(), &[key], &options);
//! assert!(outcome.result.is_ok());
//! ```
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
pub use report::{InspectionReport, LinkReport, Report, RuleReport, StepReport};
pub use workflow::{MAX_SUBLAYOUT_DEPTH, Options, Outcome, sublayout_dir_name, verify};
