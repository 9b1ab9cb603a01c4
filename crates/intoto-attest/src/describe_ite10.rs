//! The ITE-10 attestation layout part of [`crate::describe`].

use crate::{
    AttestationLayout,
    describe::{Description, line},
};

pub(crate) fn attestation_layout(d: &mut Description, l: &AttestationLayout) {
    line(
        d,
        0,
        format!("Attestation layout (ITE-10), expires {}", l.expires),
    );
    line(d, 1, format!("functionaries ({}):", l.functionaries.len()));
    for (id, f) in &l.functionaries {
        line(d, 2, format!("{id} ({}, {})", f.key_type, f.scheme));
    }
    for s in &l.steps {
        line(d, 1, format!("step {:?}", s.name));
        for r in &s.expected_materials {
            line(d, 2, format!("material rule: {r}"));
        }
        for r in &s.expected_products {
            line(d, 2, format!("product rule: {r}"));
        }
        for p in &s.expected_predicates {
            line(
                d,
                2,
                format!(
                    "expects {} from {} (threshold {})",
                    p.predicate_type,
                    p.functionaries
                        .iter()
                        .map(|k| k.get(..8).unwrap_or(k))
                        .collect::<Vec<_>>()
                        .join(", "),
                    p.threshold.max(1)
                ),
            );
            for a in &p.expected_attributes {
                let flags = match (a.allow_if_no_claim, a.warn) {
                    (true, true) => " [allowIfNoClaim, warn]",
                    (true, false) => " [allowIfNoClaim]",
                    (false, true) => " [warn]",
                    (false, false) => "",
                };
                line(d, 3, format!("rule: {}{flags}", a.rule));
            }
        }
    }
    for s in &l.subjects {
        line(
            d,
            1,
            format!(
                "subjects {:?}: {} expected predicate(s)",
                s.subject,
                s.expected_predicates.len()
            ),
        );
    }
}
