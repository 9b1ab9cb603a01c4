//! The error type of this crate.

use intoto_crypto::CryptoError;
use intoto_model::KeyId;

/// An attribute of a certificate constraint (ITE-7), as named in layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    /// `common_name`: the subject's common name.
    CommonName,
    /// `dns_names`: DNS subject alternative names.
    DnsNames,
    /// `emails`: e-mail subject alternative names.
    Emails,
    /// `organizations`: the subject's organizations.
    Organizations,
    /// `roots`: the root certificate authority the chain ends in.
    Roots,
    /// `uris`: URI subject alternative names (SPIFFE ids).
    Uris,
}

impl Attribute {
    /// The field name in a layout's `cert_constraints`.
    pub fn field(self) -> &'static str {
        match self {
            Attribute::CommonName => "common_name",
            Attribute::DnsNames => "dns_names",
            Attribute::Emails => "emails",
            Attribute::Organizations => "organizations",
            Attribute::Roots => "roots",
            Attribute::Uris => "uris",
        }
    }
}

/// Why one constraint did not accept a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Index of the constraint in the step's `cert_constraints`.
    pub constraint: usize,
    /// The first attribute that did not match.
    pub attribute: Attribute,
    /// What the certificate has and what the constraint wants.
    pub detail: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cert_constraints[{}].{}: {}",
            self.constraint,
            self.attribute.field(),
            self.detail
        )
    }
}

/// Why a certificate could not be read, chained to a root, matched to a step's constraints, or
/// used to check a signature. Every variant names the certificate (by subject) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum X509Error {
    /// The text is not one PEM `CERTIFICATE`, or the DER is not an X.509 certificate.
    #[error("invalid certificate{context}: {reason}")]
    Malformed {
        /// Where the certificate came from (e.g. ` in rootcas 1a2b...`), or empty.
        context: String,
        /// What is wrong.
        reason: String,
    },
    /// The certificate's key cannot be used (type, size).
    #[error("certificate '{subject}': {source}")]
    Key {
        /// The certificate's subject.
        subject: String,
        /// Why the key was refused.
        source: Box<CryptoError>,
    },
    /// The certificate is not valid yet at verification time.
    #[error("certificate '{subject}' is not valid before {not_before} (Unix time {now})")]
    NotYetValid {
        /// The certificate's subject.
        subject: String,
        /// Its notBefore, RFC 3339.
        not_before: String,
        /// The verification time.
        now: i64,
    },
    /// The certificate has expired at verification time.
    #[error("certificate '{subject}' expired at {not_after} (Unix time {now})")]
    Expired {
        /// The certificate's subject.
        subject: String,
        /// Its notAfter, RFC 3339.
        not_after: String,
        /// The verification time.
        now: i64,
    },
    /// The layout lists no root certificate authority (`rootcas`), so no certificate can be
    /// trusted.
    #[error(
        "the layout lists no root certificate authorities (rootcas) to check certificate '{subject}' against"
    )]
    NoRoots {
        /// The certificate that was to be checked.
        subject: String,
    },
    /// Neither the layout's roots nor the intermediates hold the certificate's issuer.
    #[error(
        "certificate '{subject}' was issued by '{issuer}', which is neither a root of the layout nor a known intermediate"
    )]
    IssuerNotFound {
        /// The certificate whose issuer is missing.
        subject: String,
        /// The issuer's name.
        issuer: String,
    },
    /// The chain ends in a self-signed certificate that is not one of the layout's roots.
    #[error(
        "certificate chain ends in the self-signed '{subject}', which is not a root of the layout"
    )]
    UntrustedRoot {
        /// The self-signed certificate.
        subject: String,
    },
    /// A certificate's signature does not verify with its issuer's key.
    #[error("certificate '{subject}' is not signed by the key of '{issuer}': {reason}")]
    BadCertificateSignature {
        /// The certificate.
        subject: String,
        /// The issuer tried.
        issuer: String,
        /// Why the signature did not verify.
        reason: String,
    },
    /// An issuer in the chain is not allowed to issue certificates (basic constraints, key
    /// usage, path length).
    #[error("certificate '{issuer}' may not issue '{subject}': {reason}")]
    NotACertificateAuthority {
        /// The issuer.
        issuer: String,
        /// The certificate it issued.
        subject: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// A critical extension this implementation does not process (RFC 5280 requires
    /// rejecting the certificate).
    #[error("certificate '{subject}' has the unsupported critical extension {oid}")]
    UnhandledCriticalExtension {
        /// The certificate.
        subject: String,
        /// The extension's OID.
        oid: String,
    },
    /// The functionary certificate's key usage does not allow signing.
    #[error("certificate '{subject}' is not for digital signatures (key usage)")]
    NotForSigning {
        /// The certificate.
        subject: String,
    },
    /// The certificate uses a signature algorithm this implementation does not check.
    #[error("certificate '{subject}' is signed with the unsupported algorithm {oid}")]
    UnsupportedSignatureAlgorithm {
        /// The certificate.
        subject: String,
        /// The algorithm's OID.
        oid: String,
    },
    /// The step has no `cert_constraints`: certificates cannot act as its functionaries.
    #[error("step '{step}' has no cert_constraints, so no certificate can sign its links")]
    NoConstraints {
        /// The step.
        step: String,
    },
    /// The certificate passes none of the step's constraints.
    #[error(
        "certificate '{subject}' passes none of the cert_constraints of step '{step}': {}",
        join(mismatches)
    )]
    ConstraintsNotMet {
        /// The step.
        step: String,
        /// The certificate.
        subject: String,
        /// Why each constraint refused it.
        mismatches: Vec<Mismatch>,
    },
    /// The signature's key id is not a key id of the certificate's key (under any scheme of
    /// its key type, computed the current or the legacy way).
    #[error("signature key id {keyid} is not the key id of the key of certificate '{subject}'")]
    KeyIdNotOfCertificate {
        /// The key id the signature claims.
        keyid: KeyId,
        /// The certificate.
        subject: String,
    },
    /// A `rootcas` or `intermediatecas` entry is listed under a key id that is not a key id
    /// of its certificate's key: constraints' `roots` name roots by these ids, so an id that
    /// does not commit to the certificate is refused, as for the layout's `keys`.
    #[error(
        "{field} entry {keyid} holds certificate '{subject}', whose key has a different key id"
    )]
    AuthorityKeyIdMismatch {
        /// `rootcas` or `intermediatecas`.
        field: &'static str,
        /// The id the layout lists the certificate under.
        keyid: KeyId,
        /// The certificate.
        subject: String,
    },
    /// The signature does not verify with the certificate's key.
    #[error("signature by certificate '{subject}': {source}")]
    Signature {
        /// The certificate.
        subject: String,
        /// Why the signature was refused.
        source: Box<CryptoError>,
    },
    /// The private key does not belong to the certificate (signing).
    #[error("the signing key {keyid} is not the key of certificate '{subject}'")]
    KeyNotOfCertificate {
        /// The private key's id.
        keyid: KeyId,
        /// The certificate.
        subject: String,
    },
}

fn join(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
