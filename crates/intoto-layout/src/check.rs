//! The checks a layout must pass before anyone signs it, with every problem located by a
//! [`Locate`] (TOML lines or JSON paths). Everything here is also refused by the verifier or
//! makes verification fail for sure; finding it when the layout is written saves a round trip
//! through signing, recording and verifying.

use std::collections::{BTreeMap, BTreeSet};

use intoto_crypto::PublicKey;
use intoto_model::{KeyId, Layout, LayoutKey, Rule, Timestamp};
use intoto_rules::{ArtifactRule, Side};

use crate::error::{Error, ItemKind, Location, Problems};

/// Where each part of a layout is written, for messages.
pub trait Locate {
    /// The layout as a whole (for problems with no better place).
    fn layout(&self) -> Location;
    /// The `expires` field.
    fn expires(&self) -> Location;
    /// The entry of `keys` with this id.
    fn key(&self, keyid: &KeyId) -> Location;
    /// The name of step or inspection `index`.
    fn item(&self, kind: ItemKind, index: usize) -> Location;
    /// The threshold of step `index`.
    fn threshold(&self, step: usize) -> Location;
    /// Key `key` of step `step`'s `pubkeys`.
    fn pubkey(&self, step: usize, key: usize) -> Location;
    /// Rule `rule` of the `side` rules of a step or inspection.
    fn rule(&self, kind: ItemKind, index: usize, side: Side, rule: usize) -> Location;
    /// The `run` command of inspection `index`.
    fn run(&self, index: usize) -> Location;
}

/// Locations as JSON paths in a layout file (`signed.steps[0].threshold`).
#[derive(Debug, Clone)]
pub struct JsonPaths {
    prefix: String,
}

impl JsonPaths {
    /// Paths below `prefix`: `signed` for a Metablock, `payload` for a DSSE envelope.
    pub fn new(prefix: &str) -> Self {
        JsonPaths {
            prefix: prefix.to_string(),
        }
    }

    fn path(&self, rest: std::fmt::Arguments<'_>) -> Location {
        Location::Path(format!("{}.{rest}", self.prefix))
    }
}

fn item_path(kind: ItemKind, index: usize) -> String {
    match kind {
        ItemKind::Step => format!("steps[{index}]"),
        ItemKind::Inspection => format!("inspect[{index}]"),
    }
}

impl Locate for JsonPaths {
    fn layout(&self) -> Location {
        Location::Path(self.prefix.clone())
    }
    fn expires(&self) -> Location {
        self.path(format_args!("expires"))
    }
    fn key(&self, keyid: &KeyId) -> Location {
        self.path(format_args!("keys.{keyid}"))
    }
    fn item(&self, kind: ItemKind, index: usize) -> Location {
        self.path(format_args!("{}.name", item_path(kind, index)))
    }
    fn threshold(&self, step: usize) -> Location {
        self.path(format_args!("steps[{step}].threshold"))
    }
    fn pubkey(&self, step: usize, key: usize) -> Location {
        self.path(format_args!("steps[{step}].pubkeys[{key}]"))
    }
    fn rule(&self, kind: ItemKind, index: usize, side: Side, rule: usize) -> Location {
        self.path(format_args!(
            "{}.expected_{side}[{rule}]",
            item_path(kind, index)
        ))
    }
    fn run(&self, index: usize) -> Location {
        self.path(format_args!("inspect[{index}].run"))
    }
}

/// Checks `layout`, reporting every problem at the place `at` gives for it. With `now`, an
/// expired layout is reported as a warning.
///
/// Errors: `keys` entries whose `keyid` differs from the map key or that are not usable keys;
/// duplicate step and inspection names; thresholds below 1 or above the number of distinct
/// keys of the step (or no keys at all); step keys missing from `keys` or listed twice; rules that do not parse
/// (the rules crate's grammar, as the reference's `unpack_rule`); `MATCH ... FROM` a name that
/// is neither a step nor an inspection, or, in a step's rules, an inspection; inspections
/// without a command. Warnings: keys no step uses; expiry in the past.
pub fn check(layout: &Layout, at: &dyn Locate, now: Option<Timestamp>) -> Problems {
    let mut problems = Problems::default();
    check_keys(layout, at, &mut problems);
    let names = check_names(layout, at, &mut problems);
    for (i, step) in layout.steps.iter().enumerate() {
        check_step_keys(layout, i, at, &mut problems);
        let item = Item {
            kind: ItemKind::Step,
            index: i,
            name: step.name.as_str(),
        };
        check_rules(
            &item,
            Side::Materials,
            &step.expected_materials,
            &names,
            at,
            &mut problems,
        );
        check_rules(
            &item,
            Side::Products,
            &step.expected_products,
            &names,
            at,
            &mut problems,
        );
    }
    for (i, inspection) in layout.inspect.iter().enumerate() {
        if inspection.run.is_empty() {
            problems.push(
                at.run(i),
                Error::EmptyRun {
                    name: inspection.name.to_string(),
                },
            );
        }
        let item = Item {
            kind: ItemKind::Inspection,
            index: i,
            name: inspection.name.as_str(),
        };
        let (materials, products) = (
            &inspection.expected_materials,
            &inspection.expected_products,
        );
        check_rules(&item, Side::Materials, materials, &names, at, &mut problems);
        check_rules(&item, Side::Products, products, &names, at, &mut problems);
    }
    let used: BTreeSet<&KeyId> = layout.steps.iter().flat_map(|s| &s.pubkeys).collect();
    for keyid in layout.keys.keys().filter(|k| !used.contains(k)) {
        problems.push(
            at.key(keyid),
            Error::UnusedKey {
                keyid: keyid.to_string(),
            },
        );
    }
    if let Some(now) = now
        && layout.expires.is_expired_at(now.unix_seconds())
    {
        problems.push(
            at.expires(),
            Error::Expired {
                expires: layout.expires.to_string(),
            },
        );
    }
    problems
}

fn check_keys(layout: &Layout, at: &dyn Locate, problems: &mut Problems) {
    for (id, key) in &layout.keys {
        if let Some(inner) = key.keyid()
            && inner != id
        {
            problems.push(
                at.key(id),
                Error::KeyIdMismatch {
                    outer: id.to_string(),
                    inner: inner.to_string(),
                },
            );
        }
        // OpenPGP keys are checked when a signature is verified with them.
        if let LayoutKey::Standard(record) = key
            && let Err(e) = PublicKey::from_record(record)
        {
            problems.push(
                at.key(id),
                Error::UnusableKey {
                    what: format!("key {id}"),
                    reason: e.to_string(),
                },
            );
        }
    }
}

/// Reports duplicate names; returns every name with what it names (the first one wins).
fn check_names<'a>(
    layout: &'a Layout,
    at: &dyn Locate,
    problems: &mut Problems,
) -> BTreeMap<&'a str, ItemKind> {
    let mut names = BTreeMap::new();
    let items = layout
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (ItemKind::Step, i, s.name.as_str()))
        .chain(
            layout
                .inspect
                .iter()
                .enumerate()
                .map(|(i, s)| (ItemKind::Inspection, i, s.name.as_str())),
        );
    for (kind, index, name) in items {
        if let Some(first) = names.get(name) {
            problems.push(
                at.item(kind, index),
                Error::DuplicateName {
                    name: name.to_string(),
                    first: *first,
                },
            );
        } else {
            names.insert(name, kind);
        }
    }
    names
}

fn check_step_keys(layout: &Layout, index: usize, at: &dyn Locate, problems: &mut Problems) {
    let Some(step) = layout.steps.get(index) else {
        return;
    };
    let name = step.name.to_string();
    let mut distinct = BTreeSet::new();
    for (j, keyid) in step.pubkeys.iter().enumerate() {
        if !layout.keys.contains_key(keyid) {
            problems.push(
                at.pubkey(index, j),
                Error::KeyNotListed {
                    step: name.clone(),
                    keyid: keyid.to_string(),
                },
            );
        }
        if !distinct.insert(keyid) {
            problems.push(
                at.pubkey(index, j),
                Error::DuplicateFunctionary {
                    step: name.clone(),
                    name: keyid.to_string(),
                },
            );
        }
    }
    if step.threshold < 1 {
        problems.push(at.threshold(index), Error::ThresholdZero { step: name });
    } else if distinct.is_empty() {
        problems.push(
            at.item(ItemKind::Step, index),
            Error::NoFunctionaries { step: name },
        );
    } else if step.threshold > distinct.len() as u64 {
        problems.push(
            at.threshold(index),
            Error::ThresholdAboveKeys {
                step: name,
                threshold: step.threshold,
                keys: distinct.len(),
            },
        );
    }
}

struct Item<'a> {
    kind: ItemKind,
    index: usize,
    name: &'a str,
}

fn check_rules(
    item: &Item<'_>,
    side: Side,
    rules: &[Rule],
    names: &BTreeMap<&str, ItemKind>,
    at: &dyn Locate,
    problems: &mut Problems,
) {
    for (index, rule) in rules.iter().enumerate() {
        let location = || at.rule(item.kind, item.index, side, index);
        let parsed = match ArtifactRule::parse(rule) {
            Ok(parsed) => parsed,
            Err(reason) => {
                problems.push(
                    location(),
                    Error::InvalidRule {
                        item_kind: item.kind,
                        item: item.name.to_string(),
                        side,
                        index,
                        rule: rule.clone(),
                        reason,
                    },
                );
                continue;
            }
        };
        let ArtifactRule::Match(m) = parsed else {
            continue;
        };
        let from = m.destination_step;
        match names.get(from.as_str()) {
            None => problems.push(
                location(),
                Error::UnknownMatchStep {
                    item_kind: item.kind,
                    item: item.name.to_string(),
                    side,
                    index,
                    hint: hint(&from, names.keys().copied()),
                    from,
                },
            ),
            Some(ItemKind::Inspection) if item.kind == ItemKind::Step => problems.push(
                location(),
                Error::MatchFromInspection {
                    item: item.name.to_string(),
                    side,
                    index,
                    from,
                },
            ),
            Some(_) => {}
        }
    }
}

/// `" (did you mean \"x\"?)"` for the closest name within two edits, else empty.
pub(crate) fn hint<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| (edit_distance(wrong, n), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map_or_else(String::new, |(_, n)| format!(" (did you mean {n:?}?)"))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("write-code", "write-code"), 0);
        assert_eq!(edit_distance("writecode", "write-code"), 1);
        assert_eq!(edit_distance("pakage", "package"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            hint("pakage", ["package", "untar"].into_iter()),
            " (did you mean \"package\"?)"
        );
        assert_eq!(hint("deploy", ["package"].into_iter()), "");
    }
}
