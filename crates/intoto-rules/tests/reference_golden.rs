//! Differential tests against the Python reference (in-toto 3.1.0): the verdicts in
//! `data/scenarios_golden.json` and `data/grammar_golden.json` were computed by
//! `data/gen_scenarios.py` calling `verifylib.verify_item_rules` and `rulelib.unpack_rule`.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;

use intoto_model::{ArtifactPath, Artifacts, DigestSet, Link, StepName};
use intoto_rules::{ArtifactRule, Error, FailureKind, ItemReport, RuleList, Side};
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn artifacts(v: &Value, hashes: &[DigestSet]) -> Artifacts {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(p, i)| {
            let hash = hashes[i.as_u64().unwrap() as usize].clone();
            (ArtifactPath::new(p.as_str()).unwrap(), hash)
        })
        .collect()
}

fn link(name: &str, v: &Value, hashes: &[DigestSet]) -> Link {
    let mut link = Link::new(StepName::new(name).unwrap());
    link.materials = artifacts(&v["materials"], hashes);
    link.products = artifacts(&v["products"], hashes);
    link
}

/// The queue after each rule, as the reference's RULE_TRACE shows it.
fn queues(own: &Artifacts, report: &ItemReport) -> Vec<Vec<String>> {
    let mut queue: Vec<String> = own.keys().map(|p| p.as_str().to_owned()).collect();
    report
        .rules
        .iter()
        .map(|r| {
            queue.retain(|p| r.consumed.iter().all(|c| c.as_str() != p));
            queue.clone()
        })
        .collect()
}

#[test]
fn engine_equals_reference_on_every_scenario() {
    let doc: Value = serde_json::from_str(include_str!("data/scenarios_golden.json")).unwrap();
    let hashes: Vec<DigestSet> = doc["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| serde_json::from_value(h.clone()).unwrap())
        .collect();
    let items = doc["items"].as_array().unwrap();
    assert!(items.len() > 700);
    let mut mismatches = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let side = match item["side"].as_str().unwrap() {
            "materials" => Side::Materials,
            _ => Side::Products,
        };
        let rules: Vec<Vec<String>> = item["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(strings)
            .collect();
        let own = link("item", &item["own"], &hashes);
        let mut links: BTreeMap<String, Link> = BTreeMap::new();
        for (name, arts) in item["others"].as_object().unwrap() {
            links.insert(name.clone(), link(name, arts, &hashes));
        }
        links.insert("item".to_owned(), own.clone());
        let own_side = match side {
            Side::Materials => &own.materials,
            Side::Products => &own.products,
        };
        let expected = &item["expected"];
        let expected_queues: Vec<Vec<String>> = expected["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(strings)
            .collect();
        let list = RuleList::parse("item", side, &rules).unwrap();
        let got = list.evaluate(&own.materials, &own.products, &links);
        let verdict = match (&got, expected["result"].as_str().unwrap()) {
            (Ok(report), "pass") => queues(own_side, report) == expected_queues,
            (Err(Error::RuleFailed(f)), "fail") => {
                let kind_ok = matches!(
                    (&f.kind, expected["kind"].as_str().unwrap()),
                    (FailureKind::Disallowed { .. }, "disallow")
                        | (FailureKind::RequiredMissing { .. }, "require")
                );
                kind_ok
                    && f.index as u64 == expected["index"].as_u64().unwrap()
                    && queues(own_side, &f.trace) == expected_queues
            }
            (Err(Error::UnresolvableMatchSource { index, .. }), "crash") => {
                *index as u64 == expected["index"].as_u64().unwrap()
            }
            _ => false,
        };
        if !verdict {
            mismatches.push(format!("scenario {n}: {item}\n  ours: {got:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn grammar_equals_reference() {
    let doc: Value = serde_json::from_str(include_str!("data/grammar_golden.json")).unwrap();
    let mut mismatches = Vec::new();
    for item in doc["items"].as_array().unwrap() {
        let rule = strings(&item["rule"]);
        let ours = ArtifactRule::parse(&rule);
        let ok = match (&ours, &item["ok"]) {
            (Err(_), Value::Null) => true,
            (Ok(parsed), data) if !data.is_null() => {
                let pattern = data["pattern"].as_str().unwrap();
                let kind = data["rule_type"].as_str().unwrap();
                let same_basics =
                    parsed.keyword().eq_ignore_ascii_case(kind) && parsed.pattern_text() == pattern;
                match parsed {
                    ArtifactRule::Match(m) => {
                        same_basics
                            && m.source_prefix.as_deref().unwrap_or("") == data["source_prefix"]
                            && m.destination_prefix.as_deref().unwrap_or("") == data["dest_prefix"]
                            && m.destination_side.as_str() == data["dest_type"]
                            && m.destination_step == data["dest_name"]
                    }
                    _ => same_basics,
                }
            }
            _ => false,
        };
        if !ok {
            mismatches.push(format!("{rule:?}: reference {} ours {ours:?}", item["ok"]));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
