//! [`PrivateKey`]: loading private keys in the formats in-toto users have, generating,
//! writing PKCS#8, and signing.

use intoto_model::KeyId;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, PrivateKeyInfoRef};
use rsa::pkcs1::DecodeRsaPrivateKey;
use sha2::Digest as _;

use crate::encryption;
use crate::public::{Verifying, key_type_of, with_hash};
use crate::scheme::{HashAlg, KeyType, Scheme};
use crate::{CryptoError, PublicKey, pem};

/// DER of a PKCS#8 v1 `PrivateKeyInfo` for Ed25519 up to the 32-byte seed.
const ED25519_PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The signing half of a key.
#[derive(Clone)]
enum Signing {
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl Signing {
    fn verifying(&self) -> Verifying {
        match self {
            Signing::Rsa(k) => Verifying::Rsa(k.to_public_key()),
            Signing::P256(k) => Verifying::P256(*k.verifying_key()),
            Signing::P384(k) => Verifying::P384(*k.verifying_key()),
            Signing::P521(k) => Verifying::P521(*k.verifying_key()),
            Signing::Ed25519(k) => Verifying::Ed25519(k.verifying_key()),
        }
    }
}

/// A private key with its public half (scheme and key id included).
///
/// ```
/// use intoto_crypto::{KeyType, PrivateKey};
/// let key = PrivateKey::generate(KeyType::Ed25519).unwrap();
/// let sig = key.sign(b"hello").unwrap();
/// key.public_key().verify(b"hello", &sig).unwrap();
/// ```
#[derive(Clone)]
pub struct PrivateKey {
    key: Signing,
    public: PublicKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secret material.
        f.debug_struct("PrivateKey")
            .field("keyid", self.public.keyid())
            .field("scheme", &self.public.scheme())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    fn new(key: Signing, scheme: Option<Scheme>) -> Result<Self, CryptoError> {
        let public = PublicKey::from_verifying(key.verifying(), scheme)?;
        Ok(PrivateKey { key, public })
    }

    /// Loads a PEM private key: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE
    /// KEY`: PBES2, PBES1 MD5/SHA1-DES, PKCS#12 SHA1-3DES), PKCS#1 (`RSA PRIVATE KEY`) and SEC1
    /// (`EC PRIVATE KEY`), the last two also with OpenSSL `Proc-Type: 4,ENCRYPTED` headers.
    /// An unencrypted body in one of the other two formats than its label names loads too, as
    /// in-toto-golang loads it.
    /// The scheme is securesystemslib's default for the key type; the key id is computed the
    /// current way. A password given for an unencrypted key is ignored.
    pub fn from_pem(pem_text: &[u8], password: Option<&[u8]>) -> Result<Self, CryptoError> {
        let block = pem::parse(pem_text)?;
        let legacy_encrypted = block
            .header("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        let key = match block.label.as_str() {
            "PRIVATE KEY" => unencrypted(&block.label, &block.der)?,
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" if !legacy_encrypted => {
                unencrypted(&block.label, &block.der)?
            }
            "ENCRYPTED PRIVATE KEY" => {
                let password = password.ok_or(CryptoError::EncryptedKeyNeedsPassword)?;
                let plain = encryption::decrypt_pkcs8(&block.der, password)?;
                signing_from_pkcs8(&plain).map_err(wrong_password_if_invalid)?
            }
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                let is_rsa = block.label.starts_with("RSA");
                let password = password.ok_or(CryptoError::EncryptedKeyNeedsPassword)?;
                let dek = block.header("DEK-Info").ok_or_else(|| {
                    CryptoError::invalid_key("encrypted PEM without a DEK-Info header")
                })?;
                let plain = encryption::decrypt_openssl_legacy(dek, &block.der, password)?;
                traditional(is_rsa, &plain).map_err(wrong_password_if_invalid)?
            }
            "PUBLIC KEY" => {
                return Err(CryptoError::invalid_key(
                    "this is a public key; a private key is needed",
                ));
            }
            other => {
                return Err(CryptoError::invalid_key(format!(
                    "unsupported PEM block {other:?} (expected PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)"
                )));
            }
        };
        Self::new(key, None)
    }

    /// Whether `pem_text` holds an encrypted private key (so the caller should ask for a
    /// password).
    pub fn pem_is_encrypted(pem_text: &[u8]) -> bool {
        match pem::parse(pem_text) {
            Ok(block) => {
                block.label == "ENCRYPTED PRIVATE KEY"
                    || block
                        .header("Proc-Type")
                        .is_some_and(|v| v.contains("ENCRYPTED"))
            }
            Err(_) => false,
        }
    }

    /// Loads a securesystemslib JSON key file of older releases:
    /// `{"keytype", "scheme", "keyid", "keyid_hash_algorithms", "keyval": {"public",
    /// "private"}}` where `private` is 64 hex digits (ed25519 seed) or a PEM private key.
    /// The key id is kept as written (older releases computed it with
    /// `keyid_hash_algorithms`), else computed the current way.
    pub fn from_legacy_json(json: &[u8]) -> Result<Self, CryptoError> {
        crate::legacy::from_legacy_json(json)
    }

    /// Builds a private key from its parts and a public key object describing it; checks that
    /// they belong together.
    pub(crate) fn from_pem_with_record(
        pem_text: &[u8],
        record: &intoto_model::PublicKeyRecord,
    ) -> Result<Self, CryptoError> {
        let loaded = Self::from_pem(pem_text, None)?;
        Self::with_record(loaded.key, record)
    }

    pub(crate) fn from_ed25519_seed(
        seed: [u8; 32],
        record: &intoto_model::PublicKeyRecord,
    ) -> Result<Self, CryptoError> {
        Self::with_record(
            Signing::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed)),
            record,
        )
    }

    fn with_record(
        key: Signing,
        record: &intoto_model::PublicKeyRecord,
    ) -> Result<Self, CryptoError> {
        let public = PublicKey::from_record(record)?;
        let derived = PublicKey::from_verifying(key.verifying(), Some(public.signature_scheme()))?;
        if !derived.same_material(&public) {
            return Err(CryptoError::invalid_key(format!(
                "key {}: the private key does not match keyval.public",
                public.keyid()
            )));
        }
        Ok(PrivateKey { key, public })
    }

    /// Generates a new key (RSA: 3072 bits, e = 65537) with the default scheme.
    pub fn generate(kind: KeyType) -> Result<Self, CryptoError> {
        let fail = |reason: String| CryptoError::KeyGeneration { reason };
        let key = match kind {
            KeyType::Ed25519 => {
                Signing::Ed25519(ed25519_dalek::SigningKey::from_bytes(&random_bytes()?))
            }
            KeyType::Rsa => Signing::Rsa(Box::new(
                rsa::PrivateKey::new(&mut getrandom::SysRng, 3072)
                    .map_err(|e| fail(format!("RSA: {e}")))?,
            )),
            // A random 256/384-bit string is a valid scalar except with negligible
            // probability; retry then.
            KeyType::EcdsaP256 => Signing::P256(retry(|| {
                p256::ecdsa::SigningKey::from_slice(&random_bytes::<32>()?)
                    .ok()
                    .map(Ok)
                    .transpose()
            })?),
            KeyType::EcdsaP384 => Signing::P384(retry(|| {
                p384::ecdsa::SigningKey::from_slice(&random_bytes::<48>()?)
                    .ok()
                    .map(Ok)
                    .transpose()
            })?),
            // 521 random bits (the top byte of 66 masked to one bit); the order is just under
            // 2^521, so a retry is rare.
            KeyType::EcdsaP521 => Signing::P521(retry(|| {
                let mut bytes = random_bytes::<66>()?;
                bytes[0] &= 0x01;
                Ok(p521::ecdsa::SigningKey::from_slice(&bytes).ok())
            })?),
        };
        Self::new(key, None)
    }

    /// The same key with another scheme (key id recomputed the current way).
    pub fn with_scheme(&self, scheme: Scheme) -> Result<Self, CryptoError> {
        Self::new(self.key.clone(), Some(scheme))
    }

    /// Writes the key as PKCS#8 PEM; with a password encrypted as PBES2 (PBKDF2-HMAC-SHA256,
    /// AES-256-CBC), which pyca `cryptography` and OpenSSL load.
    pub fn to_pkcs8_pem(&self, password: Option<&[u8]>) -> Result<String, CryptoError> {
        let fail = |e: pkcs8::Error| CryptoError::KeyGeneration {
            reason: format!("PKCS#8 encoding: {e}"),
        };
        let der: der::zeroize::Zeroizing<Vec<u8>> = match &self.key {
            Signing::Rsa(k) => k.to_pkcs8_der().map_err(fail)?.to_bytes(),
            Signing::P256(k) => k.to_pkcs8_der().map_err(fail)?.to_bytes(),
            Signing::P384(k) => k.to_pkcs8_der().map_err(fail)?.to_bytes(),
            Signing::P521(k) => k.to_pkcs8_der().map_err(fail)?.to_bytes(),
            // ed25519-dalek writes PKCS#8 v2 (with the public key), which pyca `cryptography`
            // refuses ("extra data"); write the v1 form OpenSSL and pyca write (RFC 8410).
            Signing::Ed25519(k) => {
                let mut der = ED25519_PKCS8_V1_PREFIX.to_vec();
                der.extend_from_slice(k.as_bytes());
                der::zeroize::Zeroizing::new(der)
            }
        };
        match password {
            None => Ok(pem::encode("PRIVATE KEY", &der)),
            Some(pw) => {
                let enc = encryption::encrypt_pkcs8(&der, pw)?;
                Ok(pem::encode("ENCRYPTED PRIVATE KEY", &enc))
            }
        }
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id.
    pub fn keyid(&self) -> &KeyId {
        self.public.keyid()
    }

    /// Signs `message` with the key's scheme: RSA-PSS with salt = digest length, ECDSA as DER,
    /// ed25519 raw.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let fail = |reason: String| CryptoError::SigningFailed {
            keyid: self.keyid().clone(),
            reason,
        };
        match (&self.key, self.public.signature_scheme()) {
            (Signing::Ed25519(k), Scheme::Ed25519) => {
                Ok(ed25519_dalek::Signer::sign(k, message).to_bytes().to_vec())
            }
            (Signing::Rsa(k), Scheme::RsaPss(h)) => with_hash!(h, D => {
                k.sign_with_rng(&mut getrandom::SysRng, rsa::Pss::<D>::new(), &D::digest(message))
            })
            .map_err(|e| fail(e.to_string())),
            (Signing::Rsa(k), Scheme::RsaPkcs1v15(h)) => with_hash!(h, D => {
                k.sign(rsa::Pkcs1v15Sign::new::<D>(), &D::digest(message))
            })
            .map_err(|e| fail(e.to_string())),
            (Signing::P256(k), Scheme::EcdsaP256) => {
                signature::Signer::<p256::ecdsa::DerSignature>::try_sign(k, message)
                    .map(|s| s.as_bytes().to_vec())
                    .map_err(|e| fail(e.to_string()))
            }
            (Signing::P384(k), Scheme::EcdsaP384) => {
                signature::Signer::<p384::ecdsa::DerSignature>::try_sign(k, message)
                    .map(|s| s.as_bytes().to_vec())
                    .map_err(|e| fail(e.to_string()))
            }
            (Signing::P521(k), Scheme::EcdsaP521) => {
                signature::Signer::<p521::ecdsa::DerSignature>::try_sign(k, message)
                    .map(|s| s.as_bytes().to_vec())
                    .map_err(|e| fail(e.to_string()))
            }
            (_, scheme) => Err(fail(format!("scheme {scheme} does not fit the key"))),
        }
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| CryptoError::KeyGeneration {
        reason: format!("random number generator: {e}"),
    })?;
    Ok(buf)
}

fn retry<T>(mut f: impl FnMut() -> Result<Option<T>, CryptoError>) -> Result<T, CryptoError> {
    for _ in 0..16 {
        if let Some(v) = f()? {
            return Ok(v);
        }
    }
    Err(CryptoError::KeyGeneration {
        reason: "could not draw a valid secret scalar".into(),
    })
}

/// Decrypted bytes that do not parse mean the password was wrong (CBC padding matched by
/// chance).
fn wrong_password_if_invalid(e: CryptoError) -> CryptoError {
    match e {
        CryptoError::InvalidKey { .. } => CryptoError::WrongPassword,
        other => other,
    }
}

fn signing_from_pkcs8(der: &[u8]) -> Result<Signing, CryptoError> {
    let info = PrivateKeyInfoRef::try_from(der)
        .map_err(|e| CryptoError::invalid_key(format!("not a PKCS#8 PrivateKeyInfo: {e}")))?;
    let bad = |e: pkcs8::Error| CryptoError::invalid_key(format!("bad private key: {e}"));
    match key_type_of(&info.algorithm, "private key")? {
        KeyType::Rsa => rsa::PrivateKey::from_pkcs8_der(der)
            .map(|k| Signing::Rsa(Box::new(k)))
            .map_err(bad),
        KeyType::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
            .map(Signing::Ed25519)
            .map_err(bad),
        KeyType::EcdsaP256 => p256::ecdsa::SigningKey::from_pkcs8_der(der)
            .map(Signing::P256)
            .map_err(bad),
        KeyType::EcdsaP384 => p384::ecdsa::SigningKey::from_pkcs8_der(der)
            .map(Signing::P384)
            .map_err(bad),
        KeyType::EcdsaP521 => p521::ecdsa::SigningKey::from_pkcs8_der(der)
            .map(Signing::P521)
            .map_err(bad),
    }
}

/// An unencrypted private key under one of the labels `PRIVATE KEY` (PKCS#8), `RSA PRIVATE
/// KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1). As in-toto-golang, which ignores the label and
/// tries PKCS#8, PKCS#1 and SEC1 in turn, the body decides: the format the label names is
/// tried first and its error reported if no format fits.
fn unencrypted(label: &str, der: &[u8]) -> Result<Signing, CryptoError> {
    let pkcs8 = || signing_from_pkcs8(der);
    let pkcs1 = || traditional(true, der);
    let sec1 = || traditional(false, der);
    let (first, others): (&dyn Fn() -> _, [&dyn Fn() -> _; 2]) = match label {
        "RSA PRIVATE KEY" => (&pkcs1, [&pkcs8, &sec1]),
        "EC PRIVATE KEY" => (&sec1, [&pkcs8, &pkcs1]),
        _ => (&pkcs8, [&pkcs1, &sec1]),
    };
    first().or_else(|e| others.iter().find_map(|f| f().ok()).ok_or(e))
}

/// PKCS#1 `RSAPrivateKey` or SEC1 `ECPrivateKey` DER.
fn traditional(is_rsa: bool, der: &[u8]) -> Result<Signing, CryptoError> {
    if is_rsa {
        return rsa::PrivateKey::from_pkcs1_der(der)
            .map(|k| Signing::Rsa(Box::new(k)))
            .map_err(|e| CryptoError::invalid_key(format!("bad PKCS#1 RSA private key: {e}")));
    }
    if let Ok(k) = p256::SecretKey::from_sec1_der(der) {
        return Ok(Signing::P256(k.into()));
    }
    if let Ok(k) = p384::SecretKey::from_sec1_der(der) {
        return Ok(Signing::P384(k.into()));
    }
    if let Ok(k) = p521::SecretKey::from_sec1_der(der) {
        return Ok(Signing::P521(k.into()));
    }
    Err(CryptoError::invalid_key(
        "not a SEC1 EC private key on P-256, P-384 or P-521 (other curves are unsupported)",
    ))
}
