//! `Pattern` against Python's `fnmatch` (table made by `tests/data/gen_fnmatch.py`).
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use intoto_rules::Pattern;
use serde_json::Value;

#[test]
fn pattern_equals_python_fnmatch() {
    let text = include_str!("data/fnmatch_golden.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    assert!(rows.len() > 3000);
    let mut failures = Vec::new();
    for row in rows {
        let pattern = row[0].as_str().unwrap();
        let path = row[1].as_str().unwrap();
        let expected = row[2].as_bool().unwrap();
        if Pattern::new(pattern).matches(path) != expected {
            failures.push(format!("{pattern:?} vs {path:?}: python says {expected}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
