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

/// Checks that `env` carries a signature by `key` that verifies over PAE. Signatures whose
/// key id is `key`'s are tried, then (DSSE makes the key id an optional hint) signatures with
/// no key id. One valid signature suffices; otherwise the first failure is reported.
pub fn verify_envelope(env: &Envelope, key: &PublicKey) -> Result<(), CryptoError> {
    let named = env
        .signatures
        .iter()
        .filter(|s| s.keyid.as_ref() == Some(key.keyid()));
    let anonymous = env.signatures.iter().filter(|s| s.keyid.is_none());
    let message = env.pae();
    let mut first_error = None;
    for sig in named.chain(anonymous) {
        match key.verify(&message, &sig.sig) {
            Ok(()) => return Ok(()),
            // A signature without key id that fails was probably someone else's.
            Err(e) if sig.keyid.is_some() => {
                first_error.get_or_insert(e);
            }
            Err(_) => {}
        }
    }
    Err(first_error.unwrap_or(CryptoError::NoSignatureForKey {
        keyid: key.keyid().clone(),
    }))
}
