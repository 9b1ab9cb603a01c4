//! # intoto-crypto
//!
//! Keys and signatures for in-toto metadata, compatible with the Python reference (in-toto
//! 3.1 with securesystemslib 1.6): loading public keys (SubjectPublicKeyInfo PEM, key objects
//! from layouts) and private keys (PKCS#8 plain and encrypted, PKCS#1, SEC1, legacy
//! securesystemslib JSON), key ids, and signing/verification of classic [`Metablock`]s and
//! DSSE [`Envelope`]s.
//!
//! Supported schemes: `ed25519`; `rsassa-pss-sha{224,256,384,512}` (verification accepts any
//! salt length, as the reference does) and `rsa-pkcs1v15-sha{224,256,384,512}`;
//! `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` and `ecdsa-sha2-nistp521` (DER signatures
//! with SHA-256, SHA-384 and SHA-512).
//!
//! ```
//! use intoto_crypto::{KeyType, PrivateKey, sign_metablock, verify_metablock};
//! use intoto_model::Metablock;
//!
//! let key = PrivateKey::generate(KeyType::Ed25519).unwrap();
//! let mut mb = Metablock::new(serde_json::json!({"_type": "link", "name": "build"}));
//! sign_metablock(&mut mb, &key).unwrap();
//! assert_eq!(mb.signatures.len(), 1);
//! assert!(verify_metablock(&mb, key.public_key()).is_ok());
//!
//! let other = PrivateKey::generate(KeyType::Ed25519).unwrap();
//! assert!(verify_metablock(&mb, other.public_key()).is_err()); // not signed by this key
//! ```
//!
//! OpenPGP (`gpg`) keys and signatures as the reference uses them are in [`gpg`]: pure-Rust
//! verification always, running the `gpg` program (export, signing) with the `gpg-export`
//! feature.
//!
//! [`Metablock`]: intoto_model::Metablock
//! [`Envelope`]: intoto_model::Envelope
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod dsse;
mod encryption;
mod error;
pub mod gpg;
pub mod keyid;
mod legacy;
mod metablock;
pub mod pem;
mod private;
mod public;
pub mod scheme;

pub use dsse::{sign_envelope, verify_envelope};
pub use error::CryptoError;
pub use keyid::{check_keyid, keyid_of, legacy_keyid_of};
pub use metablock::{sign_metablock, verify_metablock};
pub use private::PrivateKey;
pub use public::{MIN_RSA_BITS, PublicKey};
pub use scheme::{HashAlg, KeyType, Scheme};
