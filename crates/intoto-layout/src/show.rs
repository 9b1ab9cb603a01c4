//! A layout as a readable tree: steps with who may sign them, expected commands, rules, and
//! which artifacts flow from which step to which (`in-toto layout show`).

use std::fmt::Write as _;

use intoto_model::{KeyId, Layout, LayoutKey, Rule, Timestamp};
use intoto_rules::{ArtifactRule, Side};

use crate::words;

/// A node of the printed tree.
struct Node {
    label: String,
    children: Vec<Node>,
}

impl Node {
    fn leaf(label: impl Into<String>) -> Self {
        Node {
            label: label.into(),
            children: Vec::new(),
        }
    }

    fn with(label: impl Into<String>, children: Vec<Node>) -> Self {
        Node {
            label: label.into(),
            children,
        }
    }
}

fn render_children(children: &[Node], prefix: &str, out: &mut String) {
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let (branch, indent) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let _ = writeln!(out, "{prefix}{branch}{}", child.label);
        render_children(&child.children, &format!("{prefix}{indent}"), out);
    }
}

/// Renders `layout` as a tree. `signers` are the key ids of the signatures the file carries
/// (not verified here); with `now`, an expired layout says so.
pub fn render(layout: &Layout, signers: &[KeyId], now: Option<Timestamp>) -> String {
    let mut out = String::new();
    let expired = match now {
        Some(now) if layout.expires.is_expired_at(now.unix_seconds()) => " (EXPIRED)",
        _ => "",
    };
    let _ = writeln!(out, "layout, expires {}{expired}", layout.expires);
    if !layout.readme.is_empty() {
        let _ = writeln!(out, "readme: {}", layout.readme);
    }
    let signatures = if signers.is_empty() {
        "signatures: none (unsigned; sign it with `in-toto sign`)".to_string()
    } else {
        let ids: Vec<String> = signers.iter().map(|k| k.short().to_string()).collect();
        format!("signatures: {} ({})", signers.len(), ids.join(", "))
    };
    let _ = writeln!(out, "{signatures}");

    let mut sections = vec![keys(layout)];
    sections.push(Node::with(
        format!("steps ({})", layout.steps.len()),
        layout
            .steps
            .iter()
            .map(|step| {
                let signers: Vec<String> =
                    step.pubkeys.iter().map(|k| k.short().to_string()).collect();
                let mut children = vec![Node::leaf(format!(
                    "signed by {} of {} key(s): {}",
                    step.threshold,
                    step.pubkeys.len(),
                    if signers.is_empty() {
                        "(none)".to_string()
                    } else {
                        signers.join(", ")
                    }
                ))];
                children.push(Node::leaf(format!(
                    "expected command: {}",
                    command(&step.expected_command)
                )));
                children.push(rules("materials", &step.expected_materials));
                children.push(rules("products", &step.expected_products));
                Node::with(step.name.as_str(), children)
            })
            .collect(),
    ));
    sections.push(Node::with(
        format!("inspections ({})", layout.inspect.len()),
        layout
            .inspect
            .iter()
            .map(|inspection| {
                Node::with(
                    inspection.name.as_str(),
                    vec![
                        Node::leaf(format!("run: {}", command(&inspection.run))),
                        rules("materials", &inspection.expected_materials),
                        rules("products", &inspection.expected_products),
                    ],
                )
            })
            .collect(),
    ));
    sections.push(flows(layout));
    render_children(&sections, "", &mut out);
    out
}

fn keys(layout: &Layout) -> Node {
    Node::with(
        format!("keys ({})", layout.keys.len()),
        layout
            .keys
            .iter()
            .map(|(id, key)| {
                let kind = match key {
                    LayoutKey::Standard(k) => format!("{} {}", k.keytype, k.scheme),
                    LayoutKey::Gpg(k) => format!("gpg {} {}", k.keytype, k.method),
                };
                let users: Vec<&str> = layout
                    .steps
                    .iter()
                    .filter(|s| s.pubkeys.contains(id))
                    .map(|s| s.name.as_str())
                    .collect();
                let used = if users.is_empty() {
                    "used by no step".to_string()
                } else {
                    format!("signs {}", users.join(", "))
                };
                Node::leaf(format!("{id} ({kind}), {used}"))
            })
            .collect(),
    )
}

fn command(words: &[String]) -> String {
    if words.is_empty() {
        "(none)".into()
    } else {
        words::join(words)
    }
}

fn rules(side: &str, rules: &[Rule]) -> Node {
    if rules.is_empty() {
        return Node::leaf(format!("{side}: (no rules: anything is allowed)"));
    }
    Node::with(
        format!("{side}:"),
        rules.iter().map(|r| Node::leaf(words::join(r))).collect(),
    )
}

/// Every `MATCH` rule as an edge: which artifacts of which step flow into which item.
fn flows(layout: &Layout) -> Node {
    let mut edges = Vec::new();
    let items = layout
        .steps
        .iter()
        .map(|s| (s.name.as_str(), &s.expected_materials, &s.expected_products))
        .chain(
            layout
                .inspect
                .iter()
                .map(|i| (i.name.as_str(), &i.expected_materials, &i.expected_products)),
        );
    for (name, materials, products) in items {
        for (side, rules) in [(Side::Materials, materials), (Side::Products, products)] {
            for rule in rules {
                if let Ok(ArtifactRule::Match(m)) = ArtifactRule::parse(rule) {
                    let into = match m.source_prefix.as_deref().filter(|p| !p.is_empty()) {
                        Some(prefix) => format!("{side} of {name} (under {prefix})"),
                        None => format!("{side} of {name}"),
                    };
                    let from = match m.destination_prefix.as_deref().filter(|p| !p.is_empty()) {
                        Some(prefix) => format!("{} (under {prefix})", m.destination_side),
                        None => m.destination_side.to_string(),
                    };
                    edges.push(Node::leaf(format!(
                        "{} --[{}]--> {into}",
                        m.destination_step,
                        format_args!("{from} {}", m.pattern.as_str()),
                    )));
                }
            }
        }
    }
    if edges.is_empty() {
        return Node::leaf("flows: (no MATCH rules)");
    }
    Node::with("flows (MATCH rules)", edges)
}
