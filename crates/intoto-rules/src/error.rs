//! [`Error`]: everything this crate reports, with the item, side and rule it is about.

use std::fmt;

use intoto_model::{ArtifactPath, Rule};

use crate::{ItemReport, Side, SyntaxError};

/// How many artifact paths an error message lists before it says "and N more".
const LISTED: usize = 10;

/// An error of this crate: a rule that does not parse, or a rule that fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A rule of a step or inspection does not parse (the reference rejects the layout when it
    /// loads it).
    #[error("{item:?}: expected_{side}[{index}] {rule:?} is not a valid artifact rule: {reason}")]
    InvalidRule {
        /// Step or inspection name.
        item: String,
        /// `expected_materials` or `expected_products`.
        side: Side,
        /// 0-based index in that list.
        index: usize,
        /// The rule as written.
        rule: Rule,
        /// What is wrong.
        reason: SyntaxError,
    },
    /// A `DISALLOW` or `REQUIRE` rule failed.
    #[error("{0}")]
    RuleFailed(Box<RuleFailure>),
    /// The item itself has no link in the lookup (the reference raises `KeyError`).
    #[error("no link for {item:?} to check its artifact rules against")]
    MissingLink {
        /// Step or inspection name.
        item: String,
    },
    /// A `MATCH ... IN <prefix>` rule met a queued path that the reference cannot map back to a
    /// source artifact: the part after the prefix contains `\` (turned into `/` by the
    /// reference) or starts with `/` (so Python's `os.path.join` drops the prefix). The
    /// reference crashes with `KeyError` there and verification fails; so do we.
    #[error(
        "{item:?}: expected_{side}[{index}] {rule:?}: the artifact {path:?} under the source \
         prefix resolves to {resolved:?}, which is not among the {side} (the reference fails \
         with KeyError here)"
    )]
    UnresolvableMatchSource {
        /// Step or inspection name.
        item: String,
        /// The side whose rules were being applied.
        side: Side,
        /// 0-based index of the rule.
        index: usize,
        /// The rule as written.
        rule: Rule,
        /// The queued artifact path.
        path: String,
        /// The path the reference looks up instead.
        resolved: String,
    },
}

/// Details of a failed rule: which rule, what it expected and what it found, and the
/// evaluation up to the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFailure {
    /// Step or inspection name.
    pub item: String,
    /// The side whose rules were applied.
    pub side: Side,
    /// 0-based index of the failing rule in `expected_<side>`.
    pub index: usize,
    /// The failing rule as written in the layout.
    pub rule: Rule,
    /// What went wrong.
    pub kind: FailureKind,
    /// The rules applied before the failing one and what each consumed; `unconsumed` is the
    /// queue the failing rule saw.
    pub trace: ItemReport,
}

impl RuleFailure {
    /// The offending artifact paths: what `DISALLOW` matched, or the path `REQUIRE` missed.
    pub fn artifacts(&self) -> Vec<String> {
        match &self.kind {
            FailureKind::Disallowed { artifacts } => {
                artifacts.iter().map(|a| a.as_str().to_owned()).collect()
            }
            FailureKind::RequiredMissing { path, .. } => vec![path.clone()],
        }
    }
}

/// Why a rule failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// `DISALLOW` matched these artifacts (sorted), which no earlier rule consumed.
    Disallowed {
        /// The matched artifacts.
        artifacts: Vec<ArtifactPath>,
    },
    /// `REQUIRE` did not find its path among the artifacts not yet consumed.
    RequiredMissing {
        /// The required path.
        path: String,
        /// The index of the earlier rule that consumed it, when the path was recorded but
        /// consumed before `REQUIRE` ran; `None` when it was never recorded.
        consumed_by: Option<usize>,
    },
}

impl fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}: expected_{}[{}] {:?} failed: ",
            self.item, self.side, self.index, self.rule
        )?;
        match &self.kind {
            FailureKind::Disallowed { artifacts } => {
                write!(
                    f,
                    "expected no {} matching {:?} to be left after the earlier rules, found {}: ",
                    self.side,
                    self.rule.get(1).map(String::as_str).unwrap_or_default(),
                    artifacts.len()
                )?;
                list(
                    f,
                    artifacts.iter().map(ArtifactPath::as_str),
                    artifacts.len(),
                )
            }
            FailureKind::RequiredMissing { path, consumed_by } => {
                write!(f, "expected {path:?} among the {} ", self.side)?;
                match consumed_by {
                    Some(i) => {
                        let by = self.trace.rules.get(*i).map(|r| &r.rule);
                        write!(
                            f,
                            "not consumed by earlier rules, but rule {i} {by:?} consumed it"
                        )
                    }
                    None => write!(f, "of {:?}, but it was not recorded", self.item),
                }
            }
        }
    }
}

/// Writes at most [`LISTED`] quoted items, then how many more there are.
fn list<'a>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = &'a str>,
    total: usize,
) -> fmt::Result {
    for (i, item) in items.take(LISTED).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item:?}")?;
    }
    if total > LISTED {
        write!(f, " and {} more", total - LISTED)?;
    }
    Ok(())
}
