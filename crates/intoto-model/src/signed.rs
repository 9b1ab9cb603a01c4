//! The two signature wrappers of in-toto metadata: the classic [`Metablock`] and the DSSE
//! [`Envelope`]. Both keep the signed content exactly as received ([`Metablock::signed`] as a
//! JSON value whose canonical form is what was signed, [`Envelope::payload`] as raw bytes), so a
//! signature can be checked before anything is interpreted.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::{KeyId, ModelError, json::parse_strict};

/// The payload type of in-toto DSSE envelopes.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A signature inside a [`Metablock`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// securesystemslib signature: `{"keyid", "sig"}` with `sig` in hex, and in-toto-golang's
    /// optional `cert` (ITE-7).
    Standard {
        /// Key that made the signature.
        keyid: KeyId,
        /// Signature bytes as lowercase or uppercase hex, as written.
        sig: String,
        /// ITE-7: the signer's X.509 certificate (PEM) as in-toto-golang embeds it; `None`
        /// when the field is absent. Older in-toto-golang releases wrote `"cert": ""`, kept
        /// as `Some("")` so such files re-serialize unchanged.
        cert: Option<String>,
    },
    /// OpenPGP signature as securesystemslib's gpg module writes it.
    Gpg {
        /// Fingerprint (or long key id) of the signing (sub)key.
        keyid: KeyId,
        /// Signature packet body, hex.
        signature: String,
        /// Hashed subpacket data, hex.
        other_headers: String,
    },
}

impl Signature {
    /// The embedded X.509 certificate (ITE-7), if the signature carries a non-empty one.
    pub fn certificate(&self) -> Option<&str> {
        match self {
            Signature::Standard {
                cert: Some(cert), ..
            } if !cert.is_empty() => Some(cert),
            _ => None,
        }
    }

    /// The key id the signature claims.
    pub fn keyid(&self) -> &KeyId {
        match self {
            Signature::Standard { keyid, .. } | Signature::Gpg { keyid, .. } => keyid,
        }
    }

    /// The signature as it appears in a Metablock's `signatures` list.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        match self {
            Signature::Standard { keyid, sig, cert } => {
                m.insert("keyid".into(), keyid.as_str().into());
                m.insert("sig".into(), sig.as_str().into());
                if let Some(cert) = cert {
                    m.insert("cert".into(), cert.as_str().into());
                }
            }
            Signature::Gpg {
                keyid,
                signature,
                other_headers,
            } => {
                m.insert("keyid".into(), keyid.as_str().into());
                m.insert("other_headers".into(), other_headers.as_str().into());
                m.insert("signature".into(), signature.as_str().into());
            }
        }
        Value::Object(m)
    }

    fn from_value(v: &Value, path: &str) -> Result<Self, ModelError> {
        let obj = v
            .as_object()
            .ok_or_else(|| ModelError::invalid(path, "expected a signature object"))?;
        let keyid = KeyId::new(str_field(obj, "keyid", path)?)
            .map_err(|e| ModelError::invalid(format!("{path}.keyid"), e.to_string()))?;
        if obj.contains_key("sig") {
            let sig = str_field(obj, "sig", path)?.to_owned();
            let cert = match obj.contains_key("cert") {
                true => Some(str_field(obj, "cert", path)?.to_owned()),
                false => None,
            };
            Ok(Signature::Standard { keyid, sig, cert })
        } else if obj.contains_key("signature") {
            Ok(Signature::Gpg {
                keyid,
                signature: str_field(obj, "signature", path)?.to_owned(),
                other_headers: str_field(obj, "other_headers", path)?.to_owned(),
            })
        } else {
            Err(ModelError::invalid(
                path,
                "signature has neither \"sig\" nor \"signature\"",
            ))
        }
    }
}

/// The classic in-toto wrapper `{"signed": ..., "signatures": [...]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Metablock {
    /// The signed layout or link, exactly as received.
    pub signed: Value,
    /// Signatures over the canonical JSON of `signed`.
    pub signatures: Vec<Signature>,
}

impl Metablock {
    /// Wraps `signed` with no signatures yet.
    pub fn new(signed: Value) -> Self {
        Metablock {
            signed,
            signatures: Vec::new(),
        }
    }

    /// Reads a Metablock from a parsed JSON document.
    pub fn from_value(doc: Value) -> Result<Self, ModelError> {
        let Value::Object(mut obj) = doc else {
            return Err(ModelError::invalid("$", "expected a JSON object"));
        };
        if let Some(extra) = obj.keys().find(|k| *k != "signed" && *k != "signatures") {
            return Err(ModelError::invalid(
                extra.as_str(),
                "unexpected field in a Metablock (only \"signed\" and \"signatures\")",
            ));
        }
        let signed = obj
            .remove("signed")
            .ok_or_else(|| ModelError::invalid("signed", "missing field"))?;
        if !signed.is_object() {
            return Err(ModelError::invalid("signed", "expected an object"));
        }
        let sigs = obj
            .remove("signatures")
            .ok_or_else(|| ModelError::invalid("signatures", "missing field"))?;
        let Value::Array(sigs) = sigs else {
            return Err(ModelError::invalid("signatures", "expected an array"));
        };
        let signatures = sigs
            .iter()
            .enumerate()
            .map(|(i, s)| Signature::from_value(s, &format!("signatures[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Metablock { signed, signatures })
    }

    /// The bytes the signatures cover: canonical JSON of `signed`.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, ModelError> {
        crate::canonical::encode(&self.signed).map_err(|e| e.at("signed"))
    }

    /// The `_type` of the signed content (`"layout"`, `"link"`), if any.
    pub fn signed_type(&self) -> Option<&str> {
        self.signed.get("_type").and_then(Value::as_str)
    }

    /// The JSON value of the whole Metablock (for writing).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "signatures".into(),
            Value::Array(self.signatures.iter().map(Signature::to_value).collect()),
        );
        m.insert("signed".into(), self.signed.clone());
        Value::Object(m)
    }
}

/// A signature inside a DSSE [`Envelope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// Key id hint; DSSE allows it to be absent or empty.
    pub keyid: Option<KeyId>,
    /// Raw signature bytes.
    pub sig: Vec<u8>,
}

/// A DSSE envelope (ITE-5): `{"payload", "payloadType", "signatures"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload bytes, decoded from base64, exactly as signed.
    pub payload: Vec<u8>,
    /// The payload type, `application/vnd.in-toto+json` for in-toto.
    pub payload_type: String,
    /// Signatures over PAE(payload_type, payload).
    pub signatures: Vec<EnvelopeSignature>,
}

impl Envelope {
    /// Reads an envelope from a parsed JSON document. Base64 may be standard or URL-safe, with
    /// or without padding, as DSSE allows.
    pub fn from_value(doc: &Value) -> Result<Self, ModelError> {
        let obj = doc
            .as_object()
            .ok_or_else(|| ModelError::invalid("$", "expected a JSON object"))?;
        if let Some(extra) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "payload" | "payloadType" | "signatures"))
        {
            return Err(ModelError::invalid(
                extra.as_str(),
                "unexpected field in a DSSE envelope",
            ));
        }
        let payload = decode_base64(str_field(obj, "payload", "")?, "payload")?;
        let payload_type = str_field(obj, "payloadType", "")?.to_owned();
        let sigs = obj
            .get("signatures")
            .ok_or_else(|| ModelError::invalid("signatures", "missing field"))?
            .as_array()
            .ok_or_else(|| ModelError::invalid("signatures", "expected an array"))?;
        let mut signatures = Vec::with_capacity(sigs.len());
        for (i, s) in sigs.iter().enumerate() {
            let path = format!("signatures[{i}]");
            let so = s
                .as_object()
                .ok_or_else(|| ModelError::invalid(&path, "expected a signature object"))?;
            let keyid = match so.get("keyid") {
                None | Some(Value::Null) => None,
                Some(Value::String(k)) if k.is_empty() => None,
                Some(Value::String(k)) => Some(
                    KeyId::new(k.as_str())
                        .map_err(|e| ModelError::invalid(format!("{path}.keyid"), e.to_string()))?,
                ),
                Some(_) => {
                    return Err(ModelError::invalid(
                        format!("{path}.keyid"),
                        "expected a string",
                    ));
                }
            };
            let sig = decode_base64(str_field(so, "sig", &path)?, &format!("{path}.sig"))?;
            // Two signatures under one key id could be counted twice; the reference refuses
            // such envelopes when loading them, and so do we.
            if let Some(id) = &keyid
                && signatures
                    .iter()
                    .any(|s: &EnvelopeSignature| s.keyid.as_ref() == Some(id))
            {
                return Err(ModelError::invalid(
                    format!("{path}.keyid"),
                    format!("a second signature claims key {id}"),
                ));
            }
            signatures.push(EnvelopeSignature { keyid, sig });
        }
        Ok(Envelope {
            payload,
            payload_type,
            signatures,
        })
    }

    /// DSSE's pre-authentication encoding: the bytes each signature covers.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The JSON value of the envelope (standard base64 with padding, as the reference writes).
    pub fn to_value(&self) -> Value {
        let b64 = base64::engine::general_purpose::STANDARD;
        let sigs = self
            .signatures
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert(
                    "keyid".into(),
                    s.keyid.as_ref().map_or("", KeyId::as_str).into(),
                );
                m.insert("sig".into(), b64.encode(&s.sig).into());
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("payload".into(), b64.encode(&self.payload).into());
        m.insert("payloadType".into(), self.payload_type.clone().into());
        m.insert("signatures".into(), Value::Array(sigs));
        Value::Object(m)
    }
}

/// DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// A signed metadata file in either wrapper.
#[derive(Debug, Clone, PartialEq)]
pub enum SignedDocument {
    /// Classic Metablock.
    Metablock(Metablock),
    /// DSSE envelope.
    Envelope(Envelope),
}

impl SignedDocument {
    /// Parses a metadata file strictly and tells the wrappers apart: a document with a
    /// `payload` field is a DSSE envelope, one with `signed` a Metablock.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ModelError> {
        let doc = parse_strict(bytes)?;
        let obj = doc
            .as_object()
            .ok_or_else(|| ModelError::invalid("$", "expected a JSON object"))?;
        if obj.contains_key("payload") {
            Ok(SignedDocument::Envelope(Envelope::from_value(&doc)?))
        } else if obj.contains_key("signed") {
            Ok(SignedDocument::Metablock(Metablock::from_value(doc)?))
        } else {
            Err(ModelError::invalid(
                "$",
                "neither a Metablock (no \"signed\" field) nor a DSSE envelope (no \"payload\" field)",
            ))
        }
    }
}

fn str_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a str, ModelError> {
    let here = if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    };
    match obj.get(key) {
        None => Err(ModelError::invalid(here, "missing field")),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ModelError::invalid(here, "expected a string")),
    }
}

/// Standard or URL-safe base64, padded: what DSSE allows and what the reference (and
/// in-toto-golang) read. Unpadded text is refused like the reference refuses it.
fn decode_base64(s: &str, path: &str) -> Result<Vec<u8>, ModelError> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    [STANDARD, URL_SAFE]
        .iter()
        .find_map(|e| e.decode(s).ok())
        .ok_or_else(|| {
            ModelError::invalid(
                path,
                "not valid base64 (standard or URL-safe, with padding)",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    #[test]
    fn metablock_reports_the_path_of_a_bad_signature() {
        let err = SignedDocument::from_slice(
            br#"{"signed": {}, "signatures": [{"keyid": "AB", "sig": ""}]}"#,
        )
        .unwrap_err();
        assert!(
            matches!(&err, ModelError::Invalid { path, .. } if path == "signatures[0].keyid"),
            "{err}"
        );
    }

    #[test]
    fn envelope_round_trips() {
        let doc = serde_json::json!({"payload": "aGk=", "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [{"keyid": "ab", "sig": "AAE="}]});
        let env = Envelope::from_value(&doc).unwrap();
        assert_eq!(env.payload, b"hi");
        assert_eq!(env.signatures[0].sig, vec![0, 1]);
        assert_eq!(env.to_value(), doc);
    }

    #[test]
    fn envelope_refuses_unpadded_base64() {
        let doc = serde_json::json!({"payload": "aGk", "payloadType": IN_TOTO_PAYLOAD_TYPE, "signatures": []});
        let err = Envelope::from_value(&doc).unwrap_err();
        assert!(
            matches!(&err, ModelError::Invalid { path, .. } if path == "payload"),
            "{err}"
        );
    }

    #[test]
    fn envelope_refuses_two_signatures_by_one_key() {
        let sig = serde_json::json!({"keyid": "ab", "sig": "AAE="});
        let doc = serde_json::json!({"payload": "aGk=", "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [sig.clone(), sig]});
        let err = Envelope::from_value(&doc).unwrap_err();
        assert!(
            matches!(&err, ModelError::Invalid { path, .. } if path == "signatures[1].keyid"),
            "{err}"
        );
    }

    #[test]
    fn unknown_wrapper_is_rejected() {
        assert!(matches!(
            SignedDocument::from_slice(b"{\"x\": 1}"),
            Err(ModelError::Invalid { .. })
        ));
    }
}
