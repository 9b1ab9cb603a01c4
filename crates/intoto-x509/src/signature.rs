//! Signatures that carry their signer's certificate (ITE-7): which scheme the key id commits
//! to, checking such a signature on a Metablock, and attaching a certificate when signing.

use intoto_crypto::{KeyType, PrivateKey, PublicKey, Scheme, keyid_of, legacy_keyid_of};
use intoto_model::{KeyId, Metablock, Signature, hex};

use crate::{Certificate, X509Error};

/// The `keyid_hash_algorithms` in-toto-golang (and securesystemslib < 1.0) hash into key ids.
const LEGACY_HASH_ALGORITHMS: [&str; 2] = ["sha256", "sha512"];

/// The certificate's key with the scheme `keyid` commits to.
///
/// A certificate names no scheme, so the key id decides: it must be the key id of the
/// certificate's key under some scheme of its key type, computed the current way or the legacy
/// way (in-toto-golang's, `keyid_hash_algorithms` `["sha256", "sha512"]`), from the public key
/// PEM with or without its final newline (Go trims it). Anything else is refused: a signature
/// must not claim a key id that does not commit to the key that checks it.
pub fn key_for_keyid(cert: &Certificate, keyid: &KeyId) -> Result<PublicKey, X509Error> {
    let key = cert.public_key();
    let public = &key.record().keyval.public;
    let publics = [public.as_str(), public.trim_end()];
    let algs = LEGACY_HASH_ALGORITHMS.map(String::from);
    for scheme in Scheme::ALL
        .into_iter()
        .filter(|s| s.key_type() == key.key_type())
    {
        let mut keytypes = vec![key.keytype()];
        if matches!(key.key_type(), KeyType::EcdsaP256 | KeyType::EcdsaP384) {
            keytypes.push(scheme.as_str()); // securesystemslib's old ECDSA keytypes
        }
        for keytype in keytypes {
            for public in publics {
                if keyid_of(keytype, scheme.as_str(), public) == *keyid
                    || legacy_keyid_of(keytype, scheme.as_str(), public, &algs) == *keyid
                {
                    return key.with_scheme(scheme).map_err(|source| X509Error::Key {
                        subject: cert.subject().to_string(),
                        source: Box::new(source),
                    });
                }
            }
        }
    }
    Err(X509Error::KeyIdNotOfCertificate {
        keyid: keyid.clone(),
        subject: cert.subject().to_string(),
    })
}

/// The key id in-toto-golang gives the certificate's key, and so expects on a signature that
/// carries the certificate: the legacy derivation (`keyid_hash_algorithms` `["sha256",
/// "sha512"]`) with the default scheme of the key's type, over the public key PEM without its
/// final newline. Signing with `--cert` uses it, so that in-toto-golang verifies our links.
pub fn go_keyid(cert: &Certificate) -> KeyId {
    let key = cert.public_key();
    let algs = LEGACY_HASH_ALGORITHMS.map(String::from);
    legacy_keyid_of(
        key.keytype(),
        key.scheme(),
        key.record().keyval.public.trim_end(),
        &algs,
    )
}

/// Checks `signature` (one of `mb`'s) with `cert`'s key: the key id must commit to the key
/// ([`key_for_keyid`]) and the signature must verify over the canonical JSON of `signed`.
/// The chain and the constraints are checked separately.
pub fn verify_certified_signature(
    mb: &Metablock,
    signature: &Signature,
    cert: &Certificate,
) -> Result<(), X509Error> {
    let wrap = |source| X509Error::Signature {
        subject: cert.subject().to_string(),
        source: Box::new(source),
    };
    let key = key_for_keyid(cert, signature.keyid())?;
    cert.check_signing_usage()?;
    let Signature::Standard { sig, .. } = signature else {
        return Err(wrap(intoto_crypto::CryptoError::MalformedSignature {
            keyid: signature.keyid().clone(),
            reason: "an OpenPGP signature cannot carry a certificate".into(),
        }));
    };
    let bytes = hex::decode(sig).map_err(|e| {
        wrap(intoto_crypto::CryptoError::MalformedSignature {
            keyid: signature.keyid().clone(),
            reason: format!("sig is not hex: {e}"),
        })
    })?;
    let message = mb.signed_bytes().map_err(|e| {
        wrap(intoto_crypto::CryptoError::MalformedSignature {
            keyid: signature.keyid().clone(),
            reason: e.to_string(),
        })
    })?;
    key.verify(&message, &bytes).map_err(wrap)
}

/// Checks that `key` is the private half of `cert`'s key (before signing with both).
pub fn check_key_matches(cert: &Certificate, key: &PrivateKey) -> Result<(), X509Error> {
    if cert.public_key().same_material(key.public_key()) {
        Ok(())
    } else {
        Err(X509Error::KeyNotOfCertificate {
            keyid: key.keyid().clone(),
            subject: cert.subject().to_string(),
        })
    }
}

/// Sets `cert` (PEM) on `mb`'s signatures by `keyid`, as in-toto-golang writes it.
pub fn attach_certificate(mb: &mut Metablock, keyid: &KeyId, cert: &Certificate) {
    for s in &mut mb.signatures {
        if let Signature::Standard {
            keyid: k,
            cert: slot,
            ..
        } = s
            && k == keyid
        {
            *slot = Some(cert.to_pem());
        }
    }
}
