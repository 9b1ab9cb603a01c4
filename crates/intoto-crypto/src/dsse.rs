//! Signing and verifying DSSE [`Envelope`]s: signatures over the pre-authentication encoding
//! of the payload type and the payload bytes as received.

use intoto_model::{Envelope, EnvelopeSignature};

use crate::{CryptoError, PrivateKey, PublicKey};

/// Signs `env` with `key` over PAE(payloadType, payload): replaces an existing signature by
/// the same key id, else appends one.
pub fn sign_envelope(env: &mut Envelope, key: &PrivateKey) -> Result<(), CryptoError> {
    let sig = key.sign(&env.pae())?;
    let new = EnvelopeSignature {
        keyid: Some(key.keyid().clone()),
        sig,
    };
    match env
        .signatures
        .iter_mut()
        .find(|s| s.keyid.as_ref() == Some(key.keyid()))
    {
        Some(existing) => *existing = new,
        None => env.signatures.push(new),
    }
    Ok(())
}

/// Checks that `env` carries a signature by `key` (matched by key id) that verifies over PAE.
/// As in the reference (securesystemslib `Envelope`), two signatures claiming the same key id
/// are an error, and signatures without a key id are not tried. A key loaded from a PEM file
/// also finds its signature under its legacy key id ([`PublicKey::keyids`]); two signatures
/// under two ids of the one key count as claiming it twice.
pub fn verify_envelope(env: &Envelope, key: &PublicKey) -> Result<(), CryptoError> {
    let mut named = env
        .signatures
        .iter()
        .filter(|s| s.keyid.as_ref().is_some_and(|id| key.answers_to(id)));
    let sig = named.next().ok_or_else(|| CryptoError::NoSignatureForKey {
        keyid: key.keyid().clone(),
    })?;
    if named.next().is_some() {
        return Err(CryptoError::DuplicateSignature {
            keyid: key.keyid().clone(),
        });
    }
    key.verify(&env.pae(), &sig.sig)
}
