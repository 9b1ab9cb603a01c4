//! [`KeyId`]: the lowercase hex identifier of a public key.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A key id: a non-empty string of lowercase hex digits (64 for securesystemslib keys,
/// 40 for OpenPGP fingerprints).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

/// Why a string is not a key id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid key id {value:?}: {reason}")]
pub struct KeyIdError {
    /// The rejected text (shortened to 80 characters).
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl KeyId {
    /// Validates `s` as a key id.
    pub fn new(s: impl Into<String>) -> Result<Self, KeyIdError> {
        let s = s.into();
        let reason = if s.is_empty() {
            Some("empty")
        } else if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some("not hexadecimal")
        } else if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Some("hex digits must be lowercase")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(KeyIdError {
                value: s.chars().take(80).collect(),
                reason,
            }),
            None => Ok(KeyId(s)),
        }
    }

    /// Builds a key id from raw digest bytes.
    pub fn from_digest(bytes: &[u8]) -> Self {
        KeyId(crate::hex::encode(bytes))
    }

    /// The key id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 hex digits (or fewer for shorter ids): the `KEYID8` of link file names.
    pub fn short(&self) -> &str {
        &self.0[..self.0.len().min(8)]
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

impl std::str::FromStr for KeyId {
    type Err = KeyIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyId::new(s)
    }
}

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for KeyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        KeyId::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_hex_and_shortens() {
        let id =
            KeyId::new("2f89b9272acfc8f4a0a0f094d789fdb0ba798b0fe41f2f5f417c12f0085ff498").unwrap();
        assert_eq!(id.short(), "2f89b927");
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(KeyId::new("").unwrap_err().reason, "empty");
        assert_eq!(KeyId::new("xyz").unwrap_err().reason, "not hexadecimal");
        assert_eq!(
            KeyId::new("ABCD").unwrap_err().reason,
            "hex digits must be lowercase"
        );
    }
}
