//! The keys of a layout as verifiers: which key checks a link file found under a given key id
//! (including OpenPGP subkeys standing for their main key), and the checks themselves.

use std::{collections::BTreeMap, path::Path};

use intoto_crypto::{CryptoError, PublicKey};
use intoto_model::{GpgPublicKey, KeyId, Layout, LayoutKey, SignedDocument};

use crate::VerifyError;

/// A key the user trusts to have signed the root layout (`--verification-keys` or `--gpg`).
#[derive(Debug, Clone)]
pub enum VerificationKey {
    /// A PEM public key.
    Pem(Box<PublicKey>),
    /// An OpenPGP key exported from a keyring.
    Gpg(GpgPublicKey),
}

impl VerificationKey {
    /// The key id.
    pub fn keyid(&self) -> &KeyId {
        match self {
            VerificationKey::Pem(k) => k.keyid(),
            VerificationKey::Gpg(k) => &k.keyid,
        }
    }
}

impl From<PublicKey> for VerificationKey {
    fn from(key: PublicKey) -> Self {
        VerificationKey::Pem(Box::new(key))
    }
}

impl From<&VerificationKey> for TrustedKey {
    fn from(key: &VerificationKey) -> Self {
        match key {
            VerificationKey::Pem(k) => TrustedKey::Standard(k.clone()),
            VerificationKey::Gpg(k) => TrustedKey::Gpg(Box::new(k.clone())),
        }
    }
}

/// A layout key ready to check signatures.
#[derive(Debug, Clone)]
pub enum TrustedKey {
    /// A securesystemslib key (Ed25519, RSA, ECDSA).
    Standard(Box<PublicKey>),
    /// An OpenPGP key as the reference embeds it (with subkeys).
    Gpg(Box<GpgPublicKey>),
    /// A key this version cannot use.
    Unsupported {
        /// Why it cannot be used.
        reason: String,
    },
}

impl TrustedKey {
    /// Builds a verifier from a layout key.
    pub fn from_layout_key(keyid: &KeyId, key: &LayoutKey) -> Self {
        match key {
            LayoutKey::Standard(record) => {
                // The layout's map key is the key id that signatures carry.
                let mut record = record.clone();
                record.keyid = Some(keyid.clone());
                match PublicKey::from_record(&record) {
                    Ok(k) => TrustedKey::Standard(Box::new(k)),
                    Err(e) => TrustedKey::Unsupported {
                        reason: format!("key {keyid}: {e}"),
                    },
                }
            }
            LayoutKey::Gpg(gpg) => TrustedKey::Gpg(Box::new(gpg.clone())),
        }
    }

    /// Checks that `doc` carries a valid signature by this key at time `now_unix` (OpenPGP
    /// keys expire).
    pub fn verify(&self, doc: &SignedDocument, now_unix: i64) -> Result<(), String> {
        match self {
            TrustedKey::Gpg(key) => match doc {
                SignedDocument::Metablock(mb) => {
                    let now = u64::try_from(now_unix).unwrap_or(0);
                    intoto_crypto::gpg::verify_metablock_gpg_at(mb, key, now)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
                SignedDocument::Envelope(_) => Err(format!(
                    "key {}: OpenPGP signatures in DSSE envelopes are not supported (nor by the reference)",
                    key.keyid
                )),
            },
            TrustedKey::Standard(key) => match doc {
                SignedDocument::Metablock(mb) => intoto_crypto::verify_metablock(mb, key),
                SignedDocument::Envelope(env) => intoto_crypto::verify_envelope(env, key),
            }
            .map_err(|e: CryptoError| e.to_string()),
            TrustedKey::Unsupported { reason, .. } => Err(reason.clone()),
        }
    }

    /// The key id, where the key is usable.
    pub fn keyid(&self) -> Option<&KeyId> {
        match self {
            TrustedKey::Standard(k) => Some(k.keyid()),
            TrustedKey::Gpg(k) => Some(&k.keyid),
            TrustedKey::Unsupported { .. } => None,
        }
    }

    /// Whether two keys are the same key material (listed under two key ids, they must not
    /// count twice toward a threshold).
    pub fn same_material(&self, other: &TrustedKey) -> bool {
        match (self, other) {
            (TrustedKey::Standard(a), TrustedKey::Standard(b)) => a.same_material(b),
            _ => false,
        }
    }
}

/// Checks, at layout load, that every securesystemslib key's id is the id of its content
/// (computed the current or the legacy way, [`intoto_crypto::check_keyid`]). OpenPGP key ids
/// are fingerprints, checked against the signature packets when a signature is verified.
pub fn check_keyids(layout: &Layout, path: &Path) -> Result<(), VerifyError> {
    for (keyid, key) in &layout.keys {
        if let LayoutKey::Standard(record) = key {
            intoto_crypto::check_keyid(keyid, record).map_err(|source| {
                VerifyError::KeyIdMismatch {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        }
    }
    Ok(())
}

/// The layout's keys by key id, with OpenPGP subkeys mapped to their main key.
pub struct LayoutKeys {
    keys: BTreeMap<KeyId, TrustedKey>,
    main_of_subkey: BTreeMap<KeyId, KeyId>,
}

impl LayoutKeys {
    /// Indexes the keys of `layout`.
    pub fn new(layout: &Layout) -> Self {
        let mut keys = BTreeMap::new();
        let mut main_of_subkey = BTreeMap::new();
        for (keyid, key) in &layout.keys {
            keys.insert(keyid.clone(), TrustedKey::from_layout_key(keyid, key));
            if let LayoutKey::Gpg(gpg) = key {
                for sub in gpg.subkeys.iter().flat_map(|s| s.keys()) {
                    main_of_subkey.insert(sub.clone(), keyid.clone());
                }
            }
        }
        LayoutKeys {
            keys,
            main_of_subkey,
        }
    }

    /// The key ids whose link files belong to an authorized key id: itself and its subkeys.
    pub fn file_keyids(&self, authorized: &KeyId) -> Vec<KeyId> {
        let mut ids = vec![authorized.clone()];
        ids.extend(
            self.main_of_subkey
                .iter()
                .filter(|(_, main)| *main == authorized)
                .map(|(sub, _)| sub.clone()),
        );
        ids
    }

    /// The main key id that a link file under `file_keyid` counts for, if `file_keyid` is one
    /// of the step's authorized keys or a subkey of one.
    pub fn main_keyid(&self, file_keyid: &KeyId, authorized: &[KeyId]) -> Option<KeyId> {
        if authorized.contains(file_keyid) {
            return Some(
                self.main_of_subkey
                    .get(file_keyid)
                    .cloned()
                    .unwrap_or_else(|| file_keyid.clone()),
            );
        }
        self.main_of_subkey
            .get(file_keyid)
            .filter(|main| authorized.contains(main))
            .cloned()
    }

    /// The verifier for a main key id.
    pub fn get(&self, keyid: &KeyId) -> Option<&TrustedKey> {
        self.keys.get(keyid)
    }
}
