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
mod content;
mod digest;
mod error;
pub mod hex;
pub mod json;
mod key;
mod keyid;
mod layout;
mod layout_key;
mod link;
mod names;
pub mod pyjson;
mod reader;
mod signed;
mod statement;
mod step;
mod timestamp;

pub use content::SignedContent;
pub use digest::{Digest, DigestError, DigestSet, expected_hex_lengths};
pub use error::ModelError;
pub use key::{KeyVal, PublicKeyRecord};
pub use keyid::{KeyId, KeyIdError};
pub use layout::Layout;
pub use layout_key::{GpgPublicKey, LayoutKey};
pub use link::{Artifacts, Byproducts, Link};
pub use names::{ArtifactPath, NameError, StepName};
pub use signed::{
    Envelope, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE, Metablock, Signature, SignedDocument, pae,
};
pub use statement::{
    ResourceDescriptor, STATEMENT_V0_1, STATEMENT_V1, Statement, StatementVersion,
};
pub use step::{Inspection, Rule, Step};
pub use timestamp::{Timestamp, TimestampError};
