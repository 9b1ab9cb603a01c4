//! The exclude matcher against the reference's (pathspec `GitIgnoreSpec`) verdicts, recorded in
//! `data/excludes.json` by `data/make_excludes.py`; plus property tests.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use intoto_hash::{Excludes, HashError, Lstrip};
use proptest::prelude::*;

#[test]
fn every_golden_case_matches_the_reference() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/excludes.json")).unwrap();
    assert!(cases.len() > 2000);
    let mut failures = Vec::new();
    for case in &cases {
        let patterns: Vec<&str> = case["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let path = case["path"].as_str().unwrap();
        let ours = match Excludes::new(&patterns) {
            Ok(ex) => Some(ex.is_excluded(path)),
            Err(HashError::InvalidPattern { .. }) => None,
            Err(e) => panic!("unexpected error {e}"),
        };
        if ours != case["excluded"].as_bool() {
            failures.push(format!(
                "{patterns:?} {path:?}: ours {ours:?}, reference {}",
                case["excluded"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

proptest! {
    #[test]
    fn matching_never_panics(patterns in prop::collection::vec("[a-c*?!/\\[\\]\\\\ #.]{0,6}", 0..4), path in "[a-c/. ]{0,12}") {
        if let Ok(ex) = Excludes::new(&patterns) {
            let _ = ex.is_excluded(&path);
        }
    }

    #[test]
    fn a_literal_name_excludes_itself_anywhere(name in "[a-z]{1,8}", dirs in prop::collection::vec("[a-z]{1,5}", 0..3)) {
        let ex = Excludes::new([name.as_str()]).unwrap();
        let mut path = dirs.join("/");
        if !path.is_empty() { path.push('/'); }
        path.push_str(&name);
        prop_assert!(ex.is_excluded(&path));
        // and everything below it (a directory match)
        let below = format!("{path}/child");
        prop_assert!(ex.is_excluded(&below));
    }

    #[test]
    fn lstrip_accepts_exactly_the_non_overlapping(a in "[ab/]{1,4}", b in "[ab/]{1,4}") {
        let overlapping = a.starts_with(&b) || b.starts_with(&a);
        let result = Lstrip::new([a.clone(), b.clone()]);
        prop_assert_eq!(result.is_err(), overlapping);
        if let Ok(l) = result {
            let name = format!("{a}x");
            prop_assert_eq!(l.strip(&name).0, "x");
        }
    }
}
