//! [`PublicKey`]: a verifying key with its securesystemslib scheme and key id.

use intoto_model::{KeyId, KeyVal, PublicKeyRecord, hex};
use pkcs8::{DecodePublicKey, EncodePublicKey};
use sha2::Digest as _;
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use crate::keyid::{keyid_of, legacy_keyid_of};
use crate::scheme::{HashAlg, KeyType, Scheme};
use crate::{CryptoError, pem};

pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
pub(crate) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
pub(crate) const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// Runs `$body` with `$d` bound to the SHA-2 type of a [`HashAlg`].
macro_rules! with_hash {
    ($h:expr, $d:ident => $body:expr) => {
        match $h {
            HashAlg::Sha224 => {
                type $d = sha2::Sha224;
                $body
            }
            HashAlg::Sha256 => {
                type $d = sha2::Sha256;
                $body
            }
            HashAlg::Sha384 => {
                type $d = sha2::Sha384;
                $body
            }
            HashAlg::Sha512 => {
                type $d = sha2::Sha512;
                $body
            }
        }
    };
}
pub(crate) use with_hash;

/// The verifying half of a key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verifying {
    Rsa(rsa::PublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl Verifying {
    pub(crate) fn key_type(&self) -> KeyType {
        match self {
            Verifying::Rsa(_) => KeyType::Rsa,
            Verifying::P256(_) => KeyType::EcdsaP256,
            Verifying::P384(_) => KeyType::EcdsaP384,
            Verifying::P521(_) => KeyType::EcdsaP521,
            Verifying::Ed25519(_) => KeyType::Ed25519,
        }
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        let spki = SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| CryptoError::invalid_key(format!("not a SubjectPublicKeyInfo: {e}")))?;
        let bad = |e: spki::Error| CryptoError::invalid_key(format!("bad public key: {e}"));
        match key_type_of(&spki.algorithm, "public key")? {
            KeyType::Rsa => rsa::PublicKey::from_public_key_der(der)
                .map_err(bad)
                .and_then(|k| check_rsa_size(&k).map(|()| Verifying::Rsa(k))),
            KeyType::Ed25519 => ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map(Verifying::Ed25519)
                .map_err(bad),
            KeyType::EcdsaP256 => p256::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(Verifying::P256)
                .map_err(bad),
            KeyType::EcdsaP384 => p384::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(Verifying::P384)
                .map_err(bad),
            KeyType::EcdsaP521 => p521::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(Verifying::P521)
                .map_err(bad),
        }
    }

    /// SubjectPublicKeyInfo PEM, as pyca `cryptography` writes it, for every key type.
    pub(crate) fn spki_pem(&self) -> Result<String, CryptoError> {
        let der = match self {
            Verifying::Ed25519(k) => k.to_public_key_der(),
            Verifying::Rsa(k) => k.to_public_key_der(),
            Verifying::P256(k) => k.to_public_key_der(),
            Verifying::P384(k) => k.to_public_key_der(),
            Verifying::P521(k) => k.to_public_key_der(),
        }
        .map_err(|e| CryptoError::invalid_key(format!("cannot encode public key: {e}")))?;
        Ok(pem::encode("PUBLIC KEY", der.as_bytes()))
    }

    /// `keyval.public` as securesystemslib writes it: SPKI PEM as pyca `cryptography` prints
    /// it for RSA and ECDSA, 64 lowercase hex digits for ed25519.
    pub(crate) fn sslib_public(&self) -> Result<String, CryptoError> {
        match self {
            Verifying::Ed25519(k) => Ok(hex::encode(k.as_bytes())),
            _ => self.spki_pem(),
        }
    }
}

/// The smallest RSA modulus we load, in bits (NIST SP 800-57: 2048 bits for security through
/// 2030; securesystemslib generates 3072). Smaller keys are refused as public and as private
/// keys, in PEM files, layouts and OpenPGP bundles alike.
pub const MIN_RSA_BITS: u32 = 2048;

/// Refuses RSA keys with a modulus under [`MIN_RSA_BITS`].
pub(crate) fn check_rsa_size(key: &rsa::PublicKey) -> Result<(), CryptoError> {
    let bits = rsa::traits::PublicKeyParts::n(key).bit_width();
    if bits < MIN_RSA_BITS {
        return Err(CryptoError::KeyTooSmall {
            bits,
            minimum: MIN_RSA_BITS,
        });
    }
    Ok(())
}

/// The key type a DER key's algorithm identifier names (SubjectPublicKeyInfo and PKCS#8 alike);
/// `what` ("public key", "private key") goes into the error for an unknown algorithm.
pub(crate) fn key_type_of(
    algorithm: &spki::AlgorithmIdentifierRef<'_>,
    what: &str,
) -> Result<KeyType, CryptoError> {
    match algorithm.oid {
        OID_RSA => Ok(KeyType::Rsa),
        OID_ED25519 => Ok(KeyType::Ed25519),
        OID_EC => match algorithm.parameters_oid() {
            Ok(OID_P256) => Ok(KeyType::EcdsaP256),
            Ok(OID_P384) => Ok(KeyType::EcdsaP384),
            Ok(OID_P521) => Ok(KeyType::EcdsaP521),
            Ok(curve) => Err(CryptoError::UnsupportedKeyType {
                keytype: format!("ecdsa on curve {}", curve_name(curve)),
            }),
            Err(e) => Err(CryptoError::invalid_key(format!(
                "EC key without a named curve: {e}"
            ))),
        },
        other => Err(CryptoError::UnsupportedKeyType {
            keytype: format!("{what} algorithm {other}"),
        }),
    }
}

/// The ids of one key as the generations of in-toto compute them: current first, then legacy
/// (with securesystemslib's old `keyid_hash_algorithms`), then both over `public` without its
/// trailing newline (in-toto-golang trims the PEM text it hashes). No duplicates.
fn derived_keyids(keytype: &str, scheme: &str, public: &str) -> Vec<KeyId> {
    let algs = crate::keyid::LEGACY_HASH_ALGORITHMS.map(String::from);
    let mut ids = Vec::with_capacity(4);
    let trimmed = public.trim();
    let forms: &[&str] = if trimmed == public {
        &[public]
    } else {
        &[public, trimmed]
    };
    for form in forms {
        for id in [
            keyid_of(keytype, scheme, form),
            legacy_keyid_of(keytype, scheme, form, &algs),
        ] {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

pub(crate) fn curve_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.132.0.10" => "secp256k1".into(),
        "1.3.132.0.33" => "secp224r1 (P-224)".into(),
        other => other.into(),
    }
}

/// A public key that can check signatures: key material, its securesystemslib scheme, and
/// its key id.
///
/// ```
/// let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAT2bavrzzBiiWN4YAGYTAt1wXXNzzvEhVkzomKPDNCg8=\n-----END PUBLIC KEY-----\n";
/// let key = intoto_crypto::PublicKey::from_pem(pem).unwrap();
/// assert_eq!(key.keytype(), "ed25519");
/// assert_eq!(key.scheme(), "ed25519");
/// assert_eq!(key.to_record().keyval.public.len(), 64);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PublicKey {
    key: Verifying,
    scheme: Scheme,
    keyid: KeyId,
    /// Every key id a signature by this key may carry: [`keyid`](Self::keyid) first, then,
    /// for a key loaded from its material (a PEM file), the ids other tools derive for it.
    keyids: Vec<KeyId>,
    record: PublicKeyRecord,
}

impl PublicKey {
    /// Loads a SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`) with securesystemslib's default
    /// scheme for its type and the key id computed the current way ([`keyid_of`]).
    pub fn from_pem(pem_text: &str) -> Result<Self, CryptoError> {
        let block = pem::parse(pem_text.as_bytes())?;
        if block.label != "PUBLIC KEY" {
            return Err(CryptoError::invalid_key(format!(
                "expected a \"PUBLIC KEY\" PEM block, found {:?}",
                block.label
            )));
        }
        Self::from_verifying(Verifying::from_spki_der(&block.der)?, None)
    }

    /// Builds the key securesystemslib would build for `key`, with `scheme` or the default.
    pub(crate) fn from_verifying(
        key: Verifying,
        scheme: Option<Scheme>,
    ) -> Result<Self, CryptoError> {
        if let Verifying::Rsa(k) = &key {
            check_rsa_size(k)?;
        }
        let kind = key.key_type();
        let scheme = scheme.unwrap_or_else(|| kind.default_scheme());
        let public = key.sslib_public()?;
        let keytype = kind.sslib_keytype();
        if scheme.key_type() != kind {
            return Err(CryptoError::SchemeMismatch {
                keyid: keyid_of(keytype, scheme.as_str(), &public).to_string(),
                keytype: keytype.into(),
                scheme: scheme.as_str().into(),
                reason: format!("the key material is {kind}"),
            });
        }
        let keyid = keyid_of(keytype, scheme.as_str(), &public);
        let keyids = derived_keyids(keytype, scheme.as_str(), &public);
        let record = PublicKeyRecord {
            keyid: Some(keyid.clone()),
            keytype: keytype.into(),
            scheme: scheme.as_str().into(),
            keyval: KeyVal {
                public,
                private: None,
                certificate: None,
            },
            keyid_hash_algorithms: None,
            extra: Default::default(),
        };
        Ok(PublicKey {
            key,
            scheme,
            keyid,
            keyids,
            record,
        })
    }

    /// Reads a key object from a layout. The key id is kept as written (`rec.keyid`) if
    /// present, else computed the current way; the object is kept as it was for
    /// [`to_record`](Self::to_record).
    pub fn from_record(rec: &PublicKeyRecord) -> Result<Self, CryptoError> {
        let keyid = match &rec.keyid {
            Some(k) => k.clone(),
            None => keyid_of(&rec.keytype, &rec.scheme, &rec.keyval.public),
        };
        let mismatch = |reason: String| CryptoError::SchemeMismatch {
            keyid: keyid.to_string(),
            keytype: rec.keytype.clone(),
            scheme: rec.scheme.clone(),
            reason,
        };
        let known_type = matches!(
            rec.keytype.as_str(),
            "rsa"
                | "ecdsa"
                | "ecdsa-sha2-nistp256"
                | "ecdsa-sha2-nistp384"
                | "ecdsa-sha2-nistp521"
                | "ed25519"
        );
        if !known_type {
            return Err(CryptoError::UnsupportedKeyType {
                keytype: rec.keytype.clone(),
            });
        }
        let scheme: Scheme = rec.scheme.parse()?;
        if !scheme.fits_keytype(&rec.keytype) {
            return Err(mismatch("securesystemslib does not allow this pair".into()));
        }
        let key = if scheme == Scheme::Ed25519 {
            let raw = hex::decode(&rec.keyval.public).map_err(|e| {
                CryptoError::invalid_key(format!("key {keyid}: ed25519 public key: {e}"))
            })?;
            let raw: [u8; 32] = raw.try_into().map_err(|v: Vec<u8>| {
                CryptoError::invalid_key(format!(
                    "key {keyid}: ed25519 public key has {} bytes, not 32",
                    v.len()
                ))
            })?;
            Verifying::Ed25519(
                ed25519_dalek::VerifyingKey::from_bytes(&raw)
                    .map_err(|e| CryptoError::invalid_key(format!("key {keyid}: {e}")))?,
            )
        } else {
            let block = pem::parse(rec.keyval.public.as_bytes())?;
            if block.label != "PUBLIC KEY" {
                return Err(CryptoError::invalid_key(format!(
                    "key {keyid}: keyval.public is a {:?} PEM block, not \"PUBLIC KEY\"",
                    block.label
                )));
            }
            Verifying::from_spki_der(&block.der)?
        };
        if key.key_type() != scheme.key_type() {
            return Err(mismatch(format!("the key material is {}", key.key_type())));
        }
        Ok(PublicKey {
            key,
            scheme,
            keyids: vec![keyid.clone()],
            keyid,
            record: rec.clone(),
        })
    }

    /// The key object for a layout: exactly what the Python reference 3.1 writes for a key it
    /// loaded from a PEM file (`{"keyid", "keytype", "scheme", "keyval": {"public"}}`), or the
    /// object as read for a key from [`from_record`](Self::from_record).
    pub fn to_record(&self) -> PublicKeyRecord {
        self.record.clone()
    }

    /// The key object, borrowed.
    pub fn record(&self) -> &PublicKeyRecord {
        &self.record
    }

    /// The same key material with another scheme, key id recomputed the current way.
    pub fn with_scheme(&self, scheme: Scheme) -> Result<Self, CryptoError> {
        Self::from_verifying(self.key.clone(), Some(scheme))
    }

    /// The key as a SubjectPublicKeyInfo PEM file (what `in-toto keygen` writes to `NAME.pub`
    /// and what the reference's `--verification-keys` reads).
    pub fn to_pem(&self) -> Result<String, CryptoError> {
        self.key.spki_pem()
    }

    /// The key id (as written in the layout, or computed).
    pub fn keyid(&self) -> &KeyId {
        &self.keyid
    }

    /// Every key id under which a signature by this key is looked up, [`keyid`](Self::keyid)
    /// first. A key read from a layout answers only to the id the layout lists it under; a
    /// key loaded from its material ([`from_pem`](Self::from_pem), a private key's public
    /// half) also to the ids other generations of in-toto derive for the same key: the legacy
    /// id with `keyid_hash_algorithms` (in-toto-golang, in-toto-rs, securesystemslib < 1.0),
    /// each also over the PEM text without its final newline (in-toto-golang trims it).
    pub fn keyids(&self) -> &[KeyId] {
        &self.keyids
    }

    /// Whether a signature carrying `keyid` claims to be by this key (see
    /// [`keyids`](Self::keyids)).
    pub fn answers_to(&self, keyid: &KeyId) -> bool {
        self.keyids.contains(keyid)
    }

    /// The securesystemslib keytype (`rsa`, `ecdsa`, `ed25519`, or a legacy name as written).
    pub fn keytype(&self) -> &str {
        &self.record.keytype
    }

    /// The signature scheme name.
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// The signature scheme.
    pub fn signature_scheme(&self) -> Scheme {
        self.scheme
    }

    /// The kind of key material.
    pub fn key_type(&self) -> KeyType {
        self.key.key_type()
    }

    /// Whether both keys hold the same key material (whatever their ids and schemes): the
    /// check against one key listed under two ids.
    pub fn same_material(&self, other: &PublicKey) -> bool {
        self.key == other.key
    }

    /// Checks `signature` over `message` with this key's scheme. RSA-PSS accepts any salt
    /// length, as the reference does.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        let malformed = |reason: String| CryptoError::MalformedSignature {
            keyid: self.keyid.clone(),
            reason,
        };
        let bad = || CryptoError::BadSignature {
            keyid: self.keyid.clone(),
        };
        match (&self.key, self.scheme) {
            (Verifying::Ed25519(k), Scheme::Ed25519) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
                    malformed(format!(
                        "ed25519 signature has {} bytes, not 64",
                        signature.len()
                    ))
                })?;
                // Strict: also refuses small-order keys and R values (weak-key forgeries,
                // malleability); S >= L is refused by both. Honest signatures always pass.
                k.verify_strict(message, &sig).map_err(|_| bad())
            }
            (Verifying::Rsa(k), Scheme::RsaPss(h) | Scheme::RsaPkcs1v15(h)) => {
                let size = rsa::traits::PublicKeyParts::size(k);
                if signature.len() != size {
                    return Err(malformed(format!(
                        "RSA signature has {} bytes, the key needs {size}",
                        signature.len()
                    )));
                }
                let pss = matches!(self.scheme, Scheme::RsaPss(_));
                let result = with_hash!(h, D => {
                    let hashed = D::digest(message);
                    if pss {
                        let auto_salt = rsa::Pss::<D> { blinded: false, digest: D::new(), salt_len: None };
                        k.verify(auto_salt, &hashed, signature)
                    } else {
                        k.verify(rsa::Pkcs1v15Sign::new::<D>(), &hashed, signature)
                    }
                });
                result.map_err(|_| bad())
            }
            (Verifying::P256(k), Scheme::EcdsaP256) => {
                let sig = p256::ecdsa::DerSignature::from_bytes(signature)
                    .map_err(|_| malformed("not a DER-encoded ECDSA P-256 signature".into()))?;
                signature::Verifier::verify(k, message, &sig).map_err(|_| bad())
            }
            (Verifying::P384(k), Scheme::EcdsaP384) => {
                let sig = p384::ecdsa::DerSignature::from_bytes(signature)
                    .map_err(|_| malformed("not a DER-encoded ECDSA P-384 signature".into()))?;
                signature::Verifier::verify(k, message, &sig).map_err(|_| bad())
            }
            (Verifying::P521(k), Scheme::EcdsaP521) => {
                let sig = p521::ecdsa::DerSignature::from_bytes(signature)
                    .map_err(|_| malformed("not a DER-encoded ECDSA P-521 signature".into()))?;
                signature::Verifier::verify(k, message, &sig).map_err(|_| bad())
            }
            // Constructors only pair matching material and schemes.
            (key, scheme) => Err(CryptoError::SchemeMismatch {
                keyid: self.keyid.to_string(),
                keytype: key.key_type().to_string(),
                scheme: scheme.as_str().into(),
                reason: "key material and scheme do not match".into(),
            }),
        }
    }
}
