//! Parameter substitution in attestation layouts, as the attestation-verifier does it:
//! `{name}` in artifact rules and CEL rules is replaced by the parameter's value, repeatedly,
//! so that values may refer to other parameters.

use std::collections::BTreeMap;

use crate::AttestError;

/// How many rounds of replacement before a chain of parameters is called a cycle.
const MAX_ROUNDS: usize = 32;
/// Longest result of substitution (parameters that double each other grow fast).
const MAX_LEN: usize = 1 << 20;

/// Checked parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parameters(BTreeMap<String, String>);

impl Parameters {
    /// Checks names (`[A-Za-z0-9_-]+`) and that no value refers to itself.
    pub fn new(map: BTreeMap<String, String>) -> Result<Self, AttestError> {
        for (name, value) in &map {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(AttestError::Parameter {
                    message: format!("{name:?} is not a valid parameter name ([A-Za-z0-9_-]+)"),
                });
            }
            if value.contains(&format!("{{{name}}}")) {
                return Err(AttestError::Parameter {
                    message: format!("the value of {name:?} refers to itself"),
                });
            }
        }
        Ok(Parameters(map))
    }

    /// Reads a JSON object of strings (the prototype's `--substitute-parameters` file).
    pub fn from_json(bytes: &[u8]) -> Result<Self, AttestError> {
        let value =
            intoto_model::json::parse_strict(bytes).map_err(|e| AttestError::Parameter {
                message: e.to_string(),
            })?;
        let obj = value.as_object().ok_or_else(|| AttestError::Parameter {
            message: "expected a JSON object of strings".into(),
        })?;
        let mut map = BTreeMap::new();
        for (k, v) in obj {
            let s = v.as_str().ok_or_else(|| AttestError::Parameter {
                message: format!("{k:?}: expected a string"),
            })?;
            map.insert(k.clone(), s.to_owned());
        }
        Parameters::new(map)
    }

    /// The parameters.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `input` with every `{name}` replaced, until nothing changes.
    pub fn substitute(&self, input: &str) -> Result<String, AttestError> {
        if self.0.is_empty() {
            return Ok(input.to_owned());
        }
        let mut current = input.to_owned();
        for _ in 0..MAX_ROUNDS {
            let next = self.replace_once(&current);
            if next.len() > MAX_LEN {
                return Err(AttestError::Parameter {
                    message: format!(
                        "substituting parameters in {input:?} gives more than {MAX_LEN} bytes"
                    ),
                });
            }
            if next == current {
                return Ok(next);
            }
            current = next;
        }
        Err(AttestError::Parameter {
            message: format!("parameters in {input:?} refer to each other in a cycle"),
        })
    }

    /// One left-to-right pass replacing known `{name}`s (like Go's `strings.Replacer`).
    fn replace_once(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let (before, from_open) = rest.split_at(open);
            out.push_str(before);
            let replaced = from_open.get(1..).and_then(|after| {
                let close = after.find('}')?;
                let name = after.get(..close)?;
                let value = self.0.get(name)?;
                Some((value, close + 2))
            });
            match replaced {
                Some((value, used)) => {
                    out.push_str(value);
                    rest = from_open.get(used..).unwrap_or_default();
                }
                None => {
                    out.push('{');
                    rest = from_open.get(1..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Result<Parameters, AttestError> {
        Parameters::new(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn substitutes_nested_parameters_and_keeps_unknown_braces() {
        let p = params(&[
            ("repo", "a/b"),
            ("ref", "main"),
            ("url", "git+{repo}@{ref}"),
        ])
        .unwrap();
        assert_eq!(
            p.substitute("x == '{url}' && {a: 1} == {unknown}").unwrap(),
            "x == 'git+a/b@main' && {a: 1} == {unknown}"
        );
    }

    #[test]
    fn rejects_bad_names_self_reference_and_cycles() {
        assert!(matches!(
            params(&[("a b", "x")]),
            Err(AttestError::Parameter { .. })
        ));
        assert!(matches!(
            params(&[("a", "{a}")]),
            Err(AttestError::Parameter { .. })
        ));
        let p = params(&[("a", "{b}"), ("b", "{a}")]).unwrap();
        assert!(matches!(
            p.substitute("{a}"),
            Err(AttestError::Parameter { .. })
        ));
    }
}
