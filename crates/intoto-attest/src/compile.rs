//! [`CompiledLayout`]: an [`AttestationLayout`] checked and prepared for verification:
//! parameters substituted, keys loaded, artifact rules parsed, CEL rules compiled. Every
//! problem of the layout is reported here, before any attestation is read.

use std::collections::BTreeMap;

use intoto_crypto::PublicKey;
use intoto_model::{KeyId, KeyVal, PublicKeyRecord, Timestamp};
use intoto_rules::ItemRules;

use crate::{
    AttestError, AttestationLayout, Parameters,
    cel_rule::CelRule,
    layout::{Constraint, ExpectedPredicate, Functionary},
};

/// A compiled CEL attribute rule with its flags.
#[derive(Debug)]
pub struct CompiledConstraint {
    /// The compiled rule.
    pub rule: CelRule,
    /// Pass when the claim is absent.
    pub allow_if_no_claim: bool,
    /// Warn instead of failing when false.
    pub warn: bool,
}

/// An expected predicate type with compiled rules.
#[derive(Debug)]
pub struct CompiledPredicate {
    /// The `predicateType`.
    pub predicate_type: String,
    /// The rules.
    pub attributes: Vec<CompiledConstraint>,
    /// Authorized functionaries (key ids as in the layout).
    pub functionaries: Vec<String>,
    /// Distinct functionaries required (at least 1).
    pub threshold: usize,
}

/// A step with parsed artifact rules and compiled predicates.
#[derive(Debug)]
pub struct CompiledStep {
    /// Step name.
    pub name: String,
    /// Material and product rules.
    pub rules: ItemRules,
    /// Expected predicates.
    pub predicates: Vec<CompiledPredicate>,
}

/// A `subjects` entry with compiled predicates.
#[derive(Debug)]
pub struct CompiledSubject {
    /// Subject names.
    pub names: Vec<String>,
    /// Expected predicates.
    pub predicates: Vec<CompiledPredicate>,
}

/// A layout ready for [`crate::verify`].
#[derive(Debug)]
pub struct CompiledLayout {
    /// `expires`.
    pub expires: Timestamp,
    /// Functionary keys by the key id written in the layout.
    pub keys: BTreeMap<String, PublicKey>,
    /// Steps in layout order.
    pub steps: Vec<CompiledStep>,
    /// Subject entries.
    pub subjects: Vec<CompiledSubject>,
}

impl CompiledLayout {
    /// Substitutes `params` and checks and compiles everything. Inspections are refused:
    /// the attestation verifier has no place to run them yet, and silently skipping a check
    /// the layout asks for would be worse.
    pub fn compile(layout: &AttestationLayout, params: &Parameters) -> Result<Self, AttestError> {
        let layout_err = |message: String| AttestError::Layout { message };
        let expires =
            Timestamp::parse(&layout.expires).map_err(|e| layout_err(format!("expires: {e}")))?;
        if let Some(i) = layout.inspections.first() {
            return Err(layout_err(format!(
                "inspections[0] ({:?}): inspections are not supported by the attestation verifier",
                i.name
            )));
        }
        let mut keys = BTreeMap::new();
        for (id, f) in &layout.functionaries {
            keys.insert(id.clone(), load_key(id, f)?);
        }
        let mut steps = Vec::with_capacity(layout.steps.len());
        let mut seen = std::collections::BTreeSet::new();
        for (i, step) in layout.steps.iter().enumerate() {
            if let Err(e) = intoto_model::StepName::new(step.name.as_str()) {
                return Err(layout_err(format!("steps[{i}].name: {e}")));
            }
            if !seen.insert(step.name.as_str()) {
                return Err(layout_err(format!(
                    "steps[{i}].name: step {:?} is defined twice",
                    step.name
                )));
            }
            let split = |rules: &[String]| -> Result<Vec<Vec<String>>, AttestError> {
                rules
                    .iter()
                    .map(|r| {
                        Ok(params
                            .substitute(r)?
                            .split_whitespace()
                            .map(str::to_owned)
                            .collect())
                    })
                    .collect()
            };
            let rules = ItemRules::new(
                &step.name,
                &split(&step.expected_materials)?,
                &split(&step.expected_products)?,
            )
            .map_err(AttestError::ArtifactRule)?;
            let predicates = step
                .expected_predicates
                .iter()
                .map(|p| compile_predicate(&step.name, p, step.threshold, params, &keys))
                .collect::<Result<_, _>>()?;
            steps.push(CompiledStep {
                name: step.name.clone(),
                rules,
                predicates,
            });
        }
        let mut subjects = Vec::with_capacity(layout.subjects.len());
        for (i, s) in layout.subjects.iter().enumerate() {
            let label = format!("subjects[{i}]");
            let predicates = s
                .expected_predicates
                .iter()
                .map(|p| compile_predicate(&label, p, None, params, &keys))
                .collect::<Result<_, _>>()?;
            subjects.push(CompiledSubject {
                names: s
                    .subject
                    .iter()
                    .map(|n| params.substitute(n))
                    .collect::<Result<_, _>>()?,
                predicates,
            });
        }
        Ok(CompiledLayout {
            expires,
            keys,
            steps,
            subjects,
        })
    }
}

fn load_key(id: &str, f: &Functionary) -> Result<PublicKey, AttestError> {
    let layout_err = |message: String| AttestError::Layout { message };
    if f.key_val.identity.is_some() || f.key_val.issuer.is_some() {
        return Err(layout_err(format!(
            "functionaries[{id:?}]: Sigstore (keyless) functionaries are not supported"
        )));
    }
    if !f.key_id.is_empty() && f.key_id != id {
        return Err(layout_err(format!(
            "functionaries[{id:?}]: keyID {:?} differs from the map key",
            f.key_id
        )));
    }
    let keyid = KeyId::new(id).map_err(|e| layout_err(format!("functionaries[{id:?}]: {e}")))?;
    let record = PublicKeyRecord {
        keyid: Some(keyid),
        keytype: f.key_type.clone(),
        scheme: f.scheme.clone(),
        keyval: KeyVal {
            public: f.key_val.public.clone(),
            private: None,
            certificate: None,
        },
        keyid_hash_algorithms: (!f.key_id_hash_algorithms.is_empty())
            .then(|| f.key_id_hash_algorithms.clone()),
        extra: BTreeMap::new(),
    };
    PublicKey::from_record(&record).map_err(|error| AttestError::Key {
        keyid: id.to_owned(),
        error,
    })
}

fn compile_predicate(
    step: &str,
    p: &ExpectedPredicate,
    default_threshold: Option<usize>,
    params: &Parameters,
    keys: &BTreeMap<String, PublicKey>,
) -> Result<CompiledPredicate, AttestError> {
    if p.predicate_type.is_empty() {
        return Err(AttestError::Layout {
            message: format!("step {step:?}: an expected predicate has an empty predicateType"),
        });
    }
    if let Some(unknown) = p.functionaries.iter().find(|f| !keys.contains_key(*f)) {
        return Err(AttestError::Layout {
            message: format!(
                "step {step:?}, {}: functionary {unknown:?} is not among the layout's functionaries",
                p.predicate_type
            ),
        });
    }
    let attributes = p
        .expected_attributes
        .iter()
        .enumerate()
        .map(|(index, c)| compile_constraint(step, &p.predicate_type, index, c, params))
        .collect::<Result<_, _>>()?;
    let threshold = match (p.threshold, default_threshold) {
        (0, Some(t)) if t > 0 => t,
        (0, _) => 1,
        (t, _) => t,
    };
    Ok(CompiledPredicate {
        predicate_type: p.predicate_type.clone(),
        attributes,
        functionaries: p.functionaries.clone(),
        threshold,
    })
}

fn compile_constraint(
    step: &str,
    predicate_type: &str,
    index: usize,
    c: &Constraint,
    params: &Parameters,
) -> Result<CompiledConstraint, AttestError> {
    let text = params.substitute(&c.rule)?;
    let rule = CelRule::compile(&text).map_err(|message| AttestError::CelCompile {
        step: step.to_owned(),
        predicate_type: predicate_type.to_owned(),
        index,
        rule: text.clone(),
        message,
    })?;
    Ok(CompiledConstraint {
        rule,
        allow_if_no_claim: c.allow_if_no_claim,
        warn: c.warn,
    })
}
