//! Public key objects as securesystemslib writes them into layouts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::KeyId;

/// The key material of a [`PublicKeyRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyVal {
    /// Public key: PEM (SubjectPublicKeyInfo) for `rsa` and `ecdsa`, 64 lowercase hex digits for
    /// `ed25519`.
    pub public: String,
    /// Older files carry an empty `"private": ""`; kept so such keys re-serialize unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// An X.509 certificate (PEM) for the key, as in-toto-golang writes it into the key
    /// objects of a layout's `rootcas` and `intermediatecas` (ITE-7); kept so such keys
    /// re-serialize unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

/// A public key object: `{"keyid", "keytype", "scheme", "keyval": {"public"}}`, with the
/// optional legacy `keyid_hash_algorithms`.
///
/// Unknown fields are kept in `extra` (OpenPGP keys carry `method`, `hashes`, `subkeys`, ...)
/// so that nothing is lost when a layout is read and written again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicKeyRecord {
    /// The key id as written (in layouts also the map key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyid: Option<KeyId>,
    /// `rsa`, `ecdsa`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384`, `ed25519`, or an OpenPGP type.
    pub keytype: String,
    /// Signature scheme, e.g. `rsassa-pss-sha256`, `ecdsa-sha2-nistp256`, `ed25519`.
    pub scheme: String,
    /// Key material.
    pub keyval: KeyVal,
    /// Legacy: hash algorithms that were used to compute key ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyid_hash_algorithms: Option<Vec<String>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}
