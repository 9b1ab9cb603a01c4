//! Turning `gpg --export` output into the reference's key object, as securesystemslib's
//! `get_pubkey_bundle` does: the primary key, its expiry from the most recent valid User ID
//! self-certification (a primary-User-ID one preferred), and the subkeys that carry exactly
//! one valid subkey binding signature, each with its own expiry.
//!
//! Like the reference, this does not look at revocation signatures or key flags: a revoked
//! or encryption-only RSA subkey is still listed (subkeys of unsupported algorithms such as
//! ElGamal or ECDH are left out).
//!
//! One deliberate difference: self-signatures are checked over the data RFC 4880 §5.2.4
//! defines (`0x99`, two-octet length, key body; `0xb4`, four-octet length, User ID). The
//! reference hashes the key packet *as exported*, which is the same only when gpg wrote it
//! with a two-octet length header (RSA and DSA keys). GnuPG writes Ed25519 key packets with
//! a one-octet length, so the reference finds no valid self-signature on them: it drops
//! Ed25519 signing subkeys and the primary key's expiry. This module keeps both, so an
//! expired Ed25519 key is rejected and its subkey signatures verify.

use intoto_model::GpgPublicKey;
use serde_json::{Map, Value};

use super::packet::{
    Packet, TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY, TAG_SIGNATURE, TAG_USER_ATTRIBUTE, TAG_USER_ID,
    malformed, read_packets,
};
use super::pubkey::parse_pubkey_payload;
use super::sigpacket::{
    HASH_SHA1, HASH_SHA256, HASH_SHA512, SIG_CERTIFICATIONS, SIG_SUBKEY_BINDING,
    SUB_KEY_EXPIRATION, SUB_PRIMARY_USER_ID, SigPacket, be_u32, parse_signature_packet,
};
use super::verify::{Material, digest};
use crate::CryptoError;

const SELF_SIG_HASHES: [u8; 3] = [HASH_SHA1, HASH_SHA256, HASH_SHA512];

/// A User ID, User Attribute or subkey packet with the signatures that follow it.
struct Entry<'a> {
    packet: Packet<'a>,
    signatures: Vec<&'a [u8]>,
}

#[derive(Default)]
struct Bundle<'a> {
    primary: Option<(Packet<'a>, Map<String, Value>)>,
    user_ids: Vec<Entry<'a>>,
    user_attributes: Vec<Entry<'a>>,
    subkeys: Vec<Entry<'a>>,
}

/// Adds a packet; an identical packet seen before keeps its place and loses its signatures
/// (the reference keeps these in an ordered dict keyed by the packet bytes).
fn add<'a>(list: &mut Vec<Entry<'a>>, packet: Packet<'a>) {
    match list.iter_mut().find(|e| e.packet.raw == packet.raw) {
        Some(e) => e.signatures.clear(),
        None => list.push(Entry {
            packet,
            signatures: Vec::new(),
        }),
    }
}

fn parse_bundle(data: &[u8]) -> Result<Bundle<'_>, CryptoError> {
    if data.is_empty() {
        return Err(malformed("cannot parse keys from empty OpenPGP data"));
    }
    let mut b = Bundle::default();
    for packet in read_packets(data)? {
        match (packet.tag, &b.primary) {
            (TAG_PUBLIC_KEY, None) => {
                b.primary = Some((packet, parse_pubkey_payload(packet.body)?));
            }
            (TAG_PUBLIC_KEY, Some(_)) => return Err(malformed("unexpected second primary key")),
            (tag, None) => {
                return Err(malformed(format!(
                    "the first packet must be a primary key (type 6), got type {tag}"
                )));
            }
            (TAG_USER_ID, _) => add(&mut b.user_ids, packet),
            (TAG_USER_ATTRIBUTE, _) => add(&mut b.user_attributes, packet),
            (TAG_PUBLIC_SUBKEY, _) => add(&mut b.subkeys, packet),
            (TAG_SIGNATURE, _) => {
                // A signature belongs to the latest subkey, else User Attribute, else User
                // ID; signatures on the primary key itself are not used.
                let owner = [&mut b.subkeys, &mut b.user_attributes, &mut b.user_ids]
                    .into_iter()
                    .find_map(|list| list.last_mut());
                if let Some(entry) = owner {
                    entry.signatures.push(packet.raw);
                }
            }
            _ => {}
        }
    }
    Ok(b)
}

/// Whether a self-signature over `signed` verifies with the primary key.
fn self_signature_valid(sig: &SigPacket, master: &Material, signed: &[u8]) -> bool {
    digest(sig.hash_alg, signed, &sig.other_headers)
        .is_ok_and(|d| master.verify(sig.hash_alg, &d, &sig.signature))
}

/// The primary key's validity period from its User ID self-certifications.
fn certified_validity(
    b: &Bundle<'_>,
    primary_hashed: &[u8],
    master_id: &str,
    master: &Material,
) -> Result<Option<u32>, CryptoError> {
    let mut validity = None;
    let mut is_primary_user = false;
    let mut newest: Option<u32> = None;
    for uid in &b.user_ids {
        // RFC 4880 §5.2.4: the key, then 0xb4, a four-octet length and the User ID.
        let Ok(uid_len) = u32::try_from(uid.packet.body.len()) else {
            continue;
        };
        let mut signed = primary_hashed.to_vec();
        signed.push(0xb4);
        signed.extend_from_slice(&uid_len.to_be_bytes());
        signed.extend_from_slice(uid.packet.body);
        for raw in &uid.signatures {
            let Ok(sig) = parse_signature_packet(raw, &SIG_CERTIFICATIONS, &SELF_SIG_HASHES) else {
                continue;
            };
            if !master_id.ends_with(sig.issuer()) {
                continue;
            }
            if !self_signature_valid(&sig, master, &signed) {
                continue;
            }
            let Some(period) = sig.subpackets.get(&SUB_KEY_EXPIRATION) else {
                continue;
            };
            let primary_flag = sig
                .subpackets
                .get(&SUB_PRIMARY_USER_ID)
                .is_some_and(|d| d.first().is_some_and(|&f| f != 0));
            if is_primary_user && !primary_flag {
                continue;
            }
            if newest.is_none_or(|t| t < sig.creation_time) {
                validity = Some(be_u32(period, "key expiration time")?);
                is_primary_user = primary_flag;
                newest = Some(sig.creation_time);
            }
        }
    }
    Ok(validity)
}

/// The subkeys bound to the primary key by exactly one valid binding signature.
fn verified_subkeys(
    b: &Bundle<'_>,
    primary_hashed: &[u8],
    master: &Material,
) -> Result<Map<String, Value>, CryptoError> {
    let mut out = Map::new();
    for sub in &b.subkeys {
        let Ok(mut key) = parse_pubkey_payload(sub.packet.body) else {
            continue;
        };
        // RFC 4880 §5.2.4: the primary key, then the subkey, both hashed as key packets.
        let mut signed = primary_hashed.to_vec();
        signed.extend(hashed_key(sub.packet.body)?);
        // Revocations and other signatures are not binding signatures and are skipped.
        let mut bindings: Vec<SigPacket> = sub
            .signatures
            .iter()
            .filter_map(|raw| {
                parse_signature_packet(raw, &[SIG_SUBKEY_BINDING], &SELF_SIG_HASHES).ok()
            })
            .collect();
        let (Some(sig), true) = (bindings.pop(), bindings.is_empty()) else {
            continue;
        };
        if !self_signature_valid(&sig, master, &signed) {
            continue;
        }
        if let Some(period) = sig.subpackets.get(&SUB_KEY_EXPIRATION) {
            key.insert(
                "validity_period".into(),
                be_u32(period, "key expiration time")?.into(),
            );
        }
        if let Some(Value::String(id)) = key.get("keyid").cloned() {
            out.insert(id, Value::Object(key));
        }
    }
    Ok(out)
}

/// A key packet body as signatures hash it: `0x99`, two-octet length, body.
fn hashed_key(body: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let len = u16::try_from(body.len())
        .map_err(|_| malformed("public key packet longer than 65535 octets"))?;
    let mut out = vec![0x99];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(out)
}

/// Builds the reference's key object from `gpg --export` output, checking that the primary
/// key or one of its verified subkeys has a fingerprint ending in `keyid` (any case).
pub fn parse_gpg_key_bundle(data: &[u8], keyid: &str) -> Result<GpgPublicKey, CryptoError> {
    let not_found = || CryptoError::GpgKeyNotFound {
        keyid: keyid.to_string(),
    };
    if data.is_empty() {
        return Err(not_found());
    }
    let bundle = parse_bundle(data)?;
    let Some((primary, mut master)) = bundle.primary.clone() else {
        return Err(not_found());
    };
    let master_id = master
        .get("keyid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let keytype = master
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let keyval = master.get("keyval").cloned().unwrap_or(Value::Null);
    let material = Material::from_parts(&keytype, &keyval, &master_id)?;

    let primary_hashed = hashed_key(primary.body)?;
    if let Some(v) = certified_validity(&bundle, &primary_hashed, &master_id, &material)? {
        master.insert("validity_period".into(), v.into());
    }
    let subkeys = verified_subkeys(&bundle, &primary_hashed, &material)?;
    let wanted = keyid.to_lowercase();
    if !master_id.ends_with(&wanted) && !subkeys.keys().any(|id| id.ends_with(&wanted)) {
        return Err(not_found());
    }
    if !subkeys.is_empty() {
        master.insert("subkeys".into(), Value::Object(subkeys));
    }
    Ok(GpgPublicKey::from_value(&Value::Object(master), "gpg key")?)
}
