//! [`Digest`] and [`DigestSet`]: the `{"algorithm": "hex"}` objects of link artifacts and
//! attestation resource descriptors.
//!
//! Values must be lowercase hex; for the algorithms the in-toto Attestation Framework names
//! (and in-toto links use) the length is checked as well. Algorithm names this crate does not
//! know are kept, with a lowercase hex value, so newer metadata still reads.
//!
//! Deliberate difference: the Python reference accepts upper-case hex in hash dicts; we refuse
//! it, because artifact rules compare hash dicts as strings and `AB` would silently differ from
//! `ab`.

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One digest value: a non-empty string of lowercase hex digits.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest(String);

/// Why a digest or digest set is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// The value is empty or has characters other than `0-9a-f`.
    #[error("digest {value:?} is not lowercase hex")]
    NotLowercaseHex {
        /// The rejected value (shortened).
        value: String,
    },
    /// The value has the wrong length for its algorithm.
    #[error("a {algorithm} digest has {expected} hex digits, found {found}")]
    Length {
        /// Algorithm name.
        algorithm: String,
        /// Allowed lengths, e.g. `64` or `40 or 64`.
        expected: String,
        /// Length found.
        found: usize,
    },
    /// An empty algorithm name.
    #[error("empty algorithm name")]
    EmptyAlgorithm,
}

impl Digest {
    /// Validates `hex` as lowercase hex (any non-zero length).
    pub fn new(hex: impl Into<String>) -> Result<Self, DigestError> {
        let hex = hex.into();
        // No early exit, so that the check vectorises (links hold one digest per artifact).
        let lower_hex = hex.bytes().fold(true, |ok, b| {
            ok & (b.is_ascii_digit() | (b'a'..=b'f').contains(&b))
        });
        if hex.is_empty() || !lower_hex {
            return Err(DigestError::NotLowercaseHex {
                value: hex.chars().take(80).collect(),
            });
        }
        Ok(Digest(hex))
    }

    /// Encodes raw digest bytes.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Digest(crate::hex::encode(bytes))
    }

    /// The hex string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.0)
    }
}

/// Allowed hex lengths of the algorithms we know; `None` for algorithms we do not know or whose
/// output length varies (`shake128`, `shake256`, `gost`).
pub fn expected_hex_lengths(algorithm: &str) -> Option<&'static [usize]> {
    Some(match algorithm {
        "md5" => &[32],
        "sha1" | "ripemd160" => &[40],
        "sha224" | "sha512_224" | "sha3_224" => &[56],
        "sha256" | "sha512_256" | "sha3_256" | "blake2s" | "blake3" | "sm3" | "dirHash" => &[64],
        "sha384" | "sha3_384" => &[96],
        "sha512" | "sha3_512" | "blake2b" => &[128],
        "gitCommit" | "gitTree" | "gitBlob" | "gitTag" => &[40, 64],
        _ => return None,
    })
}

/// A digest set: algorithm name -> [`Digest`]. An empty set is representable (the reference
/// accepts `{}` in links); attestation subjects are checked for a non-empty set where they are
/// read.
///
/// Stored as a `Vec` sorted by algorithm (with unique algorithms), not a `BTreeMap`: a set
/// almost always holds one or two entries, and links hold one set per artifact, so a map's
/// node allocation (over 500 bytes for one entry) dominated the memory of large links. The
/// derived comparisons equal those of the map (lexicographic over the sorted pairs).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DigestSet(Vec<(String, Digest)>);

impl DigestSet {
    /// An empty set.
    pub fn new() -> Self {
        DigestSet(Vec::new())
    }

    /// The set `{"sha256": hex}` that links record by default.
    pub fn sha256(digest: Digest) -> Result<Self, DigestError> {
        let mut set = DigestSet::new();
        set.insert("sha256", digest)?;
        Ok(set)
    }

    /// Adds (or replaces) the digest of `algorithm`, checking its length if the algorithm is
    /// known.
    pub fn insert(
        &mut self,
        algorithm: impl Into<String>,
        digest: Digest,
    ) -> Result<(), DigestError> {
        let algorithm = algorithm.into();
        if algorithm.is_empty() {
            return Err(DigestError::EmptyAlgorithm);
        }
        if let Some(lengths) = expected_hex_lengths(&algorithm)
            && !lengths.contains(&digest.0.len())
        {
            let expected = lengths
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" or ");
            return Err(DigestError::Length {
                algorithm,
                expected,
                found: digest.0.len(),
            });
        }
        match self.0.binary_search_by(|(a, _)| a.as_str().cmp(&algorithm)) {
            Ok(i) => self.0[i].1 = digest,
            Err(i) => self.0.insert(i, (algorithm, digest)),
        }
        Ok(())
    }

    /// Builds a set from `(algorithm, hex)` pairs.
    pub fn from_pairs<A: Into<String>, H: Into<String>>(
        pairs: impl IntoIterator<Item = (A, H)>,
    ) -> Result<Self, DigestError> {
        let mut set = DigestSet::new();
        for (algorithm, hex) in pairs {
            set.insert(algorithm, Digest::new(hex)?)?;
        }
        Ok(set)
    }

    /// The digest of `algorithm`.
    pub fn get(&self, algorithm: &str) -> Option<&Digest> {
        self.0
            .binary_search_by(|(a, _)| a.as_str().cmp(algorithm))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// `(algorithm, digest)` pairs in algorithm order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Digest)> {
        self.0.iter().map(|(a, d)| (a.as_str(), d))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set has no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON object `{"algorithm": "hex", ...}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(a, d)| (a.clone(), serde_json::Value::String(d.0.clone())))
                .collect(),
        )
    }
}

impl fmt::Debug for DigestSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(a, d)| (a, &d.0)))
            .finish()
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Digest::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for DigestSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(a, d)| (a, d)))
    }
}

impl<'de> Deserialize<'de> for DigestSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, String>::deserialize(d)?;
        DigestSet::from_pairs(raw).map_err(serde::de::Error::custom)
    }
}

/// Reads a digest set at `path`, naming the offending entry on error.
pub(crate) fn read_digest_set(
    v: &serde_json::Value,
    path: &str,
) -> Result<DigestSet, crate::ModelError> {
    read_digest_set_at(v, || path.to_owned())
}

/// [`read_digest_set`] with the path built only for an error (links hold one set per
/// artifact; building every path up front cost more than reading the sets).
pub(crate) fn read_digest_set_at(
    v: &serde_json::Value,
    path: impl Fn() -> String,
) -> Result<DigestSet, crate::ModelError> {
    use crate::reader::{join, mistyped};
    let obj = v
        .as_object()
        .ok_or_else(|| mistyped(&path(), "an object", v))?;
    let mut set = DigestSet(Vec::with_capacity(obj.len()));
    for (algorithm, value) in obj {
        let here = || join(&path(), algorithm);
        let hex = value
            .as_str()
            .ok_or_else(|| mistyped(&here(), "a string", value))?;
        let digest =
            Digest::new(hex).map_err(|e| crate::ModelError::invalid(here(), e.to_string()))?;
        set.insert(algorithm.as_str(), digest)
            .map_err(|e| crate::ModelError::invalid(here(), e.to_string()))?;
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H64: &str = "74dc3727c6e89308b39e4dfedf787e37841198b1fa165a27c013544a60502549";

    #[test]
    fn accepts_known_and_unknown_algorithms() {
        let set = DigestSet::from_pairs([
            ("sha256", H64),
            ("gitCommit", &H64[..40]),
            ("newhash", "0a"),
        ])
        .unwrap();
        assert_eq!(set.get("newhash").unwrap().as_str(), "0a");
        assert_eq!(set.len(), 3);
        assert_eq!(serde_json::to_value(&set).unwrap(), set.to_value());
    }

    #[test]
    fn rejects_wrong_lengths_for_known_algorithms() {
        let err = DigestSet::from_pairs([("sha256", &H64[..40])]).unwrap_err();
        assert_eq!(
            err,
            DigestError::Length {
                algorithm: "sha256".into(),
                expected: "64".into(),
                found: 40
            }
        );
        let err = DigestSet::from_pairs([("gitTree", "ab")]).unwrap_err();
        assert!(matches!(err, DigestError::Length { ref expected, .. } if expected == "40 or 64"));
    }

    #[test]
    fn rejects_non_hex_uppercase_and_empty() {
        for bad in ["", "AB", "xyz", "ab cd"] {
            assert!(
                matches!(Digest::new(bad), Err(DigestError::NotLowercaseHex { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            DigestSet::from_pairs([("", "ab")]).unwrap_err(),
            DigestError::EmptyAlgorithm
        );
    }

    #[test]
    fn read_names_the_entry() {
        let v = serde_json::json!({"sha256": "XY"});
        let err = read_digest_set(&v, "products[\"a\"]").unwrap_err();
        assert!(
            matches!(err, crate::ModelError::Invalid { ref path, .. } if path == "products[\"a\"].sha256")
        );
    }
}
