//! Exit codes and the one-line failure report.
//!
//! As with the reference tools: 0 success, 1 a verification failed, 2 bad usage or any other
//! error (unreadable file, malformed metadata, unusable key).

use std::process::ExitCode;

/// A failed command: the exit code and the error chain to report.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    error: anyhow::Error,
    /// Exit with the code but print nothing (a wrapped command's own exit status).
    silent: bool,
}

impl Failure {
    /// A verification failure (exit 1).
    pub fn verification(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: 1,
            error: error.into(),
            silent: false,
        }
    }

    /// Any error of the recording commands (exit 1, as the reference's `in-toto-run`).
    pub fn error(error: impl Into<anyhow::Error>) -> Self {
        Failure::verification(error)
    }

    /// The wrapped command's non-zero exit status, passed through without a message.
    pub fn passthrough(code: u8) -> Self {
        Failure {
            code,
            error: anyhow::anyhow!("the command exited with {code}"),
            silent: true,
        }
    }

    /// A verification failure (exit 1) whose reason was already logged in full.
    pub fn already_reported() -> Self {
        Failure {
            code: 1,
            error: anyhow::anyhow!("the problems were reported above"),
            silent: true,
        }
    }

    /// A usage or input error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: 2,
            error: error.into(),
            silent: false,
        }
    }

    /// Prints the reason (first line) and its causes, then gives the exit code.
    pub fn report(self) -> ExitCode {
        if !self.silent {
            tracing::error!("{:#}", self.error);
        }
        ExitCode::from(self.code)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::usage(error)
    }
}
