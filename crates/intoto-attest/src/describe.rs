//! A readable description of any in-toto metadata, for `in-toto inspect`: Metablocks and DSSE
//! envelopes (who signed), layouts (keys, steps, rules), links (step, command, artifacts),
//! Statements (subjects, predicate type, a summary of the typed predicate), ITE-10
//! attestation layouts, and bare JSON (shown as is).

use std::fmt::Write as _;

use intoto_model::{
    Artifacts, DigestSet, Layout, Link, ModelError, ResourceDescriptor, SignedDocument, Statement,
    json::parse_strict, predicate::Predicate,
};
use serde_json::Value;

use crate::{AttestError, AttestationLayout, describe_ite10::attestation_layout};

/// The text, and problems that do not stop the description (e.g. a predicate that does not
/// follow its schema).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Description {
    /// Lines to print.
    pub text: String,
    /// Validation problems found, each with its JSON path.
    pub problems: Vec<String>,
}

/// Describes the metadata in `bytes`; `file` names it in errors. YAML is read as an
/// attestation layout.
pub fn describe(bytes: &[u8], file: &str) -> Result<Description, AttestError> {
    let mut d = Description::default();
    let malformed = |error: ModelError| AttestError::Malformed {
        file: file.to_owned(),
        error,
    };
    let is_yaml = file.ends_with(".yml") || file.ends_with(".yaml");
    let value = match parse_strict(bytes) {
        Ok(v) => v,
        Err(_) if is_yaml => {
            attestation_layout(&mut d, &AttestationLayout::from_yaml(bytes)?);
            return Ok(d);
        }
        Err(e) => return Err(malformed(e.into())),
    };
    let obj = value
        .as_object()
        .ok_or_else(|| malformed(ModelError::invalid("$", "expected a JSON object")))?;
    if obj.contains_key("payload") || obj.contains_key("signed") {
        let doc = SignedDocument::from_slice(bytes).map_err(malformed)?;
        wrapper(&mut d, &doc).map_err(malformed)?;
    } else if obj.contains_key("_type") || obj.contains_key("type") {
        line(&mut d, 0, "Unsigned metadata");
        content(&mut d, &value, "").map_err(malformed)?;
    } else if obj.contains_key("steps") && obj.contains_key("functionaries") {
        attestation_layout(&mut d, &AttestationLayout::from_yaml(bytes)?);
    } else {
        line(
            &mut d,
            0,
            "JSON object, not in-toto metadata (a bare predicate?):",
        );
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        d.text.push_str(&pretty);
        d.text.push('\n');
    }
    Ok(d)
}

pub(crate) fn line(d: &mut Description, indent: usize, text: impl AsRef<str>) {
    let _ = writeln!(
        d.text,
        "{:indent$}{}",
        "",
        text.as_ref(),
        indent = indent * 2
    );
}

fn digests(set: &DigestSet) -> String {
    let all: Vec<String> = set.iter().map(|(a, h)| format!("{a}:{h}")).collect();
    if all.is_empty() {
        "(no digest)".into()
    } else {
        all.join(" ")
    }
}

fn wrapper(d: &mut Description, doc: &SignedDocument) -> Result<(), ModelError> {
    match doc {
        SignedDocument::Metablock(mb) => {
            line(
                d,
                0,
                format!(
                    "Metablock with {} signature(s) (not verified):",
                    mb.signatures.len()
                ),
            );
            for s in &mb.signatures {
                line(d, 1, format!("keyid {}", s.keyid()));
            }
            content(d, &mb.signed, "signed")
        }
        SignedDocument::Envelope(env) => {
            line(
                d,
                0,
                format!(
                    "DSSE envelope, payloadType {:?}, {} signature(s) (not verified):",
                    env.payload_type,
                    env.signatures.len()
                ),
            );
            for s in &env.signatures {
                line(
                    d,
                    1,
                    format!(
                        "keyid {}",
                        s.keyid
                            .as_ref()
                            .map_or("(none)".into(), ToString::to_string)
                    ),
                );
            }
            let v =
                parse_strict(&env.payload).map_err(|e| ModelError::from(e).within("payload"))?;
            content(d, &v, "payload")
        }
    }
}

fn content(d: &mut Description, v: &Value, prefix: &str) -> Result<(), ModelError> {
    let within = |e: ModelError| {
        if prefix.is_empty() {
            e
        } else {
            e.within(prefix)
        }
    };
    match v.get("_type").and_then(Value::as_str) {
        Some("link") => link(d, &Link::from_value(v).map_err(within)?),
        Some("layout") => layout(d, &Layout::from_value(v).map_err(within)?),
        _ => statement(d, &Statement::from_value(v).map_err(within)?, prefix),
    }
    Ok(())
}

fn artifacts(d: &mut Description, title: &str, a: &Artifacts) {
    line(d, 1, format!("{title} ({}):", a.len()));
    for (p, set) in a {
        line(d, 2, format!("{p}  {}", digests(set)));
    }
}

fn link(d: &mut Description, l: &Link) {
    line(d, 0, format!("Link for step {:?}", l.name.as_str()));
    line(d, 1, format!("command: {:?}", l.command));
    artifacts(d, "materials", &l.materials);
    artifacts(d, "products", &l.products);
    if let Some(rv) = l.byproducts.return_value {
        line(d, 1, format!("return value: {rv}"));
    }
    if !l.environment.is_empty() {
        line(
            d,
            1,
            format!("environment: {}", Value::Object(l.environment.clone())),
        );
    }
}

fn layout(d: &mut Description, l: &Layout) {
    line(d, 0, format!("Layout, expires {}", l.expires));
    if !l.readme.is_empty() {
        line(d, 1, format!("readme: {}", l.readme));
    }
    line(d, 1, format!("keys ({}):", l.keys.len()));
    for id in l.keys.keys() {
        line(d, 2, id.to_string());
    }
    for s in &l.steps {
        line(
            d,
            1,
            format!(
                "step {:?}: threshold {}, expected command {:?}",
                s.name.as_str(),
                s.threshold,
                s.expected_command
            ),
        );
        line(
            d,
            2,
            format!(
                "functionaries: {}",
                s.pubkeys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        for r in &s.expected_materials {
            line(d, 2, format!("material rule: {}", r.join(" ")));
        }
        for r in &s.expected_products {
            line(d, 2, format!("product rule: {}", r.join(" ")));
        }
    }
    for i in &l.inspect {
        line(
            d,
            1,
            format!("inspection {:?}: runs {:?}", i.name.as_str(), i.run),
        );
        for r in i.expected_materials.iter().chain(&i.expected_products) {
            line(d, 2, format!("rule: {}", r.join(" ")));
        }
    }
}

fn descriptors(d: &mut Description, indent: usize, title: &str, items: &[ResourceDescriptor]) {
    line(d, indent, format!("{title} ({}):", items.len()));
    for rd in items {
        let name = rd
            .name
            .as_deref()
            .or(rd.uri.as_deref())
            .unwrap_or("(unnamed)");
        line(
            d,
            indent + 1,
            format!(
                "{name}  {}",
                rd.digest.as_ref().map_or("(no digest)".into(), digests)
            ),
        );
    }
}

fn statement(d: &mut Description, s: &Statement, prefix: &str) {
    line(d, 0, format!("Statement ({})", s.version.type_uri()));
    line(d, 1, format!("predicateType: {}", s.predicate_type));
    descriptors(d, 1, "subjects", &s.subject);
    match Predicate::of(s) {
        Err(e) => {
            let e = if prefix.is_empty() {
                e
            } else {
                e.within(prefix)
            };
            d.problems
                .push(format!("the predicate does not follow its schema: {e}"));
            other(d, s.predicate.as_ref());
        }
        Ok(Predicate::Link(p)) => {
            line(
                d,
                1,
                format!(
                    "link predicate for step {:?}, command {:?}",
                    p.name, p.command
                ),
            );
            descriptors(d, 1, "materials", &p.materials);
            if let Some(rv) = p.byproducts.get("return-value") {
                line(d, 1, format!("return value: {rv}"));
            }
        }
        Ok(Predicate::ProvenanceV1(p)) => {
            line(
                d,
                1,
                format!(
                    "SLSA provenance v1: buildType {}",
                    p.build_definition.build_type
                ),
            );
            line(d, 1, format!("builder: {}", p.run_details.builder.id));
            descriptors(
                d,
                1,
                "resolvedDependencies",
                &p.build_definition.resolved_dependencies,
            );
            for missing in p.missing_required() {
                d.problems.push(format!(
                    "{missing}: required by SLSA provenance v1 but absent"
                ));
            }
        }
        Ok(Predicate::ProvenanceV02(p)) => {
            line(
                d,
                1,
                format!("SLSA provenance v0.2: buildType {}", p.build_type),
            );
            line(d, 1, format!("builder: {}", p.builder.id));
            descriptors(d, 1, "materials", &p.materials);
        }
        Ok(Predicate::TestResult(t)) => {
            line(
                d,
                1,
                format!(
                    "test result: {} ({} passed, {} warned, {} failed)",
                    t.result.as_str(),
                    t.passed_tests.len(),
                    t.warned_tests.len(),
                    t.failed_tests.len()
                ),
            );
            for f in &t.failed_tests {
                line(d, 2, format!("failed: {f}"));
            }
            if let Some(url) = &t.url {
                line(d, 1, format!("url: {url}"));
            }
        }
        Ok(Predicate::RuntimeTrace(r)) => {
            line(d, 1, format!("runtime trace by monitor {}", r.monitor_type));
            line(
                d,
                1,
                format!(
                    "{} process, {} network, {} file access entries",
                    r.process.len(),
                    r.network.len(),
                    r.file_access.len()
                ),
            );
        }
        Ok(Predicate::Scai(s)) => {
            line(
                d,
                1,
                format!(
                    "SCAI attribute report ({} attribute(s))",
                    s.attributes.len()
                ),
            );
            for a in &s.attributes {
                line(d, 2, &a.attribute);
            }
        }
        Ok(Predicate::Other(_)) => other(d, s.predicate.as_ref()),
    }
}

fn other(d: &mut Description, predicate: Option<&Value>) {
    line(d, 1, "predicate:");
    let text = predicate.map_or("(none)".into(), |p| {
        serde_json::to_string_pretty(p).unwrap_or_default()
    });
    for l in text.lines() {
        line(d, 2, l);
    }
}
