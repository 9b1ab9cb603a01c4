//! Key types and signature schemes as securesystemslib names them.

use std::fmt;
use std::str::FromStr;

use crate::CryptoError;

/// The kind of key to generate or that was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519.
    Ed25519,
    /// RSA (3072-bit when generated).
    Rsa,
    /// ECDSA on NIST P-256.
    EcdsaP256,
    /// ECDSA on NIST P-384.
    EcdsaP384,
    /// ECDSA on NIST P-521.
    EcdsaP521,
}

impl KeyType {
    /// The command-line name: `ed25519`, `rsa`, `ecdsa-p256`, `ecdsa-p384`, `ecdsa-p521`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa => "rsa",
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::EcdsaP521 => "ecdsa-p521",
        }
    }

    /// The securesystemslib `keytype` of such keys (`ed25519`, `rsa`, `ecdsa`).
    pub fn sslib_keytype(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa => "rsa",
            KeyType::EcdsaP256 | KeyType::EcdsaP384 | KeyType::EcdsaP521 => "ecdsa",
        }
    }

    /// The scheme securesystemslib uses by default for such keys.
    pub fn default_scheme(self) -> Scheme {
        match self {
            KeyType::Ed25519 => Scheme::Ed25519,
            KeyType::Rsa => Scheme::RsaPss(HashAlg::Sha256),
            KeyType::EcdsaP256 => Scheme::EcdsaP256,
            KeyType::EcdsaP384 => Scheme::EcdsaP384,
            KeyType::EcdsaP521 => Scheme::EcdsaP521,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyType {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ed25519" => Ok(KeyType::Ed25519),
            "rsa" => Ok(KeyType::Rsa),
            "ecdsa-p256" => Ok(KeyType::EcdsaP256),
            "ecdsa-p384" => Ok(KeyType::EcdsaP384),
            "ecdsa-p521" => Ok(KeyType::EcdsaP521),
            other => Err(CryptoError::UnsupportedKeyType {
                keytype: other.to_string(),
            }),
        }
    }
}

/// The SHA-2 hash of an RSA scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    fn suffix(self) -> &'static str {
        match self {
            HashAlg::Sha224 => "sha224",
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }

    fn from_suffix(s: &str) -> Option<Self> {
        match s {
            "sha224" => Some(HashAlg::Sha224),
            "sha256" => Some(HashAlg::Sha256),
            "sha384" => Some(HashAlg::Sha384),
            "sha512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }
}

/// A signature scheme supported by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `ed25519`: raw 64-byte signatures.
    Ed25519,
    /// `rsassa-pss-shaNNN`: MGF1 with the same hash; salt = digest length when signing, any
    /// salt length accepted when verifying (as pyca `PSS.AUTO`).
    RsaPss(HashAlg),
    /// `rsa-pkcs1v15-shaNNN`.
    RsaPkcs1v15(HashAlg),
    /// `ecdsa-sha2-nistp256`: DER signatures with SHA-256 on P-256.
    EcdsaP256,
    /// `ecdsa-sha2-nistp384`: DER signatures with SHA-384 on P-384.
    EcdsaP384,
    /// `ecdsa-sha2-nistp521`: DER signatures with SHA-512 on P-521 (as securesystemslib and
    /// in-toto-golang's signers make them).
    EcdsaP521,
}

impl Scheme {
    /// The scheme name as written in key objects.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Ed25519 => "ed25519",
            Scheme::RsaPss(h) => match h {
                HashAlg::Sha224 => "rsassa-pss-sha224",
                HashAlg::Sha256 => "rsassa-pss-sha256",
                HashAlg::Sha384 => "rsassa-pss-sha384",
                HashAlg::Sha512 => "rsassa-pss-sha512",
            },
            Scheme::RsaPkcs1v15(h) => match h {
                HashAlg::Sha224 => "rsa-pkcs1v15-sha224",
                HashAlg::Sha256 => "rsa-pkcs1v15-sha256",
                HashAlg::Sha384 => "rsa-pkcs1v15-sha384",
                HashAlg::Sha512 => "rsa-pkcs1v15-sha512",
            },
            Scheme::EcdsaP256 => "ecdsa-sha2-nistp256",
            Scheme::EcdsaP384 => "ecdsa-sha2-nistp384",
            Scheme::EcdsaP521 => "ecdsa-sha2-nistp521",
        }
    }

    /// Every supported scheme.
    pub const ALL: [Scheme; 12] = [
        Scheme::Ed25519,
        Scheme::RsaPss(HashAlg::Sha224),
        Scheme::RsaPss(HashAlg::Sha256),
        Scheme::RsaPss(HashAlg::Sha384),
        Scheme::RsaPss(HashAlg::Sha512),
        Scheme::RsaPkcs1v15(HashAlg::Sha224),
        Scheme::RsaPkcs1v15(HashAlg::Sha256),
        Scheme::RsaPkcs1v15(HashAlg::Sha384),
        Scheme::RsaPkcs1v15(HashAlg::Sha512),
        Scheme::EcdsaP256,
        Scheme::EcdsaP384,
        Scheme::EcdsaP521,
    ];

    /// Whether a key object with `keytype` may use this scheme (securesystemslib 1.6 rules,
    /// including the legacy keytypes `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` and
    /// `ecdsa-sha2-nistp521`).
    pub fn fits_keytype(self, keytype: &str) -> bool {
        match self {
            Scheme::Ed25519 => keytype == "ed25519",
            Scheme::RsaPss(_) | Scheme::RsaPkcs1v15(_) => keytype == "rsa",
            Scheme::EcdsaP256 => keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp256",
            Scheme::EcdsaP384 => keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp384",
            Scheme::EcdsaP521 => keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp521",
        }
    }

    /// The kind of key material the scheme needs.
    pub fn key_type(self) -> KeyType {
        match self {
            Scheme::Ed25519 => KeyType::Ed25519,
            Scheme::RsaPss(_) | Scheme::RsaPkcs1v15(_) => KeyType::Rsa,
            Scheme::EcdsaP256 => KeyType::EcdsaP256,
            Scheme::EcdsaP384 => KeyType::EcdsaP384,
            Scheme::EcdsaP521 => KeyType::EcdsaP521,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = match s {
            "ed25519" => Some(Scheme::Ed25519),
            "ecdsa-sha2-nistp256" => Some(Scheme::EcdsaP256),
            "ecdsa-sha2-nistp384" => Some(Scheme::EcdsaP384),
            "ecdsa-sha2-nistp521" => Some(Scheme::EcdsaP521),
            _ => {
                if let Some(h) = s.strip_prefix("rsassa-pss-") {
                    HashAlg::from_suffix(h).map(Scheme::RsaPss)
                } else if let Some(h) = s.strip_prefix("rsa-pkcs1v15-") {
                    HashAlg::from_suffix(h).map(Scheme::RsaPkcs1v15)
                } else {
                    None
                }
            }
        };
        parsed.ok_or_else(|| CryptoError::UnsupportedScheme {
            scheme: s.to_string(),
        })
    }
}

impl HashAlg {
    /// The name as used in scheme suffixes (`sha256`).
    pub fn name(self) -> &'static str {
        self.suffix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.as_str().parse::<Scheme>().unwrap(), s);
        }
        assert!(matches!(
            "rsassa-pss-md5".parse::<Scheme>(),
            Err(CryptoError::UnsupportedScheme { scheme }) if scheme == "rsassa-pss-md5"
        ));
    }

    #[test]
    fn key_type_names_round_trip() {
        for k in [
            KeyType::Ed25519,
            KeyType::Rsa,
            KeyType::EcdsaP256,
            KeyType::EcdsaP384,
            KeyType::EcdsaP521,
        ] {
            assert_eq!(k.to_string().parse::<KeyType>().unwrap(), k);
        }
        assert!(matches!(
            "dsa".parse::<KeyType>(),
            Err(CryptoError::UnsupportedKeyType { .. })
        ));
    }
}
