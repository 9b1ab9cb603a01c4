//! Incremental edits of a layout (`in-toto layout add-step`, `add-inspection`, `add-key`):
//! each refuses what would make the item itself invalid; problems across items (a `MATCH`
//! from a step not added yet) are left to [`check`](crate::check::check).

use intoto_crypto::PublicKey;
use intoto_model::{Inspection, KeyId, Layout, LayoutKey, Rule, Step, StepName};
use intoto_rules::{ArtifactRule, Side};

use crate::{
    error::{Error, ItemKind},
    words,
};

/// A step to add: rules and the command as the user wrote them, one line each.
#[derive(Debug, Clone, Default)]
pub struct NewStep {
    /// Its name (unique among steps and inspections).
    pub name: String,
    /// Key ids allowed to sign its link (already in the layout's keys).
    pub keys: Vec<KeyId>,
    /// How many of them must sign.
    pub threshold: u64,
    /// The expected command, as words.
    pub expected_command: Vec<String>,
    /// Material rules, one line each (`MATCH foo WITH PRODUCTS FROM build`).
    pub expected_materials: Vec<String>,
    /// Product rules, one line each.
    pub expected_products: Vec<String>,
}

/// An inspection to add.
#[derive(Debug, Clone, Default)]
pub struct NewInspection {
    /// Its name (unique among steps and inspections).
    pub name: String,
    /// The command the verifier runs, as words.
    pub run: Vec<String>,
    /// Material rules, one line each.
    pub expected_materials: Vec<String>,
    /// Product rules, one line each.
    pub expected_products: Vec<String>,
}

/// Adds `key` to the layout's keys (nothing changes if it is there) and returns its id.
pub fn add_key(layout: &mut Layout, key: &PublicKey) -> KeyId {
    layout
        .keys
        .entry(key.keyid().clone())
        .or_insert_with(|| LayoutKey::Standard(key.to_record()));
    key.keyid().clone()
}

/// Appends a step after the existing ones.
///
/// Errors: an invalid or taken name ([`Error::InvalidName`], [`Error::DuplicateName`]), a key
/// not in the layout ([`Error::KeyNotListed`]), a key listed twice
/// ([`Error::DuplicateFunctionary`]), a threshold of 0 or above the number of keys, a rule that
/// does not split or parse.
pub fn add_step(layout: &mut Layout, new: NewStep) -> Result<(), Error> {
    let name = new_name(layout, &new.name)?;
    let mut seen = std::collections::BTreeSet::new();
    for keyid in &new.keys {
        if !layout.keys.contains_key(keyid) {
            return Err(Error::KeyNotListed {
                step: new.name.clone(),
                keyid: keyid.to_string(),
            });
        }
        if !seen.insert(keyid) {
            return Err(Error::DuplicateFunctionary {
                step: new.name.clone(),
                name: keyid.to_string(),
            });
        }
    }
    if new.threshold < 1 {
        return Err(Error::ThresholdZero { step: new.name });
    }
    if new.keys.is_empty() {
        return Err(Error::NoFunctionaries { step: new.name });
    }
    if new.threshold > new.keys.len() as u64 {
        return Err(Error::ThresholdAboveKeys {
            step: new.name,
            threshold: new.threshold,
            keys: new.keys.len(),
        });
    }
    let item = (ItemKind::Step, new.name.as_str());
    let mut step = Step::new(name);
    step.threshold = new.threshold;
    step.pubkeys = new.keys.clone();
    step.expected_command = new.expected_command.clone();
    step.expected_materials = rule_lines(item, Side::Materials, &new.expected_materials)?;
    step.expected_products = rule_lines(item, Side::Products, &new.expected_products)?;
    layout.steps.push(step);
    Ok(())
}

/// Appends an inspection after the existing ones. Errors as [`add_step`], and
/// [`Error::EmptyRun`] for an inspection without a command.
pub fn add_inspection(layout: &mut Layout, new: NewInspection) -> Result<(), Error> {
    let name = new_name(layout, &new.name)?;
    if new.run.is_empty() {
        return Err(Error::EmptyRun { name: new.name });
    }
    let item = (ItemKind::Inspection, new.name.as_str());
    let inspection = Inspection {
        name,
        run: new.run.clone(),
        expected_materials: rule_lines(item, Side::Materials, &new.expected_materials)?,
        expected_products: rule_lines(item, Side::Products, &new.expected_products)?,
        extra: Default::default(),
    };
    layout.inspect.push(inspection);
    Ok(())
}

fn new_name(layout: &Layout, name: &str) -> Result<StepName, Error> {
    let first = if layout.step(name).is_some() {
        Some(ItemKind::Step)
    } else if layout.inspection(name).is_some() {
        Some(ItemKind::Inspection)
    } else {
        None
    };
    if let Some(first) = first {
        return Err(Error::DuplicateName {
            name: name.to_string(),
            first,
        });
    }
    StepName::new(name).map_err(|e| Error::InvalidName(e.to_string()))
}

/// Splits each line into words (like a shell) and checks it against the rule grammar.
pub fn rule_lines(
    (item_kind, item): (ItemKind, &str),
    side: Side,
    lines: &[String],
) -> Result<Vec<Rule>, Error> {
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let rule = words::split(line).map_err(|reason| Error::UnsplittableRule {
                item_kind,
                item: item.to_string(),
                side,
                text: line.clone(),
                reason,
            })?;
            ArtifactRule::parse(&rule).map_err(|reason| Error::InvalidRule {
                item_kind,
                item: item.to_string(),
                side,
                index,
                rule: rule.clone(),
                reason,
            })?;
            Ok(rule)
        })
        .collect()
}
