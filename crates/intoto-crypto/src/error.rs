//! The error type of this crate.

use intoto_model::{KeyId, ModelError};

/// Why a key could not be loaded or a signature could not be made or checked.
///
/// Every variant names the key, signature, scheme or encryption it is about, so a caller can
/// both match on it and print it as the reason for a failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The metadata carries no signature by this key.
    #[error("no signature by key {keyid}")]
    NoSignatureForKey {
        /// The key that was expected to have signed.
        keyid: KeyId,
    },
    /// The key type, scheme and key material do not belong together (e.g. an ed25519 key with
    /// an RSA scheme, a P-256 key with `ecdsa-sha2-nistp384`).
    #[error("key {keyid}: scheme {scheme:?} does not fit keytype {keytype:?}: {reason}")]
    SchemeMismatch {
        /// The key (as written or computed).
        keyid: String,
        /// Its keytype.
        keytype: String,
        /// Its scheme.
        scheme: String,
        /// What does not fit.
        reason: String,
    },
    /// Several signatures of a DSSE envelope claim the key (the reference refuses such
    /// envelopes).
    #[error("more than one signature claims key {keyid}")]
    DuplicateSignature {
        /// The key id claimed more than once.
        keyid: KeyId,
    },
    /// A signature by the key was found but does not verify over the signed bytes.
    #[error("signature by key {keyid} does not verify")]
    BadSignature {
        /// The key that should have made the signature.
        keyid: KeyId,
    },
    /// A signature by the key cannot even be decoded (bad hex, wrong length, not DER, ...).
    #[error("signature by key {keyid} is malformed: {reason}")]
    MalformedSignature {
        /// The key the signature claims.
        keyid: KeyId,
        /// What is wrong with it.
        reason: String,
    },
    /// A key type this implementation does not support (e.g. P-521, secp256k1, OpenPGP).
    #[error("unsupported key type {keytype:?}")]
    UnsupportedKeyType {
        /// The key type, as written or as found in the key material.
        keytype: String,
    },
    /// A signature scheme this implementation does not support.
    #[error("unsupported signature scheme {scheme:?}")]
    UnsupportedScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// The key material cannot be read.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What is wrong with it.
        reason: String,
    },
    /// An RSA key smaller than [`MIN_RSA_BITS`](crate::MIN_RSA_BITS).
    #[error("RSA key of {bits} bits is too small (the minimum is {minimum} bits)")]
    KeyTooSmall {
        /// Size of the modulus.
        bits: u32,
        /// The minimum.
        minimum: u32,
    },
    /// A layout's key id is neither the current nor the legacy key id of the key object it
    /// names, so the id and the key material disagree.
    #[error(
        "key {keyid}: the key id does not match the key (its key id is {computed}, or {legacy} computed the legacy way)"
    )]
    KeyIdMismatch {
        /// The key id as written.
        keyid: KeyId,
        /// The key id computed the current way.
        computed: KeyId,
        /// The key id computed the legacy way (with `keyid_hash_algorithms`).
        legacy: KeyId,
    },
    /// The private key is encrypted and no password was given.
    #[error("the private key is encrypted: a password is required")]
    EncryptedKeyNeedsPassword,
    /// The private key could not be decrypted with the given password.
    #[error("wrong password for the encrypted private key")]
    WrongPassword,
    /// The private key is encrypted with a scheme this implementation cannot decrypt.
    #[error("unsupported private key encryption {scheme}")]
    UnsupportedEncryption {
        /// Name or OID of the encryption scheme.
        scheme: String,
    },
    /// The signed content cannot be serialized to the bytes to sign (e.g. it holds a float).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Creating a key or signature failed (random number generator, key too small for the
    /// digest, ...).
    #[error("signing with key {keyid} failed: {reason}")]
    SigningFailed {
        /// The signing key.
        keyid: KeyId,
        /// Why.
        reason: String,
    },
    /// Generating or encrypting a key failed.
    #[error("key generation or encryption failed: {reason}")]
    KeyGeneration {
        /// Why.
        reason: String,
    },
    /// No signature of the metadata is by the OpenPGP key or one of its subkeys (e.g. it was
    /// made by a subkey the key object does not list).
    #[error("no signature by OpenPGP key {keyid} or its subkeys (signatures are by: {})", list(.found))]
    GpgNoSignature {
        /// The primary key's fingerprint.
        keyid: KeyId,
        /// The key ids the signatures claim.
        found: Vec<KeyId>,
    },
    /// The OpenPGP (sub)key that made the signature has expired (`creation_time +
    /// validity_period` lies in the past).
    #[error("OpenPGP key {keyid} (of primary key {primary}) expired at {expired}")]
    GpgKeyExpired {
        /// The expired (sub)key.
        keyid: KeyId,
        /// Its primary key (the same as `keyid` for a primary-key signature).
        primary: KeyId,
        /// When it expired (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
        expired: String,
    },
    /// OpenPGP packet data (an exported key or a signature made by gpg) cannot be read.
    #[error("malformed OpenPGP data: {reason}")]
    GpgPacket {
        /// What is wrong with it.
        reason: String,
    },
    /// The exported OpenPGP data holds no key or verified subkey with this id.
    #[error("OpenPGP key {keyid} not found in the exported key data")]
    GpgKeyNotFound {
        /// The key id that was asked for.
        keyid: String,
    },
    /// Running the `gpg` program failed.
    #[error("`{command}` failed: {reason}")]
    GpgCommand {
        /// The command line.
        command: String,
        /// Why (exit status and stderr, timeout, ...).
        reason: String,
    },
}

fn list(ids: &[KeyId]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter().map(KeyId::as_str).collect::<Vec<_>>().join(", ")
}

impl CryptoError {
    pub(crate) fn invalid_key(reason: impl Into<String>) -> Self {
        CryptoError::InvalidKey {
            reason: reason.into(),
        }
    }
}
