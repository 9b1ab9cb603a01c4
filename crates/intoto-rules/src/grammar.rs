//! [`ArtifactRule`]: the typed form of one artifact rule, and its parser (the reference's
//! `rulelib.unpack_rule`).

use std::fmt;

use serde::Serialize;

use crate::Pattern;

/// Which artifacts of a link a rule list (or a `MATCH` destination) is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// `materials` (rules from `expected_materials`).
    #[default]
    Materials,
    /// `products` (rules from `expected_products`).
    Products,
}

impl Side {
    /// `materials` or `products`, as in the layout's field names.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Materials => "materials",
            Side::Products => "products",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `MATCH <pattern> [IN <src>] WITH (MATERIALS|PRODUCTS) [IN <dst>] FROM <step>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRule {
    /// Matched against queued paths after the source prefix is stripped.
    pub pattern: Pattern,
    /// `IN <src>` before `WITH`, as written (`None` when absent; an empty prefix acts as none,
    /// as in the reference).
    pub source_prefix: Option<String>,
    /// The destination side after `WITH`.
    pub destination_side: Side,
    /// `IN <dst>` after `WITH`, as written (`None` when absent; empty acts as none).
    pub destination_prefix: Option<String>,
    /// The step or inspection after `FROM` (any string; a name without a link matches nothing).
    pub destination_step: String,
}

/// One artifact rule, parsed. Keywords are case-insensitive; patterns, prefixes and the step
/// name keep their case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactRule {
    /// `MATCH ...`: consumes queued artifacts with an equal hash set in another step's link.
    Match(MatchRule),
    /// `CREATE <pattern>`: consumes matching products that are not materials.
    Create(Pattern),
    /// `DELETE <pattern>`: consumes matching materials that are not products.
    Delete(Pattern),
    /// `MODIFY <pattern>`: consumes matching artifacts in both with different hash sets.
    Modify(Pattern),
    /// `ALLOW <pattern>`: consumes every queued match.
    Allow(Pattern),
    /// `DISALLOW <pattern>`: fails if anything queued matches.
    Disallow(Pattern),
    /// `REQUIRE <path>`: fails unless this exact path (not a pattern) is still queued.
    Require(String),
}

/// What is wrong with one rule (the caller adds item, side and index: see
/// [`Error::InvalidRule`](crate::Error::InvalidRule)). The reference raises one `FormatError`
/// for all of these; we say which part is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// `[]`.
    #[error("a rule must not be empty")]
    Empty,
    /// The first element is not a rule keyword.
    #[error(
        "unknown rule type {keyword:?}: expected MATCH, CREATE, DELETE, MODIFY, ALLOW, DISALLOW \
         or REQUIRE (case-insensitive)"
    )]
    UnknownKeyword {
        /// The first element as written.
        keyword: String,
    },
    /// A keyword alone, without pattern.
    #[error("{keyword} needs a pattern as its second element")]
    MissingPattern {
        /// The keyword as written.
        keyword: String,
    },
    /// `CREATE`/`DELETE`/`MODIFY`/`ALLOW`/`DISALLOW`/`REQUIRE` with more than one argument.
    #[error("{keyword} takes exactly one pattern, found {found} elements after the keyword")]
    TooManyElements {
        /// The keyword as written.
        keyword: String,
        /// How many elements followed the keyword.
        found: usize,
    },
    /// A `MATCH` rule with a length none of its forms has (6, 8 or 10 elements).
    #[error(
        "MATCH has 6, 8 or 10 elements (MATCH <pattern> [IN <prefix>] WITH MATERIALS|PRODUCTS \
         [IN <prefix>] FROM <step>), found {found}"
    )]
    MatchLength {
        /// The number of elements.
        found: usize,
    },
    /// A `MATCH` rule with a keyword missing or misplaced.
    #[error("MATCH: element {position} should be {expected}, found {found:?}")]
    MatchKeyword {
        /// 0-based index in the rule list.
        position: usize,
        /// The keyword(s) expected there.
        expected: &'static str,
        /// What is there.
        found: String,
    },
    /// A `MATCH` rule whose destination is neither `MATERIALS` nor `PRODUCTS`.
    #[error("MATCH: after WITH expected MATERIALS or PRODUCTS, found {found:?}")]
    MatchDestination {
        /// What is there.
        found: String,
    },
}

/// Python's `token.lower() == keyword` for an ASCII lower-case keyword: no non-ASCII character
/// lower-cases to a letter of our keywords (only the Kelvin sign becomes `k`), so an ASCII
/// case-insensitive comparison is the same test.
fn is_kw(token: &str, keyword: &str) -> bool {
    token.eq_ignore_ascii_case(keyword)
}

impl ArtifactRule {
    /// Parses one rule as the reference's `unpack_rule` does, accepting and rejecting the same
    /// lists.
    pub fn parse<S: AsRef<str>>(rule: &[S]) -> Result<ArtifactRule, SyntaxError> {
        let words: Vec<&str> = rule.iter().map(AsRef::as_ref).collect();
        let Some((&keyword, args)) = words.split_first() else {
            return Err(SyntaxError::Empty);
        };
        let generic: Option<fn(Pattern) -> ArtifactRule> = match keyword.to_ascii_lowercase() {
            k if k == "create" => Some(ArtifactRule::Create),
            k if k == "delete" => Some(ArtifactRule::Delete),
            k if k == "modify" => Some(ArtifactRule::Modify),
            k if k == "allow" => Some(ArtifactRule::Allow),
            k if k == "disallow" => Some(ArtifactRule::Disallow),
            k if k == "require" => None,
            k if k == "match" => return parse_match(&words),
            _ => {
                return Err(SyntaxError::UnknownKeyword {
                    keyword: keyword.to_owned(),
                });
            }
        };
        match args {
            [] => Err(SyntaxError::MissingPattern {
                keyword: keyword.to_owned(),
            }),
            [pattern] => Ok(match generic {
                Some(make) => make(Pattern::new(*pattern)),
                None => ArtifactRule::Require((*pattern).to_owned()),
            }),
            more => Err(SyntaxError::TooManyElements {
                keyword: keyword.to_owned(),
                found: more.len(),
            }),
        }
    }

    /// The rule's pattern (the path for `REQUIRE`).
    pub fn pattern_text(&self) -> &str {
        match self {
            ArtifactRule::Match(m) => m.pattern.as_str(),
            ArtifactRule::Create(p)
            | ArtifactRule::Delete(p)
            | ArtifactRule::Modify(p)
            | ArtifactRule::Allow(p)
            | ArtifactRule::Disallow(p) => p.as_str(),
            ArtifactRule::Require(path) => path,
        }
    }

    /// The rule's keyword in upper case.
    pub fn keyword(&self) -> &'static str {
        match self {
            ArtifactRule::Match(_) => "MATCH",
            ArtifactRule::Create(_) => "CREATE",
            ArtifactRule::Delete(_) => "DELETE",
            ArtifactRule::Modify(_) => "MODIFY",
            ArtifactRule::Allow(_) => "ALLOW",
            ArtifactRule::Disallow(_) => "DISALLOW",
            ArtifactRule::Require(_) => "REQUIRE",
        }
    }

    /// The rule as a list in canonical spelling (upper-case keywords, empty prefixes dropped),
    /// like the reference's `pack_rule`.
    pub fn to_rule(&self) -> Vec<String> {
        let mut out = vec![self.keyword().to_owned(), self.pattern_text().to_owned()];
        if let ArtifactRule::Match(m) = self {
            if let Some(src) = m.source_prefix.as_deref().filter(|p| !p.is_empty()) {
                out.extend(["IN".to_owned(), src.to_owned()]);
            }
            let side = m.destination_side.as_str().to_ascii_uppercase();
            out.extend(["WITH".to_owned(), side]);
            if let Some(dst) = m.destination_prefix.as_deref().filter(|p| !p.is_empty()) {
                out.extend(["IN".to_owned(), dst.to_owned()]);
            }
            out.extend(["FROM".to_owned(), m.destination_step.clone()]);
        }
        out
    }
}

impl fmt::Display for ArtifactRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rule().join(" "))
    }
}

/// Checks that `words[position]` is one of the keywords.
fn expect(words: &[&str], position: usize, expected: &'static str) -> Result<(), SyntaxError> {
    let found = words.get(position).copied().unwrap_or_default();
    if expected.split(" or ").any(|kw| is_kw(found, kw)) {
        Ok(())
    } else {
        Err(SyntaxError::MatchKeyword {
            position,
            expected,
            found: found.to_owned(),
        })
    }
}

/// The four `MATCH` forms, told apart by length and the word after the pattern.
fn parse_match(words: &[&str]) -> Result<ArtifactRule, SyntaxError> {
    let at = |i: usize| words.get(i).copied().unwrap_or_default();
    let (source, side_at, dest, step_at) = match words.len() {
        6 => {
            expect(words, 2, "WITH")?;
            expect(words, 4, "FROM")?;
            (None, 3, None, 5)
        }
        8 => {
            expect(words, 2, "IN or WITH")?;
            if is_kw(at(2), "in") {
                expect(words, 4, "WITH")?;
                expect(words, 6, "FROM")?;
                (Some(at(3)), 5, None, 7)
            } else {
                expect(words, 4, "IN")?;
                expect(words, 6, "FROM")?;
                (None, 3, Some(at(5)), 7)
            }
        }
        10 => {
            expect(words, 2, "IN")?;
            expect(words, 4, "WITH")?;
            expect(words, 6, "IN")?;
            expect(words, 8, "FROM")?;
            (Some(at(3)), 5, Some(at(7)), 9)
        }
        1 => {
            return Err(SyntaxError::MissingPattern {
                keyword: at(0).to_owned(),
            });
        }
        found => return Err(SyntaxError::MatchLength { found }),
    };
    let destination_side = if is_kw(at(side_at), "materials") {
        Side::Materials
    } else if is_kw(at(side_at), "products") {
        Side::Products
    } else {
        return Err(SyntaxError::MatchDestination {
            found: at(side_at).to_owned(),
        });
    };
    Ok(ArtifactRule::Match(MatchRule {
        pattern: Pattern::new(at(1)),
        source_prefix: source.map(str::to_owned),
        destination_side,
        destination_prefix: dest.map(str::to_owned),
        destination_step: at(step_at).to_owned(),
    }))
}

#[cfg(test)]
mod tests;
