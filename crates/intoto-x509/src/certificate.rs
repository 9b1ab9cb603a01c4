//! [`Certificate`]: a parsed X.509 certificate with the attributes ITE-7 constrains and the
//! checks a chain needs.

use der::{Decode, Encode, asn1::ObjectIdentifier};
use intoto_crypto::{HashAlg, KeyType, PublicKey, Scheme};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, SubjectAltName, name::GeneralName};

use crate::X509Error;

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

const OID_SHA224_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.14");
const OID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// An X.509 certificate: its DER, the attributes ITE-7 constraints look at, and its key as an
/// in-toto [`PublicKey`] (securesystemslib's default scheme for its type).
#[derive(Debug, Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs_der: Vec<u8>,
    inner: x509_cert::Certificate,
    subject: String,
    issuer: String,
    key: PublicKey,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Certificate {
    /// Reads a PEM file holding exactly one `CERTIFICATE` block (surrounding text is ignored,
    /// as by OpenSSL). `context` names the origin in errors, e.g. `" in rootcas 1a2b..."`.
    pub fn from_pem(text: &str, context: &str) -> Result<Self, X509Error> {
        let malformed = |reason: String| X509Error::Malformed {
            context: context.to_string(),
            reason,
        };
        let begins = text.matches("-----BEGIN ").count();
        if begins != 1 {
            return Err(malformed(format!("expected one PEM block, found {begins}")));
        }
        let block =
            intoto_crypto::pem::parse(text.as_bytes()).map_err(|e| malformed(e.to_string()))?;
        if block.label != "CERTIFICATE" {
            return Err(malformed(format!(
                "expected a \"CERTIFICATE\" PEM block, found {:?}",
                block.label
            )));
        }
        Self::from_der(&block.der, context)
    }

    /// Reads a DER certificate.
    pub fn from_der(der: &[u8], context: &str) -> Result<Self, X509Error> {
        let malformed = |reason: String| X509Error::Malformed {
            context: context.to_string(),
            reason,
        };
        let inner = x509_cert::Certificate::from_der(der).map_err(|e| malformed(e.to_string()))?;
        let tbs = inner.tbs_certificate();
        let tbs_der = tbs.to_der().map_err(|e| malformed(e.to_string()))?;
        let subject = tbs.subject().to_string();
        let issuer = tbs.issuer().to_string();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|e| malformed(e.to_string()))?;
        let key = PublicKey::from_pem(&intoto_crypto::pem::encode("PUBLIC KEY", &spki)).map_err(
            |source| X509Error::Key {
                subject: subject.clone(),
                source: Box::new(source),
            },
        )?;
        let cert = Certificate {
            der: der.to_vec(),
            tbs_der,
            inner,
            subject,
            issuer,
            key,
        };
        cert.check_critical_extensions()?;
        Ok(cert)
    }

    /// The certificate as PEM, 64-character lines and a final newline (what in-toto-golang
    /// embeds in signatures).
    pub fn to_pem(&self) -> String {
        intoto_crypto::pem::encode("CERTIFICATE", &self.der)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject as an RFC 4514 string (for messages).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The issuer as an RFC 4514 string (for messages).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The certificate's key, with securesystemslib's default scheme for its type.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// The subject's common name: the last CN attribute, as Go's `pkix.Name` keeps it; empty
    /// when there is none.
    pub fn common_name(&self) -> String {
        self.attribute_values(OID_CN).pop().unwrap_or_default()
    }

    /// The subject's organization (O) values, in order.
    pub fn organizations(&self) -> Vec<String> {
        self.attribute_values(OID_O)
    }

    /// DNS names among the subject alternative names.
    pub fn dns_names(&self) -> Vec<String> {
        self.san(|n| match n {
            GeneralName::DnsName(s) => Some(s.to_string()),
            _ => None,
        })
    }

    /// E-mail addresses (rfc822Name) among the subject alternative names.
    pub fn emails(&self) -> Vec<String> {
        self.san(|n| match n {
            GeneralName::Rfc822Name(s) => Some(s.to_string()),
            _ => None,
        })
    }

    /// URIs among the subject alternative names (SPIFFE ids), as written.
    pub fn uris(&self) -> Vec<String> {
        self.san(|n| match n {
            GeneralName::UniformResourceIdentifier(s) => Some(s.to_string()),
            _ => None,
        })
    }

    /// notBefore and notAfter as Unix seconds.
    pub fn validity_unix(&self) -> (i64, i64) {
        let v = self.inner.tbs_certificate().validity();
        let secs = |t: x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        (secs(v.not_before), secs(v.not_after))
    }

    /// Checks that `now_unix` lies in the validity period.
    pub fn check_validity(&self, now_unix: i64) -> Result<(), X509Error> {
        let (not_before, not_after) = self.validity_unix();
        let v = self.inner.tbs_certificate().validity();
        if now_unix < not_before {
            return Err(X509Error::NotYetValid {
                subject: self.subject.clone(),
                not_before: v.not_before.to_string(),
                now: now_unix,
            });
        }
        if now_unix > not_after {
            return Err(X509Error::Expired {
                subject: self.subject.clone(),
                not_after: v.not_after.to_string(),
                now: now_unix,
            });
        }
        Ok(())
    }

    /// Whether `self` names `other` as its issuer (issuer and subject names equal as DER).
    pub fn issued_by(&self, other: &Certificate) -> bool {
        let issuer = self.inner.tbs_certificate().issuer().to_der();
        let subject = other.inner.tbs_certificate().subject().to_der();
        matches!((issuer, subject), (Ok(a), Ok(b)) if a == b)
    }

    /// Whether the certificate is self-issued (subject equals issuer).
    pub fn is_self_issued(&self) -> bool {
        self.issued_by(self)
    }

    /// Checks that `issuer`'s key signed this certificate.
    pub fn check_signature_by(&self, issuer: &Certificate) -> Result<(), X509Error> {
        let alg = &self.inner.signature_algorithm().oid;
        let unsupported = || X509Error::UnsupportedSignatureAlgorithm {
            subject: self.subject.clone(),
            oid: alg.to_string(),
        };
        let scheme = match *alg {
            a if a == OID_SHA224_RSA => Scheme::RsaPkcs1v15(HashAlg::Sha224),
            a if a == OID_SHA256_RSA => Scheme::RsaPkcs1v15(HashAlg::Sha256),
            a if a == OID_SHA384_RSA => Scheme::RsaPkcs1v15(HashAlg::Sha384),
            a if a == OID_SHA512_RSA => Scheme::RsaPkcs1v15(HashAlg::Sha512),
            // Our ECDSA schemes pair P-256 with SHA-256 and P-384 with SHA-384 only.
            a if a == OID_ECDSA_SHA256 && issuer.key.key_type() == KeyType::EcdsaP256 => {
                Scheme::EcdsaP256
            }
            a if a == OID_ECDSA_SHA384 && issuer.key.key_type() == KeyType::EcdsaP384 => {
                Scheme::EcdsaP384
            }
            a if a == OID_ED25519 => Scheme::Ed25519,
            _ => return Err(unsupported()),
        };
        let bad = |reason: String| X509Error::BadCertificateSignature {
            subject: self.subject.clone(),
            issuer: issuer.subject.clone(),
            reason,
        };
        let key = issuer
            .key
            .with_scheme(scheme)
            .map_err(|e| bad(e.to_string()))?;
        let sig = self
            .inner
            .signature()
            .as_bytes()
            .ok_or_else(|| bad("the signature is not a whole number of bytes".into()))?;
        key.verify(&self.tbs_der, sig)
            .map_err(|e| bad(e.to_string()))
    }

    /// Basic constraints `(ca, path_len_constraint)`, if the extension is present.
    pub fn basic_constraints(&self) -> Option<(bool, Option<u8>)> {
        match self
            .inner
            .tbs_certificate()
            .get_extension::<BasicConstraints>()
        {
            Ok(Some((_, bc))) => Some((bc.ca, bc.path_len_constraint)),
            _ => None,
        }
    }

    /// Key usage, if the extension is present and readable.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        match self.inner.tbs_certificate().get_extension::<KeyUsage>() {
            Ok(Some((_, ku))) => Some(ku),
            _ => None,
        }
    }

    /// Checks that this certificate may sign metadata: when it has a key usage extension, it
    /// must allow digital signatures.
    pub fn check_signing_usage(&self) -> Result<(), X509Error> {
        match self.key_usage() {
            Some(ku) if !ku.digital_signature() => Err(X509Error::NotForSigning {
                subject: self.subject.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// RFC 5280: a critical extension the verifier does not process makes the certificate
    /// unusable. Processed: basic constraints, key usage, subject alternative name; extended
    /// key usage and key identifiers are read or harmless.
    fn check_critical_extensions(&self) -> Result<(), X509Error> {
        let handled = [
            OID_SAN,
            OID_BASIC_CONSTRAINTS,
            OID_KEY_USAGE,
            OID_EXT_KEY_USAGE,
            OID_SUBJECT_KEY_ID,
            OID_AUTHORITY_KEY_ID,
        ];
        for ext in self
            .inner
            .tbs_certificate()
            .extensions()
            .into_iter()
            .flatten()
        {
            if ext.critical && !handled.contains(&ext.extn_id) {
                return Err(X509Error::UnhandledCriticalExtension {
                    subject: self.subject.clone(),
                    oid: ext.extn_id.to_string(),
                });
            }
        }
        Ok(())
    }

    fn attribute_values(&self, oid: ObjectIdentifier) -> Vec<String> {
        self.inner
            .tbs_certificate()
            .subject()
            .iter()
            .filter(|atv| atv.oid == oid)
            .filter_map(|atv| {
                x509_cert::ext::pkix::name::DirectoryString::try_from(&atv.value)
                    .ok()
                    .map(|s| s.value().into_owned())
            })
            .collect()
    }

    fn san(&self, pick: impl Fn(&GeneralName) -> Option<String>) -> Vec<String> {
        match self
            .inner
            .tbs_certificate()
            .get_extension::<SubjectAltName>()
        {
            Ok(Some((_, san))) => san.0.iter().filter_map(pick).collect(),
            _ => Vec::new(),
        }
    }
}
