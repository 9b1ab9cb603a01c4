//! [`StepName`] and [`ArtifactPath`]: the two kinds of names in layouts and links.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a [`StepName`] or [`ArtifactPath`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: {reason}")]
pub struct NameError {
    /// `step name` or `artifact path`.
    pub what: &'static str,
    /// The rejected text (shortened to 80 characters).
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// The name of a step or inspection (also a link's `name`).
///
/// Deliberate hardening over the reference: a step name becomes part of file names
/// (`STEP.KEYID8.link`, the sublayout directory `STEP.KEYID8/`), so names that could escape the
/// link directory or are not valid file names are refused: the empty string, `.`, `..`, and any
/// name containing NUL, `/` or `\`. The Python reference accepts any string (even `null`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepName(String);

impl StepName {
    /// Validates `name`.
    pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
        let name = name.into();
        let reason = if name.is_empty() {
            Some("empty")
        } else if name == "." || name == ".." {
            Some("\".\" and \"..\" are not allowed (the name becomes part of file names)")
        } else if name.contains(['/', '\\']) {
            Some("path separators are not allowed (the name becomes part of file names)")
        } else if name.contains('\0') {
            Some("NUL is not allowed")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(NameError {
                what: "step name",
                value: name.chars().take(80).collect(),
                reason,
            }),
            None => Ok(StepName(name)),
        }
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A path of an artifact as recorded in a link (`materials`/`products` keys), kept exactly as
/// written: usually relative with forward slashes, but foreign links may hold anything except
/// the empty string and NUL. Use [`is_absolute`](ArtifactPath::is_absolute) and
/// [`has_parent_component`](ArtifactPath::has_parent_component) where a path is about to touch
/// the file system.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArtifactPath(String);

impl ArtifactPath {
    /// Validates `path` (non-empty, no NUL).
    pub fn new(path: impl Into<String>) -> Result<Self, NameError> {
        let path = path.into();
        let reason = if path.is_empty() {
            Some("empty")
        } else if path.contains('\0') {
            Some("NUL is not allowed")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(NameError {
                what: "artifact path",
                value: path.chars().take(80).collect(),
                reason,
            }),
            None => Ok(ArtifactPath(path)),
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Starts with `/` or `\`, or a Windows drive (`C:`).
    pub fn is_absolute(&self) -> bool {
        match self.0.as_bytes() {
            [b'/' | b'\\', ..] => true,
            [drive, b':', ..] => drive.is_ascii_alphabetic(),
            _ => false,
        }
    }

    /// Has a `..` component (separated by `/` or `\`).
    pub fn has_parent_component(&self) -> bool {
        // Most paths have no ".." at all; only then split into components.
        self.0.contains("..") && self.0.split(['/', '\\']).any(|c| c == "..")
    }
}

macro_rules! string_newtype_impls {
    ($t:ident) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($t), self.0)
            }
        }
        impl std::str::FromStr for $t {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::new(s)
            }
        }
        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $t::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_newtype_impls!(StepName);
string_newtype_impls!(ArtifactPath);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_that_could_escape_are_refused() {
        for bad in ["", ".", "..", "a/b", "a\\b", "a\0b", "/"] {
            assert!(StepName::new(bad).is_err(), "{bad:?}");
        }
        for good in ["write-code", "package", "..a", "a.b", "ünïcode", " "] {
            assert_eq!(StepName::new(good).unwrap().as_str(), good);
        }
        assert_eq!(StepName::new("").unwrap_err().reason, "empty");
    }

    #[test]
    fn artifact_paths_are_kept_as_written() {
        assert!(ArtifactPath::new("").is_err());
        assert!(ArtifactPath::new("a\0").is_err());
        let p = ArtifactPath::new("./a/../b").unwrap();
        assert_eq!(p.as_str(), "./a/../b");
        assert!(p.has_parent_component());
        assert!(!p.is_absolute());
        assert!(ArtifactPath::new("/etc/passwd").unwrap().is_absolute());
        assert!(ArtifactPath::new("C:x").unwrap().is_absolute());
        assert!(ArtifactPath::new("..\\x").unwrap().has_parent_component());
        assert!(
            !ArtifactPath::new("a..b/..c")
                .unwrap()
                .has_parent_component()
        );
    }

    #[test]
    fn serde_goes_through_the_constructor() {
        assert!(serde_json::from_str::<StepName>("\"a/b\"").is_err());
        let n: StepName = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"x\"");
    }
}
