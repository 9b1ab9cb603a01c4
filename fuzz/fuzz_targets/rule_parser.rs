//! Artifact rules: the words of one rule (NUL-separated in the input) through the grammar; a
//! parsed rule printed back parses to the same printed form; its pattern matched against a
//! path taken from the input. Nothing may panic (or hang: libFuzzer's timeout catches it).
#![no_main]

use intoto_rules::{ArtifactRule, Pattern};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Last NUL-separated part: a path to match; the rest: the rule's words.
    let mut words: Vec<&str> = text.split('\0').collect();
    let path = words.pop().unwrap_or_default();
    if let Ok(rule) = ArtifactRule::parse(&words) {
        let printed = rule.to_rule();
        let reparsed = ArtifactRule::parse(&printed);
        assert!(
            reparsed.as_ref().is_ok_and(|r| r.to_rule() == printed),
            "{printed:?} does not parse back: {reparsed:?}"
        );
        let _ = Pattern::new(rule.pattern_text()).matches(path);
    }
    if let Some(first) = words.first() {
        let _ = Pattern::new(*first).matches(path);
    }
});
