//! Version 4 public-key packets (RFC 4880 §5.5.2) turned into the reference's key objects
//! (`{"keyid", "type", "method", "hashes", "creation_time", "keyval": {"public", "private"}}`),
//! as securesystemslib's `parse_pubkey_payload` builds them.

use intoto_model::hex;
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use super::packet::{Reader, malformed};
use super::sigpacket::{ALG_DSA, ALG_EDDSA, ALG_RSA};
use crate::CryptoError;

/// The `hashes` entry the reference writes for every OpenPGP key.
pub(crate) const HASHES: &str = "pgp+SHA2";
/// The curve OID of Ed25519 keys (RFC 4880bis §9.2).
const ED25519_OID: [u8; 9] = [0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01];

/// `(type, method)` of a public-key algorithm, or `None` if the reference does not support it.
pub(crate) fn algorithm_names(alg: u8) -> Option<(&'static str, &'static str)> {
    match alg {
        ALG_RSA => Some(("rsa", "pgp+rsa-pkcsv1.5")),
        ALG_DSA => Some(("dsa", "pgp+dsa-fips-180-2")),
        ALG_EDDSA => Some(("eddsa", "pgp+eddsa-ed25519")),
        _ => None,
    }
}

/// The v4 fingerprint: SHA-1 over `0x99`, the two-octet body length and the body.
pub(crate) fn fingerprint(body: &[u8]) -> Result<String, CryptoError> {
    let len = u16::try_from(body.len())
        .map_err(|_| malformed("public key packet longer than 65535 octets"))?;
    let mut h = Sha1::new();
    h.update([0x99]);
    h.update(len.to_be_bytes());
    h.update(body);
    Ok(hex::encode(&h.finalize()))
}

/// Parses a public-key (or public-subkey) packet body into a key object.
pub(crate) fn parse_pubkey_payload(body: &[u8]) -> Result<Map<String, Value>, CryptoError> {
    let mut r = Reader::new(body);
    let version = r.u8()?;
    if version != 4 {
        return Err(malformed(format!(
            "public key packet version {version} is not supported (only 4)"
        )));
    }
    let creation_time = r.u32()?;
    let alg = r.u8()?;
    let (keytype, method) = algorithm_names(alg).ok_or_else(|| {
        malformed(format!(
            "public key algorithm {alg} is not supported (only RSA, DSA and EdDSA/Ed25519)"
        ))
    })?;
    let public = match alg {
        ALG_RSA => {
            let n = r.mpi("RSA n")?;
            let e = r.mpi("RSA e")?;
            json!({"e": hex::encode(e), "n": hex::encode(n)})
        }
        ALG_DSA => {
            let p = r.mpi("DSA p")?;
            let q = r.mpi("DSA q")?;
            let g = r.mpi("DSA g")?;
            let y = r.mpi("DSA y")?;
            json!({"g": hex::encode(g), "p": hex::encode(p), "q": hex::encode(q), "y": hex::encode(y)})
        }
        _ => json!({"q": hex::encode(ed25519_point(&mut r)?)}),
    };
    let mut key = Map::new();
    key.insert("method".into(), method.into());
    key.insert("type".into(), keytype.into());
    key.insert("hashes".into(), json!([HASHES]));
    key.insert("creation_time".into(), creation_time.into());
    key.insert("keyid".into(), fingerprint(body)?.into());
    key.insert("keyval".into(), json!({"private": "", "public": public}));
    Ok(key)
}

/// The 32-octet Ed25519 point: curve OID, then an MPI of 263 bits holding `0x40 || point`.
fn ed25519_point<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], CryptoError> {
    let oid_len = usize::from(r.u8()?);
    let oid = r.take(oid_len)?;
    if oid != ED25519_OID {
        return Err(malformed(format!(
            "EdDSA curve OID {} is not Ed25519",
            hex::encode(oid)
        )));
    }
    let point = r.mpi("EdDSA point")?;
    match point.split_first() {
        Some((0x40, q)) if q.len() == 32 => Ok(q),
        _ => Err(malformed("EdDSA point is not 0x40 followed by 32 octets")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_key() {
        let mut body = vec![4, 0x5a, 0, 0, 1, ALG_EDDSA, 9];
        body.extend(ED25519_OID);
        body.extend([1, 7, 0x40]);
        body.extend([0xee; 32]);
        let key = parse_pubkey_payload(&body).unwrap();
        assert_eq!(key["keyval"]["public"]["q"], "ee".repeat(32));
        assert_eq!(key["creation_time"], 0x5a000001u32);
        assert_eq!(key["method"], "pgp+eddsa-ed25519");
        assert_eq!(key["keyid"].as_str().unwrap().len(), 40);
        // Wrong prefix, wrong curve, unsupported algorithm, version 3.
        let mut bad = body.clone();
        bad[18] = 0x41;
        assert!(parse_pubkey_payload(&bad).is_err());
        let mut bad = body.clone();
        bad[15] = 0x02;
        assert!(parse_pubkey_payload(&bad).is_err());
        let mut bad = body.clone();
        bad[5] = 18;
        assert!(parse_pubkey_payload(&bad).is_err());
        bad[0] = 3;
        assert!(parse_pubkey_payload(&bad).is_err());
        assert!(parse_pubkey_payload(&body[..20]).is_err());
    }
}
