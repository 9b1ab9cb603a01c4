//! Checking a certificate against a step's `cert_constraints`, with in-toto-golang's rules.
//!
//! For each attribute, the certificate's values must equal the constraint's values as sets:
//! every value of the certificate is listed, every listed value is on the certificate (a value
//! the certificate has twice fails, as in Go). `["*"]` accepts any values but needs at least
//! one; `[]`, `[""]` and `null` mean the certificate must have none. `common_name` is a
//! one-value list.

use intoto_model::{ANY, CertConstraint, KeyId};

use crate::{Attribute, Certificate, Mismatch, X509Error};

/// Checks `cert` (whose chain ends in the root listed as `root`) against the step's
/// constraints: it must pass at least one.
pub fn check_constraints(
    step: &str,
    constraints: Option<&[CertConstraint]>,
    cert: &Certificate,
    root: &KeyId,
) -> Result<(), X509Error> {
    let constraints = match constraints {
        Some(c) if !c.is_empty() => c,
        _ => {
            return Err(X509Error::NoConstraints {
                step: step.to_string(),
            });
        }
    };
    let mut mismatches = Vec::new();
    for (i, constraint) in constraints.iter().enumerate() {
        match check_one(constraint, cert, root) {
            Ok(()) => return Ok(()),
            Err((attribute, detail)) => mismatches.push(Mismatch {
                constraint: i,
                attribute,
                detail,
            }),
        }
    }
    Err(X509Error::ConstraintsNotMet {
        step: step.to_string(),
        subject: cert.subject().to_string(),
        mismatches,
    })
}

/// The first attribute of `constraint` that `cert` does not meet.
fn check_one(
    constraint: &CertConstraint,
    cert: &Certificate,
    root: &KeyId,
) -> Result<(), (Attribute, String)> {
    let checks: [(Attribute, Vec<String>, Vec<String>); 6] = [
        (
            Attribute::CommonName,
            vec![constraint.common_name.clone()],
            vec![cert.common_name()],
        ),
        (
            Attribute::DnsNames,
            list(&constraint.dns_names),
            cert.dns_names(),
        ),
        (Attribute::Emails, list(&constraint.emails), cert.emails()),
        (
            Attribute::Organizations,
            list(&constraint.organizations),
            cert.organizations(),
        ),
        (
            Attribute::Roots,
            list(&constraint.roots),
            vec![root.to_string()],
        ),
        (Attribute::Uris, list(&constraint.uris), cert.uris()),
    ];
    for (attribute, allowed, values) in checks {
        check_attribute(&allowed, &values).map_err(|detail| (attribute, detail))?;
    }
    Ok(())
}

fn list(l: &Option<Vec<String>>) -> Vec<String> {
    l.clone().unwrap_or_default()
}

/// One attribute: set equality with the wildcard and empty-value rules above.
fn check_attribute(allowed: &[String], values: &[String]) -> Result<(), String> {
    let allowed: Vec<&str> = match allowed {
        [only] if only.is_empty() => Vec::new(),
        _ => allowed.iter().map(String::as_str).collect(),
    };
    let values: Vec<&str> = match values {
        [only] if only.is_empty() => Vec::new(),
        _ => values.iter().map(String::as_str).collect(),
    };
    if allowed == [ANY] {
        return if values.is_empty() {
            Err("the certificate has no value, \"*\" needs at least one".into())
        } else {
            Ok(())
        };
    }
    let mut unmet: Vec<&str> = allowed.clone();
    unmet.sort_unstable();
    unmet.dedup();
    for value in &values {
        match unmet.iter().position(|u| u == value) {
            Some(i) => {
                unmet.remove(i);
            }
            None if allowed.is_empty() => {
                return Err(format!(
                    "the certificate has {value:?}, the constraint allows none"
                ));
            }
            None => {
                return Err(format!(
                    "the certificate has {value:?}, which is not (or no longer) in {allowed:?}"
                ));
            }
        }
    }
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the certificate has {values:?}, the constraint also requires {unmet:?}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn attribute_rules_follow_in_toto_golang() {
        // Wildcard: any values, at least one.
        assert!(check_attribute(&s(&["*"]), &s(&["a", "b"])).is_ok());
        assert!(check_attribute(&s(&["*"]), &s(&[])).is_err());
        // Empty, [""] and missing mean none.
        assert!(check_attribute(&s(&[]), &s(&[])).is_ok());
        assert!(check_attribute(&s(&[""]), &s(&[])).is_ok());
        assert!(check_attribute(&s(&[""]), &s(&[""])).is_ok());
        assert!(check_attribute(&s(&[]), &s(&["a"])).is_err());
        // Set equality.
        assert!(check_attribute(&s(&["a", "b"]), &s(&["b", "a"])).is_ok());
        assert!(check_attribute(&s(&["a", "b"]), &s(&["a"])).is_err());
        assert!(check_attribute(&s(&["a"]), &s(&["a", "c"])).is_err());
        // A value the certificate has twice fails; a constraint listing one twice does not.
        assert!(check_attribute(&s(&["a"]), &s(&["a", "a"])).is_err());
        assert!(check_attribute(&s(&["a", "a"]), &s(&["a"])).is_ok());
    }
}
