//! in-toto-golang's own demo layout (`test/data/demo.layout`, committed as
//! `spec-tests/in-toto-golang/demo.layout`): its `rootcas`, `intermediatecas` and the
//! `cert_constraints` of step write-code, checked against the Go project's certificates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{KeyId, Layout, SignedDocument};
use intoto_x509::{
    Attribute, Certificate, TrustStore, X509Error, check_constraints, key_for_keyid,
};

const NOW: i64 = 1_800_000_000; // 2027-01-15

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn go_demo_layout() -> String {
    let path = format!(
        "{}/../../spec-tests/in-toto-golang/demo.layout",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn demo_layout() -> Layout {
    let SignedDocument::Metablock(mb) =
        SignedDocument::from_slice(go_demo_layout().as_bytes()).unwrap()
    else {
        panic!("not a Metablock")
    };
    Layout::from_value(&mb.signed).unwrap()
}

const GO_ROOT_ID: &str = "da6360ef818d52b11f891132609f34907bd48521b33fc96927979b7fce876136";

#[test]
fn go_root_id_is_the_legacy_key_id_of_the_root_certificate() {
    let layout = demo_layout();
    let rootcas = layout.rootcas.as_ref().unwrap();
    assert_eq!(rootcas.len(), 1);
    let id = KeyId::new(GO_ROOT_ID).unwrap();
    assert!(rootcas.contains_key(&id));
    let root = Certificate::from_pem(&data("root.cert.pem"), "").unwrap();
    assert_eq!(
        key_for_keyid(&root, &id).unwrap().scheme(),
        "rsassa-pss-sha256"
    );
}

#[test]
fn go_leaf_passes_the_demo_layouts_write_code_constraints() {
    let layout = demo_layout();
    let store = TrustStore::from_layout(&layout, &[]).unwrap();
    let leaf = Certificate::from_pem(&data("example.com.write-code.cert.pem"), "").unwrap();
    let chain = store.verify(&leaf, NOW).unwrap();
    assert_eq!(chain.root_keyid.as_str(), GO_ROOT_ID);
    let step = layout.step("write-code").unwrap();
    check_constraints(
        "write-code",
        step.cert_constraints.as_deref(),
        &leaf,
        &chain.root_keyid,
    )
    .unwrap();
    // Step package has no constraints: no certificate can sign its links.
    let package = layout.step("package").unwrap();
    assert!(matches!(
        check_constraints(
            "package",
            package.cert_constraints.as_deref(),
            &leaf,
            &chain.root_keyid
        ),
        Err(X509Error::NoConstraints { .. })
    ));
}

#[test]
fn other_leaf_fails_the_demo_layouts_common_name() {
    let layout = demo_layout();
    let store = TrustStore::from_layout(&layout, &[]).unwrap();
    let other = Certificate::from_pem(&data("other.cert.pem"), "").unwrap();
    let chain = store.verify(&other, NOW).unwrap();
    let step = layout.step("write-code").unwrap();
    match check_constraints(
        "write-code",
        step.cert_constraints.as_deref(),
        &other,
        &chain.root_keyid,
    ) {
        Err(X509Error::ConstraintsNotMet { mismatches, .. }) => {
            assert_eq!(mismatches[0].attribute, Attribute::CommonName);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn demo_layout_round_trips_with_its_ite7_fields() {
    let SignedDocument::Metablock(mb) =
        SignedDocument::from_slice(go_demo_layout().as_bytes()).unwrap()
    else {
        panic!()
    };
    let layout = Layout::from_value(&mb.signed).unwrap();
    assert!(
        layout.unknown_fields().is_empty(),
        "{:?}",
        layout.unknown_fields()
    );
    assert_eq!(layout.to_value(), mb.signed);
}
