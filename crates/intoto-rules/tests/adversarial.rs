//! Adversarial rules (issue 7): patterns that make a backtracking matcher exponential stay
//! fast. The matcher is the two-pointer wildcard algorithm (at most one active `*`
//! backtrack point), O(pattern x path) in the worst case. No timing assertions: the match runs
//! on a thread and must merely finish within a generous deadline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{sync::mpsc, thread, time::Duration};

use intoto_rules::{ArtifactRule, Pattern};

/// Runs `f` on a thread; panics if it has not finished after `secs` seconds.
fn finishes_within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("the matcher did not finish: exponential backtracking?")
}

#[test]
fn star_a_star_a_patterns_over_long_names_stay_fast() {
    // `*a*a*...*a*b` against `aaaa...a` (no `b`): a naive recursive matcher tries
    // C(100000, 30) ways to place the `a`s.
    let pattern = format!("{}b", "*a".repeat(30));
    let name = "a".repeat(100_000);
    let matched = finishes_within(10, move || Pattern::new(pattern).matches(&name));
    assert!(!matched);
    // The same through the rule grammar, and with classes and `?` in the mix.
    let rule = ArtifactRule::parse(&["DISALLOW", &format!("{}?[!a]", "*[a]".repeat(30))]).unwrap();
    let name = "a".repeat(100_000);
    let matched = finishes_within(10, move || Pattern::new(rule.pattern_text()).matches(&name));
    assert!(!matched);
    // And a match that succeeds at the very end.
    let pattern = format!("{}b", "*a".repeat(30));
    let name = format!("{}b", "a".repeat(100_000));
    assert!(finishes_within(10, move || Pattern::new(pattern).matches(&name)));
}
