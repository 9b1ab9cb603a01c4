//! [`AttestError`]: everything this crate reports, naming the file, step, rule or key.

use std::path::PathBuf;

use intoto_crypto::CryptoError;
use intoto_model::ModelError;

/// An error of this crate.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// A file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        error: std::io::Error,
    },
    /// A file is larger than the metadata size limit.
    #[error("{path} is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A path is a directory, fifo, socket or device (a fifo would block the reader).
    #[error("{path} is a {kind}, not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// Metadata does not follow its format; `source` names the JSON path.
    #[error("{file}: {error}")]
    Malformed {
        /// The file (or a description of the input).
        file: String,
        /// What is wrong, with the JSON path.
        error: ModelError,
    },
    /// An attestation layout does not follow the ITE-10 schema (YAML error with its location,
    /// or a field that is present but wrong).
    #[error("layout: {message}")]
    Layout {
        /// What is wrong, with the field path or line.
        message: String,
    },
    /// A functionary key of the layout cannot be used.
    #[error("layout: functionary {keyid}: {error}")]
    Key {
        /// The key id as written in the layout.
        keyid: String,
        /// The cause.
        error: CryptoError,
    },
    /// A CEL rule of the layout does not compile.
    #[error(
        "layout: step {step:?}, {predicate_type}: expectedAttributes[{index}] {rule:?} does not compile: {message}"
    )]
    CelCompile {
        /// Step (or `subjects[i]`) name.
        step: String,
        /// The expected predicate type it belongs to.
        predicate_type: String,
        /// 0-based index in `expectedAttributes`.
        index: usize,
        /// The rule text (after parameter substitution).
        rule: String,
        /// The CEL parser's message.
        message: String,
    },
    /// An artifact rule of the layout does not parse.
    #[error("layout: {0}")]
    ArtifactRule(intoto_rules::Error),
    /// A parameter cannot be substituted.
    #[error("parameters: {message}")]
    Parameter {
        /// What is wrong.
        message: String,
    },
    /// The layout's `expires` is in the past.
    #[error("layout expired at {expires}")]
    Expired {
        /// The expiry as written.
        expires: String,
    },
    /// Verification failed; the message is the first reason.
    #[error("{0}")]
    Verification(Box<Failure>),
    /// A subject specification on the command line is not `NAME=ALG:HEX`.
    #[error("subject {spec:?}: {message}")]
    Subject {
        /// The specification as given.
        spec: String,
        /// What is wrong.
        message: String,
    },
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Signing(CryptoError),
}

/// Why verification against an attestation layout failed: the step (or subject entry) and
/// the attestation it is about, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// No attestation was found for a step.
    #[error("step {step:?}: no attestation signed by a layout functionary{hint}")]
    NoClaims {
        /// The step.
        step: String,
        /// What was found instead (e.g. files signed by unknown keys), or empty.
        hint: String,
    },
    /// Fewer functionaries than required attested the expected predicate type.
    #[error(
        "step {step:?}: expected {required} attestation(s) of {predicate_type} signed by {functionaries}, found {found}{hint}"
    )]
    ThresholdNotMet {
        /// The step.
        step: String,
        /// The expected predicate type.
        predicate_type: String,
        /// The threshold.
        required: usize,
        /// Distinct authorized functionaries found.
        found: usize,
        /// The authorized functionaries (key ids, shortened).
        functionaries: String,
        /// What was found instead, or empty.
        hint: String,
    },
    /// A CEL attribute rule evaluated to false.
    #[error(
        "step {step:?}: attribute rule {rule:?} is false for {file} ({predicate_type}, signed by {functionary})"
    )]
    AttributeFalse {
        /// The step.
        step: String,
        /// The rule text.
        rule: String,
        /// The attestation file.
        file: String,
        /// Its predicate type.
        predicate_type: String,
        /// The signer's key id.
        functionary: String,
    },
    /// A CEL attribute rule could not be evaluated (e.g. the claim is absent and
    /// `allowIfNoClaim` is false) or did not give a boolean.
    #[error(
        "step {step:?}: attribute rule {rule:?} cannot be evaluated for {file} ({predicate_type}): {message}"
    )]
    AttributeError {
        /// The step.
        step: String,
        /// The rule text.
        rule: String,
        /// The attestation file.
        file: String,
        /// Its predicate type.
        predicate_type: String,
        /// What went wrong.
        message: String,
    },
    /// An artifact rule failed for an attestation.
    #[error("step {step:?}: {file} ({predicate_type}): {message}")]
    ArtifactRules {
        /// The step.
        step: String,
        /// The attestation file.
        file: String,
        /// Its predicate type.
        predicate_type: String,
        /// The rule engine's message, with a hint on digests that differ.
        message: String,
    },
    /// The materials or products of an attestation cannot be derived from its predicate.
    #[error("step {step:?}: {file}: {error}")]
    Artifacts {
        /// The step.
        step: String,
        /// The attestation file.
        file: String,
        /// What is wrong, with the JSON path.
        error: ModelError,
    },
}

impl From<Failure> for AttestError {
    fn from(f: Failure) -> Self {
        AttestError::Verification(Box::new(f))
    }
}

impl From<intoto_model::file::FileError> for AttestError {
    fn from(e: intoto_model::file::FileError) -> Self {
        use intoto_model::file::FileError;
        match e {
            FileError::Io { path, source } => AttestError::Io {
                path,
                error: source,
            },
            FileError::TooLarge { path, size, limit } => {
                AttestError::TooLarge { path, size, limit }
            }
            FileError::NotAFile { path, kind } => AttestError::NotAFile { path, kind },
        }
    }
}
