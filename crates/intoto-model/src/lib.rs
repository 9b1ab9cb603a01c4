//! # intoto-model
//!
//! The in-toto metadata model: the signature wrappers ([`Metablock`], DSSE [`Envelope`]), the
//! layout, link and attestation types, canonical JSON as securesystemslib writes it, and strict
//! parsing that names the JSON path of every problem. No cryptography and no I/O: bytes in,
//! typed values out; the one exception, reading a metadata file safely
//! (`file::read_metadata_file`), is behind the `fs` feature.
//!
//! ```
//! use intoto_model::SignedDocument;
//! let doc = SignedDocument::from_slice(br#"{"signed": {"_type": "link"}, "signatures": []}"#).unwrap();
//! assert!(matches!(doc, SignedDocument::Metablock(_)));
//! ```
//!
//! Reading the signed content: [`Layout`], [`Link`], [`Statement`] and [`SignedContent`] have
//! `from_value` (strict: `_type`, every field and its type are checked; unknown fields are kept
//! in `extra` and listed by `unknown_fields()`), `to_value` and serde impls that go through
//! them. Errors name the JSON path relative to the object read; prefix it with
//! [`ModelError::within`].
//!
//! ```
//! use intoto_model::{Layout, ModelError, SignedContent, Link, StepName};
//! let link = Link::new(StepName::new("build").unwrap()); // the reference's field set
//! let v = link.to_value();
//! assert_eq!(SignedContent::from_value(&v).unwrap(), SignedContent::Link(link));
//!
//! let bad = serde_json::json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z",
//!     "readme": "", "keys": {}, "inspect": [],
//!     "steps": [{"_type": "step", "name": "a", "threshold": -1, "pubkeys": [],
//!                "expected_command": [], "expected_materials": [], "expected_products": []}]});
//! let err = Layout::from_value(&bad).unwrap_err().within("signed");
//! assert_eq!(err.to_string(), "signed.steps[0].threshold: must not be negative");
//! ```
//!
//! Differences from the Python reference's readers are listed in the docs of [`Layout`]
//! (`_type` checked, missing fields reported, unknown fields kept, stricter validation),
//! [`StepName`] (names that could escape the link directory) and [`DigestSet`] (lowercase hex).
#![forbid(unsafe_code)]

pub mod canonical;
mod cert_constraint;
mod content;
mod digest;
mod error;
#[cfg(feature = "fs")]
pub mod file;
pub mod hex;
pub mod json;
mod key;
mod keyid;
mod layout;
mod layout_key;
mod link;
mod link_json;
mod names;
pub mod predicate;
pub mod pyjson;
mod reader;
mod signed;
mod statement;
mod step;
mod timestamp;

pub use cert_constraint::{ANY, CertConstraint, CertificateAuthority, certificate_pem};
pub use content::SignedContent;
pub use digest::{Digest, DigestError, DigestSet, expected_hex_lengths};
pub use error::ModelError;
pub use key::{KeyVal, PublicKeyRecord};
pub use keyid::{KeyId, KeyIdError};
pub use layout::Layout;
pub use layout_key::{GpgPublicKey, LayoutKey};
pub use link::{Artifacts, Byproducts, Link};
pub use link_json::PythonStyle;
pub use names::{ArtifactPath, NameError, StepName};
pub use signed::{
    Envelope, EnvelopeSignature, IN_TOTO_PAYLOAD_TYPE, Metablock, Signature, SignedDocument, pae,
};
pub use statement::{
    ResourceDescriptor, STATEMENT_V0_1, STATEMENT_V1, Statement, StatementVersion,
};
pub use step::{Inspection, Rule, Step};
pub use timestamp::{Timestamp, TimestampError};
