//! The rule engine: one item's rules for one side, applied to a queue of artifact paths as the
//! reference's `verifylib.verify_item_rules` does.
//!
//! Cost: every rule tests each queued path against its pattern at most once (O(N x R) pattern
//! tests), `MATCH` looks paths up in the destination's sorted map, `REQUIRE` binary-searches the
//! queue.

use std::{
    borrow::Borrow,
    collections::{BTreeMap, HashMap},
    hash::{BuildHasher, Hash},
};

use intoto_model::{ArtifactPath, Artifacts, DigestSet, Link, Rule};
use serde::Serialize;

use crate::{ArtifactRule, Error, FailureKind, MatchRule, Pattern, RuleFailure, RuleList, Side};

/// Finds the (reduced) link of a step or inspection by name: the `FROM` side of `MATCH`.
pub trait LinkLookup {
    /// The link recorded for `name`, if any.
    fn link(&self, name: &str) -> Option<&Link>;
}

impl<K: Borrow<str> + Ord, V: Borrow<Link>> LinkLookup for BTreeMap<K, V> {
    fn link(&self, name: &str) -> Option<&Link> {
        self.get(name).map(Borrow::borrow)
    }
}

impl<K: Borrow<str> + Hash + Eq, V: Borrow<Link>, S: BuildHasher> LinkLookup for HashMap<K, V, S> {
    fn link(&self, name: &str) -> Option<&Link> {
        self.get(name).map(Borrow::borrow)
    }
}

impl<T: LinkLookup + ?Sized> LinkLookup for &T {
    fn link(&self, name: &str) -> Option<&Link> {
        (**self).link(name)
    }
}

/// What applying one item's rules for one side did, rule by rule (for a machine-readable
/// verification report).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemReport {
    /// Step or inspection name.
    pub item: String,
    /// The side whose rules were applied.
    pub side: Side,
    /// One entry per rule applied, in order.
    pub rules: Vec<RuleOutcome>,
    /// Artifacts no rule consumed (sorted).
    pub unconsumed: Vec<ArtifactPath>,
}

/// What one rule did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    /// 0-based index in `expected_<side>`.
    pub index: usize,
    /// The rule as written.
    pub rule: Rule,
    /// The artifacts it consumed (sorted; empty for `DISALLOW` and `REQUIRE`).
    pub consumed: Vec<ArtifactPath>,
    /// For `MATCH`: the `FROM` item had no link, so the rule consumed nothing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub missing_link: bool,
}

/// Posix `os.path.join(a, b)` for two parts.
fn py_join(a: &str, b: &str) -> String {
    if b.starts_with('/') {
        b.to_owned()
    } else if a.is_empty() || a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// The reference's `os.path.join(prefix, path).replace("\\", "/")`.
fn join_prefix(prefix: &str, path: &str) -> String {
    py_join(prefix, path).replace('\\', "/")
}

/// Inputs of one evaluation.
/// A queued artifact with its digests (so no rule looks its own side up again).
type Entry<'a> = (&'a ArtifactPath, &'a DigestSet);

struct Context<'a> {
    list: &'a RuleList,
    own: &'a Artifacts,
}

impl RuleList {
    /// Applies the rules to the item's `materials` and `products` (the queue is the side this
    /// list is for), looking `MATCH` destinations up in `links`.
    ///
    /// Returns what each rule consumed, or the first failure: `DISALLOW` matching a queued
    /// artifact or `REQUIRE` missing its path ([`Error::RuleFailed`]), or the reference's crash
    /// case [`Error::UnresolvableMatchSource`].
    pub fn evaluate<L: LinkLookup + ?Sized>(
        &self,
        materials: &Artifacts,
        products: &Artifacts,
        links: &L,
    ) -> Result<ItemReport, Error> {
        let own = match self.side() {
            Side::Materials => materials,
            Side::Products => products,
        };
        let cx = Context { list: self, own };
        let mut report = ItemReport {
            item: self.item().to_owned(),
            side: self.side(),
            rules: Vec::with_capacity(self.len()),
            unconsumed: Vec::new(),
        };
        // Sorted, because `own` is a sorted map and removal keeps the order.
        let mut queue: Vec<Entry<'_>> = own.iter().collect();
        // The other side's artifacts, for CREATE, DELETE and MODIFY.
        let (own_is_products, other) = match self.side() {
            Side::Materials => (false, products),
            Side::Products => (true, materials),
        };
        for (index, (written, rule)) in self.iter().enumerate() {
            let mut missing_link = false;
            let (consumed, remaining) = match rule {
                // In products, not in materials (a queued material never qualifies).
                ArtifactRule::Create(p) => {
                    split(&queue, p, |a, _| own_is_products && !other.contains_key(a))
                }
                // In materials, not in products.
                ArtifactRule::Delete(p) => {
                    split(&queue, p, |a, _| !own_is_products && !other.contains_key(a))
                }
                // In both, with different digests.
                ArtifactRule::Modify(p) => split(&queue, p, |a, digests| {
                    other.get(a).is_some_and(|o| o != digests)
                }),
                ArtifactRule::Allow(p) => split(&queue, p, |_, _| true),
                ArtifactRule::Disallow(p) => {
                    let hits: Vec<ArtifactPath> = queue
                        .iter()
                        .filter(|(a, _)| p.matches(a.as_str()))
                        .map(|(a, _)| (*a).clone())
                        .collect();
                    if !hits.is_empty() {
                        let kind = FailureKind::Disallowed { artifacts: hits };
                        return Err(fail(&cx, report, queue, index, written, kind));
                    }
                    (Vec::new(), queue)
                }
                ArtifactRule::Require(path) => {
                    if queue
                        .binary_search_by(|(a, _)| a.as_str().cmp(path))
                        .is_err()
                    {
                        let consumed_by = report.rules.iter().position(|r| {
                            r.consumed
                                .binary_search_by(|a| a.as_str().cmp(path))
                                .is_ok()
                        });
                        let kind = FailureKind::RequiredMissing {
                            path: path.clone(),
                            consumed_by,
                        };
                        return Err(fail(&cx, report, queue, index, written, kind));
                    }
                    (Vec::new(), queue)
                }
                ArtifactRule::Match(m) => match links.link(&m.destination_step) {
                    None => {
                        missing_link = true;
                        (Vec::new(), queue)
                    }
                    Some(link) => {
                        let dest = match m.destination_side {
                            Side::Materials => &link.materials,
                            Side::Products => &link.products,
                        };
                        match_rule(&cx, queue, m, dest, index, written)?
                    }
                },
            };
            queue = remaining;
            report.rules.push(RuleOutcome {
                index,
                rule: written.clone(),
                consumed: consumed.into_iter().cloned().collect(),
                missing_link,
            });
        }
        report.unconsumed = queue.into_iter().map(|(a, _)| a.clone()).collect();
        Ok(report)
    }
}

/// Splits the queue into (consumed, remaining): a path is consumed when it matches the pattern
/// and `keep` says so. Both halves stay sorted.
fn split<'a>(
    queue: &[Entry<'a>],
    pattern: &Pattern,
    consume: impl Fn(&str, &DigestSet) -> bool,
) -> (Vec<&'a ArtifactPath>, Vec<Entry<'a>>) {
    let mut consumed = Vec::new();
    let mut remaining = Vec::with_capacity(queue.len());
    for &(path, digests) in queue {
        if pattern.matches(path.as_str()) && consume(path.as_str(), digests) {
            consumed.push(path);
        } else {
            remaining.push((path, digests));
        }
    }
    (consumed, remaining)
}

/// Builds the failure error from the report so far.
fn fail(
    cx: &Context<'_>,
    mut report: ItemReport,
    queue: Vec<Entry<'_>>,
    index: usize,
    written: &Rule,
    kind: FailureKind,
) -> Error {
    report.unconsumed = queue.into_iter().map(|(a, _)| a.clone()).collect();
    Error::RuleFailed(Box::new(RuleFailure {
        item: cx.list.item().to_owned(),
        side: cx.list.side(),
        index,
        rule: written.clone(),
        kind,
        trace: report,
    }))
}

/// `MATCH` against the destination artifacts `dest` (the reference's `verify_match_rule`).
fn match_rule<'a>(
    cx: &Context<'a>,
    queue: Vec<Entry<'a>>,
    m: &MatchRule,
    dest: &Artifacts,
    index: usize,
    written: &Rule,
) -> Result<(Vec<&'a ArtifactPath>, Vec<Entry<'a>>), Error> {
    let source = m.source_prefix.as_deref().filter(|p| !p.is_empty());
    let dest_prefix = m.destination_prefix.as_deref().filter(|p| !p.is_empty());
    let normalized_source = source.map(|s| join_prefix(s, ""));
    let mut consumed = Vec::new();
    let mut remaining = Vec::with_capacity(queue.len());
    // Paths the reference consumes that differ from the queued path (only in its quirk cases).
    let mut consumed_elsewhere: Vec<&'a ArtifactPath> = Vec::new();
    for (path, digests) in queue {
        let full = path.as_str();
        let stripped = match &normalized_source {
            Some(prefix) => match full.strip_prefix(prefix.as_str()) {
                Some(rest) => rest,
                None => {
                    remaining.push((path, digests));
                    continue;
                }
            },
            None => full,
        };
        if !m.pattern.matches(stripped) {
            remaining.push((path, digests));
            continue;
        }
        // The reference re-joins the prefix to find the source artifact; that gives the queued
        // path back unless the rest starts with `/` or contains `\`.
        let resolved = match source {
            Some(src) if stripped.starts_with('/') || stripped.contains('\\') => {
                let resolved = join_prefix(src, stripped);
                match cx.own.get_key_value(resolved.as_str()) {
                    Some((key, _)) => Some(key),
                    None => {
                        return Err(Error::UnresolvableMatchSource {
                            item: cx.list.item().to_owned(),
                            side: cx.list.side(),
                            index,
                            rule: written.clone(),
                            path: full.to_owned(),
                            resolved,
                        });
                    }
                }
            }
            _ => None,
        };
        let source_key = resolved.unwrap_or(path);
        let dest_hit = match dest_prefix {
            Some(prefix) => dest.get(join_prefix(prefix, stripped).as_str()),
            None => dest.get(stripped),
        };
        let ours = match resolved {
            Some(key) => cx.own.get(key),
            None => Some(digests),
        };
        let equal = match (ours, dest_hit) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => false,
        };
        if equal && source_key == path {
            consumed.push(path);
        } else {
            if equal {
                consumed_elsewhere.push(source_key);
            }
            remaining.push((path, digests));
        }
    }
    if !consumed_elsewhere.is_empty() {
        // Only what is still queued leaves the queue (the rest was consumed earlier).
        consumed_elsewhere.sort();
        remaining.retain(|(p, _)| {
            let hit = consumed_elsewhere.binary_search(p).is_ok();
            if hit {
                consumed.push(*p);
            }
            !hit
        });
        consumed.sort();
    }
    Ok((consumed, remaining))
}
