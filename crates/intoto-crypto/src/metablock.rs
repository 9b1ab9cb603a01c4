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
    };
    match mb.signatures.iter_mut().find(|s| s.keyid() == key.keyid()) {
        Some(existing) => *existing = new,
        None => mb.signatures.push(new),
    }
    Ok(())
}

/// Checks that `mb` carries a signature by `key` (matched by key id) that verifies over
/// the canonical JSON of `signed` as received. If several signatures claim the key id, one
/// valid signature suffices; otherwise the first failure is reported.
pub fn verify_metablock(mb: &Metablock, key: &PublicKey) -> Result<(), CryptoError> {
    let candidates: Vec<&Signature> = mb
        .signatures
        .iter()
        .filter(|s| s.keyid() == key.keyid())
        .collect();
    if candidates.is_empty() {
        return Err(CryptoError::NoSignatureForKey {
            keyid: key.keyid().clone(),
        });
    }
    let message = mb.signed_bytes()?;
    let mut first_error = None;
    for sig in candidates {
        let result = match sig {
            Signature::Standard { sig, .. } => match hex::decode(sig) {
                Ok(bytes) => key.verify(&message, &bytes),
                Err(e) => Err(CryptoError::MalformedSignature {
                    keyid: key.keyid().clone(),
                    reason: format!("sig is not hex: {e}"),
                }),
            },
            Signature::Gpg { .. } => Err(CryptoError::MalformedSignature {
                keyid: key.keyid().clone(),
                reason: format!(
                    "an OpenPGP signature cannot be checked with a {} key",
                    key.keytype()
                ),
            }),
        };
        match result {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(CryptoError::NoSignatureForKey {
        keyid: key.keyid().clone(),
    }))
}
