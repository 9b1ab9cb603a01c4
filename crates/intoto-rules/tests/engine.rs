//! Engine behaviour and every error variant, with readable hand-made cases.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;

use intoto_model::{ArtifactPath, Artifacts, DigestSet, Inspection, Layout, Link, Step, StepName};
use intoto_rules::{Error, FailureKind, ItemRules, LayoutRules, RuleList, Side, SyntaxError};

fn digest(n: u8) -> DigestSet {
    DigestSet::from_pairs([("sha256", format!("{n:02x}").repeat(32))]).unwrap()
}

fn arts(items: &[(&str, u8)]) -> Artifacts {
    items
        .iter()
        .map(|(p, n)| (ArtifactPath::new(*p).unwrap(), digest(*n)))
        .collect()
}

fn rule(words: &str) -> Vec<String> {
    words.split(' ').map(str::to_owned).collect()
}

fn link(name: &str, materials: &[(&str, u8)], products: &[(&str, u8)]) -> Link {
    let mut link = Link::new(StepName::new(name).unwrap());
    link.materials = arts(materials);
    link.products = arts(products);
    link
}

fn links(items: Vec<Link>) -> BTreeMap<StepName, Link> {
    items.into_iter().map(|l| (l.name.clone(), l)).collect()
}

#[test]
fn firewall_chain_passes_and_reports_consumption() {
    let links = links(vec![
        link("clone", &[], &[("src/a.py", 1), ("src/b.py", 2)]),
        link(
            "build",
            &[("src/a.py", 1), ("src/b.py", 2)],
            &[("src/a.py", 1), ("src/b.py", 3), ("dist/app", 4)],
        ),
    ]);
    let rules = ItemRules::new(
        "build",
        &[rule("MATCH * WITH PRODUCTS FROM clone"), rule("DISALLOW *")],
        &[
            rule("REQUIRE dist/app"),
            rule("CREATE dist/*"),
            rule("MODIFY src/*"),
            rule("ALLOW src/a.py"),
            rule("DISALLOW *"),
        ],
    )
    .unwrap();
    let (materials, products) = rules.verify(&links).unwrap();
    assert_eq!(materials.rules[0].consumed.len(), 2);
    assert!(materials.unconsumed.is_empty());
    let consumed: Vec<Vec<&str>> = products
        .rules
        .iter()
        .map(|r| r.consumed.iter().map(ArtifactPath::as_str).collect())
        .collect();
    assert_eq!(
        consumed,
        [
            vec![],
            vec!["dist/app"],
            vec!["src/b.py"],
            vec!["src/a.py"],
            vec![]
        ]
    );
    assert_eq!(products.side, Side::Products);
    assert_eq!(products.item, "build");
}

#[test]
fn require_sees_only_the_queue() {
    let links = links(vec![link("s", &[], &[("a", 1)])]);
    let rules = ItemRules::new(
        "s",
        &[],
        &[rule("REQUIRE a"), rule("ALLOW a"), rule("REQUIRE a")],
    )
    .unwrap();
    match rules.verify(&links) {
        Err(Error::RuleFailed(f)) => {
            assert_eq!((f.index, f.side), (2, Side::Products));
            assert_eq!(
                f.kind,
                FailureKind::RequiredMissing {
                    path: "a".into(),
                    consumed_by: Some(1)
                }
            );
            assert_eq!(f.artifacts(), ["a"]);
            let message = f.to_string();
            assert!(message.contains("rule 1"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn require_of_an_unrecorded_path() {
    let list = RuleList::parse("s", Side::Materials, &[rule("REQUIRE x*")]).unwrap();
    match list.evaluate(
        &arts(&[("xy", 1)]),
        &Artifacts::new(),
        &BTreeMap::<String, Link>::new(),
    ) {
        Err(Error::RuleFailed(f)) => {
            assert_eq!(
                f.kind,
                FailureKind::RequiredMissing {
                    path: "x*".into(),
                    consumed_by: None
                }
            );
            assert!(f.to_string().contains("not recorded"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn disallow_names_the_artifacts() {
    let list = RuleList::parse(
        "pkg",
        Side::Products,
        &[rule("ALLOW *.tar"), rule("DISALLOW *")],
    )
    .unwrap();
    let products = arts(&[("a.tar", 1), ("b.sh", 2), ("c/d.sh", 3)]);
    let err = list
        .evaluate(
            &Artifacts::new(),
            &products,
            &BTreeMap::<String, Link>::new(),
        )
        .unwrap_err();
    let Error::RuleFailed(f) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(f.index, 1);
    assert_eq!(f.rule, rule("DISALLOW *"));
    assert_eq!(f.artifacts(), ["b.sh", "c/d.sh"]);
    assert_eq!(f.trace.rules.len(), 1);
    assert_eq!(f.trace.unconsumed.len(), 2);
    assert_eq!(
        err.to_string(),
        "\"pkg\": expected_products[1] [\"DISALLOW\", \"*\"] failed: expected no products \
         matching \"*\" to be left after the earlier rules, found 2: \"b.sh\", \"c/d.sh\""
    );
}

#[test]
fn match_with_prefixes_and_missing_step() {
    let links = links(vec![
        link("build", &[], &[("lib/x.py", 1), ("lib/y.py", 2)]),
        link(
            "pkg",
            &[("src/x.py", 1), ("src/y.py", 9), ("src/z.txt", 1)],
            &[],
        ),
    ]);
    let rules = ItemRules::new(
        "pkg",
        &[
            rule("MATCH * WITH PRODUCTS FROM nobody"),
            rule("MATCH *.py IN src WITH PRODUCTS IN lib/ FROM build"),
        ],
        &[],
    )
    .unwrap();
    let (materials, _) = rules.verify(&links).unwrap();
    assert!(materials.rules[0].missing_link);
    assert!(materials.rules[0].consumed.is_empty());
    assert_eq!(
        materials.rules[1].consumed,
        [ArtifactPath::new("src/x.py").unwrap()]
    );
    assert_eq!(materials.unconsumed.len(), 2);
}

#[test]
fn match_hash_sets_must_be_equal_as_a_whole() {
    let mut both = digest(1);
    both.insert(
        "sha512",
        intoto_model::Digest::new("ab".repeat(64)).unwrap(),
    )
    .unwrap();
    let mut build = link("build", &[], &[]);
    build.products.insert(ArtifactPath::new("a").unwrap(), both);
    let links = links(vec![build, link("s", &[("a", 1)], &[])]);
    let rules = ItemRules::new(
        "s",
        &[rule("MATCH a WITH PRODUCTS FROM build"), rule("DISALLOW a")],
        &[],
    )
    .unwrap();
    assert!(matches!(rules.verify(&links), Err(Error::RuleFailed(_))));
}

#[test]
fn missing_own_link() {
    let rules = ItemRules::new("ghost", &[], &[]).unwrap();
    assert_eq!(
        rules.verify(&BTreeMap::<String, Link>::new()),
        Err(Error::MissingLink {
            item: "ghost".into()
        })
    );
}

#[test]
fn unresolvable_match_source_is_an_error_as_in_the_reference() {
    let links = links(vec![
        link("build", &[], &[("e\\f", 1)]),
        link("s", &[("src/e\\f", 1)], &[]),
    ]);
    let rules =
        ItemRules::new("s", &[rule("MATCH * IN src WITH PRODUCTS FROM build")], &[]).unwrap();
    match rules.verify(&links) {
        Err(Error::UnresolvableMatchSource {
            path,
            resolved,
            index,
            ..
        }) => {
            assert_eq!(
                (path.as_str(), resolved.as_str(), index),
                ("src/e\\f", "src/e/f", 0)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_rule_names_item_side_and_index() {
    let err =
        RuleList::parse("build", Side::Products, &[rule("ALLOW *"), rule("MATCH *")]).unwrap_err();
    match &err {
        Error::InvalidRule {
            item,
            side,
            index,
            rule: written,
            reason,
        } => {
            assert_eq!((item.as_str(), *side, *index), ("build", Side::Products, 1));
            assert_eq!(written, &rule("MATCH *"));
            assert_eq!(reason, &SyntaxError::MatchLength { found: 2 });
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("\"build\": expected_products[1] ")
    );
}

#[test]
fn layout_rules_report_the_first_bad_rule() {
    let mut step = Step::new(StepName::new("a").unwrap());
    step.expected_materials = vec![rule("ALLOW *")];
    step.expected_products = vec![rule("CREATE")];
    let mut inspection = Inspection {
        name: StepName::new("i").unwrap(),
        run: vec!["true".into()],
        expected_materials: vec![rule("NOPE x")],
        expected_products: vec![],
        extra: Default::default(),
    };
    let mut layout = Layout::new("2030-01-01T00:00:00Z".parse().unwrap());
    layout.steps.push(step);
    layout.inspect.push(inspection.clone());
    assert!(matches!(
        LayoutRules::new(&layout),
        Err(Error::InvalidRule { ref item, side: Side::Products, index: 0, .. }) if item == "a"
    ));
    layout.steps[0].expected_products.clear();
    assert!(matches!(
        LayoutRules::new(&layout),
        Err(Error::InvalidRule { ref item, side: Side::Materials, reason: SyntaxError::UnknownKeyword { .. }, .. }) if item == "i"
    ));
    inspection.expected_materials.clear();
    layout.inspect[0] = inspection;
    let parsed = LayoutRules::new(&layout).unwrap();
    assert_eq!((parsed.steps.len(), parsed.inspections.len()), (1, 1));
    assert!(parsed.inspections[0].materials.is_empty());
}

#[test]
fn report_serializes_for_the_json_output() {
    let list = RuleList::parse("s", Side::Products, &[rule("ALLOW *")]).unwrap();
    let report = list
        .evaluate(
            &Artifacts::new(),
            &arts(&[("a", 1)]),
            &BTreeMap::<String, Link>::new(),
        )
        .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"item": "s", "side": "products", "unconsumed": [],
            "rules": [{"index": 0, "rule": ["ALLOW", "*"], "consumed": ["a"]}]})
    );
}
