//! Splitting a rule or command written on one line into words, as the reference's
//! `add_material_rule_from_string` and `set_expected_command_from_string` do (Python's
//! `shlex.split`, POSIX mode), and joining words back for display.

/// Why a line cannot be split into words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A `'` or `"` is never closed.
    #[error("no closing quotation")]
    NoClosingQuotation,
    /// The line ends with a lone `\`.
    #[error("no escaped character after the final backslash")]
    TrailingBackslash,
}

/// Splits `line` like `shlex.split(line)`: space, tab, CR and LF separate words (shlex's
/// `whitespace`; other Unicode spaces are word characters); `'...'` keeps everything literally;
/// `"..."` keeps everything but lets `\` escape `"` and `\`; outside quotes `\` escapes any
/// character; `#` is an ordinary character (`shlex.split` sets `comments=False`).
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has started: `''` is an empty word, not nothing.
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(SplitError::NoClosingQuotation),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(SplitError::NoClosingQuotation),
                        },
                        Some(c) => word.push(c),
                        None => return Err(SplitError::NoClosingQuotation),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => word.push(c),
                    None => return Err(SplitError::TrailingBackslash),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Joins words into one line that [`split`] turns back into the same words (Python's
/// `shlex.join`): words of safe characters stay bare, others are single-quoted.
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_*?[]!{}".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\"'\"'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn splits_like_shlex() {
        // Expected lists from CPython 3.11's shlex.split.
        let cases: &[(&str, &[&str])] = &[
            (
                "MATCH foo.py WITH PRODUCTS FROM write-code",
                &["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "write-code"],
            ),
            ("  ALLOW   *.pub ", &["ALLOW", "*.pub"]),
            ("ALLOW 'my file'", &["ALLOW", "my file"]),
            (r#"ALLOW "a \"b\" \c""#, &["ALLOW", r#"a "b" \c"#]),
            (r"ALLOW a\ b", &["ALLOW", "a b"]),
            ("ALLOW ''", &["ALLOW", ""]),
            ("ALLOW a#b", &["ALLOW", "a#b"]),
            ("ALLOW \"\\$x\"", &["ALLOW", "\\$x"]),
            ("ALLOW a\u{a0}b\tc\n", &["ALLOW", "a\u{a0}b", "c"]),
            (
                r#"sh -c "printf 'print(\"hello\")\\n' > foo.py""#,
                &["sh", "-c", r#"printf 'print("hello")\n' > foo.py"#],
            ),
            ("", &[]),
        ];
        for (line, expected) in cases {
            assert_eq!(split(line).unwrap(), s(expected), "{line}");
        }
    }

    #[test]
    fn rejects_unbalanced_quotes_and_trailing_backslash() {
        assert_eq!(split("ALLOW 'a"), Err(SplitError::NoClosingQuotation));
        assert_eq!(split("ALLOW \"a"), Err(SplitError::NoClosingQuotation));
        assert_eq!(split("ALLOW a\\"), Err(SplitError::TrailingBackslash));
    }

    #[test]
    fn join_round_trips() {
        for words in [
            s(&["tar", "czf", "foo.tar.gz", "foo.py"]),
            s(&["sh", "-c", "printf 'x' > \"y\""]),
            s(&["a b", "", "it's"]),
        ] {
            assert_eq!(split(&join(&words)).unwrap(), words);
        }
        assert_eq!(join(&["tar", "xzf", "a b"]), "tar xzf 'a b'");
    }

    proptest::proptest! {
        #[test]
        fn join_then_split_is_identity(words in proptest::collection::vec(".*", 0..6)) {
            proptest::prop_assert_eq!(split(&join(&words)).unwrap(), words);
        }

        #[test]
        fn split_never_panics(line in ".*") {
            let _ = split(&line);
        }
    }
}
