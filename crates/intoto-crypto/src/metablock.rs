//! Signing and verifying classic [`Metablock`]s: hex signatures over the canonical JSON of
//! `signed`.

use intoto_model::{Metablock, Signature, hex};

use crate::{CryptoError, PrivateKey, PublicKey};

/// Signs `mb` with `key`: replaces an existing signature by the same key id, else appends one.
/// The signature is lowercase hex, as securesystemslib writes it.
pub fn sign_metablock(mb: &mut Metablock, key: &PrivateKey) -> Result<(), CryptoError> {
    let sig = hex::encode(&key.sign(&mb.signed_bytes()?)?);
    let new = Signature::Standard {
        keyid: key.keyid().clone(),
        sig,
        cert: None,
    };
    match mb.signatures.iter_mut().find(|s| s.keyid() == key.keyid()) {
        Some(existing) => *existing = new,
        None => mb.signatures.push(new),
    }
    Ok(())
}

/// Checks that `mb` carries a signature by `key` that verifies over the canonical JSON of
/// `signed` as received. As in the reference, only the *first* signature whose key id is
/// `key`'s is checked: a later duplicate cannot rescue a bad first one. A key loaded from a
/// PEM file also finds its signature under its legacy key id ([`PublicKey::keyids`]), as
/// in-toto-golang signs.
pub fn verify_metablock(mb: &Metablock, key: &PublicKey) -> Result<(), CryptoError> {
    let sig = mb
        .signatures
        .iter()
        .find(|s| key.answers_to(s.keyid()))
        .ok_or_else(|| CryptoError::NoSignatureForKey {
            keyid: key.keyid().clone(),
        })?;
    let message = mb.signed_bytes()?;
    match sig {
        Signature::Standard { sig, .. } => {
            let bytes = hex::decode(sig).map_err(|e| CryptoError::MalformedSignature {
                keyid: key.keyid().clone(),
                reason: format!("sig is not hex: {e}"),
            })?;
            key.verify(&message, &bytes)
        }
        Signature::Gpg { .. } => Err(CryptoError::MalformedSignature {
            keyid: key.keyid().clone(),
            reason: format!(
                "an OpenPGP signature cannot be checked with a {} key",
                key.keytype()
            ),
        }),
    }
}
