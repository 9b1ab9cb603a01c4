//! [`Excludes`]: gitignore-style exclude patterns with the exact semantics of the reference,
//! which compiles them with pathspec's `GitIgnoreSpec` (pathspec 1.x, "gitwildmatch").
//!
//! Each pattern becomes a regular expression the way pathspec translates it (anchoring, `**`,
//! `*`, `?`, `[...]`, `\` escapes, trailing `/`), and a path is excluded when the deciding
//! pattern is not a negation. The deciding pattern is pathspec's: the last pattern that matches
//! the path itself, or, if none does, the last pattern that matches one of its parent
//! directories (the "directory mark" of the regex). That priority rule is what `GitIgnoreSpec`
//! adds over plain gitignore, and it is why neither `ignore`'s gitignore matcher nor `globset`
//! is used here: both decide differently when a negation follows a directory pattern, and
//! neither matches a directory given without its trailing slash the way the reference's walk
//! asks (`build` for the directory, never `build/`).
//!
//! ```
//! use intoto_hash::Excludes;
//! let ex = Excludes::new(["*.log", "!keep.log", "build/"]).unwrap();
//! assert!(ex.is_excluded("a/b.log"));
//! assert!(!ex.is_excluded("keep.log"));
//! assert!(ex.is_excluded("build/out.o"));
//! assert!(!ex.is_excluded("build")); // the directory itself, as the walk asks
//! ```

use regex::{Regex, RegexSet};

use crate::HashError;

/// The reference's default exclude patterns (`in_toto.settings.ARTIFACT_EXCLUDE_PATTERNS`).
pub const DEFAULT_EXCLUDES: [&str; 4] = ["*.link*", ".git", "*.pyc", "*~"];

/// Name of the regex group that marks a match on a parent directory (pathspec's `ps_d`).
const DIR_MARK: &str = "ps_d";

/// A compiled list of exclude patterns.
#[derive(Debug, Clone)]
pub struct Excludes {
    /// Patterns that take part in matching, in the order given.
    patterns: Vec<Compiled>,
    /// All pattern regexes at once, to rule out most paths with one search.
    set: RegexSet,
    /// The patterns as given (no-op lines included).
    source: Vec<String>,
}

#[derive(Debug, Clone)]
struct Compiled {
    regex: Regex,
    /// `true`: a match excludes the path; `false`: a negation (`!pattern`) re-includes it.
    excludes: bool,
}

impl Excludes {
    /// Compiles `patterns`. Blank lines, comments (`#`), `/` alone and patterns with an
    /// unterminated `[` are no-ops, as in pathspec.
    pub fn new<I, S>(patterns: I) -> Result<Self, HashError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut compiled = Vec::new();
        let mut source = Vec::new();
        for p in patterns {
            let p = p.as_ref();
            source.push(p.to_string());
            if let Some((regex, excludes)) = translate(p)? {
                let regex = Regex::new(&regex).map_err(|e| HashError::InvalidPattern {
                    pattern: p.to_string(),
                    reason: e.to_string(),
                })?;
                compiled.push(Compiled { regex, excludes });
            }
        }
        let set = RegexSet::new(compiled.iter().map(|c| c.regex.as_str())).map_err(|e| {
            HashError::InvalidPattern {
                pattern: source.join(" "),
                reason: e.to_string(),
            }
        })?;
        Ok(Excludes {
            patterns: compiled,
            set,
            source,
        })
    }

    /// The reference's defaults: [`DEFAULT_EXCLUDES`].
    pub fn reference_defaults() -> Self {
        // The defaults are constant and valid; an error here would be a bug in `translate`.
        Excludes::new(DEFAULT_EXCLUDES).unwrap_or_else(|_| Excludes::none())
    }

    /// No patterns: nothing is excluded.
    pub fn none() -> Self {
        Excludes {
            patterns: Vec::new(),
            set: RegexSet::empty(),
            source: Vec::new(),
        }
    }

    /// The patterns as given.
    pub fn patterns(&self) -> &[String] {
        &self.source
    }

    /// Whether `path` (relative to the base path, as the reference spells it) is excluded.
    pub fn is_excluded(&self, path: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        // pathspec's normalize_file: one leading "/" or "./" is dropped.
        let file = path
            .strip_prefix('/')
            .or_else(|| path.strip_prefix("./"))
            .unwrap_or(path);
        let matched = self.set.matches(file);
        if !matched.matched_any() {
            return false;
        }
        // Walk backwards: the last direct match decides; else the last parent-directory match.
        let mut decision: Option<bool> = None;
        for index in (0..self.patterns.len()).rev() {
            if !matched.matched(index) {
                continue;
            }
            let pattern = &self.patterns[index];
            let Some(caps) = pattern.regex.captures(file) else {
                continue;
            };
            if caps.name(DIR_MARK).is_none() {
                return pattern.excludes;
            }
            if decision.is_none() {
                decision = Some(pattern.excludes);
            }
        }
        decision.unwrap_or(false)
    }
}

/// pathspec's `GitIgnoreSpecPattern.pattern_to_regex`: the regex and whether a match excludes,
/// or `None` for a no-op line.
fn translate(pattern: &str) -> Result<Option<(String, bool)>, HashError> {
    let invalid = |reason: &str| HashError::InvalidPattern {
        pattern: pattern.to_string(),
        reason: reason.to_string(),
    };
    let mut p = if pattern.ends_with("\\ ") {
        pattern
    } else {
        pattern.trim_end_matches(is_python_space)
    };
    if p.is_empty() || p.starts_with('#') || p == "/" {
        return Ok(None);
    }
    let mut excludes = true;
    if let Some(rest) = p.strip_prefix('!') {
        excludes = false;
        p = rest;
    }
    let mut segs: Vec<&str> = p.split('/').collect();
    let is_dir = segs.last().is_some_and(|s| s.is_empty());
    if segs.first().is_some_and(|s| s.is_empty()) {
        segs.remove(0);
    } else if (segs.len() == 1 || (segs.len() == 2 && segs[1].is_empty())) && segs[0] != "**" {
        segs.insert(0, "**");
    }
    if segs.is_empty() {
        return Err(invalid("the pattern is empty once normalised"));
    }
    if let Some(last) = segs.last_mut()
        && last.is_empty()
    {
        *last = "**";
    }
    segs.dedup_by(|b, a| *a == "**" && *b == "**");
    let dir_mark = format!("(?P<{DIR_MARK}>/)");
    let regex = match segs.as_slice() {
        ["**"] if is_dir => dir_mark,
        ["**"] | ["**", "*"] => ".".to_string(),
        ["**", "*", "**"] if is_dir => dir_mark,
        ["**", "*", "**"] => "/".to_string(),
        _ => match translate_segments(is_dir, &segs, &dir_mark) {
            Ok(regex) => regex,
            Err(SegmentError::Range) => return Ok(None),
            Err(SegmentError::TrailingEscape) => {
                return Err(invalid("a trailing '\\' escapes nothing"));
            }
        },
    };
    Ok(Some((regex, excludes)))
}

/// Python's `str.isspace` for the characters `rstrip()` removes.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

enum SegmentError {
    /// An unterminated `[`: pathspec drops the whole pattern.
    Range,
    /// A `\` at the end of a segment.
    TrailingEscape,
}

/// Python's `$` also matches before one final newline.
const END: &str = r"\n?\z";

fn translate_segments(is_dir: bool, segs: &[&str], dir_mark: &str) -> Result<String, SegmentError> {
    let mut out = String::new();
    let mut need_slash = false;
    let end = segs.len() - 1;
    for (i, seg) in segs.iter().enumerate() {
        if *seg == "**" {
            if i == 0 {
                out.push_str("^(?:.+/)?");
            } else if i < end {
                out.push_str("(?:/.+)?");
                need_slash = true;
            } else if is_dir {
                out.push_str(dir_mark);
            } else {
                out.push('/');
            }
            continue;
        }
        if i == 0 {
            out.push('^');
        }
        if need_slash {
            out.push('/');
        }
        if *seg == "*" {
            out.push_str("[^/]+");
        } else {
            out.push_str(&translate_glob(seg)?);
        }
        if i == end {
            out.push_str(&format!("(?:{dir_mark}|{END})"));
        }
        need_slash = true;
    }
    Ok(out)
}

/// pathspec's `_translate_segment_glob` with invalid ranges raising.
fn translate_glob(seg: &str) -> Result<String, SegmentError> {
    let chars: Vec<char> = seg.chars().collect();
    let mut out = String::new();
    let mut escape = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if escape {
            escape = false;
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        } else if c == '\\' {
            escape = true;
        } else if c == '*' {
            out.push_str("[^/]*");
        } else if c == '?' {
            out.push_str("[^/]");
        } else if c == '[' {
            let mut j = i;
            if j < chars.len() && (chars[j] == '!' || chars[j] == '^') {
                j += 1;
            }
            if j < chars.len() && chars[j] == ']' {
                j += 1;
            }
            while j < chars.len() && chars[j] != ']' {
                j += 1;
            }
            if j >= chars.len() {
                return Err(SegmentError::Range);
            }
            j += 1;
            out.push('[');
            if chars[i] == '!' || chars[i] == '^' {
                out.push('^');
                i += 1;
            }
            out.push_str(&class_body(&chars[i..j]));
            i = j;
        } else {
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    if escape {
        return Err(SegmentError::TrailingEscape);
    }
    Ok(out)
}

/// The inside of a `[...]` class (closing `]` included) as Python's `re` reads it, written for
/// the `regex` crate: backslashes doubled as pathspec does, and the characters that start
/// nested classes or set operations in `regex` (`[`, `&`, `~`) escaped.
fn class_body(body: &[char]) -> String {
    let mut out = String::new();
    for &c in body {
        match c {
            '\\' => out.push_str(r"\\"),
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(patterns: &[&str]) -> Excludes {
        Excludes::new(patterns).unwrap()
    }

    #[test]
    fn defaults_match_the_reference() {
        let d = Excludes::reference_defaults();
        for p in [
            "a.link",
            "x/b.link-unfinished",
            ".git",
            "sub/.git",
            ".git/HEAD",
            "m.pyc",
            "f~",
        ] {
            assert!(d.is_excluded(p), "{p}");
        }
        for p in ["a.lin", "git", ".gitignore", "pyc", "src/main.rs", "."] {
            assert!(!d.is_excluded(p), "{p}");
        }
    }

    #[test]
    fn anchored_dir_only_and_negation() {
        let e = ex(&["/top", "out/", "*.txt", "!keep.txt"]);
        assert!(e.is_excluded("top"));
        assert!(!e.is_excluded("sub/top"));
        assert!(e.is_excluded("out/x"));
        assert!(!e.is_excluded("out"));
        assert!(e.is_excluded("a/b.txt"));
        assert!(!e.is_excluded("a/keep.txt"));
    }

    #[test]
    fn negation_does_not_beat_a_later_directory_match() {
        // GitIgnoreSpec: a direct match (priority 2) beats any parent-directory match.
        let e = ex(&["dir/", "!dir/keep"]);
        assert!(!e.is_excluded("dir/keep"));
        assert!(e.is_excluded("dir/other"));
        let e = ex(&["!dir/keep", "dir/"]);
        assert!(!e.is_excluded("dir/keep"));
    }

    #[test]
    fn double_star_and_classes() {
        let e = ex(&["a/**/z", "[ab]?.c", "[!x]y"]);
        assert!(e.is_excluded("a/z"));
        assert!(e.is_excluded("a/b/c/z"));
        assert!(e.is_excluded("q/b1.c"));
        assert!(!e.is_excluded("c1.c"));
        assert!(e.is_excluded("zy"));
        assert!(!e.is_excluded("xy"));
    }

    #[test]
    fn no_op_lines_and_invalid_patterns() {
        assert!(
            ex(&["", "# comment", "/", "[unterminated"])
                .patterns
                .is_empty()
        );
        assert!(matches!(
            Excludes::new(["!"]),
            Err(HashError::InvalidPattern { .. })
        ));
        assert!(matches!(
            Excludes::new(["abc\\"]),
            Err(HashError::InvalidPattern { .. })
        ));
    }

    #[test]
    fn leading_slash_and_dot_slash_are_normalised() {
        let e = ex(&["/a"]);
        assert!(e.is_excluded("./a"));
        assert!(e.is_excluded("/a"));
    }
}
