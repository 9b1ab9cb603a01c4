//! Checking OpenPGP signatures as securesystemslib does: the digest covers the signed data,
//! then `other_headers`, then the v4 trailer `0x04 0xff` and the four-octet length of
//! `other_headers` (RFC 4880 §5.2.4); RSA is PKCS#1 v1.5 over that digest, DSA checks the
//! DER `(r, s)` against it, and EdDSA signs the digest itself as its message.

use intoto_model::{GpgPublicKey, hex};
use rsa::BoxedUint;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use signature::hazmat::PrehashVerifier;

use super::sigpacket::{HASH_SHA1, HASH_SHA256, HASH_SHA512};
use crate::CryptoError;

/// RSA modulus sizes accepted, in bits: from [`MIN_RSA_BITS`](crate::MIN_RSA_BITS), as for
/// every RSA key, to 16384 (GnuPG's largest, in expert mode).
const RSA_BITS: std::ops::RangeInclusive<usize> = crate::MIN_RSA_BITS as usize..=16384;

/// The digest of RFC 4880 §5.2.4 for a v4 signature.
pub(crate) fn digest(
    hash_alg: u8,
    content: &[u8],
    other_headers: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let len = u32::try_from(other_headers.len())
        .map_err(|_| super::packet::malformed("signature headers too long"))?;
    let parts: [&[u8]; 4] = [content, other_headers, &[0x04, 0xff], &len.to_be_bytes()];
    fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }
    match hash_alg {
        HASH_SHA1 => Ok(run::<Sha1>(&parts)),
        HASH_SHA256 => Ok(run::<Sha256>(&parts)),
        HASH_SHA512 => Ok(run::<Sha512>(&parts)),
        other => Err(super::packet::malformed(format!(
            "hash algorithm {other} is not supported (only SHA-1, SHA-256, SHA-512)"
        ))),
    }
}

/// The public key of an OpenPGP key object, ready to verify.
#[derive(Debug, Clone)]
pub(crate) enum Material {
    Rsa(Box<rsa::PublicKey>),
    Dsa(Box<dsa::VerifyingKey>),
    Ed25519(ed25519_dalek::VerifyingKey),
}

fn invalid(keyid: &str, reason: impl std::fmt::Display) -> CryptoError {
    CryptoError::invalid_key(format!("OpenPGP key {keyid}: {reason}"))
}

fn hex_field(public: &Value, name: &str, keyid: &str) -> Result<Vec<u8>, CryptoError> {
    let text = public.get(name).and_then(Value::as_str).ok_or_else(|| {
        invalid(
            keyid,
            format!("keyval.public.{name} is missing or not a string"),
        )
    })?;
    hex::decode(text).map_err(|e| invalid(keyid, format!("keyval.public.{name}: {e}")))
}

fn uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

impl Material {
    /// Reads `keyval.public` of a key object according to its `type`.
    pub(crate) fn from_parts(
        keytype: &str,
        keyval: &Value,
        keyid: &str,
    ) -> Result<Self, CryptoError> {
        let public = keyval
            .get("public")
            .filter(|p| p.is_object())
            .ok_or_else(|| invalid(keyid, "keyval.public is missing or not an object"))?;
        match keytype {
            "rsa" => {
                let n = hex_field(public, "n", keyid)?;
                let e = hex_field(public, "e", keyid)?;
                let n = uint(&n);
                if n.bit_width() < crate::MIN_RSA_BITS {
                    let minimum = crate::MIN_RSA_BITS;
                    return Err(invalid(
                        keyid,
                        format!(
                            "RSA key of {} bits is too small (the minimum is {minimum} bits)",
                            n.bit_width()
                        ),
                    ));
                }
                rsa::PublicKey::new_with_size_limits(n, uint(&e), RSA_BITS)
                    .map(|k| Material::Rsa(Box::new(k)))
                    .map_err(|e| invalid(keyid, format!("RSA public key: {e}")))
            }
            "dsa" => {
                let [p, q, g, y] = ["p", "q", "g", "y"].map(|f| hex_field(public, f, keyid));
                let components = dsa::Components::from_components(uint(&p?), uint(&q?), uint(&g?))
                    .map_err(|_| {
                        invalid(keyid, "DSA parameters are not of a FIPS 186-4 size (1024/160, 2048/224, 2048/256, 3072/256) or are invalid")
                    })?;
                dsa::VerifyingKey::from_components(components, uint(&y?))
                    .map(|k| Material::Dsa(Box::new(k)))
                    .map_err(|_| invalid(keyid, "DSA public value y is invalid"))
            }
            "eddsa" => {
                let q = hex_field(public, "q", keyid)?;
                let bytes = <[u8; 32]>::try_from(q.as_slice())
                    .map_err(|_| invalid(keyid, "Ed25519 point q is not 32 octets"))?;
                ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map(Material::Ed25519)
                    .map_err(|_| invalid(keyid, "Ed25519 point q is not a valid point"))
            }
            other => Err(CryptoError::UnsupportedKeyType {
                keytype: format!("OpenPGP {other}"),
            }),
        }
    }

    /// Reads the material of a layout key object.
    pub(crate) fn from_key(key: &GpgPublicKey) -> Result<Self, CryptoError> {
        Self::from_parts(&key.keytype, &key.keyval, key.keyid.as_str())
    }

    /// Whether `signature` (in the reference's encoding) verifies over `digest`, a digest
    /// made with `hash_alg`.
    pub(crate) fn verify(&self, hash_alg: u8, digest: &[u8], signature: &[u8]) -> bool {
        match self {
            Material::Rsa(k) => {
                let size = rsa::traits::PublicKeyParts::size(k.as_ref());
                if signature.len() > size {
                    return false;
                }
                // GnuPG drops leading zero octets of the MPI; pad back to the modulus size
                // as the reference does.
                let mut padded = vec![0; size - signature.len()];
                padded.extend_from_slice(signature);
                let scheme = match hash_alg {
                    HASH_SHA1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
                    HASH_SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                    HASH_SHA512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                    _ => return false,
                };
                k.verify(scheme, digest, &padded).is_ok()
            }
            Material::Dsa(k) => match dsa::Signature::try_from(signature) {
                Ok(sig) => k.verify_prehash(digest, &sig).is_ok(),
                Err(_) => false,
            },
            Material::Ed25519(k) => match ed25519_dalek::Signature::from_slice(signature) {
                Ok(sig) => signature::Verifier::verify(k, digest, &sig).is_ok(),
                Err(_) => false,
            },
        }
    }
}

/// `creation_time + validity_period` of a key object, when both are present and non-zero
/// (the reference ignores a missing or zero value: such a key never expires).
pub(crate) fn expiry(key: &GpgPublicKey) -> Result<Option<u64>, CryptoError> {
    let number = |name: &str| -> Result<u64, CryptoError> {
        match key.extra.get(name) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v.as_u64().ok_or_else(|| {
                invalid(
                    key.keyid.as_str(),
                    format!("{name} is not a non-negative integer"),
                )
            }),
        }
    };
    let (created, valid) = (number("creation_time")?, number("validity_period")?);
    Ok((created != 0 && valid != 0).then(|| created.saturating_add(valid)))
}

/// `unix` seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub(crate) fn format_unix(unix: u64) -> String {
    let (days, secs) = (unix / 86_400, unix % 86_400);
    // Civil-from-days (H. Hinnant), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(1_510_870_143), "2017-11-16T22:09:03Z");
        assert_eq!(format_unix(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn digest_trailer() {
        let d = digest(HASH_SHA256, b"ab", &[4, 0]).unwrap();
        let expected = Sha256::digest([b'a', b'b', 4, 0, 4, 0xff, 0, 0, 0, 2]);
        assert_eq!(d, expected.to_vec());
        assert!(digest(3, b"", &[]).is_err());
    }

    #[test]
    fn bad_key_material_is_an_error() {
        let kv = serde_json::json!({"public": {"q": "00"}});
        assert!(Material::from_parts("eddsa", &kv, "ab").is_err());
        let kv = serde_json::json!({"public": {"n": "zz", "e": "03"}});
        assert!(Material::from_parts("rsa", &kv, "ab").is_err());
        let kv = serde_json::json!({"public": {"p": "07", "q": "03", "g": "02", "y": "02"}});
        assert!(Material::from_parts("dsa", &kv, "ab").is_err());
        assert!(matches!(
            Material::from_parts("elgamal", &kv, "ab"),
            Err(CryptoError::UnsupportedKeyType { .. })
        ));
    }
}
