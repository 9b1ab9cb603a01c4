//! Round trips over metadata published by other implementations (../shared/vectors, beside the
//! repository). Each file is read, its content parsed into the model, written back, and the
//! written JSON (and so its canonical bytes) must equal what was read. Tests skip when the
//! vectors are absent.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use intoto_model::{
    Layout, SignedContent, SignedDocument, Statement, StatementVersion, Timestamp, canonical,
    json::parse_strict,
};
use serde_json::Value;

fn vectors() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

/// The signed content of a Metablock or DSSE file.
fn content(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    match SignedDocument::from_slice(&bytes).unwrap() {
        SignedDocument::Metablock(m) => m.signed,
        SignedDocument::Envelope(e) => parse_strict(&e.payload).unwrap(),
    }
}

fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            suffixes.iter().any(|s| name.ends_with(s))
        })
        .collect();
    out.sort();
    out
}

fn assert_round_trip(path: &Path, original: &Value, written: &Value) {
    assert_eq!(
        written,
        original,
        "{} changed on round trip",
        path.display()
    );
    assert_eq!(
        canonical::encode(written).unwrap(),
        canonical::encode(original).unwrap()
    );
}

#[test]
fn links_and_layouts_round_trip() {
    let Some(root) = vectors() else { return };
    let mut seen = 0;
    for dir in [
        "in-toto-python/demo_files",
        "in-toto-python/demo_dsse_files",
        "in-toto-python/demo_files_gpg",
        "in-toto-golang",
    ] {
        for path in files(&root.join(dir), &[".link", ".layout"]) {
            let v = content(&path);
            let parsed =
                SignedContent::from_value(&v).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_round_trip(&path, &v, &parsed.to_value());
            seen += 1;
        }
    }
    assert!(seen >= 19, "only {seen} files");
}

#[test]
fn layout_templates_round_trip_with_a_default_expiry() {
    let Some(root) = vectors() else { return };
    let default = Timestamp::parse("2030-01-01T00:00:00Z").unwrap();
    for dir in [
        "in-toto-python/demo_files",
        "in-toto-python/demo_dsse_files",
        "in-toto-python/demo_files_gpg",
    ] {
        let path = root.join(dir).join("demo.layout.template");
        let v = content(&path);
        // Templates have no `expires`: strict reading names the missing field.
        let err = Layout::from_value(&v).unwrap_err();
        assert!(
            matches!(&err, intoto_model::ModelError::Invalid { path, .. } if path == "expires")
        );
        let layout = Layout::from_value_with_default_expires(&v, default).unwrap();
        assert_eq!(layout.expires, default);
        assert!(
            layout.unknown_fields().is_empty(),
            "{:?}",
            layout.unknown_fields()
        );
        let mut written = layout.to_value();
        written.as_object_mut().unwrap().remove("expires");
        assert_round_trip(&path, &v, &written);
    }
}

#[test]
fn golang_ite7_fields_are_modelled() {
    let Some(root) = vectors() else { return };
    let v = content(&root.join("in-toto-golang/demo.layout"));
    let layout = Layout::from_value(&v).unwrap();
    assert!(
        layout.unknown_fields().is_empty(),
        "{:?}",
        layout.unknown_fields()
    );
    assert_eq!(layout.rootcas.as_ref().map(|c| c.len()), Some(1));
    assert_eq!(layout.intermediatecas.as_ref().map(|c| c.len()), Some(1));
    let constraints = layout.steps[0].cert_constraints.as_ref().unwrap();
    assert_eq!(constraints[0].common_name, "write-code.example.com");
    assert_eq!(layout.steps[1].cert_constraints, None);
}

#[test]
fn golang_metablocks_round_trip_with_their_signatures() {
    // Older in-toto-golang wrote `"cert": ""` into every signature; it must survive.
    let Some(root) = vectors() else { return };
    let mut with_cert = 0;
    for path in files(&root.join("in-toto-golang"), &[".link", ".layout"]) {
        let bytes = std::fs::read(&path).unwrap();
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        if original.get("signed").is_none() {
            continue; // DSSE
        }
        let mb = intoto_model::Metablock::from_value(original.clone()).unwrap();
        with_cert += mb
            .signatures
            .iter()
            .filter(|s| matches!(s, intoto_model::Signature::Standard { cert: Some(_), .. }))
            .count();
        assert_round_trip(&path, &original, &mb.to_value());
    }
    assert!(with_cert >= 2, "only {with_cert} signatures with cert");
}

#[test]
fn attestations_round_trip() {
    let Some(root) = vectors() else { return };
    for dir in [
        "attestation-verifier/test-data",
        "attestation-verifier/test-data-npm",
    ] {
        for path in files(&root.join(dir), &[".json"]) {
            let v = content(&path);
            let statement =
                Statement::from_value(&v).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut expected = v.clone();
            // One file spells `_type` as `type` (protojson); we write `_type`.
            let obj = expected.as_object_mut().unwrap();
            if let Some(t) = obj.remove("type") {
                obj.insert("_type".into(), t);
            }
            assert_round_trip(&path, &expected, &statement.to_value());
            let npm = dir.ends_with("npm");
            let version = if npm {
                StatementVersion::V0_1
            } else {
                StatementVersion::V1
            };
            assert_eq!(statement.version, version, "{}", path.display());
        }
    }
}
