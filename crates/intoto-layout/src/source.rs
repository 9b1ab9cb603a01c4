//! The TOML description of a layout and its conversion to a [`Layout`], with every problem
//! located at its line.
//!
//! ```toml
//! expires = "90d"                     # or "2036-01-01", "2036-01-01T00:00:00Z", 1y, 6mo, 12w
//! readme = "What this supply chain is"
//!
//! [functionaries]                     # name = public key file (relative to this file)
//! alice = "alice.pub"
//! bob = { path = "bob.pub", scheme = "rsa-pkcs1v15-sha256" }
//!
//! [[step]]
//! name = "package"
//! functionaries = ["alice", "bob"]    # who may sign its link
//! threshold = 1                       # how many of them must (default 1)
//! expected_command = "tar czf foo.tar.gz foo.py"    # a line (split like a shell) or a list
//! expected_materials = ["MATCH foo.py WITH PRODUCTS FROM write-code", "DISALLOW *"]
//! expected_products = ["CREATE foo.tar.gz", ["ALLOW", "a name with spaces"]]
//!
//! [[inspection]]
//! name = "untar"
//! run = "tar xzf foo.tar.gz"
//! expected_materials = ["MATCH foo.tar.gz WITH PRODUCTS FROM package", "DISALLOW *"]
//! ```

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    ops::Range,
    path::{Path, PathBuf},
};

use intoto_crypto::{PublicKey, Scheme};
use intoto_model::{Inspection, Layout, LayoutKey, Step, StepName, Timestamp};
use intoto_rules::Side;
use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use crate::{
    check,
    error::{Error, ItemKind, Location, Problems},
    expiry::Expiry,
    spans::{ItemSpans, LineIndex, Located, Spans},
    words,
};

/// Public key files larger than this are refused before reading (an RSA 16384-bit PEM is
/// under 3 KiB).
const MAX_KEY_FILE_BYTES: u64 = 1 << 20;

/// The expiry of a TOML layout that does not say (`expires` omitted): 30 days, about the
/// reference's default of one month for a new `Layout()`.
pub const DEFAULT_EXPIRY: Expiry = Expiry::After(crate::expiry::Period {
    count: 30,
    unit: crate::expiry::Unit::Days,
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    expires: Option<Spanned<toml::Value>>,
    #[serde(default)]
    readme: String,
    #[serde(default)]
    functionaries: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    step: Vec<Spanned<StepSource>>,
    #[serde(default)]
    inspection: Vec<Spanned<InspectionSource>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSource {
    name: Spanned<String>,
    #[serde(default)]
    functionaries: Vec<Spanned<String>>,
    threshold: Option<Spanned<i64>>,
    expected_command: Option<Spanned<Words>>,
    #[serde(default)]
    expected_materials: Vec<Spanned<Words>>,
    #[serde(default)]
    expected_products: Vec<Spanned<Words>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspectionSource {
    name: Spanned<String>,
    run: Spanned<Words>,
    #[serde(default)]
    expected_materials: Vec<Spanned<Words>>,
    #[serde(default)]
    expected_products: Vec<Spanned<Words>>,
}

/// A rule or command: one line split like a shell, or the words as a list.
enum Words {
    Line(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Words;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string (split into words like a shell) or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Words, E> {
                Ok(Words::Line(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Words, A::Error> {
                let mut words = Vec::new();
                while let Some(word) = seq.next_element::<String>()? {
                    words.push(word);
                }
                Ok(Words::List(words))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A layout converted from TOML, and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The layout (unsigned).
    pub layout: Layout,
    /// Problems that do not make the layout invalid (unused keys).
    pub warnings: Problems,
}

/// Converts the TOML description `text` into a layout. Public key files are read relative to
/// `base_dir`; a relative expiry (`90d`) counts from `now`. Returns every problem found (TOML
/// syntax and schema, unknown functionaries, unreadable keys, unsplittable or invalid rules,
/// and everything [`check::check`] finds), each with its line, sorted by line.
pub fn from_toml(text: &str, base_dir: &Path, now: Timestamp) -> Result<Converted, Problems> {
    let lines = LineIndex::new(text);
    let source: Source = toml::from_str(text).map_err(|e| {
        let at = lines.location(e.span().unwrap_or(0..0));
        Problems(vec![crate::error::Problem {
            at,
            error: Error::Toml(e.message().trim().to_string()),
        }])
    })?;
    let mut converter = Converter {
        lines: &lines,
        base_dir,
        problems: Problems::default(),
        spans: Spans::default(),
        incomplete: BTreeSet::new(),
    };
    let layout = converter.convert(source, now);
    let Converter {
        mut problems,
        spans,
        incomplete,
        ..
    } = converter;
    let located = Located {
        lines: &lines,
        spans: &spans,
    };
    // A step whose functionary was not listed or whose key did not load has already been
    // reported; that it now has too few keys for its threshold would only repeat it.
    let repeats = |e: &Error| match e {
        Error::NoFunctionaries { step } | Error::ThresholdAboveKeys { step, .. } => {
            incomplete.contains(step)
        }
        _ => false,
    };
    problems.0.extend(
        check::check(&layout, &located, None)
            .0
            .into_iter()
            .filter(|p| !repeats(&p.error)),
    );
    problems.0.sort_by_key(|p| match p.at {
        Location::Line { line, column } => (line, column),
        Location::Path(_) => (0, 0),
    });
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Converted {
        layout,
        warnings: problems,
    })
}

struct Converter<'a> {
    lines: &'a LineIndex<'a>,
    base_dir: &'a Path,
    problems: Problems,
    spans: Spans,
    /// Steps with a functionary that was not listed or whose key did not load.
    incomplete: BTreeSet<String>,
}

impl Converter<'_> {
    fn problem(&mut self, span: Range<usize>, error: Error) {
        let at = self.lines.location(span);
        self.problems.push(at, error);
    }

    fn convert(&mut self, source: Source, now: Timestamp) -> Layout {
        self.spans.whole = 0..0;
        let expires = self.expires(source.expires.as_ref(), now);
        let mut layout = Layout::new(expires);
        layout.readme = source.readme;
        let functionaries = self.functionaries(&source.functionaries);
        for key in functionaries.values().flatten() {
            layout
                .keys
                .insert(key.keyid().clone(), LayoutKey::Standard(key.to_record()));
        }
        // Key file -> functionary name, to suggest the name when a step lists the file.
        let paths: BTreeMap<String, String> = source
            .functionaries
            .iter()
            .filter_map(|(name, value)| {
                let (path, _) = self.key_source(value).ok()?;
                Some((path.display().to_string(), name.get_ref().clone()))
            })
            .collect();
        for step in source.step {
            if let Some((step, spans)) = self.step(step.into_inner(), &functionaries, &paths) {
                layout.steps.push(step);
                self.spans.steps.push(spans);
            }
        }
        for inspection in source.inspection {
            if let Some((inspection, spans)) = self.inspection(inspection.into_inner()) {
                layout.inspect.push(inspection);
                self.spans.inspections.push(spans);
            }
        }
        layout
    }

    fn expires(&mut self, value: Option<&Spanned<toml::Value>>, now: Timestamp) -> Timestamp {
        let fallback = DEFAULT_EXPIRY.resolve(now).unwrap_or(now);
        let Some(value) = value else {
            return fallback;
        };
        self.spans.expires = Some(value.span());
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            // A bare TOML date (`expires = 2036-01-01`) or date-time with `Z`.
            toml::Value::Datetime(d) => d.to_string(),
            other => {
                self.problem(
                    value.span(),
                    Error::Toml(format!(
                        "expires must be a string or a date, found a {}",
                        other.type_str()
                    )),
                );
                return fallback;
            }
        };
        match text.parse::<Expiry>().and_then(|e| e.resolve(now)) {
            Ok(at) => at,
            Err(e) => {
                self.problem(value.span(), Error::Expiry(e));
                fallback
            }
        }
    }

    /// Loads each functionary's key; `None` for one that could not be loaded (reported).
    fn functionaries(
        &mut self,
        table: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    ) -> BTreeMap<String, Option<PublicKey>> {
        let mut out = BTreeMap::new();
        for (name, value) in table {
            let key = match self.key_source(value) {
                Ok((path, scheme)) => match load_key(&self.base_dir.join(&path), scheme) {
                    Ok(key) => {
                        self.spans
                            .keys
                            .entry(key.keyid().clone())
                            .or_insert(value.span());
                        Some(key)
                    }
                    Err(reason) => {
                        let what = format!("functionary {:?} ({})", name.get_ref(), path.display());
                        self.problem(value.span(), Error::UnusableKey { what, reason });
                        None
                    }
                },
                Err(message) => {
                    self.problem(value.span(), Error::Toml(message));
                    None
                }
            };
            out.insert(name.get_ref().clone(), key);
        }
        out
    }

    fn key_source(
        &self,
        value: &Spanned<toml::Value>,
    ) -> Result<(PathBuf, Option<String>), String> {
        match value.get_ref() {
            toml::Value::String(path) => Ok((PathBuf::from(path), None)),
            toml::Value::Table(t) => {
                if let Some(unknown) = t.keys().find(|k| *k != "path" && *k != "scheme") {
                    return Err(format!(
                        "unknown field `{unknown}`, expected `path` or `scheme`"
                    ));
                }
                let path = t
                    .get("path")
                    .and_then(toml::Value::as_str)
                    .ok_or("a functionary table needs `path = \"KEY.pub\"`")?;
                let scheme = match t.get("scheme") {
                    None => None,
                    Some(s) => Some(s.as_str().ok_or("`scheme` must be a string")?.to_string()),
                };
                Ok((PathBuf::from(path), scheme))
            }
            other => Err(format!(
                "a functionary is a public key file (\"alice.pub\") or {{ path = \"alice.pub\", scheme = \"...\" }}, found a {}",
                other.type_str()
            )),
        }
    }

    fn name(&mut self, name: &Spanned<String>) -> Option<StepName> {
        match StepName::new(name.get_ref().as_str()) {
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(name.span(), Error::InvalidName(e.to_string()));
                None
            }
        }
    }

    fn step(
        &mut self,
        source: StepSource,
        functionaries: &BTreeMap<String, Option<PublicKey>>,
        paths: &BTreeMap<String, String>,
    ) -> Option<(Step, ItemSpans)> {
        let name = self.name(&source.name)?;
        let mut step = Step::new(name.clone());
        let mut spans = ItemSpans {
            name: source.name.span(),
            ..ItemSpans::default()
        };
        for functionary in &source.functionaries {
            match functionaries.get(functionary.get_ref().as_str()) {
                Some(Some(key)) => {
                    step.pubkeys.push(key.keyid().clone());
                    spans.pubkeys.push(functionary.span());
                }
                // Its key could not be loaded: already reported.
                Some(None) => {
                    self.incomplete.insert(name.to_string());
                }
                None => {
                    self.incomplete.insert(name.to_string());
                    // A key file named instead of the functionary's name is a likely slip.
                    let by_path = paths.get(functionary.get_ref().as_str());
                    let hint = match by_path {
                        Some(listed) => format!(" (did you mean {listed:?}?)"),
                        None => check::hint(
                            functionary.get_ref(),
                            functionaries.keys().map(String::as_str),
                        ),
                    };
                    self.problem(
                        functionary.span(),
                        Error::UnknownFunctionary {
                            step: name.to_string(),
                            name: functionary.get_ref().clone(),
                            hint,
                        },
                    )
                }
            }
        }
        if let Some(threshold) = &source.threshold {
            spans.threshold = Some(threshold.span());
            match u64::try_from(*threshold.get_ref()) {
                Ok(t) => step.threshold = t,
                Err(_) => self.problem(
                    threshold.span(),
                    Error::ThresholdZero {
                        step: name.to_string(),
                    },
                ),
            }
        }
        if let Some(command) = &source.expected_command {
            step.expected_command = self.command(command, ItemKind::Step, &name);
        }
        let item = (ItemKind::Step, &name);
        (step.expected_materials, spans.materials) =
            self.rules(&source.expected_materials, item, Side::Materials);
        (step.expected_products, spans.products) =
            self.rules(&source.expected_products, item, Side::Products);
        Some((step, spans))
    }

    fn inspection(&mut self, source: InspectionSource) -> Option<(Inspection, ItemSpans)> {
        let name = self.name(&source.name)?;
        let mut spans = ItemSpans {
            name: source.name.span(),
            run: Some(source.run.span()),
            ..ItemSpans::default()
        };
        let run = self.command(&source.run, ItemKind::Inspection, &name);
        let item = (ItemKind::Inspection, &name);
        let (expected_materials, materials) =
            self.rules(&source.expected_materials, item, Side::Materials);
        let (expected_products, products) =
            self.rules(&source.expected_products, item, Side::Products);
        (spans.materials, spans.products) = (materials, products);
        let inspection = Inspection {
            name,
            run,
            expected_materials,
            expected_products,
            extra: Default::default(),
        };
        Some((inspection, spans))
    }

    fn command(
        &mut self,
        command: &Spanned<Words>,
        kind: ItemKind,
        item: &StepName,
    ) -> Vec<String> {
        match command.get_ref() {
            Words::List(words) => words.clone(),
            Words::Line(line) => match words::split(line) {
                Ok(words) => words,
                Err(reason) => {
                    self.problem(
                        command.span(),
                        Error::UnsplittableCommand {
                            item_kind: kind,
                            item: item.to_string(),
                            text: line.clone(),
                            reason,
                        },
                    );
                    Vec::new()
                }
            },
        }
    }

    /// The rules that could be split into words, and their spans.
    fn rules(
        &mut self,
        rules: &[Spanned<Words>],
        (kind, item): (ItemKind, &StepName),
        side: Side,
    ) -> (Vec<Vec<String>>, Vec<Range<usize>>) {
        let mut out = (Vec::new(), Vec::new());
        for rule in rules {
            let words = match rule.get_ref() {
                Words::List(words) => words.clone(),
                Words::Line(line) => match words::split(line) {
                    Ok(words) => words,
                    Err(reason) => {
                        self.problem(
                            rule.span(),
                            Error::UnsplittableRule {
                                item_kind: kind,
                                item: item.to_string(),
                                side,
                                text: line.clone(),
                                reason,
                            },
                        );
                        continue;
                    }
                },
            };
            out.0.push(words);
            out.1.push(rule.span());
        }
        out
    }
}

/// Reads a PEM public key file, with a scheme other than its type's default if asked. Only
/// regular files are read (a key path such as `/dev/zero` or a fifo must not make the
/// conversion read or wait forever), and a public key has at most [`MAX_KEY_FILE_BYTES`].
pub fn load_key(path: &Path, scheme: Option<String>) -> Result<PublicKey, String> {
    use intoto_model::file::{FileError, read_file_within};
    let bytes = read_file_within(path, MAX_KEY_FILE_BYTES).map_err(|e| match e {
        FileError::NotAFile { kind, .. } => format!("a {kind}, not a regular file"),
        FileError::Io { source, .. } => format!("cannot read the key file: {source}"),
        FileError::TooLarge { .. } => format!(
            "the key file has more than {MAX_KEY_FILE_BYTES} bytes, too many for a public key"
        ),
    })?;
    let pem = String::from_utf8(bytes).map_err(|_| "the key file is not UTF-8 text".to_string())?;
    let key = PublicKey::from_pem(&pem).map_err(|e| e.to_string())?;
    match scheme {
        None => Ok(key),
        Some(scheme) => {
            let scheme: Scheme = scheme.parse().map_err(|e| format!("scheme: {e}"))?;
            key.with_scheme(scheme).map_err(|e| e.to_string())
        }
    }
}
