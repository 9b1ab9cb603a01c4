//! Property tests: the engine against a small, obviously-correct model of the reference's
//! semantics (sets, a recursive glob, Python's `os.path.join`), on random artifacts and rules.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::{BTreeMap, BTreeSet};

use intoto_model::{ArtifactPath, Artifacts, DigestSet, Link, StepName};
use intoto_rules::{Error, FailureKind, Pattern, RuleList, Side};
use proptest::prelude::*;

/// `fnmatch` restricted to `*`, `?` and literals, by plain recursion.
fn glob(p: &[char], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

fn g(p: &str, s: &str) -> bool {
    glob(
        &p.chars().collect::<Vec<_>>(),
        &s.chars().collect::<Vec<_>>(),
    )
}

fn join(a: &str, b: &str) -> String {
    let joined = if b.starts_with('/') {
        b.to_owned()
    } else if a.is_empty() || a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    };
    joined.replace('\\', "/")
}

type Arts = BTreeMap<String, u8>;

#[derive(Debug, PartialEq)]
enum Verdict {
    Pass,
    Fail(usize, &'static str),
    Crash(usize),
}

/// The reference's `verify_item_rules`, transcribed into sets.
fn model(
    side: Side,
    rules: &[Vec<String>],
    m: &Arts,
    p: &Arts,
    others: &BTreeMap<String, (Arts, Arts)>,
) -> (Verdict, Vec<BTreeSet<String>>) {
    let own = if side == Side::Materials { m } else { p };
    let mut queue: BTreeSet<String> = own.keys().cloned().collect();
    let mut trace = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let kw = r[0].to_ascii_lowercase();
        let pat = r[1].as_str();
        let hits: Vec<String> = queue.iter().filter(|a| g(pat, a)).cloned().collect();
        let consumed: BTreeSet<String> = match kw.as_str() {
            "create" => hits
                .into_iter()
                .filter(|a| p.contains_key(a) && !m.contains_key(a))
                .collect(),
            "delete" => hits
                .into_iter()
                .filter(|a| m.contains_key(a) && !p.contains_key(a))
                .collect(),
            "modify" => hits
                .into_iter()
                .filter(|a| matches!((m.get(a), p.get(a)), (Some(x), Some(y)) if x != y))
                .collect(),
            "allow" => hits.into_iter().collect(),
            "disallow" if !hits.is_empty() => return (Verdict::Fail(i, "disallow"), trace),
            "require" if !queue.contains(pat) => return (Verdict::Fail(i, "require"), trace),
            "disallow" | "require" => BTreeSet::new(),
            _ => {
                // MATCH pat [IN src] WITH side [IN dst] FROM step
                let w: Vec<String> = r.iter().map(|x| x.to_ascii_lowercase()).collect();
                let (src, wi) = if w[2] == "in" {
                    (r[3].clone(), 4)
                } else {
                    (String::new(), 2)
                };
                let dst = if w[wi + 2] == "in" {
                    r[wi + 3].clone()
                } else {
                    String::new()
                };
                let step = r.last().unwrap();
                let mut consumed = BTreeSet::new();
                if let Some((dm, dp)) = others.get(step) {
                    let dest = if w[wi + 1] == "materials" { dm } else { dp };
                    for a in &queue {
                        let rest = if src.is_empty() {
                            a.clone()
                        } else {
                            match a.strip_prefix(&join(&src, "")) {
                                Some(rest) => rest.to_owned(),
                                None => continue,
                            }
                        };
                        if !g(pat, &rest) {
                            continue;
                        }
                        let full = if src.is_empty() {
                            a.clone()
                        } else {
                            join(&src, &rest)
                        };
                        let Some(hash) = own.get(&full) else {
                            return (Verdict::Crash(i), trace);
                        };
                        let target = if dst.is_empty() {
                            rest
                        } else {
                            join(&dst, &rest)
                        };
                        if dest.get(&target) == Some(hash) {
                            consumed.insert(full);
                        }
                    }
                }
                consumed
            }
        };
        queue = &queue - &consumed;
        trace.push(queue.clone());
    }
    (Verdict::Pass, trace)
}

fn digests(n: u8) -> DigestSet {
    DigestSet::from_pairs([("sha256", format!("{n:02x}").repeat(32))]).unwrap()
}

fn to_artifacts(a: &Arts) -> Artifacts {
    a.iter()
        .map(|(p, n)| (ArtifactPath::new(p.as_str()).unwrap(), digests(*n)))
        .collect()
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(vec!['a', 'b', '/', '\\']), 1..5)
        .prop_map(|c| c.into_iter().collect())
}

fn arts() -> impl Strategy<Value = Arts> {
    proptest::collection::btree_map(path(), 0u8..3, 0..6)
}

fn pattern() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(vec!['a', 'b', '/', '*', '?']), 0..4)
        .prop_map(|c| c.into_iter().collect())
}

fn rule() -> impl Strategy<Value = Vec<String>> {
    let prefix = || prop::sample::select(vec!["", "a", "a/", "b\\", "a/b"]);
    let generic = (
        prop::sample::select(vec!["CREATE", "delete", "Modify", "ALLOW", "DISALLOW"]),
        pattern(),
    )
        .prop_map(|(k, p)| vec![k.to_owned(), p]);
    let require = path().prop_map(|p| vec!["REQUIRE".to_owned(), p]);
    let matching = (
        pattern(),
        proptest::option::of(prefix()),
        prop::sample::select(vec!["MATERIALS", "products"]),
        proptest::option::of(prefix()),
        prop::sample::select(vec!["x", "y", "none"]),
    )
        .prop_map(|(p, src, side, dst, step)| {
            let mut r = vec!["MATCH".to_owned(), p];
            if let Some(src) = src {
                r.extend(["IN".to_owned(), src.to_owned()]);
            }
            r.extend(["with".to_owned(), side.to_owned()]);
            if let Some(dst) = dst {
                r.extend(["in".to_owned(), dst.to_owned()]);
            }
            r.extend(["FROM".to_owned(), step.to_owned()]);
            r
        });
    prop_oneof![1 => generic, 1 => require, 2 => matching]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn engine_agrees_with_the_model(
        materials in arts(),
        products in arts(),
        others in proptest::collection::btree_map(
            prop::sample::select(vec!["x".to_owned(), "y".to_owned()]), (arts(), arts()), 0..3),
        rules in proptest::collection::vec(rule(), 0..6),
        products_side in any::<bool>(),
    ) {
        let side = if products_side { Side::Products } else { Side::Materials };
        let (verdict, trace) = model(side, &rules, &materials, &products, &others);
        let links: BTreeMap<String, Link> = others
            .iter()
            .map(|(name, (m, p))| {
                let mut link = Link::new(StepName::new(name.as_str()).unwrap());
                link.materials = to_artifacts(m);
                link.products = to_artifacts(p);
                (name.clone(), link)
            })
            .collect();
        let list = RuleList::parse("item", side, &rules).unwrap();
        let got = list.evaluate(&to_artifacts(&materials), &to_artifacts(&products), &links);
        let own = if products_side { &products } else { &materials };
        let replay = |report: &intoto_rules::ItemReport| {
            let mut queue: BTreeSet<String> = own.keys().cloned().collect();
            report.rules.iter().map(|r| {
                for c in &r.consumed {
                    queue.remove(c.as_str());
                }
                queue.clone()
            }).collect::<Vec<_>>()
        };
        match (&got, &verdict) {
            (Ok(report), Verdict::Pass) => prop_assert_eq!(replay(report), trace),
            (Err(Error::RuleFailed(f)), Verdict::Fail(i, kind)) => {
                prop_assert_eq!(f.index, *i);
                let ours = match f.kind {
                    FailureKind::Disallowed { .. } => "disallow",
                    FailureKind::RequiredMissing { .. } => "require",
                };
                prop_assert_eq!(ours, *kind);
                prop_assert_eq!(replay(&f.trace), trace);
            }
            (Err(Error::UnresolvableMatchSource { index, .. }), Verdict::Crash(i)) => {
                prop_assert_eq!(index, i);
            }
            _ => prop_assert!(false, "engine {:?} vs model {:?}", got, verdict),
        }
    }

    #[test]
    fn pattern_agrees_with_recursive_glob(p in pattern(), s in path()) {
        prop_assert_eq!(Pattern::new(p.as_str()).matches(&s), g(&p, &s));
    }

    #[test]
    fn parsing_never_panics(words in proptest::collection::vec(".{0,8}", 0..12)) {
        let _ = intoto_rules::ArtifactRule::parse(&words);
    }

    #[test]
    fn patterns_never_panic(p in "\\PC{0,12}", s in "\\PC{0,12}") {
        let _ = Pattern::new(p).matches(&s);
    }
}
