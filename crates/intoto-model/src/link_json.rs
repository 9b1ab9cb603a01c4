//! A link's JSON text written straight from the typed [`Link`], in each of the three spellings
//! the reference uses: canonical JSON (what a Metablock signature covers), the indented text of
//! a Metablock file, and the compact text of a DSSE payload.
//!
//! The bytes equal those of [`canonical::encode`] and [`pyjson`] applied to [`Link::to_value`]
//! (the tests check it), without building that `Value`: a link of 100,000 artifacts would
//! otherwise cost 200,000 small maps and most of the time of recording it.

use std::convert::Infallible;

use serde_json::Value;

use crate::{
    Artifacts, DigestSet, Link,
    canonical::{self, CanonicalError},
    pyjson,
};

/// How Python's `json` module spells a link: the two texts the reference writes to files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonStyle {
    /// Python's `json.dumps(indent=1, separators=(",", ": "), sort_keys=True)` (Metablock
    /// files), written as the value of `"signed"`, i.e. one level deep.
    MetablockSigned,
    /// Python's `json.dumps(sort_keys=True)` (DSSE payloads).
    Compact,
}

/// Every spelling the writer knows: canonical JSON or one of Python's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Canonical,
    Python(PythonStyle),
}

impl Spelling {
    fn item_sep(self) -> &'static [u8] {
        match self {
            Spelling::Python(PythonStyle::Compact) => b", ",
            Spelling::Canonical | Spelling::Python(PythonStyle::MetablockSigned) => b",",
        }
    }

    fn key_sep(self) -> &'static [u8] {
        match self {
            Spelling::Canonical => b":",
            Spelling::Python(_) => b": ",
        }
    }

    fn newline(self, level: usize, out: &mut Vec<u8>) {
        if self == Spelling::Python(PythonStyle::MetablockSigned) {
            out.push(b'\n');
            out.resize(out.len() + level, b' ');
        }
    }

    fn string(self, s: &str, out: &mut Vec<u8>) {
        match self {
            Spelling::Canonical => canonical::write_string(s, out),
            Spelling::Python(_) => pyjson::write_string(s, out),
        }
    }
}

/// One member of the link object.
enum Member<'a> {
    Value(Value),
    Artifacts(&'a Artifacts),
}

impl Link {
    /// The link's canonical JSON (securesystemslib's): the bytes a Metablock signature covers.
    /// Fails only for a float in a free-form member (environment, byproducts or an unknown
    /// field), which canonical JSON cannot encode; the error gives its JSON path.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, CanonicalError> {
        self.write(Spelling::Canonical, |key, v, _, out| {
            let bytes =
                canonical::encode(v).map_err(|CanonicalError::Float { number, path }| {
                    CanonicalError::Float {
                        number,
                        path: path.replacen('$', &format!("$.{key}"), 1),
                    }
                })?;
            out.extend_from_slice(&bytes);
            Ok(())
        })
    }

    /// The link's JSON as the reference's Python writes it in `style`; Python spells every
    /// JSON value, so this cannot fail.
    pub fn to_python_json(&self, style: PythonStyle) -> Vec<u8> {
        let written = self.write(Spelling::Python(style), |_, v, level, out| {
            match style {
                PythonStyle::MetablockSigned => pyjson::write_indented(v, level, out),
                PythonStyle::Compact => out.extend_from_slice(&pyjson::compact_sorted(v)),
            }
            Ok::<(), Infallible>(())
        });
        match written {
            Ok(bytes) => bytes,
            Err(never) => match never {},
        }
    }

    /// Writes the link object in `spelling`; `write_value` writes the small free-form members
    /// (name, command, byproducts, environment, extras) given their key and nesting level.
    fn write<E>(
        &self,
        spelling: Spelling,
        mut write_value: impl FnMut(&str, &Value, usize, &mut Vec<u8>) -> Result<(), E>,
    ) -> Result<Vec<u8>, E> {
        // An artifact takes ~100 bytes (path, algorithm, 64 hex digits, punctuation), ~140
        // indented. Reserve generously: growing would copy the whole text, while reserved
        // pages that are never written cost nothing.
        let artifacts = self.materials.len() + self.products.len();
        let mut out = Vec::with_capacity(1024 + artifacts * 256);
        let mut members: Vec<(&str, Member<'_>)> = self
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), Member::Value(v.clone())))
            .collect();
        members.extend([
            ("_type", Member::Value("link".into())),
            ("name", Member::Value(self.name.as_str().into())),
            (
                "command",
                Member::Value(Value::Array(
                    self.command.iter().cloned().map(Value::String).collect(),
                )),
            ),
            ("byproducts", Member::Value(self.byproducts.to_value())),
            (
                "environment",
                Member::Value(Value::Object(self.environment.clone())),
            ),
            ("materials", Member::Artifacts(&self.materials)),
            ("products", Member::Artifacts(&self.products)),
        ]);
        // Python and securesystemslib sort keys by code point: the byte order of UTF-8.
        members.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let level = usize::from(spelling == Spelling::Python(PythonStyle::MetablockSigned));
        out.push(b'{');
        for (i, (key, member)) in members.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(spelling.item_sep());
            }
            spelling.newline(level + 1, &mut out);
            spelling.string(key, &mut out);
            out.extend_from_slice(spelling.key_sep());
            match member {
                Member::Value(v) => write_value(key, v, level + 1, &mut out)?,
                Member::Artifacts(a) => write_artifacts(spelling, a, level + 1, &mut out),
            }
        }
        spelling.newline(level, &mut out);
        out.push(b'}');
        Ok(out)
    }
}

/// `{path: {algorithm: hex}}`; the map iterates in path order, which is code point order.
fn write_artifacts(style: Spelling, artifacts: &Artifacts, level: usize, out: &mut Vec<u8>) {
    let entries = artifacts
        .iter()
        .map(|(path, digests)| (path.as_str(), digests));
    write_object(style, entries, level, out, |digests, out| {
        write_digests(style, digests, level + 1, out);
    });
}

/// `{algorithm: hex}`; a [`DigestSet`] iterates in algorithm-name order.
fn write_digests(style: Spelling, digests: &DigestSet, level: usize, out: &mut Vec<u8>) {
    write_object(style, digests.iter(), level, out, |digest, out| {
        style.string(digest.as_str(), out);
    });
}

/// An object of `entries` (already in key order), `level` deep, each value written by
/// `write_value`; `{}` when empty, as Python writes it.
fn write_object<'a, V>(
    style: Spelling,
    entries: impl Iterator<Item = (&'a str, V)>,
    level: usize,
    out: &mut Vec<u8>,
    mut write_value: impl FnMut(V, &mut Vec<u8>),
) {
    let mut empty = true;
    out.push(b'{');
    for (key, value) in entries {
        if !empty {
            out.extend_from_slice(style.item_sep());
        }
        empty = false;
        style.newline(level + 1, out);
        style.string(key, out);
        out.extend_from_slice(style.key_sep());
        write_value(value, out);
    }
    if !empty {
        style.newline(level, out);
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArtifactPath, Digest, StepName};
    use serde_json::json;

    fn link() -> Link {
        let mut link = Link::new(StepName::new("build").unwrap());
        link.command = vec!["make".into(), "é \"quoted\"".into()];
        for (i, name) in ["b", "a/x", "a.c", "ü/ß", "tab\there", "z\\y"]
            .iter()
            .enumerate()
        {
            let mut digests = DigestSet::new();
            digests
                .insert("sha256", Digest::new(format!("{i:064x}")).unwrap())
                .unwrap();
            if i % 2 == 0 {
                digests
                    .insert("sha512", Digest::new(format!("{i:0128x}")).unwrap())
                    .unwrap();
            }
            link.materials
                .insert(ArtifactPath::new(*name).unwrap(), digests.clone());
            if i % 3 == 0 {
                link.products
                    .insert(ArtifactPath::new(*name).unwrap(), digests);
            }
        }
        link.byproducts.stdout = Some("out\n".into());
        link.byproducts.return_value = Some(-2);
        link.environment
            .insert("k".into(), json!({"b": [1, {}], "a": null}));
        link.extra.insert("aaa_unknown".into(), json!([true]));
        link.extra.insert("zzz_unknown".into(), json!({}));
        link
    }

    #[test]
    fn equals_the_value_route_in_every_style() {
        for link in [link(), Link::new(StepName::new("empty").unwrap())] {
            let value = link.to_value();
            assert_eq!(
                link.to_canonical_json().unwrap(),
                canonical::encode(&value).unwrap()
            );
            assert_eq!(
                link.to_python_json(PythonStyle::Compact),
                pyjson::compact_sorted(&value)
            );
            // As the value of "signed" in a Metablock file.
            for signatures in [
                json!([]),
                json!([{"keyid": "ab", "sig": "cd"}, {"keyid": "é"}]),
            ] {
                let file =
                    pyjson::metablock_file(&json!({"signatures": signatures, "signed": value}));
                let body = link.to_python_json(PythonStyle::MetablockSigned);
                assert_eq!(pyjson::metablock_file_from_parts(&signatures, &body), file);
            }
        }
    }

    #[test]
    fn refuses_a_float_with_its_path() {
        let mut link = link();
        link.environment.insert("f".into(), json!(1.5));
        assert_eq!(
            link.to_canonical_json().unwrap_err(),
            CanonicalError::Float {
                number: "1.5".into(),
                path: "$.environment.f".into()
            }
        );
    }
}
