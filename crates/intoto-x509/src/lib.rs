//! # intoto-x509
//!
//! ITE-7 as in-toto-golang implements it: functionaries identified by an X.509 certificate
//! instead of a key listed in the layout. A link's signature carries the signer's certificate
//! (`cert`, PEM); the layout lists root certificate authorities (`rootcas`) and
//! intermediates (`intermediatecas`) by key id; each step may list `cert_constraints`
//! (common name, DNS/e-mail/URI subject alternative names such as SPIFFE ids,
//! organizations, roots). A link counts for a step when its certificate
//!
//! 1. chains through intermediates to one of the layout's roots ([`TrustStore::verify`]:
//!    validity periods, CA basic constraints and key usage, path lengths, signatures),
//! 2. passes one of the step's constraints ([`check_constraints`]),
//! 3. and its key, with the scheme the signature's key id commits to ([`key_for_keyid`]),
//!    verifies the signature ([`verify_certified_signature`]).
//!
//! Certificates are parsed with RustCrypto's `x509-cert`; their signatures are checked with
//! `intoto-crypto`'s keys (RSA PKCS#1 v1.5 with SHA-2, ECDSA P-256/SHA-256 and
//! P-384/SHA-384, Ed25519).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod certificate;
mod chain;
mod constraints;
mod error;
mod signature;

pub use certificate::Certificate;
pub use chain::{MAX_CHAIN_LENGTH, TrustStore, VerifiedChain};
pub use constraints::check_constraints;
pub use error::{Attribute, Mismatch, X509Error};
pub use signature::{
    attach_certificate, check_key_matches, go_keyid, key_for_keyid, verify_certified_signature,
};
