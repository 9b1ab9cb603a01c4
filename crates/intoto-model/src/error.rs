//! The error type of this crate.

use crate::{canonical::CanonicalError, json::JsonError};

/// Why metadata could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The bytes are not acceptable JSON.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// The JSON is well formed but does not follow the in-toto format. `path` is the JSON path of
    /// the offending value, e.g. `signed.steps[2].pubkeys[0]`.
    #[error("{path}: {message}")]
    Invalid {
        /// JSON path of the offending value.
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// A value cannot be written as canonical JSON.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

impl ModelError {
    /// Shorthand for [`ModelError::Invalid`].
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Prefixes the JSON path with `prefix` (used when a nested value was parsed on its own).
    pub fn within(self, prefix: &str) -> Self {
        match self {
            ModelError::Invalid { path, message } => {
                let path = if path.is_empty() || path == "$" {
                    prefix.to_string()
                } else if path.starts_with('[') {
                    format!("{prefix}{path}")
                } else {
                    format!("{prefix}.{path}")
                };
                ModelError::Invalid { path, message }
            }
            other => other,
        }
    }
}
