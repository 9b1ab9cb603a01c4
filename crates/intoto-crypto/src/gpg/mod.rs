//! OpenPGP (GnuPG) keys and signatures, compatible with securesystemslib's `gpg` module,
//! which in-toto uses for `-g/--gpg` keys.
//!
//! A layout embeds an OpenPGP key as a [`GpgPublicKey`] (`{"keyid", "type", "method",
//! "hashes", "keyval", "creation_time", "validity_period", "subkeys"}`), and a Metablock
//! carries OpenPGP signatures as [`Signature::Gpg`] (`{"keyid", "other_headers",
//! "signature"}`): the issuing (sub)key's fingerprint, the signature packet from its version
//! octet to the end of the hashed subpackets, and the signature value.
//!
//! Verification is pure Rust, with the reference's rules:
//! - the first signature whose key id is the key's or one of its subkeys' is checked; a
//!   subkey signature is checked with that subkey and counts for the primary key;
//! - the checked (sub)key is expired when `creation_time + validity_period` lies in the
//!   past (both present and non-zero); the primary key's expiry does not matter for a
//!   subkey signature, and revocations are not recorded in key objects, so not checked;
//! - the digest is always SHA-256 over the canonical JSON of `signed`, `other_headers` and
//!   the v4 trailer, whatever hash algorithm `other_headers` names (the reference signs with
//!   `--digest-algo SHA256`).
//!
//! With the `gpg-export` feature, [`GpgProgram`] runs the `gpg` program to export keys
//! ([`GpgProgram::export_pubkey`]) and to sign ([`GpgProgram::sign`], [`sign_metablock_gpg`]).
//!
//! ```
//! use intoto_crypto::gpg::verify_metablock_gpg;
//! # fn check(mb: &intoto_model::Metablock, key: &intoto_model::GpgPublicKey) {
//! match verify_metablock_gpg(mb, key) {
//!     Ok(signer) => println!("signed by {signer}"),
//!     Err(e) => println!("rejected: {e}"),
//! }
//! # }
//! ```

mod bundle;
#[cfg(feature = "gpg-export")]
mod command;
mod packet;
mod pubkey;
mod sigpacket;
mod verify;

use std::time::{SystemTime, UNIX_EPOCH};

use intoto_model::{GpgPublicKey, KeyId, Metablock, Signature, hex};

pub use bundle::parse_gpg_key_bundle;
#[cfg(feature = "gpg-export")]
pub use command::{GpgProgram, sign_metablock_gpg};

use crate::CryptoError;
use sigpacket::{HASH_SHA256, SIG_BINARY, parse_signature_packet};
use verify::{Material, digest, expiry, format_unix};

/// Whether `keyid` is the key's own id or one of its subkeys' ids.
pub fn gpg_key_has_id(key: &GpgPublicKey, keyid: &KeyId) -> bool {
    key.keyid == *keyid || key.subkeys.as_ref().is_some_and(|s| s.contains_key(keyid))
}

/// Checks that `mb` carries a signature by `key` or one of its subkeys that verifies over
/// the canonical JSON of `signed`, at the current time. Returns the id of the (sub)key that
/// signed.
pub fn verify_metablock_gpg(mb: &Metablock, key: &GpgPublicKey) -> Result<KeyId, CryptoError> {
    verify_metablock_gpg_at(mb, key, unix_now())
}

/// [`verify_metablock_gpg`] at `now` (seconds since the Unix epoch).
pub fn verify_metablock_gpg_at(
    mb: &Metablock,
    key: &GpgPublicKey,
    now: u64,
) -> Result<KeyId, CryptoError> {
    let sig = mb
        .signatures
        .iter()
        .find(|s| gpg_key_has_id(key, s.keyid()))
        .ok_or_else(|| CryptoError::GpgNoSignature {
            keyid: key.keyid.clone(),
            found: mb.signatures.iter().map(|s| s.keyid().clone()).collect(),
        })?;
    verify_gpg_signature_at(sig, key, &mb.signed_bytes()?, now)?;
    Ok(sig.keyid().clone())
}

/// Checks one OpenPGP signature over `content` with `key`, or with its subkey when the
/// signature names one, at `now` (seconds since the Unix epoch).
pub fn verify_gpg_signature_at(
    sig: &Signature,
    key: &GpgPublicKey,
    content: &[u8],
    now: u64,
) -> Result<(), CryptoError> {
    let Signature::Gpg {
        keyid,
        signature,
        other_headers,
    } = sig
    else {
        return Err(CryptoError::MalformedSignature {
            keyid: sig.keyid().clone(),
            reason: format!(
                "a securesystemslib signature cannot be checked with OpenPGP key {}",
                key.keyid
            ),
        });
    };
    let signer = if *keyid == key.keyid {
        key
    } else {
        key.subkeys
            .as_ref()
            .and_then(|s| s.get(keyid))
            .ok_or_else(|| CryptoError::GpgNoSignature {
                keyid: key.keyid.clone(),
                found: vec![keyid.clone()],
            })?
    };
    if let Some(end) = expiry(signer)?
        && end < now
    {
        return Err(CryptoError::GpgKeyExpired {
            keyid: signer.keyid.clone(),
            primary: key.keyid.clone(),
            expired: format_unix(end),
        });
    }
    let malformed = |what: &str, e: hex::HexError| CryptoError::MalformedSignature {
        keyid: keyid.clone(),
        reason: format!("{what} is not hex: {e}"),
    };
    let headers = hex::decode(other_headers).map_err(|e| malformed("other_headers", e))?;
    let value = hex::decode(signature).map_err(|e| malformed("signature", e))?;
    let material = Material::from_key(signer)?;
    let d = digest(HASH_SHA256, content, &headers)?;
    if material.verify(HASH_SHA256, &d, &value) {
        Ok(())
    } else {
        Err(CryptoError::BadSignature {
            keyid: keyid.clone(),
        })
    }
}

/// Reads the output of `gpg --detach-sign --digest-algo SHA256` (a binary v4 signature
/// packet over a binary document, SHA-256) into the reference's signature object.
pub fn parse_gpg_signature(detached: &[u8]) -> Result<Signature, CryptoError> {
    let sig = parse_signature_packet(detached, &[SIG_BINARY], &[HASH_SHA256])?;
    if sig.keyid.is_empty() {
        return Err(CryptoError::GpgPacket {
            reason: format!(
                "signature by {} has no Issuer Fingerprint subpacket (gpg older than 2.1?)",
                sig.short_keyid
            ),
        });
    }
    let keyid = KeyId::new(sig.keyid).map_err(|e| CryptoError::GpgPacket {
        reason: e.to_string(),
    })?;
    Ok(Signature::Gpg {
        keyid,
        signature: hex::encode(&sig.signature),
        other_headers: hex::encode(&sig.other_headers),
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
