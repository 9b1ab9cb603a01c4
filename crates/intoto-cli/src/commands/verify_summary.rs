//! The text report of `in-toto verify`: the verdict, then every step with the links and keys
//! it accepted, sublayouts (indented), inspections and rules. With `-v` also the links that
//! were skipped and why, each rule check, and full key ids. The failure's reason itself is
//! printed once, on stderr, by the caller.

use std::fmt::Write as _;

use intoto_verify::{LinkStatus, Report, Verdict};

use crate::style::{BAD, DIM, EMPH, GOOD, NOTE};

/// Renders the report (with colour codes; the stream strips them where colours are off);
/// `clock_note` (a set verification time) follows the verdict.
pub fn render(report: &Report, clock_note: Option<&str>, verbose: bool) -> String {
    let mut out = String::new();
    let steps = report.steps.len();
    let inspections = report.inspections.len();
    // The verdict first: it is what scripts and people look for (and the whole output of
    // earlier versions).
    let _ = match report.verdict {
        Verdict::Pass => writeln!(
            out,
            "{GOOD}PASS{GOOD:#}: '{}' verified ({steps} step(s), {inspections} inspection(s))",
            report.layout
        ),
        Verdict::Fail => writeln!(
            out,
            "{BAD}FAIL{BAD:#}: '{}' not verified (the reason is on stderr)",
            report.layout
        ),
    };
    if let Some(note) = clock_note {
        let _ = writeln!(out, "{NOTE}{note}{NOTE:#}");
    }
    layout(&mut out, report, verbose, 0);
    out
}

fn layout(out: &mut String, report: &Report, verbose: bool, depth: usize) {
    let pad = "  ".repeat(depth);
    let keys: Vec<String> = report.layout_keys.iter().map(|k| key(k, verbose)).collect();
    let keys = if keys.is_empty() {
        "no key".to_string()
    } else {
        keys.join(", ")
    };
    // `expires` is known only once the signatures checked out and the layout was read.
    let _ = match &report.expires {
        Some(expires) => writeln!(
            out,
            "{pad}{EMPH}layout{EMPH:#} '{}' signed by {keys}, expires {expires}",
            report.layout
        ),
        None => writeln!(
            out,
            "{pad}{EMPH}layout{EMPH:#} '{}' {BAD}not verified{BAD:#} with {keys}",
            report.layout
        ),
    };
    for step in &report.steps {
        let used: Vec<String> = step
            .links
            .iter()
            .filter(|l| l.status != LinkStatus::Skipped)
            .map(|l| {
                let by = l.authorized_key.as_deref().unwrap_or(&l.keyid);
                let once = if l.status == LinkStatus::Duplicate {
                    format!(" {NOTE}(same functionary, counted once){NOTE:#}")
                } else {
                    String::new()
                };
                format!("{} by {}{once}", file_name(&l.file), key(by, verbose))
            })
            .collect();
        let counted = step
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Used)
            .count();
        let mark = if (counted as u64) < step.threshold {
            format!("{BAD}{counted} of {} required{BAD:#}", step.threshold)
        } else {
            format!("threshold {}", step.threshold)
        };
        let accepted = if used.is_empty() {
            "no link accepted".to_string()
        } else {
            used.join(", ")
        };
        let _ = writeln!(
            out,
            "{pad}  {EMPH}step{EMPH:#} '{}' ({mark}): {accepted}",
            step.name
        );
        let skipped = step
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Skipped);
        for link in skipped {
            if verbose {
                let why = link.reason.as_deref().unwrap_or("not used");
                let _ = writeln!(
                    out,
                    "{pad}    {NOTE}skipped{NOTE:#} {}: {why}",
                    file_name(&link.file)
                );
            } else {
                let _ = writeln!(
                    out,
                    "{pad}    {NOTE}skipped{NOTE:#} {} {DIM}(-v says why){DIM:#}",
                    file_name(&link.file)
                );
            }
        }
        if let Some(sub) = &step.sublayout {
            let _ = writeln!(out, "{pad}    sublayout:");
            layout(out, sub, verbose, depth + 2);
        }
    }
    for inspection in &report.inspections {
        let ran = inspection.run.join(" ");
        let outcome = match (inspection.verdict, inspection.return_value) {
            (Verdict::Pass, _) => format!("{GOOD}returned 0{GOOD:#}"),
            (Verdict::Fail, Some(code)) => format!("{BAD}returned {code}{BAD:#}"),
            (Verdict::Fail, None) => format!("{BAD}did not run to the end{BAD:#}"),
        };
        let _ = writeln!(
            out,
            "{pad}  {EMPH}inspection{EMPH:#} '{}': `{ran}` {outcome}",
            inspection.name
        );
    }
    if !report.rules.is_empty() {
        let failed = report
            .rules
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .count();
        let applied: usize = report.rules.iter().map(|r| r.rules).sum();
        let sides = report.rules.len();
        if failed == 0 {
            let _ = writeln!(
                out,
                "{pad}  {EMPH}artifact rules{EMPH:#}: {applied} rule(s) on {sides} side(s), all passed"
            );
        } else {
            let _ = writeln!(
                out,
                "{pad}  {EMPH}artifact rules{EMPH:#}: {BAD}failed{BAD:#} after {applied} rule(s) on {sides} side(s)"
            );
        }
        if verbose {
            for rule in &report.rules {
                let side = if rule.side.is_empty() {
                    "-"
                } else {
                    &rule.side
                };
                let verdict = match rule.verdict {
                    Verdict::Pass => format!("{GOOD}pass{GOOD:#}"),
                    Verdict::Fail => format!("{BAD}fail{BAD:#}"),
                };
                let _ = writeln!(
                    out,
                    "{pad}    '{}' {side}: {} rule(s), {verdict}",
                    rule.item, rule.rules
                );
            }
        }
    }
}

/// A key id: its first 8 hex digits (as in link file names), or all of it with `-v`.
fn key(keyid: &str, verbose: bool) -> String {
    if verbose {
        keyid.to_string()
    } else {
        keyid.chars().take(8).collect()
    }
}

/// The file name of a link path (the directory is the same `--link-dir` for all).
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use intoto_verify::{InspectionReport, LinkReport, RuleReport, StepReport};

    fn link(file: &str, key: &str, status: LinkStatus) -> LinkReport {
        LinkReport {
            file: format!("links/{file}"),
            keyid: key.into(),
            authorized_key: (status != LinkStatus::Skipped).then(|| key.into()),
            status,
            reason: (status == LinkStatus::Skipped).then(|| "invalid signature".into()),
        }
    }

    fn sample() -> Report {
        let mut report = Report::new("root.layout", vec!["aa".repeat(32)]);
        report.expires = Some("2040-01-01T00:00:00Z".into());
        report.verdict = Verdict::Pass;
        report.steps.push(StepReport {
            name: "build".into(),
            threshold: 1,
            links: vec![
                link("build.bbbbbbbb.link", &"bb".repeat(32), LinkStatus::Used),
                link("build.cccccccc.link", &"cc".repeat(32), LinkStatus::Skipped),
            ],
            sublayout: None,
        });
        report.inspections.push(InspectionReport {
            name: "untar".into(),
            run: vec!["tar".into(), "xf".into(), "a.tar".into()],
            return_value: Some(0),
            verdict: Verdict::Pass,
            error: None,
        });
        report.rules.push(RuleReport {
            item: "build".into(),
            side: "products".into(),
            rules: 2,
            verdict: Verdict::Pass,
            error: None,
        });
        report
    }

    fn plain(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    #[test]
    fn summary_names_steps_links_keys_and_inspections() {
        let text = plain(&render(&sample(), None, false));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "PASS: 'root.layout' verified (1 step(s), 1 inspection(s))",
                "layout 'root.layout' signed by aaaaaaaa, expires 2040-01-01T00:00:00Z",
                "  step 'build' (threshold 1): build.bbbbbbbb.link by bbbbbbbb",
                "    skipped build.cccccccc.link (-v says why)",
                "  inspection 'untar': `tar xf a.tar` returned 0",
                "  artifact rules: 2 rule(s) on 1 side(s), all passed",
            ]
        );
    }

    #[test]
    fn a_set_clock_is_said_right_after_the_verdict() {
        let note = "verified as of 2026-06-01T00:00:00Z (--as-of), not at the current time";
        let text = plain(&render(&sample(), Some(note), false));
        let lines: Vec<&str> = text.lines().take(3).collect();
        assert_eq!(
            lines,
            [
                "PASS: 'root.layout' verified (1 step(s), 1 inspection(s))",
                note,
                "layout 'root.layout' signed by aaaaaaaa, expires 2040-01-01T00:00:00Z",
            ]
        );
    }

    #[test]
    fn verbose_adds_reasons_rules_and_full_key_ids() {
        let text = plain(&render(&sample(), None, true));
        assert!(
            text.contains(&format!("signed by {}", "aa".repeat(32))),
            "{text}"
        );
        assert!(
            text.contains("skipped build.cccccccc.link: invalid signature"),
            "{text}"
        );
        assert!(text.contains("'build' products: 2 rule(s), pass"), "{text}");
    }

    #[test]
    fn sublayouts_are_indented_and_failures_marked() {
        let mut sub = sample();
        sub.layout = "links/sub.dddddddd.link".into();
        let mut report = Report::new("root.layout", vec!["aa".repeat(32)]);
        report.steps.push(StepReport {
            name: "sub".into(),
            threshold: 2,
            links: vec![link(
                "sub.dddddddd.link",
                &"dd".repeat(32),
                LinkStatus::Used,
            )],
            sublayout: Some(Box::new(sub)),
        });
        let text = plain(&render(&report, None, false));
        assert!(
            text.contains("  step 'sub' (1 of 2 required): sub.dddddddd.link by dddddddd\n    sublayout:\n    layout 'links/sub.dddddddd.link'"),
            "{text}"
        );
        assert!(text.contains("      step 'build' (threshold 1)"), "{text}");
        assert!(
            text.starts_with("FAIL: 'root.layout' not verified (the reason is on stderr)\n"),
            "{text}"
        );
    }
}
