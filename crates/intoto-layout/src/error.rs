//! [`Error`]: what can be wrong with a layout, [`Problem`]: an error and where it is
//! ([`Location`]: a line of the TOML file or a JSON path), [`Problems`]: all of them.

use std::fmt;

use intoto_model::ModelError;
use intoto_rules::{Side, SyntaxError};

use crate::{expiry::ExpiryError, words::SplitError};

/// Where a problem is: a line and column of a TOML file, or a JSON path in a layout file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// 1-based line and column (in characters) of a TOML file.
    Line {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A JSON path such as `signed.steps[1].expected_materials[0]`.
    Path(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { line, column } => write!(f, "{line}:{column}"),
            Location::Path(path) => f.write_str(path),
        }
    }
}

/// Whether rules are about a step or an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A step.
    Step,
    /// An inspection.
    Inspection,
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ItemKind::Step => "step",
            ItemKind::Inspection => "inspection",
        })
    }
}

/// What can be wrong with a layout (or its TOML description). Problems marked as warnings by
/// [`Error::is_warning`] do not make a layout invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The TOML does not parse, or a field is unknown, missing or of the wrong type.
    #[error("{0}")]
    Toml(String),
    /// The JSON is not a layout (reading it as the model does failed).
    #[error("{0}")]
    Format(ModelError),
    /// A name is not a valid step or inspection name.
    #[error("{0}")]
    InvalidName(String),
    /// Two steps or inspections share a name.
    #[error("there is already a {first} named {name:?}; step and inspection names must be unique")]
    DuplicateName {
        /// The repeated name.
        name: String,
        /// What the first one with that name is.
        first: ItemKind,
    },
    /// A threshold below 1.
    #[error("step {step:?}: the threshold must be at least 1")]
    ThresholdZero {
        /// The step.
        step: String,
    },
    /// A step nobody may sign.
    #[error("step {step:?} has no functionaries: nobody may sign its link")]
    NoFunctionaries {
        /// The step.
        step: String,
    },
    /// More signatures required than keys are authorised.
    #[error(
        "step {step:?}: threshold {threshold} is more than the {keys} key(s) allowed to sign it, so it can never be met"
    )]
    ThresholdAboveKeys {
        /// The step.
        step: String,
        /// The threshold.
        threshold: u64,
        /// How many keys the step lists.
        keys: usize,
    },
    /// A functionary name (TOML) that is not in `[functionaries]`.
    #[error("step {step:?}: functionary {name:?} is not listed in [functionaries]{hint}")]
    UnknownFunctionary {
        /// The step.
        step: String,
        /// The name used.
        name: String,
        /// `" (did you mean ...?)"` or empty.
        hint: String,
    },
    /// A functionary listed twice for one step.
    #[error("step {step:?}: functionary {name:?} is listed twice")]
    DuplicateFunctionary {
        /// The step.
        step: String,
        /// The name (TOML) or key id (JSON) repeated.
        name: String,
    },
    /// A step key id (JSON) that is not in the layout's `keys`.
    #[error("step {step:?}: key {keyid} is not in the layout's keys")]
    KeyNotListed {
        /// The step.
        step: String,
        /// The key id.
        keyid: String,
    },
    /// A `keys` entry whose `keyid` differs from its map key.
    #[error("key id {inner} differs from the map key {outer}")]
    KeyIdMismatch {
        /// The map key.
        outer: String,
        /// The `keyid` field.
        inner: String,
    },
    /// A public key that cannot be read or used.
    #[error("{what}: {reason}")]
    UnusableKey {
        /// The functionary and key file (TOML) or key id (JSON).
        what: String,
        /// Why.
        reason: String,
    },
    /// A rule written on one line that cannot be split into words.
    #[error("{item_kind} {item:?}: expected_{side} rule {text:?}: {reason}")]
    UnsplittableRule {
        /// Step or inspection.
        item_kind: ItemKind,
        /// Its name.
        item: String,
        /// Materials or products.
        side: Side,
        /// The line as written.
        text: String,
        /// Why.
        reason: SplitError,
    },
    /// A command written on one line that cannot be split into words.
    #[error("{item_kind} {item:?}: command {text:?}: {reason}")]
    UnsplittableCommand {
        /// Step or inspection.
        item_kind: ItemKind,
        /// Its name.
        item: String,
        /// The line as written.
        text: String,
        /// Why.
        reason: SplitError,
    },
    /// A rule that does not follow the artifact-rule grammar.
    #[error(
        "{item_kind} {item:?}: expected_{side}[{index}] {rule:?} is not a valid artifact rule: {reason}"
    )]
    InvalidRule {
        /// Step or inspection.
        item_kind: ItemKind,
        /// Its name.
        item: String,
        /// Materials or products.
        side: Side,
        /// 0-based index in the list.
        index: usize,
        /// The rule as words.
        rule: Vec<String>,
        /// What is wrong.
        reason: SyntaxError,
    },
    /// `MATCH ... FROM <name>` where no step or inspection has that name.
    #[error(
        "{item_kind} {item:?}: expected_{side}[{index}] matches FROM {from:?}, but there is no step or inspection of that name{hint}"
    )]
    UnknownMatchStep {
        /// Step or inspection with the rule.
        item_kind: ItemKind,
        /// Its name.
        item: String,
        /// Materials or products.
        side: Side,
        /// 0-based index of the rule.
        index: usize,
        /// The name after `FROM`.
        from: String,
        /// `" (did you mean ...?)"` or empty.
        hint: String,
    },
    /// A step's `MATCH ... FROM <inspection>`: step rules are checked before inspections run,
    /// against steps' links only (the reference's `verifylib`), so this can never match.
    #[error(
        "step {item:?}: expected_{side}[{index}] matches FROM {from:?}, which is an inspection; a step's rules only see the links of steps"
    )]
    MatchFromInspection {
        /// The step.
        item: String,
        /// Materials or products.
        side: Side,
        /// 0-based index of the rule.
        index: usize,
        /// The inspection named after `FROM`.
        from: String,
    },
    /// An inspection without a command.
    #[error("inspection {name:?}: run is empty; an inspection must have a command")]
    EmptyRun {
        /// The inspection.
        name: String,
    },
    /// An expiry that cannot be read.
    #[error("expires: {0}")]
    Expiry(ExpiryError),
    /// Warning: a key no step uses.
    #[error("key {keyid} is not used by any step")]
    UnusedKey {
        /// The key id.
        keyid: String,
    },
    /// Warning: the layout has expired (only reported when the caller gives "now").
    #[error("the layout expired at {expires}")]
    Expired {
        /// The `expires` value.
        expires: String,
    },
}

impl Error {
    /// Whether this problem leaves the layout usable (an unused key, an expired layout).
    pub fn is_warning(&self) -> bool {
        matches!(self, Error::UnusedKey { .. } | Error::Expired { .. })
    }

    /// Whether this problem is a reference to something not (yet) in the layout, which an
    /// incremental edit may fix later (`MATCH ... FROM` a step added afterwards).
    pub fn is_dangling_reference(&self) -> bool {
        matches!(self, Error::UnknownMatchStep { .. })
    }
}

/// An [`Error`] and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub at: Location,
    /// What.
    pub error: Error,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.error.is_warning() {
            "warning: "
        } else {
            ""
        };
        write!(f, "{}: {severity}{}", self.at, self.error)
    }
}

/// Every problem found, in the order of the file. Its `Display` is the first error (or warning)
/// and how many more there are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The problems that are not warnings.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| !p.error.is_warning())
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.error.is_warning())
    }

    /// Whether there is any problem that is not a warning.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub(crate) fn push(&mut self, at: Location, error: Error) {
        self.0.push(Problem { at, error });
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut errors = self.errors();
        match errors.next().or_else(|| self.0.first()) {
            None => f.write_str("no problems"),
            Some(first) => {
                write!(f, "{first}")?;
                let more = self.errors().count().saturating_sub(1);
                if more > 0 {
                    write!(f, " (and {more} more)")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Problems {}
