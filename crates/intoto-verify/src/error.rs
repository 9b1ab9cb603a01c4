//! The error type of the verification workflow. Each variant says which step of the workflow
//! failed and names the layout, step, link file, key or rule involved.

use std::path::PathBuf;

use intoto_model::{KeyId, ModelError, Timestamp};

/// Why a supply chain did not verify (or could not be checked).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A metadata file could not be read.
    #[error("cannot read '{path}': {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A metadata file is too large to be read.
    #[error("'{path}' is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A metadata path is a directory, fifo, socket or device (a fifo would block the reader).
    #[error("'{path}' is a {kind}, not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// A metadata file is malformed.
    #[error("'{path}' is not valid in-toto metadata: {source}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the JSON path.
        source: ModelError,
    },
    /// The file is not what the workflow expects there (a link where a layout belongs, ...).
    #[error("'{path}': expected {expected}, found {found}")]
    UnexpectedContent {
        /// The file.
        path: PathBuf,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// ITE-7: a link signed with a certificate did not count (its chain, constraints or
    /// signature failed) and the step's threshold was not met without it.
    #[error(
        "step '{step}' requires {required} link(s) by distinct functionaries, {found} counted; '{path}' is signed with a certificate that does not count: {source}"
    )]
    CertifiedLink {
        /// The step.
        step: String,
        /// The refused link file.
        path: PathBuf,
        /// Why its certificate or signature was refused.
        source: Box<intoto_x509::X509Error>,
        /// The threshold.
        required: u64,
        /// Distinct functionaries counted.
        found: usize,
    },
    /// ITE-7: the layout's `rootcas`, `intermediatecas` or the extra intermediates cannot be
    /// read.
    #[error("layout '{path}': {source}")]
    CertificateAuthorities {
        /// The layout file.
        path: PathBuf,
        /// What is wrong with a certificate.
        source: intoto_x509::X509Error,
    },
    /// No key was given to check the root layout with.
    #[error("layout verification needs at least one public key")]
    NoLayoutKeys,
    /// ITE-7: a sublayout counted for its step under a certificate, but a sublayout's own
    /// signatures are checked with the functionary's key from the layout's `keys`, and the
    /// certificate's key is not one of them (in-toto-golang refuses these too).
    /// Reported inside [`VerifyError::Sublayout`], which names the step and file.
    #[error(
        "it counted under a certificate (key id {keyid}), but a sublayout must be signed by a key in the layout's keys and the step's pubkeys (as in in-toto-golang)"
    )]
    CertifiedSublayout {
        /// The certificate key's id the signature names.
        keyid: KeyId,
    },
    /// A key given for the layout has no valid signature on it.
    #[error("layout '{path}' is not signed by key {keyid}: {reason}")]
    LayoutSignature {
        /// The layout file.
        path: PathBuf,
        /// The key that must have signed.
        keyid: String,
        /// Why the signature was not accepted.
        reason: String,
    },
    /// The layout has expired.
    #[error("layout '{path}' expired at {expires}")]
    LayoutExpired {
        /// The layout file.
        path: PathBuf,
        /// Its `expires`.
        expires: Timestamp,
    },
    /// A layout key's id matches neither the current nor the legacy key id of its content
    /// (the [`CryptoError::KeyIdMismatch`](intoto_crypto::CryptoError::KeyIdMismatch) names
    /// the key and both computed ids).
    #[error("layout '{path}': {source}")]
    KeyIdMismatch {
        /// The layout file.
        path: PathBuf,
        /// The mismatch.
        source: intoto_crypto::CryptoError,
    },
    /// A layout key cannot be used to verify signatures.
    #[error("layout '{path}': key {keyid} cannot be used: {reason}")]
    UnusableKey {
        /// The layout file.
        path: PathBuf,
        /// The key.
        keyid: KeyId,
        /// Why.
        reason: String,
    },
    /// Parameter substitution failed.
    #[error(transparent)]
    Parameter(#[from] crate::params::ParamError),
    /// Fewer link files than the step's threshold were found.
    #[error(
        "step '{step}' requires {required} link file(s), found {found} in '{link_dir}' (looked for {expected_files})"
    )]
    LinksMissing {
        /// The step.
        step: String,
        /// The threshold.
        required: u64,
        /// Link files found.
        found: usize,
        /// The directory searched.
        link_dir: PathBuf,
        /// The file names looked for.
        expected_files: String,
    },
    /// Fewer valid links by distinct authorized functionaries than the threshold.
    #[error(
        "step '{step}' requires {required} link(s) validly signed by different authorized functionaries, found {found}{details}"
    )]
    ThresholdNotMet {
        /// The step.
        step: String,
        /// The threshold.
        required: u64,
        /// Distinct functionaries with a valid link.
        found: usize,
        /// Why other links were not counted (starts with "; " when not empty).
        details: String,
    },
    /// Links of one step by different functionaries disagree on materials or products.
    #[error("step '{step}': links '{first}' and '{second}' have different {side}")]
    LinksDisagree {
        /// The step.
        step: String,
        /// The first link file.
        first: String,
        /// The link file that differs.
        second: String,
        /// `materials` or `products`.
        side: &'static str,
    },
    /// A sublayout failed.
    #[error("sublayout for step '{step}' ('{path}') failed: {source}")]
    Sublayout {
        /// The step the sublayout stands for.
        step: String,
        /// The sublayout file.
        path: PathBuf,
        /// Why it failed.
        source: Box<VerifyError>,
    },
    /// Sublayouts nested too deeply (a loop of layouts).
    #[error("sublayouts nested deeper than {limit} levels at step '{step}'")]
    SublayoutTooDeep {
        /// The step.
        step: String,
        /// The limit.
        limit: usize,
    },
    /// A rule of the layout is malformed.
    #[error("layout '{path}': {source}")]
    Rules {
        /// The layout file.
        path: PathBuf,
        /// Which rule and why.
        source: Box<intoto_rules::Error>,
    },
    /// An artifact rule failed.
    #[error("{0}")]
    RuleFailed(Box<intoto_rules::Error>),
    /// An inspection could not run, timed out or returned non-zero.
    #[error("inspection '{name}' (run {run:?}) failed: {reason}")]
    InspectionFailed {
        /// The inspection.
        name: String,
        /// Its command.
        run: Vec<String>,
        /// What happened.
        reason: String,
    },
}

impl From<intoto_model::file::FileError> for VerifyError {
    fn from(e: intoto_model::file::FileError) -> Self {
        use intoto_model::file::FileError;
        match e {
            FileError::Io { path, source } => VerifyError::Io { path, source },
            FileError::TooLarge { path, size, limit } => {
                VerifyError::TooLarge { path, size, limit }
            }
            FileError::NotAFile { path, kind } => VerifyError::NotAFile { path, kind },
        }
    }
}
