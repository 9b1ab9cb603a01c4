//! Path spelling as the reference records it: Python's `posixpath.normpath`, the `file:` scheme
//! prefix, and left-stripping ([`Lstrip`]).

use crate::HashError;

/// Python's `posixpath.normpath`: collapses `//`, `.` and `a/..` lexically (without looking at
/// the file system), keeps a leading `..` of relative paths and exactly two leading slashes,
/// and turns the empty path into `.`.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let initial_slashes = if path.starts_with("//") && !path.starts_with("///") {
        2
    } else if path.starts_with('/') {
        1
    } else {
        0
    };
    let mut comps: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if comp != ".." || (initial_slashes == 0 && comps.is_empty()) || comps.last() == Some(&"..")
        {
            comps.push(comp);
        } else if !comps.is_empty() {
            comps.pop();
        }
    }
    let joined = comps.join("/");
    let out = format!("{}{joined}", "/".repeat(initial_slashes));
    if out.is_empty() { ".".into() } else { out }
}

/// `base` joined with one more name, as `normpath(os.path.join(base, name))` spells it when
/// `base` is already normalised and `name` is a single component.
pub fn join(base: &str, name: &str) -> String {
    if base == "." {
        name.to_string()
    } else if base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}

/// Left-strip prefixes: the first prefix (in the order given) that a recorded name starts with
/// is removed from it. As in the reference, a prefix that is a prefix of another (or equal to
/// it) is refused.
///
/// ```
/// use intoto_hash::Lstrip;
/// let l = Lstrip::new(["build/", "dist/"]).unwrap();
/// assert_eq!(l.strip("build/app.bin"), ("app.bin", Some("build/")));
/// assert!(Lstrip::new(["build", "build/x"]).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lstrip(Vec<String>);

impl Lstrip {
    /// Checks and keeps `prefixes`.
    pub fn new<I, S>(prefixes: I) -> Result<Self, HashError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let prefixes: Vec<String> = prefixes.into_iter().map(Into::into).collect();
        for (i, a) in prefixes.iter().enumerate() {
            for b in &prefixes[i + 1..] {
                if a.starts_with(b.as_str()) || b.starts_with(a.as_str()) {
                    return Err(HashError::OverlappingPrefixes {
                        first: a.clone(),
                        second: b.clone(),
                    });
                }
            }
        }
        Ok(Lstrip(prefixes))
    }

    /// Whether no prefix is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The prefixes, in order.
    pub fn prefixes(&self) -> &[String] {
        &self.0
    }

    /// `name` without the first matching prefix, and that prefix.
    pub fn strip<'a>(&'a self, name: &'a str) -> (&'a str, Option<&'a str>) {
        for prefix in &self.0 {
            if let Some(rest) = name.strip_prefix(prefix.as_str()) {
                return (rest, Some(prefix));
            }
        }
        (name, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normpath_matches_python() {
        // Expected values from CPython 3.11 posixpath.normpath.
        for (input, expected) in [
            ("", "."),
            (".", "."),
            ("./a", "a"),
            ("a//b/./c/", "a/b/c"),
            ("a/../..", ".."),
            ("../a/../../b", "../../b"),
            ("/../a", "/a"),
            ("//a//b", "//a/b"),
            ("///a", "/a"),
            ("a/b/..", "a"),
            ("./", "."),
        ] {
            assert_eq!(normpath(input), expected, "{input:?}");
        }
    }

    #[test]
    fn join_spells_like_normpath_of_join() {
        assert_eq!(join(".", "a"), "a");
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("x/y", "a"), "x/y/a");
    }

    #[test]
    fn overlapping_and_equal_prefixes_are_refused() {
        assert!(matches!(
            Lstrip::new(["a/", "a/b/"]),
            Err(HashError::OverlappingPrefixes { .. })
        ));
        assert!(matches!(
            Lstrip::new(["x", "x"]),
            Err(HashError::OverlappingPrefixes { .. })
        ));
        assert!(Lstrip::new(["a/", "b/"]).is_ok());
    }

    #[test]
    fn first_matching_prefix_wins() {
        let l = Lstrip::new(["sub/", "other"]).unwrap();
        assert_eq!(l.strip("sub/other"), ("other", Some("sub/")));
        assert_eq!(l.strip("otherfile"), ("file", Some("other")));
        assert_eq!(l.strip("none"), ("none", None));
    }
}
