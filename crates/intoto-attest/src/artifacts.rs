//! Materials and products of a statement, per predicate type, as the attestation-verifier
//! derives them: link v0.3 (materials; subjects are the products), SLSA provenance v1
//! (resolvedDependencies; subjects), SLSA provenance v0.2 (materials; subjects), and for
//! every other type the subjects as materials (e.g. what a test result is about).
//!
//! Artifacts are named by `name`, or `uri` when there is no name (SLSA v0.2 materials).

use intoto_model::{
    ArtifactPath, Artifacts, DigestSet, ModelError, ResourceDescriptor, Statement,
    predicate::{
        LINK_V0_3, LinkPredicate, ProvenanceV1, ProvenanceV02, SLSA_PROVENANCE_V0_2,
        SLSA_PROVENANCE_V1,
    },
};
use serde_json::Value;

/// `(materials, products)` of `statement`; error paths start with `predicate` or `subject`.
pub fn materials_and_products(statement: &Statement) -> Result<(Artifacts, Artifacts), ModelError> {
    let empty = Value::Object(Default::default());
    let predicate = statement.predicate.as_ref().unwrap_or(&empty);
    let within = |e: ModelError| e.within("predicate");
    let subjects = || to_artifacts(&statement.subject, "subject");
    match statement.predicate_type.as_str() {
        LINK_V0_3 => {
            let p = LinkPredicate::from_value(predicate).map_err(within)?;
            Ok((
                to_artifacts(&p.materials, "predicate.materials")?,
                subjects()?,
            ))
        }
        SLSA_PROVENANCE_V1 => {
            let p = ProvenanceV1::from_value(predicate).map_err(within)?;
            Ok((
                to_artifacts(
                    &p.build_definition.resolved_dependencies,
                    "predicate.buildDefinition.resolvedDependencies",
                )?,
                subjects()?,
            ))
        }
        SLSA_PROVENANCE_V0_2 => {
            let p = ProvenanceV02::from_value(predicate).map_err(within)?;
            Ok((
                to_artifacts(&p.materials, "predicate.materials")?,
                subjects()?,
            ))
        }
        _ => Ok((subjects()?, Artifacts::new())),
    }
}

fn to_artifacts(items: &[ResourceDescriptor], path: &str) -> Result<Artifacts, ModelError> {
    let mut out = Artifacts::new();
    for (i, rd) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let name =
            rd.name.as_deref().or(rd.uri.as_deref()).ok_or_else(|| {
                ModelError::invalid(&here, "an artifact needs a \"name\" or \"uri\"")
            })?;
        let key = ArtifactPath::new(name)
            .map_err(|e| ModelError::invalid(format!("{here}.name"), e.to_string()))?;
        let digest = rd.digest.clone().unwrap_or_else(DigestSet::new);
        if let Some(previous) = out.insert(key, digest.clone())
            && previous != digest
        {
            return Err(ModelError::invalid(
                here,
                format!("artifact {name:?} is listed twice with different digests"),
            ));
        }
    }
    Ok(out)
}
