//! [`TrustStore`]: a layout's root and intermediate certificate authorities, and building a
//! verified chain from a functionary's certificate to one of the roots.

use std::collections::BTreeMap;

use intoto_model::{CertificateAuthority, KeyId, Layout, certificate_pem};

use crate::{Certificate, X509Error};

/// Longest chain tried (leaf, intermediates, root); deeper chains are refused as not found.
pub const MAX_CHAIN_LENGTH: usize = 8;

/// The roots (by the key id the layout lists them under) and the intermediates a
/// functionary's certificate may chain through.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<(KeyId, Certificate)>,
    intermediates: Vec<Certificate>,
}

/// A verified chain: the root it ends in.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedChain {
    /// The key id the layout lists the root under (what constraints' `roots` name).
    pub root_keyid: KeyId,
    /// Subjects from the functionary's certificate up to the root.
    pub subjects: Vec<String>,
}

impl TrustStore {
    /// The layout's `rootcas` and `intermediatecas`, plus intermediates given at verification
    /// time (`--intermediate-certs`, as in-toto-golang's `-i`).
    pub fn from_layout(
        layout: &Layout,
        extra_intermediates: &[Certificate],
    ) -> Result<Self, X509Error> {
        let roots = read_authorities(layout.rootcas.as_ref(), "rootcas")?;
        let mut intermediates: Vec<Certificate> =
            read_authorities(layout.intermediatecas.as_ref(), "intermediatecas")?
                .into_iter()
                .map(|(_, c)| c)
                .collect();
        intermediates.extend(extra_intermediates.iter().cloned());
        Ok(TrustStore {
            roots,
            intermediates,
        })
    }

    /// Whether the layout lists any root (without one no certificate can be trusted).
    pub fn has_roots(&self) -> bool {
        !self.roots.is_empty()
    }

    /// Verifies that `leaf` chains, through intermediates, to one of the roots, with every
    /// certificate valid at `now_unix`, every issuer a certificate authority (basic
    /// constraints, key usage, path length) and every signature checking out.
    pub fn verify(&self, leaf: &Certificate, now_unix: i64) -> Result<VerifiedChain, X509Error> {
        if self.roots.is_empty() {
            return Err(X509Error::NoRoots {
                subject: leaf.subject().to_string(),
            });
        }
        leaf.check_validity(now_unix)?;
        let mut path = vec![leaf];
        self.extend(&mut path, now_unix)
    }

    fn extend<'a>(
        &'a self,
        path: &mut Vec<&'a Certificate>,
        now_unix: i64,
    ) -> Result<VerifiedChain, X509Error> {
        let Some(&current) = path.last() else {
            return Err(X509Error::Malformed {
                context: String::new(),
                reason: "empty chain".into(),
            });
        };
        // The layout trusts a root as such, even when the functionary's certificate is one.
        if let Some((id, _)) = self.roots.iter().find(|(_, root)| root == current) {
            return Ok(chain_of(id, path));
        }
        let below = path.len() - 1; // certificates below `current`'s issuer, except the leaf
        let mut first_error = None;
        for (id, root) in &self.roots {
            if !current.issued_by(root) {
                continue;
            }
            match check_issuer(current, root, true, below, now_unix) {
                Ok(()) => {
                    let mut full = path.clone();
                    full.push(root);
                    return Ok(chain_of(id, &full));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if path.len() < MAX_CHAIN_LENGTH {
            for candidate in &self.intermediates {
                if !current.issued_by(candidate) || path.contains(&candidate) {
                    continue;
                }
                if let Err(e) = check_issuer(current, candidate, false, below, now_unix) {
                    first_error.get_or_insert(e);
                    continue;
                }
                path.push(candidate);
                match self.extend(path, now_unix) {
                    Ok(chain) => return Ok(chain),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
                path.pop();
            }
        }
        Err(first_error.unwrap_or_else(|| {
            if current.is_self_issued() && current.check_signature_by(current).is_ok() {
                X509Error::UntrustedRoot {
                    subject: current.subject().to_string(),
                }
            } else {
                X509Error::IssuerNotFound {
                    subject: current.subject().to_string(),
                    issuer: current.issuer().to_string(),
                }
            }
        }))
    }
}

/// Checks that `issuer` may have issued `cert` (with `below` CA certificates under it already
/// in the path) and did: valid now, a CA, allowed to sign certificates, path length, signature.
/// A root (a trust anchor the layout names) may lack basic constraints (X.509 v1 roots, as Go
/// accepts them), but must not say it is no CA.
fn check_issuer(
    cert: &Certificate,
    issuer: &Certificate,
    is_root: bool,
    below: usize,
    now_unix: i64,
) -> Result<(), X509Error> {
    issuer.check_validity(now_unix)?;
    let refuse = |reason: String| X509Error::NotACertificateAuthority {
        issuer: issuer.subject().to_string(),
        subject: cert.subject().to_string(),
        reason,
    };
    match issuer.basic_constraints() {
        Some((true, path_len)) => {
            if let Some(max) = path_len
                && below > usize::from(max)
            {
                return Err(refuse(format!(
                    "its path length constraint allows {max} intermediate(s) below it, the chain has {below}"
                )));
            }
        }
        None if is_root => {}
        _ => {
            return Err(refuse(
                "its basic constraints do not mark it as a CA".into(),
            ));
        }
    }
    if let Some(ku) = issuer.key_usage()
        && !ku.key_cert_sign()
    {
        return Err(refuse(
            "its key usage does not allow signing certificates".into(),
        ));
    }
    cert.check_signature_by(issuer)
}

fn chain_of(root: &KeyId, path: &[&Certificate]) -> VerifiedChain {
    VerifiedChain {
        root_keyid: root.clone(),
        subjects: path.iter().map(|c| c.subject().to_string()).collect(),
    }
}

/// Reads a layout's `rootcas` or `intermediatecas`: each certificate must parse and be listed
/// under a key id of its own key (current or legacy derivation, as in-toto-golang writes them).
fn read_authorities(
    cas: Option<&BTreeMap<KeyId, CertificateAuthority>>,
    field: &'static str,
) -> Result<Vec<(KeyId, Certificate)>, X509Error> {
    cas.into_iter()
        .flatten()
        .map(|(id, record)| {
            let context = format!(" in {field} {id}");
            let pem = certificate_pem(record).ok_or_else(|| X509Error::Malformed {
                context: context.clone(),
                reason: "no PEM certificate in keyval".into(),
            })?;
            let cert = Certificate::from_pem(pem, &context)?;
            if crate::key_for_keyid(&cert, id).is_err() {
                return Err(X509Error::AuthorityKeyIdMismatch {
                    field,
                    keyid: id.clone(),
                    subject: cert.subject().to_string(),
                });
            }
            Ok((id.clone(), cert))
        })
        .collect()
}
