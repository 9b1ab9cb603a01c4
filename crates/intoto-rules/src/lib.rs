//! # intoto-rules
//!
//! Artifact rules of in-toto layouts: the grammar and the engine, with the semantics of the
//! Python reference (in-toto 3.1.0, `rulelib` and `verifylib`).
//!
//! - [`ArtifactRule::parse`] turns one rule (`["MATCH", "*", "WITH", "PRODUCTS", "FROM",
//!   "build"]`) into a typed value, accepting and rejecting what the reference's `unpack_rule`
//!   does; [`RuleList`], [`ItemRules`] and [`LayoutRules`] parse whole lists and report the
//!   first bad rule with the item name, side and index ([`Error::InvalidRule`]).
//! - [`Pattern`] is Python's `fnmatch` (POSIX): `*` also matches `/`.
//! - [`RuleList::evaluate`] and [`ItemRules::verify`] apply the rules: a queue of the item's
//!   artifacts, rules in order, each consuming what it matches; `DISALLOW` and `REQUIRE` fail
//!   ([`Error::RuleFailed`]), `MATCH` consumes artifacts with equal hashes in another link.
//!   The result says what each rule consumed ([`ItemReport`]).
//!
//! ```
//! use std::collections::BTreeMap;
//! use intoto_model::{ArtifactPath, DigestSet, Link, StepName};
//! use intoto_rules::{Error, FailureKind, ItemRules};
//!
//! let digest = |hex: &str| DigestSet::from_pairs([("sha256", hex.repeat(64))]).unwrap();
//! let path = |p: &str| ArtifactPath::new(p).unwrap();
//!
//! let mut build = Link::new(StepName::new("build").unwrap());
//! build.products.insert(path("app.tar"), digest("a"));
//! let mut package = Link::new(StepName::new("package").unwrap());
//! package.materials.insert(path("app.tar"), digest("a"));
//! package.materials.insert(path("evil.sh"), digest("b"));
//! let links = BTreeMap::from([("build", build), ("package", package)]);
//!
//! let rules = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
//! let package_rules = ItemRules::new(
//!     "package",
//!     &[rules(&["MATCH", "*.tar", "WITH", "PRODUCTS", "FROM", "build"]), rules(&["DISALLOW", "*"])],
//!     &[],
//! )?;
//! match package_rules.verify(&links) {
//!     Err(Error::RuleFailed(failure)) => {
//!         assert_eq!(failure.index, 1);
//!         assert_eq!(failure.artifacts(), ["evil.sh"]);
//!         assert!(matches!(failure.kind, FailureKind::Disallowed { .. }));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Error>(())
//! ```
#![forbid(unsafe_code)]

mod engine;
mod error;
mod grammar;
mod pattern;
mod ruleset;

pub use engine::{ItemReport, LinkLookup, RuleOutcome};
pub use error::{Error, FailureKind, RuleFailure};
pub use grammar::{ArtifactRule, MatchRule, Side, SyntaxError};
pub use pattern::Pattern;
pub use ruleset::{ItemRules, LayoutRules, RuleList};
