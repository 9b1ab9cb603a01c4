//! [`LayoutKey`]: an entry of a layout's `keys`, either a securesystemslib key
//! ([`PublicKeyRecord`]) or an OpenPGP key as securesystemslib's gpg module exports it
//! ([`GpgPublicKey`], `{"keyid", "type", "method", "hashes", "keyval": {"public": {...}}}`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{
    KeyId, ModelError, PublicKeyRecord,
    reader::{Fields, index, join, object, push_unknown, string},
};

/// An OpenPGP public key as written into layouts by the reference (`gpg` keys). The key
/// material (`keyval.public`, e.g. `{"e", "n"}` for RSA) is kept as JSON for the crypto crate.
#[derive(Debug, Clone, PartialEq)]
pub struct GpgPublicKey {
    /// Fingerprint of the key.
    pub keyid: KeyId,
    /// `type`: `rsa`, `dsa` or `eddsa`.
    pub keytype: String,
    /// Signature method, e.g. `pgp+rsa-pkcsv1.5`.
    pub method: String,
    /// Hash algorithms, e.g. `["pgp+SHA2"]`.
    pub hashes: Vec<String>,
    /// `{"public": {...}, "private": ""}` as written.
    pub keyval: Value,
    /// Subkeys by fingerprint, if any.
    pub subkeys: Option<BTreeMap<KeyId, GpgPublicKey>>,
    /// Other fields (`creation_time`, `validity_period`, ...), kept as written.
    pub extra: Map<String, Value>,
}

/// An entry of a layout's `keys` map.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutKey {
    /// A securesystemslib key (rsa, ecdsa, ed25519).
    Standard(PublicKeyRecord),
    /// An OpenPGP key.
    Gpg(GpgPublicKey),
}

impl LayoutKey {
    /// The `keyid` field, if the record has one (OpenPGP keys always do).
    pub fn keyid(&self) -> Option<&KeyId> {
        match self {
            LayoutKey::Standard(k) => k.keyid.as_ref(),
            LayoutKey::Gpg(k) => Some(&k.keyid),
        }
    }

    /// The securesystemslib key, if this is one.
    pub fn as_standard(&self) -> Option<&PublicKeyRecord> {
        match self {
            LayoutKey::Standard(k) => Some(k),
            LayoutKey::Gpg(_) => None,
        }
    }

    /// Reads a key object; `path` names it in errors. A record with `keytype` or `scheme` is a
    /// securesystemslib key, one with `method` an OpenPGP key.
    pub fn from_value(v: &Value, path: &str) -> Result<Self, ModelError> {
        let obj = object(v, path)?;
        if obj.contains_key("keytype") || obj.contains_key("scheme") {
            let record: PublicKeyRecord = serde_path_to_error::deserialize(v).map_err(|e| {
                let inner = e.path().to_string();
                let at = if inner == "." {
                    path.to_string()
                } else {
                    join_serde_path(path, &inner)
                };
                ModelError::invalid(at, e.into_inner().to_string())
            })?;
            Ok(LayoutKey::Standard(record))
        } else if obj.contains_key("method") {
            GpgPublicKey::from_value(v, path).map(LayoutKey::Gpg)
        } else {
            Err(ModelError::invalid(
                path,
                "not a public key: no \"keytype\"/\"scheme\" (securesystemslib) or \"method\" (OpenPGP)",
            ))
        }
    }

    /// The JSON object as written.
    pub fn to_value(&self) -> Value {
        match self {
            LayoutKey::Standard(k) => standard_to_value(k),
            LayoutKey::Gpg(k) => k.to_value(),
        }
    }

    /// Paths (under `path`) of fields this crate does not model.
    pub(crate) fn unknown_fields(&self, path: &str, out: &mut Vec<String>) {
        match self {
            LayoutKey::Standard(k) => {
                push_unknown(out, path, &k.extra.clone().into_iter().collect())
            }
            LayoutKey::Gpg(k) => push_unknown(out, path, &k.extra),
        }
    }
}

fn join_serde_path(prefix: &str, inner: &str) -> String {
    if prefix.is_empty() {
        inner.to_string()
    } else if inner.starts_with('[') {
        format!("{prefix}{inner}")
    } else {
        format!("{prefix}.{inner}")
    }
}

pub(crate) fn standard_to_value(k: &PublicKeyRecord) -> Value {
    let mut m: Map<String, Value> = k.extra.clone().into_iter().collect();
    if let Some(id) = &k.keyid {
        m.insert("keyid".into(), id.as_str().into());
    }
    m.insert("keytype".into(), k.keytype.clone().into());
    m.insert("scheme".into(), k.scheme.clone().into());
    let mut keyval = Map::new();
    keyval.insert("public".into(), k.keyval.public.clone().into());
    if let Some(private) = &k.keyval.private {
        keyval.insert("private".into(), private.clone().into());
    }
    if let Some(certificate) = &k.keyval.certificate {
        keyval.insert("certificate".into(), certificate.clone().into());
    }
    m.insert("keyval".into(), Value::Object(keyval));
    if let Some(algs) = &k.keyid_hash_algorithms {
        m.insert(
            "keyid_hash_algorithms".into(),
            Value::Array(algs.iter().map(|a| Value::String(a.clone())).collect()),
        );
    }
    Value::Object(m)
}

impl GpgPublicKey {
    /// Reads an OpenPGP key object.
    pub fn from_value(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        let keyid = key_id(f.required("keyid")?, &f.path("keyid"))?;
        let keytype = f.string("type")?;
        let method = f.string("method")?;
        let hashes = f.string_list("hashes")?;
        let keyval = f.required("keyval")?.clone();
        object(&keyval, &f.path("keyval"))?;
        let subkeys = match f.optional("subkeys") {
            None => None,
            Some(s) => {
                let sub_path = f.path("subkeys");
                let mut map = BTreeMap::new();
                for (id, sub) in object(s, &sub_path)? {
                    let here = join(&sub_path, id);
                    map.insert(
                        key_id(&Value::String(id.clone()), &here)?,
                        GpgPublicKey::from_value(sub, &here)?,
                    );
                }
                Some(map)
            }
        };
        Ok(GpgPublicKey {
            keyid,
            keytype,
            method,
            hashes,
            keyval,
            subkeys,
            extra: f.unknown(),
        })
    }

    /// The JSON object as written.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("keyid".into(), self.keyid.as_str().into());
        m.insert("type".into(), self.keytype.clone().into());
        m.insert("method".into(), self.method.clone().into());
        m.insert(
            "hashes".into(),
            self.hashes
                .iter()
                .map(|h| Value::String(h.clone()))
                .collect(),
        );
        m.insert("keyval".into(), self.keyval.clone());
        if let Some(subkeys) = &self.subkeys {
            let subs = subkeys
                .iter()
                .map(|(id, k)| (id.to_string(), k.to_value()))
                .collect();
            m.insert("subkeys".into(), Value::Object(subs));
        }
        Value::Object(m)
    }
}

/// Reads a key id string at `path`.
pub(crate) fn key_id(v: &Value, path: &str) -> Result<KeyId, ModelError> {
    KeyId::new(string(v, path)?).map_err(|e| ModelError::invalid(path, e.to_string()))
}

/// Reads a list of key ids (a step's `pubkeys`).
pub(crate) fn key_id_list(v: &Value, path: &str) -> Result<Vec<KeyId>, ModelError> {
    let items = v
        .as_array()
        .ok_or_else(|| crate::reader::mistyped(path, "an array of key ids", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| key_id(item, &index(path, i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn standard_key_round_trips_with_legacy_fields() {
        let v = json!({"keyid": "ab", "keytype": "ed25519", "scheme": "ed25519",
            "keyid_hash_algorithms": ["sha256", "sha512"], "keyval": {"public": "00", "private": ""}, "new": 1});
        let k = LayoutKey::from_value(&v, "keys.ab").unwrap();
        assert_eq!(k.to_value(), v);
        let mut unknown = Vec::new();
        k.unknown_fields("keys.ab", &mut unknown);
        assert_eq!(unknown, ["keys.ab.new"]);
    }

    #[test]
    fn standard_key_errors_carry_the_path() {
        let v = json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": 5}});
        let err = LayoutKey::from_value(&v, "keys.ab").unwrap_err();
        assert!(
            matches!(&err, ModelError::Invalid { path, .. } if path == "keys.ab.keyval.public"),
            "{err}"
        );
    }

    #[test]
    fn gpg_key_round_trips() {
        let v = json!({"keyid": "7b3abb26", "type": "rsa", "method": "pgp+rsa-pkcsv1.5", "hashes": ["pgp+SHA2"],
            "keyval": {"public": {"e": "01", "n": "02"}, "private": ""},
            "subkeys": {"aa": {"keyid": "aa", "type": "rsa", "method": "m", "hashes": [], "keyval": {}}}});
        let k = LayoutKey::from_value(&v, "k").unwrap();
        assert!(k.as_standard().is_none());
        assert_eq!(k.to_value(), v);
    }

    #[test]
    fn neither_kind_is_rejected() {
        let err = LayoutKey::from_value(&json!({"keyval": {}}), "keys.ab").unwrap_err();
        assert!(matches!(err, ModelError::Invalid { ref path, .. } if path == "keys.ab"));
    }
}
