//! Version 4 signature packets (RFC 4880 §5.2.3), parsed as securesystemslib's
//! `parse_signature_packet` does: which signature types and hash algorithms are allowed is
//! the caller's choice, the issuer comes from the Issuer Fingerprint (33) or Issuer (16)
//! subpacket, and `other_headers` is everything from the version octet to the end of the
//! hashed subpackets (the part RFC 4880 §5.2.4 hashes after the data).

use std::collections::BTreeMap;

use intoto_model::hex;

use super::packet::{Reader, TAG_SIGNATURE, malformed, read_packet, read_subpackets};
use crate::CryptoError;

/// Public-key algorithms the reference supports (RFC 4880 §9.1, EdDSA from RFC 4880bis).
pub(crate) const ALG_RSA: u8 = 1;
pub(crate) const ALG_DSA: u8 = 17;
pub(crate) const ALG_EDDSA: u8 = 22;

/// Hash algorithms (RFC 4880 §9.4).
pub(crate) const HASH_SHA1: u8 = 2;
pub(crate) const HASH_SHA256: u8 = 8;
pub(crate) const HASH_SHA512: u8 = 10;

/// Signature types (RFC 4880 §5.2.1).
pub(crate) const SIG_BINARY: u8 = 0x00;
pub(crate) const SIG_SUBKEY_BINDING: u8 = 0x18;
pub(crate) const SIG_CERTIFICATIONS: [u8; 4] = [0x10, 0x11, 0x12, 0x13];

/// Subpacket types (RFC 4880 §5.2.3.1, Issuer Fingerprint from RFC 4880bis).
pub(crate) const SUB_CREATION_TIME: u8 = 2;
pub(crate) const SUB_KEY_EXPIRATION: u8 = 9;
pub(crate) const SUB_ISSUER: u8 = 16;
pub(crate) const SUB_PRIMARY_USER_ID: u8 = 25;
pub(crate) const SUB_ISSUER_FINGERPRINT: u8 = 33;

/// A parsed signature packet.
#[derive(Debug, Clone)]
pub(crate) struct SigPacket {
    /// Hash algorithm octet.
    pub hash_alg: u8,
    /// Version octet to the end of the hashed subpackets.
    pub other_headers: Vec<u8>,
    /// Issuer fingerprint (lowercase hex), empty when the packet has none.
    pub keyid: String,
    /// Issuer key id (lowercase hex), empty when the packet has none.
    pub short_keyid: String,
    /// Signature creation time.
    pub creation_time: u32,
    /// Subpackets by type; a hashed one wins over an unhashed one, a later over an earlier.
    pub subpackets: BTreeMap<u8, Vec<u8>>,
    /// The signature in the reference's encoding: RSA `s` as octets, DSA `(r, s)` as DER,
    /// EdDSA `R || S` (each left-padded to 32 octets).
    pub signature: Vec<u8>,
}

impl SigPacket {
    /// The issuer: the fingerprint if known, else the short key id.
    pub(crate) fn issuer(&self) -> &str {
        if self.keyid.is_empty() {
            &self.short_keyid
        } else {
            &self.keyid
        }
    }
}

/// Parses the signature packet at the start of `data`; anything after it is ignored, as in
/// the reference.
pub(crate) fn parse_signature_packet(
    data: &[u8],
    allowed_types: &[u8],
    allowed_hashes: &[u8],
) -> Result<SigPacket, CryptoError> {
    let packet = read_packet(data)?;
    if packet.tag != TAG_SIGNATURE {
        return Err(malformed(format!(
            "expected a signature packet (type 2), got type {}",
            packet.tag
        )));
    }
    let mut r = Reader::new(packet.body);
    let version = r.u8()?;
    if version != 4 {
        return Err(malformed(format!(
            "signature packet version {version} is not supported (only 4)"
        )));
    }
    let sig_type = r.u8()?;
    if !allowed_types.contains(&sig_type) {
        return Err(malformed(format!(
            "signature type {sig_type:#04x} is not allowed here (allowed: {allowed_types:02x?})"
        )));
    }
    let pubkey_alg = r.u8()?;
    if ![ALG_RSA, ALG_DSA, ALG_EDDSA].contains(&pubkey_alg) {
        return Err(malformed(format!(
            "signature algorithm {pubkey_alg} is not supported (only RSA, DSA and EdDSA)"
        )));
    }
    let hash_alg = r.u8()?;
    if !allowed_hashes.contains(&hash_alg) {
        return Err(malformed(format!(
            "hash algorithm {hash_alg} is not allowed here (allowed: {allowed_hashes:?})"
        )));
    }
    let hashed_len = usize::from(r.u16()?);
    let hashed = r.take(hashed_len)?;
    let other_headers = packet.body[..r.position()].to_vec();
    let unhashed_len = usize::from(r.u16()?);
    let unhashed = r.take(unhashed_len)?;

    let mut sig = SigPacket {
        hash_alg,
        other_headers,
        keyid: String::new(),
        short_keyid: String::new(),
        creation_time: 0,
        subpackets: BTreeMap::new(),
        signature: Vec::new(),
    };
    // Unhashed first, so that hashed subpackets win (RFC 4880 §5.2.4.1: the last one).
    for (kind, body) in read_subpackets(unhashed)?
        .into_iter()
        .chain(read_subpackets(hashed)?)
    {
        match kind {
            SUB_ISSUER_FINGERPRINT => sig.keyid = hex::encode(body.get(1..).unwrap_or(&[])),
            SUB_ISSUER => sig.short_keyid = hex::encode(body),
            SUB_CREATION_TIME => sig.creation_time = be_u32(body, "signature creation time")?,
            _ => {}
        }
        sig.subpackets.insert(kind, body.to_vec());
    }
    if sig.keyid.is_empty() && sig.short_keyid.is_empty() {
        return Err(malformed(
            "signature has neither an Issuer nor an Issuer Fingerprint subpacket",
        ));
    }
    if !sig.keyid.is_empty() && !sig.keyid.ends_with(&sig.short_keyid) {
        return Err(malformed(format!(
            "Issuer {} does not match Issuer Fingerprint {}",
            sig.short_keyid, sig.keyid
        )));
    }
    if sig.creation_time == 0 {
        return Err(malformed(
            "signature has no Signature Creation Time subpacket",
        ));
    }
    // The left 16 bits of the hash.
    r.take(2)?;
    sig.signature = match pubkey_alg {
        ALG_RSA => r.mpi("RSA signature")?.to_vec(),
        ALG_DSA => {
            let (sr, ss) = (r.mpi("DSA r")?, r.mpi("DSA s")?);
            der_dss_signature(sr, ss)
        }
        _ => {
            let (sr, ss) = (r.mpi("EdDSA R")?, r.mpi("EdDSA S")?);
            let mut out = left_pad(sr, 32);
            out.extend(left_pad(ss, 32));
            out
        }
    };
    Ok(sig)
}

/// A four-octet big-endian number that must be exactly four octets.
pub(crate) fn be_u32(body: &[u8], what: &str) -> Result<u32, CryptoError> {
    <[u8; 4]>::try_from(body)
        .map(u32::from_be_bytes)
        .map_err(|_| malformed(format!("{what} subpacket has {} octets, not 4", body.len())))
}

fn left_pad(bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0; len.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    out
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` of two unsigned big-endian integers.
pub(crate) fn der_dss_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut body = der_uint(r);
    body.extend(der_uint(s));
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => &[0],
    };
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_some_and(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    let mut out = vec![0x02];
    out.extend(der_len(content.len()));
    out.extend(content);
    out
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes = len.to_be_bytes();
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    let mut out = vec![0x80 | (bytes.len() - first) as u8];
    out.extend_from_slice(&bytes[first..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(body: &[u8]) -> Vec<u8> {
        let mut p = vec![0xc2, body.len() as u8];
        p.extend_from_slice(body);
        p
    }

    fn body(hashed: &[u8], unhashed: &[u8], mpis: &[u8]) -> Vec<u8> {
        let mut b = vec![4, 0, ALG_EDDSA, HASH_SHA256, 0, hashed.len() as u8];
        b.extend_from_slice(hashed);
        b.extend([0, unhashed.len() as u8]);
        b.extend_from_slice(unhashed);
        b.extend([0xab, 0xcd]);
        b.extend_from_slice(mpis);
        b
    }

    const CREATED: [u8; 6] = [5, 2, 0x5a, 0x25, 0xa3, 0x28];

    #[test]
    fn parses_issuer_and_headers() {
        let mut hashed = CREATED.to_vec();
        hashed.extend([22, 33, 4]);
        hashed.extend([0x11; 20]);
        let unhashed = [9, 16, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11];
        let b = body(&hashed, &unhashed, &[0, 8, 0xff, 0, 1, 0x01]);
        let sig = parse_signature_packet(&packet(&b), &[SIG_BINARY], &[HASH_SHA256]).unwrap();
        assert_eq!(sig.keyid, "11".repeat(20));
        assert_eq!(sig.short_keyid, "11".repeat(8));
        assert_eq!(sig.other_headers, b[..6 + hashed.len()]);
        assert_eq!(sig.creation_time, 0x5a25a328);
        assert_eq!(sig.signature.len(), 64);
        assert_eq!((sig.signature[31], sig.signature[63]), (0xff, 0x01));
    }

    #[test]
    fn refusals() {
        let issuer = [9, 16, 1, 2, 3, 4, 5, 6, 7, 8];
        let ok = body(&CREATED, &issuer, &[0, 1, 1, 0, 1, 1]);
        assert!(parse_signature_packet(&packet(&ok), &[SIG_BINARY], &[HASH_SHA256]).is_ok());
        // Hash not allowed, type not allowed, no issuer, no creation time, truncated.
        assert!(parse_signature_packet(&packet(&ok), &[SIG_BINARY], &[HASH_SHA1]).is_err());
        assert!(parse_signature_packet(&packet(&ok), &[0x18], &[HASH_SHA256]).is_err());
        let no_issuer = body(&CREATED, &[], &[0, 1, 1, 0, 1, 1]);
        assert!(parse_signature_packet(&packet(&no_issuer), &[0], &[HASH_SHA256]).is_err());
        let no_time = body(&[], &issuer, &[0, 1, 1, 0, 1, 1]);
        assert!(parse_signature_packet(&packet(&no_time), &[0], &[HASH_SHA256]).is_err());
        let truncated = body(&CREATED, &issuer, &[0, 1, 1, 0, 9]);
        assert!(parse_signature_packet(&packet(&truncated), &[0], &[HASH_SHA256]).is_err());
    }

    #[test]
    fn der_encoding() {
        assert_eq!(
            der_dss_signature(&[0x01], &[0x80]),
            [0x30, 7, 2, 1, 1, 2, 2, 0, 0x80]
        );
        assert_eq!(
            der_dss_signature(&[0, 0], &[0, 5]),
            [0x30, 6, 2, 1, 0, 2, 1, 5]
        );
        let long = der_dss_signature(&[0x7f; 100], &[0x7f; 100]);
        assert_eq!(&long[..3], &[0x30, 0x81, 204]);
    }
}
