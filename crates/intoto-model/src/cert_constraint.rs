//! ITE-7 as in-toto-golang writes it: a step's [`CertConstraint`]s and a layout's certificate
//! authorities (`rootcas`, `intermediatecas`). The checks themselves live in `intoto-x509`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{
    KeyId, ModelError, PublicKeyRecord,
    layout_key::{LayoutKey, standard_to_value},
    reader::{Fields, index, join, mistyped, object, string_list},
};

/// The wildcard of a constraint attribute: any value, but at least one.
pub const ANY: &str = "*";

/// One entry of a step's `cert_constraints` (ITE-7): the attributes a functionary's
/// certificate must have. A certificate passes a step when it passes at least one constraint.
///
/// Every attribute is written by in-toto-golang (no `omitempty`), so all six are required
/// here too; a list may be `null` (Go's nil slice), kept as `None` and meaning "no values".
#[derive(Debug, Clone, PartialEq)]
pub struct CertConstraint {
    /// `common_name`: the subject's common name, `"*"` for any, `""` for none.
    pub common_name: String,
    /// `dns_names`: DNS subject alternative names.
    pub dns_names: Option<Vec<String>>,
    /// `emails`: e-mail (rfc822Name) subject alternative names.
    pub emails: Option<Vec<String>>,
    /// `organizations`: the subject's organization (O) values.
    pub organizations: Option<Vec<String>>,
    /// `roots`: key ids of the layout's `rootcas` the chain may end in.
    pub roots: Option<Vec<String>>,
    /// `uris`: URI subject alternative names, e.g. SPIFFE ids.
    pub uris: Option<Vec<String>>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

impl CertConstraint {
    /// Reads a constraint object; `path` names it in errors.
    pub fn from_value(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        let common_name = f.string("common_name")?;
        let mut list = |key: &'static str| -> Result<Option<Vec<String>>, ModelError> {
            let v = f.required(key)?;
            match v {
                Value::Null => Ok(None),
                v => string_list(v, &join(path, key)).map(Some),
            }
        };
        let dns_names = list("dns_names")?;
        let emails = list("emails")?;
        let organizations = list("organizations")?;
        let roots = list("roots")?;
        let uris = list("uris")?;
        Ok(CertConstraint {
            common_name,
            dns_names,
            emails,
            organizations,
            roots,
            uris,
            extra: f.unknown(),
        })
    }

    /// The JSON object: the six attributes plus any kept unknown fields.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("common_name".into(), self.common_name.clone().into());
        let list = |l: &Option<Vec<String>>| match l {
            None => Value::Null,
            Some(items) => items.iter().map(|s| Value::String(s.clone())).collect(),
        };
        m.insert("dns_names".into(), list(&self.dns_names));
        m.insert("emails".into(), list(&self.emails));
        m.insert("organizations".into(), list(&self.organizations));
        m.insert("roots".into(), list(&self.roots));
        m.insert("uris".into(), list(&self.uris));
        Value::Object(m)
    }
}

/// Reads a step's `cert_constraints` list.
pub(crate) fn read_constraints(v: &Value, path: &str) -> Result<Vec<CertConstraint>, ModelError> {
    let items = v
        .as_array()
        .ok_or_else(|| mistyped(path, "an array of certificate constraints", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, c)| CertConstraint::from_value(c, &index(path, i)))
        .collect()
}

/// A certificate authority of a layout's `rootcas` or `intermediatecas`: a key object whose
/// `keyval.certificate` (in-toto-golang) or, in ITE-7's own example, `keyval.public` holds the
/// PEM certificate.
pub type CertificateAuthority = PublicKeyRecord;

/// Reads `rootcas` or `intermediatecas`: key objects by key id, like `keys`.
pub(crate) fn read_authorities(
    v: &Value,
    path: &str,
) -> Result<BTreeMap<KeyId, CertificateAuthority>, ModelError> {
    let mut out = BTreeMap::new();
    for (id, entry) in object(v, path)? {
        let at = join(path, id);
        let keyid = KeyId::new(id.as_str()).map_err(|e| ModelError::invalid(&at, e.to_string()))?;
        match LayoutKey::from_value(entry, &at)? {
            LayoutKey::Standard(record) => {
                if let Some(inner) = &record.keyid
                    && *inner != keyid
                {
                    return Err(ModelError::invalid(
                        join(&at, "keyid"),
                        format!("key id {inner} differs from the map key {keyid}"),
                    ));
                }
                certificate_pem(&record).ok_or_else(|| {
                    ModelError::invalid(
                        join(&at, "keyval"),
                        "a certificate authority needs a PEM certificate in keyval.certificate (or keyval.public)",
                    )
                })?;
                out.insert(keyid, record);
            }
            LayoutKey::Gpg(_) => {
                return Err(ModelError::invalid(
                    at,
                    "an OpenPGP key cannot be a certificate authority",
                ));
            }
        }
    }
    Ok(out)
}

/// The PEM certificate of an authority: `keyval.certificate` if set, else `keyval.public`
/// when it is a certificate.
pub fn certificate_pem(record: &CertificateAuthority) -> Option<&str> {
    match &record.keyval.certificate {
        Some(c) if !c.trim().is_empty() => Some(c),
        _ if record.keyval.public.contains("-----BEGIN CERTIFICATE-----") => {
            Some(&record.keyval.public)
        }
        _ => None,
    }
}

/// Writes `rootcas` or `intermediatecas`.
pub(crate) fn authorities_to_value(cas: &BTreeMap<KeyId, CertificateAuthority>) -> Value {
    Value::Object(
        cas.iter()
            .map(|(id, k)| (id.to_string(), standard_to_value(k)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constraint_round_trips_with_nulls_and_empty_strings() {
        let v = json!({"common_name": "*", "dns_names": [""], "emails": null,
            "organizations": ["*"], "roots": ["*"], "uris": ["spiffe://example.com/write-code"]});
        let c = CertConstraint::from_value(&v, "c").unwrap();
        assert_eq!(c.emails, None);
        assert_eq!(c.dns_names, Some(vec![String::new()]));
        assert_eq!(c.to_value(), v);
    }

    #[test]
    fn constraint_attributes_are_required_and_typed() {
        let v = json!({"common_name": "*", "dns_names": [], "emails": [], "organizations": [],
            "roots": []});
        let e = CertConstraint::from_value(&v, "steps[0].cert_constraints[0]").unwrap_err();
        assert_eq!(
            e,
            ModelError::invalid("steps[0].cert_constraints[0].uris", "missing field")
        );
        let v = json!({"common_name": 1, "dns_names": [], "emails": [], "organizations": [],
            "roots": [], "uris": []});
        assert!(matches!(
            CertConstraint::from_value(&v, "c"),
            Err(ModelError::Invalid { path, .. }) if path == "c.common_name"
        ));
    }

    #[test]
    fn authorities_need_a_certificate_and_a_matching_key_id() {
        let ok = json!({"ab": {"keyid": "ab", "keytype": "rsa", "scheme": "rsassa-pss-sha256",
            "keyid_hash_algorithms": ["sha256", "sha512"],
            "keyval": {"public": "-----BEGIN PUBLIC KEY-----\n", "certificate": "-----BEGIN CERTIFICATE-----\n"}}});
        let cas = read_authorities(&ok, "rootcas").unwrap();
        assert_eq!(authorities_to_value(&cas), ok);
        let no_cert = json!({"ab": {"keytype": "rsa", "scheme": "rsassa-pss-sha256",
            "keyval": {"public": "-----BEGIN PUBLIC KEY-----\n"}}});
        assert!(matches!(
            read_authorities(&no_cert, "rootcas"),
            Err(ModelError::Invalid { path, .. }) if path == "rootcas.ab.keyval"
        ));
        let other_id = json!({"ab": {"keyid": "cd", "keytype": "rsa", "scheme": "rsassa-pss-sha256",
            "keyval": {"public": "-----BEGIN CERTIFICATE-----\n"}}});
        assert!(matches!(
            read_authorities(&other_id, "rootcas"),
            Err(ModelError::Invalid { path, .. }) if path == "rootcas.ab.keyid"
        ));
    }
}
