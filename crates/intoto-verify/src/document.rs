//! Reading signed metadata files for the workflow: size-limited reads, strict parsing, and
//! turning verified content into typed layouts and links.

use std::{borrow::Cow, path::Path};

use intoto_model::{
    IN_TOTO_PAYLOAD_TYPE, Layout, Link, ModelError, ResourceDescriptor, STATEMENT_V0_1,
    STATEMENT_V1, SignedDocument, Statement,
    file::read_metadata_file,
    json::parse_strict,
    predicate::{LINK_V0_3, LinkPredicate},
};
use serde_json::Value;

use crate::VerifyError;

/// Reads and parses a signed metadata file. `Ok(None)` when the file does not exist.
pub fn read_optional(path: &Path) -> Result<Option<SignedDocument>, VerifyError> {
    match read_metadata_file(path) {
        Ok(bytes) => parse(path, &bytes).map(Some),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads and parses a signed metadata file that must exist.
pub fn read(path: &Path) -> Result<SignedDocument, VerifyError> {
    parse(path, &read_metadata_file(path)?)
}

fn parse(path: &Path, bytes: &[u8]) -> Result<SignedDocument, VerifyError> {
    SignedDocument::from_slice(bytes).map_err(|source| VerifyError::Malformed {
        path: path.to_path_buf(),
        source,
    })
}

/// The signed content of a document, after its signatures were checked: the Metablock's
/// `signed` value or the DSSE payload parsed strictly. The error path is prefixed with
/// `signed.` or `payload.`. A Metablock's content is borrowed, not copied (links of large
/// trees are big).
pub fn content<'a>(doc: &'a SignedDocument, path: &Path) -> Result<Cow<'a, Value>, VerifyError> {
    let malformed = |source: ModelError| VerifyError::Malformed {
        path: path.to_path_buf(),
        source,
    };
    match doc {
        SignedDocument::Metablock(mb) => Ok(Cow::Borrowed(&mb.signed)),
        SignedDocument::Envelope(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(VerifyError::UnexpectedContent {
                    path: path.to_path_buf(),
                    expected: "the DSSE payloadType application/vnd.in-toto+json",
                    found: format!("{:?}", env.payload_type),
                });
            }
            parse_strict(&env.payload)
                .map(Cow::Owned)
                .map_err(|e| malformed(ModelError::from(e).within("payload")))
        }
    }
}

fn prefix(doc: &SignedDocument) -> &'static str {
    match doc {
        SignedDocument::Metablock(_) => "signed",
        SignedDocument::Envelope(_) => "payload",
    }
}

/// What a verified link file holds: a link, or a sublayout standing in for a step.
pub enum StepEvidence {
    /// A link.
    Link(Box<Link>),
    /// A sublayout (verified recursively by the workflow).
    Layout,
}

/// Reads the content of a verified step file as a link or a sublayout.
pub fn step_evidence(doc: &SignedDocument, path: &Path) -> Result<StepEvidence, VerifyError> {
    let value = content(doc, path)?;
    let malformed = |source: ModelError| VerifyError::Malformed {
        path: path.to_path_buf(),
        source: source.within(prefix(doc)),
    };
    let is_statement = |t: &str| t == STATEMENT_V1 || t == STATEMENT_V0_1;
    let type_of = |k: &str| value.get(k).and_then(Value::as_str);
    match type_of("_type") {
        Some("layout") => {
            Layout::from_value(&value).map_err(malformed)?;
            Ok(StepEvidence::Layout)
        }
        // An attestation with the link predicate v0.3 stands for the classic link: its
        // subjects are the products (ITE-6 link predicate).
        t if t.or(type_of("type")).is_some_and(is_statement) => {
            let statement = Statement::from_value(&value).map_err(malformed)?;
            if statement.predicate_type != LINK_V0_3 {
                return Err(malformed(ModelError::invalid(
                    "predicateType",
                    format!(
                        "a step needs a link or a {LINK_V0_3} statement, found {:?}",
                        statement.predicate_type
                    ),
                )));
            }
            let predicate = match &statement.predicate {
                Some(p) => {
                    LinkPredicate::from_value(p).map_err(|e| malformed(e.within("predicate")))?
                }
                None => return Err(malformed(ModelError::invalid("predicate", "missing field"))),
            };
            let names = |list: &'static str, rds: &[ResourceDescriptor]| {
                let named = rds.iter().enumerate();
                named
                    .filter_map(move |(i, rd)| {
                        Some((format!("{list}[{i}].name"), rd.name.clone()?))
                    })
                    .collect::<Vec<_>>()
            };
            let mut paths = names("subject", &statement.subject);
            paths.extend(names("predicate.materials", &predicate.materials));
            check_artifact_paths(paths).map_err(malformed)?;
            Ok(StepEvidence::Link(Box::new(
                predicate.to_link(&statement.subject).map_err(malformed)?,
            )))
        }
        _ => {
            let link = Link::from_value(&value).map_err(malformed)?;
            for (side, artifacts) in [("materials", &link.materials), ("products", &link.products)]
            {
                // The keys are valid `ArtifactPath`s already; the JSON path of a refused one is
                // only built when there is one.
                if let Some(bad) = artifacts.keys().find(|p| escapes_base(p)) {
                    let json_path = format!("{side}[{}]", Value::String(bad.to_string()));
                    return Err(malformed(refused_path(json_path, bad.as_str())));
                }
            }
            Ok(StepEvidence::Link(Box::new(link)))
        }
    }
}

/// Hardening over the reference: a link for verification must name its artifacts relative to
/// the base path, without `..` components. An absolute path or one climbing out with `..`
/// could make a rule's pattern (`src/*` matches `src/../../etc/passwd`) or a later consumer
/// of the summary link reach files outside the project. Record artifacts outside the base
/// path relative to it with `--base-path` or `--lstrip-paths` instead.
fn check_artifact_paths(
    paths: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ModelError> {
    for (json_path, path) in paths {
        let artifact = intoto_model::ArtifactPath::new(path.as_str())
            .map_err(|e| ModelError::invalid(json_path.as_str(), e.to_string()))?;
        if escapes_base(&artifact) {
            return Err(refused_path(json_path, &path));
        }
    }
    Ok(())
}

fn escapes_base(artifact: &intoto_model::ArtifactPath) -> bool {
    artifact.is_absolute() || artifact.has_parent_component()
}

fn refused_path(json_path: String, path: &str) -> ModelError {
    ModelError::invalid(
        json_path,
        format!(
            "artifact path {path:?} is absolute or has a \"..\" component (refused: links must name artifacts relative to the base path)"
        ),
    )
}

/// Reads the content of a verified layout file.
pub fn layout(doc: &SignedDocument, path: &Path) -> Result<Layout, VerifyError> {
    let value = content(doc, path)?;
    match value.get("_type").and_then(Value::as_str) {
        Some("layout") => Layout::from_value(&value).map_err(|source| VerifyError::Malformed {
            path: path.to_path_buf(),
            source: source.within(prefix(doc)),
        }),
        other => Err(VerifyError::UnexpectedContent {
            path: path.to_path_buf(),
            expected: "a layout",
            found: other.map_or_else(|| "no _type".to_string(), |t| format!("_type {t:?}")),
        }),
    }
}

#[cfg(test)]
mod statement_tests {
    use super::*;
    use intoto_model::{DigestSet, Envelope, ResourceDescriptor};
    use serde_json::json;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn envelope(predicate_type: &str, predicate: Value) -> SignedDocument {
        let subject = ResourceDescriptor::named(
            "foo",
            DigestSet::from_pairs([("sha256", H)]).expect("digest"),
        );
        let st = Statement::new(vec![subject], predicate_type, predicate);
        SignedDocument::Envelope(Envelope {
            payload: serde_json::to_vec(&st.to_value()).expect("json"),
            payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
            signatures: Vec::new(),
        })
    }

    #[test]
    fn link_predicate_statement_is_the_equivalent_link() {
        let doc = envelope(
            LINK_V0_3,
            json!({"name": "clone", "command": ["git", "clone"],
                   "materials": [{"name": "a", "digest": {"sha256": H}}],
                   "byproducts": {"return-value": 0}, "environment": {}}),
        );
        let Ok(StepEvidence::Link(link)) = step_evidence(&doc, Path::new("clone.link")) else {
            panic!("not a link")
        };
        assert_eq!(link.name.as_str(), "clone");
        assert_eq!(link.byproducts.return_value, Some(0));
        assert_eq!(link.materials.len(), 1);
        assert!(link.products.keys().any(|p| p.as_str() == "foo"));
    }

    #[test]
    fn other_predicate_types_are_refused_with_the_path() {
        let doc = envelope("https://slsa.dev/provenance/v1", json!({}));
        match step_evidence(&doc, Path::new("x.link")) {
            Err(VerifyError::Malformed { source, .. }) => {
                assert!(
                    source.to_string().starts_with("payload.predicateType"),
                    "{source}"
                )
            }
            _ => panic!("accepted"),
        }
        let doc = envelope(LINK_V0_3, json!({"command": []}));
        match step_evidence(&doc, Path::new("x.link")) {
            Err(VerifyError::Malformed { source, .. }) => {
                assert_eq!(source.to_string(), "payload.predicate.name: missing field")
            }
            _ => panic!("accepted"),
        }
    }
}
