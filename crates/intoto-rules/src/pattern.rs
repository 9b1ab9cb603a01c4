//! [`Pattern`]: shell-style patterns with exactly the semantics of Python's `fnmatch` on POSIX,
//! which the reference uses for every artifact rule.
//!
//! - `*` matches any run of characters, **including `/`** (and newlines);
//! - `?` matches one character;
//! - `[seq]` matches one character of `seq`, `[!seq]` one character not in it; `a-z` ranges
//!   compare code points; a `]` right after `[` or `[!` is a member; a `-` first or last is a
//!   member; a range whose start is above its end is dropped *together with its two endpoints*
//!   (Python removes it from the regular expression it builds);
//! - a `[` without a closing `]` is a literal `[`; there is no escaping (`\` is literal);
//! - matching is case-sensitive (`os.path.normcase` is the identity on POSIX) and anchored at
//!   both ends.
//!
//! Matching is the classic greedy-star algorithm with one remembered star: O(pattern x path)
//! in the worst case, never exponential.

use std::fmt;

/// One character class, after Python's range clean-up.
#[derive(Clone, PartialEq, Eq)]
struct Class {
    negated: bool,
    singles: Vec<char>,
    ranges: Vec<(char, char)>,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        let member =
            self.singles.contains(&c) || self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        member != self.negated
    }
}

/// One element of a compiled pattern.
#[derive(Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    Class(Class),
    Star,
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Literal(l) => *l == c,
            Token::AnyChar => true,
            Token::Class(class) => class.contains(c),
            Token::Star => false,
        }
    }
}

/// How a pattern is matched: the general algorithm or a shortcut for the common shapes.
#[derive(Clone, PartialEq, Eq)]
enum Matcher {
    /// No metacharacters: string equality.
    Exact,
    /// Only `*`s: everything matches.
    Everything,
    /// Anything else.
    Tokens(Vec<Token>),
}

/// A compiled `fnmatch` pattern. Compile once per rule, then test many paths.
///
/// ```
/// use intoto_rules::Pattern;
/// let p = Pattern::new("src/*.py");
/// assert!(p.matches("src/a/b.py")); // `*` crosses `/`
/// assert!(!p.matches("SRC/a.py"));
/// assert!(Pattern::new("[!a]?").matches("b/"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    matcher: Matcher,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Pattern {
    /// Compiles `text`. Every string is a valid pattern, as in Python.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let tokens = compile(&text);
        let matcher = if tokens.iter().all(|t| matches!(t, Token::Star)) && !tokens.is_empty() {
            Matcher::Everything
        } else if tokens.iter().all(|t| matches!(t, Token::Literal(_))) {
            Matcher::Exact
        } else {
            Matcher::Tokens(tokens)
        };
        Pattern { text, matcher }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern has no metacharacters, so it matches only its own text.
    pub fn is_literal(&self) -> bool {
        self.matcher == Matcher::Exact
    }

    /// Whether `path` matches the whole pattern (Python `fnmatch.fnmatch(path, pattern)`).
    pub fn matches(&self, path: &str) -> bool {
        match &self.matcher {
            Matcher::Exact => path == self.text,
            Matcher::Everything => true,
            Matcher::Tokens(tokens) => match_tokens(tokens, path),
        }
    }
}

/// Greedy matching with backtracking to the last star only. Correct because every token other
/// than `*` consumes exactly one character: trying the earliest continuation after a star is
/// never worse than a later one once a further star follows.
fn match_tokens(tokens: &[Token], path: &str) -> bool {
    let mut t = 0; // next token
    let mut i = 0; // next byte of path (always a char boundary)
    // (token after the last star, path position that star's run currently ends at)
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(token) = tokens.get(t) {
            if matches!(token, Token::Star) {
                if t + 1 == tokens.len() {
                    return true; // a trailing star swallows the rest
                }
                star = Some((t + 1, i));
                t += 1;
                continue;
            }
            if let Some(c) = path.get(i..).and_then(|rest| rest.chars().next())
                && token.matches(c)
            {
                t += 1;
                i += c.len_utf8();
                continue;
            }
        } else if i == path.len() {
            return true;
        }
        // Mismatch: let the last star swallow one more character, or give up.
        let Some((after_star, end)) = star else {
            return false;
        };
        let Some(c) = path.get(end..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        let end = end + c.len_utf8();
        star = Some((after_star, end));
        t = after_star;
        i = end;
    }
}

/// Turns pattern text into tokens, mirroring `fnmatch.translate` (Python 3.11).
fn compile(text: &str) -> Vec<Token> {
    let pat: Vec<char> = text.chars().collect();
    let n = pat.len();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = pat.get(i) {
        i += 1;
        match c {
            '*' => {
                if tokens.last() != Some(&Token::Star) {
                    tokens.push(Token::Star);
                }
            }
            '?' => tokens.push(Token::AnyChar),
            '[' => {
                let mut j = i;
                if pat.get(j) == Some(&'!') {
                    j += 1;
                }
                if pat.get(j) == Some(&']') {
                    j += 1;
                }
                while j < n && pat.get(j) != Some(&']') {
                    j += 1;
                }
                if j >= n {
                    tokens.push(Token::Literal('['));
                } else {
                    tokens.push(Token::Class(class(pat.get(i..j).unwrap_or_default())));
                    i = j + 1;
                }
            }
            other => tokens.push(Token::Literal(other)),
        }
    }
    tokens
}

/// Builds a class from the text between `[` and `]` (a leading `!` included), cutting it into
/// the chunks between range hyphens exactly as `fnmatch.translate` does.
fn class(stuff: &[char]) -> Class {
    let (negated, body) = match stuff.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, stuff),
    };
    let mut chunks: Vec<Vec<char>> = Vec::new();
    if body.contains(&'-') {
        // A hyphen is a range operator unless it is the first character, directly follows a
        // range's end, or is the last character.
        let mut start = 0;
        let mut k = 1;
        while let Some(off) = body.get(k..).and_then(|s| s.iter().position(|&c| c == '-')) {
            let h = k + off;
            chunks.push(body.get(start..h).unwrap_or_default().to_vec());
            start = h + 1;
            k = h + 3;
        }
        let last = body.get(start..).unwrap_or_default();
        if last.is_empty() {
            if let Some(prev) = chunks.last_mut() {
                prev.push('-');
            }
        } else {
            chunks.push(last.to_vec());
        }
        // Drop ranges whose start is above their end, merging the neighbouring chunks.
        let mut k = chunks.len().saturating_sub(1);
        while k > 0 {
            let prev_last = chunks.get(k - 1).and_then(|c| c.last()).copied();
            let next_first = chunks.get(k).and_then(|c| c.first()).copied();
            if let (Some(a), Some(b)) = (prev_last, next_first)
                && a > b
            {
                let next = chunks.remove(k);
                if let Some(prev) = chunks.get_mut(k - 1) {
                    prev.pop();
                    prev.extend(next.iter().skip(1));
                }
            }
            k -= 1;
        }
    } else {
        chunks.push(body.to_vec());
    }
    // Between consecutive chunks the last character of one and the first of the next form a
    // range; every other character is a member by itself.
    let mut singles = Vec::new();
    let mut ranges = Vec::new();
    let count = chunks.len();
    for (idx, chunk) in chunks.iter().enumerate() {
        let len = chunk.len();
        for (pos, &c) in chunk.iter().enumerate() {
            let is_range_end = idx > 0 && pos == 0;
            let is_range_start = idx + 1 < count && pos + 1 == len;
            if is_range_start {
                if let Some(&hi) = chunks.get(idx + 1).and_then(|c| c.first()) {
                    ranges.push((c, hi));
                }
            } else if !is_range_end {
                singles.push(c);
            }
        }
    }
    Class {
        negated,
        singles,
        ranges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p).matches(s)
    }

    #[test]
    fn basics() {
        assert!(m("*", ""));
        assert!(m("*", "a/b/c"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("a*b", "a/x/b"));
        assert!(m("?", "/"));
        assert!(!m("?", ""));
        assert!(m("*.py", "x\n.py"));
        assert!(!m("a", "A"));
        assert!(m("**a", "xa"));
    }

    #[test]
    fn classes() {
        assert!(m("[ab]", "a"));
        assert!(!m("[!ab]", "a"));
        assert!(m("[!ab]", "c"));
        assert!(m("[]]", "]"));
        assert!(m("[!]]", "a"));
        assert!(!m("[!]]", "]"));
        assert!(m("[a-c]", "b"));
        assert!(m("[a-]", "-"));
        assert!(m("[-a]", "-"));
        assert!(m("[a-c-e]", "-"));
        assert!(!m("[a-c-e]", "d"));
        assert!(!m("[b-a]", "a"));
        assert!(!m("[b-a]", "b"));
        assert!(m("[!b-a]", "b"));
        assert!(m("[c-b-a]", "-"));
        assert!(m("[c-b-a]", "a"));
        assert!(!m("[c-b-a]", "c"));
        assert!(m("[^a]", "^"));
        assert!(m("[\\]", "\\"));
        assert!(m("[", "["));
        assert!(m("a[b", "a[b"));
        assert!(m("[!]", "[!]"));
        assert!(m("[*]", "*"));
        assert!(!m("[*]", "a"));
    }

    #[test]
    fn no_exponential_blowup() {
        let pattern = format!("{}b", "*a".repeat(30));
        let path = "a".repeat(5000);
        assert!(!m(&pattern, &path));
    }
}
