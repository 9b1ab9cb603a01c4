//! Verifying claims against a [`CompiledLayout`], as the attestation-verifier does: expiry;
//! then for each step and each expected predicate type, at least `threshold` distinct
//! authorized functionaries whose attestation passes the step's artifact rules and the CEL
//! attribute rules; then the `subjects` entries. The first failure is returned.

use std::collections::{BTreeMap, BTreeSet};

use intoto_model::{Artifacts, Link, StepName};

use crate::{
    AttestError, CompiledLayout, Failure,
    artifacts::materials_and_products,
    cel_rule::{Activation, Outcome},
    claims::{Claim, Evidence},
    compile::{CompiledPredicate, CompiledStep},
};

/// What a successful verification accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// `(step or subjects[i], predicate type, accepted files)` in layout order.
    pub accepted: Vec<(String, String, Vec<String>)>,
    /// Rules marked `warn` that were false, and rules that passed because the claim was absent.
    pub warnings: Vec<String>,
    /// Files skipped because no layout key signed them.
    pub skipped: Vec<String>,
}

/// Verifies `evidence` against `layout` at `now_unix`.
pub fn verify(
    layout: &CompiledLayout,
    evidence: &Evidence,
    now_unix: i64,
) -> Result<Report, AttestError> {
    if layout.expires.is_expired_at(now_unix) {
        return Err(AttestError::Expired {
            expires: layout.expires.to_string(),
        });
    }
    let mut report = Report {
        skipped: evidence
            .unsigned
            .iter()
            .map(|u| format!("{} (signed by {})", u.file, list_keys(&u.keyids)))
            .collect(),
        ..Report::default()
    };
    let lookup = step_artifacts(evidence)?;
    for step in &layout.steps {
        let claims: Vec<&Claim> = evidence
            .claims
            .iter()
            .filter(|c| c.step == step.name)
            .collect();
        if claims.is_empty() {
            let hint = evidence
                .unsigned
                .iter()
                .filter(|u| u.step == step.name)
                .map(|u| {
                    format!(
                        "; {} is signed by {}, not a layout functionary",
                        u.file,
                        list_keys(&u.keyids)
                    )
                })
                .collect::<String>();
            return Err(Failure::NoClaims {
                step: step.name.clone(),
                hint,
            }
            .into());
        }
        for expected in &step.predicates {
            let accepted = check_predicate(
                &step.name,
                expected,
                &claims,
                Some((step, &lookup)),
                &mut report,
            )?;
            report
                .accepted
                .push((step.name.clone(), expected.predicate_type.clone(), accepted));
        }
    }
    for (i, subject) in layout.subjects.iter().enumerate() {
        let label = format!("subjects[{i}]");
        let claims: Vec<&Claim> = evidence
            .claims
            .iter()
            .filter(|c| {
                c.statement
                    .subject
                    .iter()
                    .any(|s| s.name.as_ref().is_some_and(|n| subject.names.contains(n)))
            })
            .collect();
        for expected in &subject.predicates {
            let accepted = check_predicate(&label, expected, &claims, None, &mut report)?;
            report
                .accepted
                .push((label.clone(), expected.predicate_type.clone(), accepted));
        }
    }
    Ok(report)
}

/// Per step, the union of the materials and products of all its claims: the `FROM` side of
/// `MATCH` (the prototype merges them the same way).
fn step_artifacts(evidence: &Evidence) -> Result<BTreeMap<String, Link>, AttestError> {
    let mut out: BTreeMap<String, Link> = BTreeMap::new();
    for claim in &evidence.claims {
        let Ok((materials, products)) = materials_and_products(&claim.statement) else {
            // Reported when the claim itself is checked.
            continue;
        };
        let Ok(name) = StepName::new(claim.step.as_str()) else {
            continue;
        };
        let link = out
            .entry(claim.step.clone())
            .or_insert_with(|| Link::new(name));
        link.materials.extend(materials);
        link.products.extend(products);
    }
    Ok(out)
}

fn check_predicate(
    label: &str,
    expected: &CompiledPredicate,
    claims: &[&Claim],
    step: Option<(&CompiledStep, &BTreeMap<String, Link>)>,
    report: &mut Report,
) -> Result<Vec<String>, AttestError> {
    let authorized = |c: &Claim| -> Vec<String> {
        c.signers
            .iter()
            .filter(|s| expected.functionaries.contains(s))
            .cloned()
            .collect()
    };
    let matched: Vec<(&Claim, Vec<String>)> = claims
        .iter()
        .filter(|c| c.statement.predicate_type == expected.predicate_type)
        .map(|c| (*c, authorized(c)))
        .filter(|(_, signers)| !signers.is_empty())
        .collect();
    let distinct: BTreeSet<&String> = matched.iter().flat_map(|(_, s)| s).collect();
    if distinct.len() < expected.threshold {
        let hint = claims
            .iter()
            .filter(|c| !matched.iter().any(|(m, _)| std::ptr::eq(*m, **c)))
            .map(|c| {
                if c.statement.predicate_type != expected.predicate_type {
                    format!(
                        "; {} has predicate type {}",
                        c.file, c.statement.predicate_type
                    )
                } else {
                    format!(
                        "; {} is signed by {}, not by an authorized functionary",
                        c.file,
                        list_keys(&c.signers)
                    )
                }
            })
            .collect::<String>();
        return Err(Failure::ThresholdNotMet {
            step: label.to_owned(),
            predicate_type: expected.predicate_type.clone(),
            required: expected.threshold,
            found: distinct.len(),
            functionaries: list_keys(&expected.functionaries),
            hint,
        }
        .into());
    }
    let mut accepted_keys = BTreeSet::new();
    let mut accepted_files = Vec::new();
    let mut first_failure = None;
    for (claim, signers) in &matched {
        let result = step
            .map_or(Ok(()), |(s, lookup)| check_artifacts(s, claim, lookup))
            .and_then(|()| check_attributes(label, expected, claim, signers, report));
        match result {
            Ok(()) => {
                accepted_keys.extend(signers.iter().cloned());
                accepted_files.push(claim.file.clone());
            }
            Err(f) => {
                first_failure.get_or_insert(f);
            }
        }
    }
    match first_failure {
        Some(f) if accepted_keys.len() < expected.threshold => Err(f.into()),
        _ => Ok(accepted_files),
    }
}

fn check_artifacts(
    step: &CompiledStep,
    claim: &Claim,
    lookup: &BTreeMap<String, Link>,
) -> Result<(), Failure> {
    let (materials, products) =
        materials_and_products(&claim.statement).map_err(|error| Failure::Artifacts {
            step: step.name.clone(),
            file: claim.file.clone(),
            error,
        })?;
    for list in [&step.rules.materials, &step.rules.products] {
        if let Err(e) = list.evaluate(&materials, &products, lookup) {
            let own = match list.side() {
                intoto_rules::Side::Materials => &materials,
                intoto_rules::Side::Products => &products,
            };
            return Err(Failure::ArtifactRules {
                step: step.name.clone(),
                file: claim.file.clone(),
                predicate_type: claim.statement.predicate_type.clone(),
                message: format!("{e}{}", digest_hint(&e, own, &step.name, lookup)),
            });
        }
    }
    Ok(())
}

/// For a `DISALLOW` failure: artifacts whose name another step also recorded, with another
/// digest (the usual cause: a subject digest that does not match what the other step made).
fn digest_hint(
    e: &intoto_rules::Error,
    own: &Artifacts,
    step: &str,
    lookup: &BTreeMap<String, Link>,
) -> String {
    let intoto_rules::Error::RuleFailed(failure) = e else {
        return String::new();
    };
    let intoto_rules::FailureKind::Disallowed { artifacts } = &failure.kind else {
        return String::new();
    };
    let mut hints = Vec::new();
    for artifact in artifacts.iter().take(3) {
        let Some(here) = own.get(artifact) else {
            continue;
        };
        for (other, link) in lookup.iter().filter(|(n, _)| n.as_str() != step) {
            for (side, set) in [("products", &link.products), ("materials", &link.materials)] {
                if let Some(there) = set.get(artifact)
                    && there != here
                {
                    hints.push(format!(
                        "{artifact} has digest {} here but {} in the {side} of {other}",
                        short_digest(here),
                        short_digest(there)
                    ));
                }
            }
        }
    }
    if hints.is_empty() {
        String::new()
    } else {
        format!(" ({})", hints.join("; "))
    }
}

fn short_digest(set: &intoto_model::DigestSet) -> String {
    set.iter()
        .next()
        .map(|(alg, d)| format!("{alg}:{}", d.as_str().get(..16).unwrap_or(d.as_str())))
        .unwrap_or_else(|| "(none)".into())
}

fn check_attributes(
    label: &str,
    expected: &CompiledPredicate,
    claim: &Claim,
    signers: &[String],
    report: &mut Report,
) -> Result<(), Failure> {
    let activation =
        Activation::new(&claim.statement).map_err(|message| Failure::AttributeError {
            step: label.to_owned(),
            rule: String::new(),
            file: claim.file.clone(),
            predicate_type: claim.statement.predicate_type.clone(),
            message,
        })?;
    for c in &expected.attributes {
        let rule = c.rule.text().to_owned();
        let fail_false = || Failure::AttributeFalse {
            step: label.to_owned(),
            rule: rule.clone(),
            file: claim.file.clone(),
            predicate_type: claim.statement.predicate_type.clone(),
            functionary: list_keys(signers),
        };
        let fail_error = |message: String| Failure::AttributeError {
            step: label.to_owned(),
            rule: rule.clone(),
            file: claim.file.clone(),
            predicate_type: claim.statement.predicate_type.clone(),
            message,
        };
        match c.rule.evaluate(&activation) {
            Outcome::True => {}
            Outcome::NoClaim(why) if c.allow_if_no_claim => report.warnings.push(format!(
                "{label}: {}: rule {rule:?} passed because the claim is absent ({why})",
                claim.file
            )),
            Outcome::False if c.warn => report.warnings.push(format!(
                "{label}: {}: rule {rule:?} is false (warn only)",
                claim.file
            )),
            Outcome::False => return Err(fail_false()),
            Outcome::NoClaim(why) | Outcome::Error(why) if c.warn => report.warnings.push(format!(
                "{label}: {}: rule {rule:?} cannot be evaluated: {why} (warn only)",
                claim.file
            )),
            Outcome::NoClaim(why) | Outcome::Error(why) => return Err(fail_error(why)),
        }
    }
    Ok(())
}

fn list_keys(ids: &[String]) -> String {
    if ids.is_empty() {
        return "no key".into();
    }
    ids.iter()
        .map(|k| k.get(..8).unwrap_or(k))
        .collect::<Vec<_>>()
        .join(", ")
}
