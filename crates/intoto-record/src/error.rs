//! [`RecordError`]: why a link could not be recorded, naming the step, command or file.

use std::{io, path::PathBuf};

/// Which artifacts were being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Before the command.
    Materials,
    /// After the command.
    Products,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Materials => "materials",
            Side::Products => "products",
        })
    }
}

/// Why recording failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Hashing materials or products failed.
    #[error("step '{step}': cannot record {side}")]
    Artifacts {
        /// The step.
        step: String,
        /// Materials or products.
        side: Side,
        /// The hashing error (names the path).
        source: intoto_hash::HashError,
    },
    /// The command could not be started.
    #[error("step '{step}': cannot run command '{program}'")]
    Spawn {
        /// The step.
        step: String,
        /// `argv[0]`.
        program: String,
        /// What the OS said.
        source: io::Error,
    },
    /// The command ran longer than allowed and was killed with its process group.
    #[error(
        "step '{step}': command '{program}' did not finish within {seconds} s and was killed (raise --run-timeout)"
    )]
    Timeout {
        /// The step.
        step: String,
        /// `argv[0]`.
        program: String,
        /// The limit.
        seconds: u64,
    },
    /// Waiting for the command failed.
    #[error("step '{step}': lost track of command '{program}'")]
    Wait {
        /// The step.
        step: String,
        /// `argv[0]`.
        program: String,
        /// What the OS said.
        source: io::Error,
    },
    /// An empty command line.
    #[error("step '{step}': no command given")]
    EmptyCommand {
        /// The step.
        step: String,
    },
    /// Signing failed.
    #[error("step '{step}': cannot sign the link")]
    Sign {
        /// The step.
        step: String,
        /// The crypto error.
        source: intoto_crypto::CryptoError,
    },
    /// GnuPG cannot sign DSSE envelopes.
    #[error(
        "step '{step}': GnuPG keys cannot sign DSSE envelopes (nor in the reference); drop --use-dsse"
    )]
    GpgDsse {
        /// The step.
        step: String,
    },
    /// A certificate (ITE-7) can only be embedded in a Metablock signature.
    #[error(
        "step '{step}': a certificate can only be embedded in Metablock signatures (as in-toto-golang does); drop --use-dsse"
    )]
    CertificateDsse {
        /// The step.
        step: String,
    },
    /// Using a GnuPG key failed (exporting it, or checking the unfinished link with it).
    #[error("step '{step}': GnuPG key {key}")]
    Gpg {
        /// The step.
        step: String,
        /// The key id given or found.
        key: String,
        /// The crypto error.
        source: Box<intoto_crypto::CryptoError>,
    },
    /// `record stop` with GnuPG found more than one unfinished link for the step.
    #[error(
        "step '{step}': found more than one unfinished link in '{}': {}; exactly one is needed to stop recording",
        dir.display(), found.join(", ")
    )]
    UnfinishedAmbiguous {
        /// The step.
        step: String,
        /// The directory searched.
        dir: PathBuf,
        /// The file names found.
        found: Vec<String>,
    },
    /// No unfinished link for `record stop`.
    #[error(
        "step '{step}': no unfinished link '{}' in the current directory (run 'in-toto record start' first, with the same key)",
        path.display()
    )]
    UnfinishedMissing {
        /// The step.
        step: String,
        /// The file looked for.
        path: PathBuf,
    },
    /// The unfinished link is not a valid link signed by the given key.
    #[error("unfinished link '{}': {reason}", path.display())]
    UnfinishedInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a metadata file failed.
    #[error("cannot {action} '{}'", path.display())]
    Io {
        /// `read`, `write`, `remove`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
}
