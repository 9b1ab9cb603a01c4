//! The ITE-10/11 attestation layout as the in-toto attestation-verifier writes it (YAML, or
//! the same structure in JSON): functionary keys, steps with expected predicates and CEL
//! attribute rules, subjects, inspections.
//!
//! Unknown fields are errors (the prototype ignores them): a misspelt `expectedAtributes`
//! would otherwise silently drop a check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AttestError;

/// A layout (`layout.yml`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttestationLayout {
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub expires: String,
    /// Key id -> key.
    #[serde(default)]
    pub functionaries: BTreeMap<String, Functionary>,
    /// The steps, in order.
    #[serde(default)]
    pub steps: Vec<LayoutStep>,
    /// Expectations on attestations about named subjects, whichever step made them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<LayoutSubject>,
    /// Inspections (read, but not run: see [`crate::CompiledLayout::compile`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<LayoutInspection>,
}

/// A functionary key in securesystemslib's fields, spelt in camelCase.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Functionary {
    /// `keyType`: `ed25519`, `rsa`, `ecdsa`, ...
    pub key_type: String,
    /// Signature scheme.
    pub scheme: String,
    /// Legacy key id hash algorithms.
    #[serde(default, rename = "keyIDHashAlgorithms")]
    pub key_id_hash_algorithms: Vec<String>,
    /// Key material.
    pub key_val: FunctionaryKeyVal,
    /// The key id (must equal the map key when given).
    #[serde(default, rename = "keyID")]
    pub key_id: String,
}

/// `keyVal` of a functionary.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionaryKeyVal {
    /// Public key (hex for ed25519, PEM otherwise).
    #[serde(default)]
    pub public: String,
    /// Sigstore identity (keyless; not supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Sigstore issuer (keyless; not supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// A step.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutStep {
    /// Step name; attestation files `NAME.KEYID8.json` belong to it.
    pub name: String,
    /// Informational (the prototype does not check it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Artifact rules for the materials, one rule per string (`MATCH foo WITH products FROM
    /// clone`).
    #[serde(default)]
    pub expected_materials: Vec<String>,
    /// Artifact rules for the products.
    #[serde(default)]
    pub expected_products: Vec<String>,
    /// The predicate types expected for this step.
    #[serde(default)]
    pub expected_predicates: Vec<ExpectedPredicate>,
    /// Default threshold of the expected predicates (an extension; the prototype has it per
    /// predicate only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<usize>,
}

/// One expected predicate type of a step or subject entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedPredicate {
    /// The `predicateType` URI.
    pub predicate_type: String,
    /// CEL rules over the statement.
    #[serde(default)]
    pub expected_attributes: Vec<Constraint>,
    /// Key ids allowed to sign it.
    #[serde(default)]
    pub functionaries: Vec<String>,
    /// How many distinct functionaries must attest it (0 or absent: 1, or the step's).
    #[serde(default)]
    pub threshold: usize,
}

/// One CEL attribute rule (ITE-11).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Constraint {
    /// The CEL expression; must evaluate to a boolean.
    pub rule: String,
    /// Pass when the rule refers to a field the attestation does not have.
    #[serde(default)]
    pub allow_if_no_claim: bool,
    /// A false rule is reported as a warning instead of failing.
    #[serde(default)]
    pub warn: bool,
    /// Free text shown with the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug: Option<String>,
}

/// Expectations about attestations whose subjects have one of the given names.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutSubject {
    /// Subject names (e.g. `pkg:npm/sigstore@1.2.0`).
    pub subject: Vec<String>,
    /// The predicate types expected about them.
    #[serde(default)]
    pub expected_predicates: Vec<ExpectedPredicate>,
}

/// An inspection as the prototype's schema has it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutInspection {
    /// Name.
    pub name: String,
    /// Command.
    #[serde(default)]
    pub command: String,
    /// Predicate types.
    #[serde(default)]
    pub predicates: Vec<String>,
    /// Material rules.
    #[serde(default)]
    pub expected_materials: Vec<String>,
    /// Product rules.
    #[serde(default)]
    pub expected_products: Vec<String>,
    /// CEL rules.
    #[serde(default)]
    pub expected_attributes: Vec<Constraint>,
}

impl AttestationLayout {
    /// Reads a layout from YAML (JSON is YAML too). Errors give the field and line.
    pub fn from_yaml(bytes: &[u8]) -> Result<Self, AttestError> {
        serde_yaml_ng::from_slice(bytes).map_err(|e| AttestError::Layout {
            message: e.to_string(),
        })
    }

    /// Writes the layout as YAML.
    pub fn to_yaml(&self) -> Result<String, AttestError> {
        serde_yaml_ng::to_string(self).map_err(|e| AttestError::Layout {
            message: e.to_string(),
        })
    }
}
