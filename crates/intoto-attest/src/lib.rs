//! # intoto-attest
//!
//! in-toto attestations (ITE-6) and the layouts that verify them (ITE-10, ITE-11):
//!
//! - [`make_statement`], [`sign_statement`]: a v1 Statement from subjects and a predicate,
//!   signed into a DSSE envelope (`in-toto attest`).
//! - [`describe`]: a readable description of any in-toto metadata (`in-toto inspect`).
//! - [`AttestationLayout`] (the in-toto attestation-verifier's YAML layout), compiled into a
//!   [`CompiledLayout`] (parameters substituted, keys loaded, artifact rules parsed, CEL rules
//!   compiled: every layout error is found before any attestation is read), and [`verify`]
//!   against [`Evidence`] (attestations whose signatures were checked with the layout's keys).
//!
//! ```
//! use intoto_attest::{AttestationLayout, CompiledLayout, Parameters};
//! let yaml = br#"
//! expires: "2100-01-01T00:00:00Z"
//! functionaries: {}
//! steps:
//!   - name: test
//!     expectedPredicates:
//!       - predicateType: https://in-toto.io/attestation/test-result/v0.1
//!         expectedAttributes:
//!           - rule: "predicate.result == 'PASSED'"
//! "#;
//! let layout = AttestationLayout::from_yaml(yaml)?;
//! let compiled = CompiledLayout::compile(&layout, &Parameters::default())?;
//! assert_eq!(compiled.steps[0].predicates[0].threshold, 1);
//! # Ok::<(), intoto_attest::AttestError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod artifacts;
mod attest;
pub mod cel_rule;
mod claims;
mod compile;
mod describe;
mod describe_ite10;
mod error;
mod layout;
mod params;
mod verify;

pub use artifacts::materials_and_products;
pub use attest::{envelope_file, make_statement, parse_subject, sign_statement};
pub use claims::{
    Claim, Evidence, Unsigned, read_limited, statement_from_link, statement_of, step_of,
};
pub use compile::{
    CompiledConstraint, CompiledLayout, CompiledPredicate, CompiledStep, CompiledSubject,
};
pub use describe::{Description, describe};
pub use error::{AttestError, Failure};
pub use layout::{
    AttestationLayout, Constraint, ExpectedPredicate, Functionary, FunctionaryKeyVal,
    LayoutInspection, LayoutStep, LayoutSubject,
};
pub use params::Parameters;
pub use verify::{Report, verify};
