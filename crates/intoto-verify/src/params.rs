//! Parameter substitution in layouts: `{NAME}` placeholders in rules, expected commands and
//! inspection commands, replaced the way the reference does it (Python's `str.format` with
//! keyword arguments only).
//!
//! `{{` and `}}` are literal braces. `{NAME}` needs `NAME` among the parameters. Format
//! specifications, conversions, attribute and index access and positional fields are refused
//! with a clear error (the reference would apply Python semantics no layout needs).

use std::collections::BTreeMap;

use intoto_model::{Layout, Rule};

/// Why a layout string could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// A parameter name outside `[A-Za-z0-9_-]+` (as the reference requires).
    #[error("invalid parameter name {0:?}: use letters, digits, '_' and '-'")]
    InvalidName(String),
    /// A placeholder names a parameter that was not given.
    #[error(
        "{location}: no value for parameter {{{name}}} in {text:?} (pass --param {name}=VALUE)"
    )]
    Missing {
        /// Where the string is, e.g. `step 'build' expected_products[0]`.
        location: String,
        /// The parameter.
        name: String,
        /// The string as written.
        text: String,
    },
    /// Unbalanced braces or an unsupported replacement field.
    #[error("{location}: cannot substitute parameters in {text:?}: {reason}")]
    Syntax {
        /// Where the string is.
        location: String,
        /// The string as written.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Checks parameter names the way the reference does.
pub fn check_names(params: &BTreeMap<String, String>) -> Result<(), ParamError> {
    for name in params.keys() {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(ParamError::InvalidName(name.clone()));
        }
    }
    Ok(())
}

/// Substitutes one string.
pub fn substitute(
    text: &str,
    params: &BTreeMap<String, String>,
    location: &str,
) -> Result<String, ParamError> {
    let syntax = |reason| ParamError::Syntax {
        location: location.to_string(),
        text: text.to_string(),
        reason,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(syntax("single '}' (write '}}' for a literal brace)")),
            '{' => {
                let rest = &text[i + 1..];
                let end = rest.find('}').ok_or_else(|| {
                    syntax("'{' without a closing '}' (write '{{' for a literal brace)")
                })?;
                let field = &rest[..end];
                if field.is_empty() || field.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(syntax(
                        "positional fields like '{}' or '{0}' are not supported",
                    ));
                }
                if field.contains(['!', ':', '.', '[', '{']) {
                    return Err(syntax(
                        "format specifications, conversions and attribute or index access are not supported",
                    ));
                }
                let value = params.get(field).ok_or_else(|| ParamError::Missing {
                    location: location.to_string(),
                    name: field.to_string(),
                    text: text.to_string(),
                })?;
                out.push_str(value);
                // Skip the field and its closing brace.
                for _ in 0..=field.chars().count() {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn substitute_rules(
    rules: &mut [Rule],
    params: &BTreeMap<String, String>,
    location: &str,
) -> Result<(), ParamError> {
    for (i, rule) in rules.iter_mut().enumerate() {
        for word in rule.iter_mut() {
            *word = substitute(word, params, &format!("{location}[{i}]"))?;
        }
    }
    Ok(())
}

/// Substitutes parameters in every step's and inspection's rules, expected commands and
/// inspection commands, as the reference's `substitute_parameters`.
pub fn substitute_layout(
    layout: &mut Layout,
    params: &BTreeMap<String, String>,
) -> Result<(), ParamError> {
    check_names(params)?;
    for step in &mut layout.steps {
        let at = format!("step '{}'", step.name);
        substitute_rules(
            &mut step.expected_materials,
            params,
            &format!("{at} expected_materials"),
        )?;
        substitute_rules(
            &mut step.expected_products,
            params,
            &format!("{at} expected_products"),
        )?;
        for word in &mut step.expected_command {
            *word = substitute(word, params, &format!("{at} expected_command"))?;
        }
    }
    for inspection in &mut layout.inspect {
        let at = format!("inspection '{}'", inspection.name);
        substitute_rules(
            &mut inspection.expected_materials,
            params,
            &format!("{at} expected_materials"),
        )?;
        substitute_rules(
            &mut inspection.expected_products,
            params,
            &format!("{at} expected_products"),
        )?;
        for word in &mut inspection.run {
            *word = substitute(word, params, &format!("{at} run"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn replaces_named_fields_and_escaped_braces() {
        let p = params(&[("version", "1.2"), ("dir-name", "src")]);
        assert_eq!(
            substitute("foo-{version}.tar.gz", &p, "x").unwrap(),
            "foo-1.2.tar.gz"
        );
        assert_eq!(substitute("{dir-name}/*", &p, "x").unwrap(), "src/*");
        assert_eq!(
            substitute("{{literal}} {version}", &p, "x").unwrap(),
            "{literal} 1.2"
        );
        assert_eq!(substitute("é{version}é", &p, "x").unwrap(), "é1.2é");
    }

    #[test]
    fn missing_parameter_names_it_and_the_location() {
        let err = substitute("{nope}", &params(&[]), "step 'a' expected_products[0]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "step 'a' expected_products[0]: no value for parameter {nope} in \"{nope}\" (pass --param nope=VALUE)"
        );
    }

    #[test]
    fn refuses_unbalanced_and_unsupported_fields() {
        let p = params(&[("a", "1")]);
        for text in [
            "{a", "a}", "{}", "{0}", "{a:>3}", "{a!r}", "{a.b}", "{a[0]}",
        ] {
            assert!(
                matches!(substitute(text, &p, "x"), Err(ParamError::Syntax { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_bad_parameter_names() {
        assert_eq!(
            check_names(&params(&[("a b", "1")])).unwrap_err(),
            ParamError::InvalidName("a b".into())
        );
    }
}
