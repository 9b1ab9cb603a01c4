//! # intoto-model
//!
//! The in-toto metadata model: the signature wrappers ([`Metablock`], DSSE [`Envelope`]), the
//! layout, link and attestation types, canonical JSON as securesystemslib writes it, and strict
//! parsing that names the JSON path of every problem. No cryptography and no I/O: bytes in,
//! typed values out.
//!
//! ```
//! use intoto_model::SignedDocument;
//! let doc = SignedDocument::from_slice(br#"{"signed": {"_type": "link"}, "signatures": []}"#).unwrap();
//! assert!(matches!(doc, SignedDocument::Metablock(_)));
//! ```
#![forbid(unsafe_code)]

pub mod canonical;
mod error;
pub mod hex;
pub mod json;
pub mod pyjson;
mod key;
mod keyid;
mod signed;

pub use error::ModelError;
pub use key::{KeyVal, PublicKeyRecord};
pub use keyid::{KeyId, KeyIdError};
pub use signed::{
    Envelope, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE, Metablock, Signature, SignedDocument, pae,
};
