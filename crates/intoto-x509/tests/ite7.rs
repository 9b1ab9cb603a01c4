//! ITE-7 with in-toto-golang's test certificates and the ones made by `data/make-certs.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_crypto::{PrivateKey, sign_metablock};
use intoto_model::{CertConstraint, KeyId, Layout, Metablock, Signature};
use intoto_x509::{
    Attribute, Certificate, TrustStore, X509Error, attach_certificate, check_constraints,
    check_key_matches, key_for_keyid, verify_certified_signature,
};
use serde_json::json;

/// 2027-01-15: inside every test certificate's validity but the expired one's.
const NOW: i64 = 1_800_000_000;

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&data(name), "").unwrap()
}

fn root_id() -> KeyId {
    cert("root.cert.pem").public_key().keyid().clone()
}

/// A layout with the Go root, and the Go intermediate unless `with_intermediate` is false.
fn layout(with_intermediate: bool) -> Layout {
    let ca = |name: &str| {
        let c = cert(name);
        json!({"keyid": c.public_key().keyid().as_str(), "keytype": "rsa",
               "scheme": "rsassa-pss-sha256", "keyid_hash_algorithms": ["sha256", "sha512"],
               "keyval": {"public": c.public_key().to_pem().unwrap(), "certificate": data(name)}})
    };
    let mut intermediates = serde_json::Map::new();
    if with_intermediate {
        let c = cert("example.com.intermediate.cert.pem");
        intermediates.insert(
            c.public_key().keyid().to_string(),
            ca("example.com.intermediate.cert.pem"),
        );
    }
    let v = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
        "keys": {}, "steps": [], "inspect": [],
        "rootcas": {root_id().as_str(): ca("root.cert.pem")},
        "intermediatecas": intermediates});
    Layout::from_value(&v).unwrap()
}

/// The constraint of in-toto-golang's `certs/layout.tmpl` for step write-code.
fn go_template_constraint() -> CertConstraint {
    CertConstraint::from_value(
        &json!({"common_name": "*", "dns_names": [""], "emails": [""], "organizations": ["*"],
                "roots": ["*"], "uris": ["spiffe://example.com/write-code"]}),
        "c",
    )
    .unwrap()
}

#[test]
fn go_leaf_has_the_names_openssl_shows() {
    let leaf = cert("example.com.write-code.cert.pem");
    assert_eq!(leaf.common_name(), "write-code.example.com");
    assert_eq!(leaf.organizations(), ["example"]);
    assert_eq!(leaf.uris(), ["spiffe://example.com/write-code"]);
    assert!(leaf.dns_names().is_empty() && leaf.emails().is_empty());
    // The PEM we embed is the certificate, byte for byte as OpenSSL wrote it.
    assert_eq!(leaf.to_pem(), data("example.com.write-code.cert.pem"));
}

#[test]
fn go_leaf_chains_to_the_root_through_the_layout_intermediate() {
    let store = TrustStore::from_layout(&layout(true), &[]).unwrap();
    let chain = store
        .verify(&cert("example.com.write-code.cert.pem"), NOW)
        .unwrap();
    assert_eq!(chain.root_keyid, root_id());
    assert_eq!(chain.subjects.len(), 3);
}

#[test]
fn intermediate_given_at_verification_time_completes_the_chain() {
    let store =
        TrustStore::from_layout(&layout(false), &[cert("example.com.intermediate.cert.pem")])
            .unwrap();
    assert!(
        store
            .verify(&cert("example.com.write-code.cert.pem"), NOW)
            .is_ok()
    );
}

#[test]
fn missing_intermediate_is_reported_with_the_missing_issuer() {
    let store = TrustStore::from_layout(&layout(false), &[]).unwrap();
    let err = store
        .verify(&cert("example.com.write-code.cert.pem"), NOW)
        .unwrap_err();
    assert!(
        matches!(&err, X509Error::IssuerNotFound { subject, issuer }
            if subject.contains("write-code.example.com") && issuer.contains("exampleCN=example.com")),
        "{err}"
    );
}

#[test]
fn expired_leaf_is_refused() {
    let store = TrustStore::from_layout(&layout(true), &[]).unwrap();
    let err = store.verify(&cert("expired.cert.pem"), NOW).unwrap_err();
    assert!(
        matches!(&err, X509Error::Expired { not_after, .. } if not_after.starts_with("2020-01-02")),
        "{err}"
    );
    // Inside its own validity period (2020) the Go intermediate (from 2021) is not valid yet.
    assert!(store.verify(&cert("expired.cert.pem"), 1_577_900_000).is_err_and(
        |e| matches!(e, X509Error::NotYetValid { subject, .. } if subject.contains("exampleCN=example.com"))
    ));
}

#[test]
fn chain_to_an_untrusted_root_with_the_same_names_is_refused() {
    // other-intermediate carries the Go intermediate's name and chains to other-root, which
    // carries the Go root's name: only the signature check can tell them apart.
    let store =
        TrustStore::from_layout(&layout(false), &[cert("other-intermediate.cert.pem")]).unwrap();
    let err = store
        .verify(&cert("other-write-code.cert.pem"), NOW)
        .unwrap_err();
    assert!(
        matches!(&err, X509Error::BadCertificateSignature { subject, issuer, .. }
            if subject.contains("exampleCN=example.com") && issuer.contains("exampleCN=root")),
        "{err}"
    );
}

#[test]
fn self_signed_certificate_outside_the_roots_is_an_untrusted_root() {
    let store = TrustStore::from_layout(&layout(true), &[]).unwrap();
    let err = store.verify(&cert("selfsigned.cert.pem"), NOW).unwrap_err();
    assert!(
        matches!(&err, X509Error::UntrustedRoot { subject } if subject.contains("self-signed.example.com")),
        "{err}"
    );
}

#[test]
fn layout_without_roots_trusts_no_certificate() {
    let empty = Layout::from_value(
        &json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z",
        "readme": "", "keys": {}, "steps": [], "inspect": []}),
    )
    .unwrap();
    let store =
        TrustStore::from_layout(&empty, &[cert("example.com.intermediate.cert.pem")]).unwrap();
    assert!(!store.has_roots());
    let err = store
        .verify(&cert("example.com.write-code.cert.pem"), NOW)
        .unwrap_err();
    assert!(matches!(err, X509Error::NoRoots { .. }), "{err}");
}

#[test]
fn go_template_constraint_accepts_the_write_code_leaf() {
    let c = [go_template_constraint()];
    let leaf = cert("example.com.write-code.cert.pem");
    check_constraints("write-code", Some(&c), &leaf, &root_id()).unwrap();
}

fn first_mismatch(err: X509Error) -> Attribute {
    match err {
        X509Error::ConstraintsNotMet { mismatches, .. } => mismatches[0].attribute,
        other => panic!("expected ConstraintsNotMet, got {other}"),
    }
}

#[test]
fn wrong_spiffe_id_fails_the_uris_constraint() {
    let c = [go_template_constraint()];
    let err =
        check_constraints("write-code", Some(&c), &cert("other.cert.pem"), &root_id()).unwrap_err();
    assert_eq!(first_mismatch(err), Attribute::Uris);
}

#[test]
fn wrong_common_name_fails_the_common_name_constraint() {
    let mut c = go_template_constraint();
    c.common_name = "write-code.example.com".into();
    c.uris = Some(vec!["*".into()]);
    let err = check_constraints(
        "write-code",
        Some(&[c]),
        &cert("other.cert.pem"),
        &root_id(),
    )
    .unwrap_err();
    assert_eq!(first_mismatch(err), Attribute::CommonName);
}

#[test]
fn other_root_id_fails_the_roots_constraint_and_one_passing_constraint_is_enough() {
    let mut wrong_root = go_template_constraint();
    wrong_root.roots = Some(vec!["00".repeat(32)]);
    let leaf = cert("example.com.write-code.cert.pem");
    let err = check_constraints("s", Some(&[wrong_root.clone()]), &leaf, &root_id()).unwrap_err();
    assert_eq!(first_mismatch(err), Attribute::Roots);
    let both = [wrong_root, go_template_constraint()];
    check_constraints("s", Some(&both), &leaf, &root_id()).unwrap();
}

#[test]
fn a_step_without_constraints_accepts_no_certificate() {
    let leaf = cert("example.com.write-code.cert.pem");
    for c in [None, Some(&[][..])] {
        assert!(matches!(
            check_constraints("s", c, &leaf, &root_id()),
            Err(X509Error::NoConstraints { .. })
        ));
    }
}

#[test]
fn go_key_id_of_the_leaf_commits_to_rsassa_pss_sha256() {
    // in-toto-golang's keylib_test: the write-code certificate loaded with rsassa-pss-sha256
    // and keyid_hash_algorithms ["sha256", "sha512"] has this key id.
    let go_keyid =
        KeyId::new("4979dea7a8467cbe0299693703b81d490854143b859a469ec0f6349e7bdf582a").unwrap();
    let leaf = cert("example.com.write-code.cert.pem");
    let key = key_for_keyid(&leaf, &go_keyid).unwrap();
    assert_eq!(key.scheme(), "rsassa-pss-sha256");
    assert_eq!(intoto_x509::go_keyid(&leaf), go_keyid);
}

fn signed_link(key_file: &str, cert_file: &str) -> (Metablock, Certificate) {
    let key = PrivateKey::from_pem(data(key_file).as_bytes(), None).unwrap();
    let leaf = cert(cert_file);
    check_key_matches(&leaf, &key).unwrap();
    let mut mb = Metablock::new(
        json!({"_type": "link", "name": "write-code", "materials": {},
        "products": {}, "byproducts": {}, "command": [], "environment": {}}),
    );
    sign_metablock(&mut mb, &key).unwrap();
    attach_certificate(&mut mb, key.keyid(), &leaf);
    (mb, leaf)
}

#[test]
fn link_signed_with_the_leaf_key_verifies_with_the_embedded_certificate() {
    let (mb, leaf) = signed_link(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
    );
    let sig = &mb.signatures[0];
    let embedded = Certificate::from_pem(sig.certificate().unwrap(), "").unwrap();
    assert_eq!(embedded, leaf);
    verify_certified_signature(&mb, sig, &embedded).unwrap();
    // The cert survives writing and reading.
    let again = Metablock::from_value(mb.to_value()).unwrap();
    assert_eq!(again, mb);
}

#[test]
fn tampered_link_or_foreign_key_id_is_refused() {
    let (mut mb, leaf) = signed_link(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
    );
    let sig = mb.signatures[0].clone();
    mb.signed["name"] = json!("package");
    assert!(matches!(
        verify_certified_signature(&mb, &sig, &leaf),
        Err(X509Error::Signature { .. })
    ));
    let Signature::Standard { sig: s, cert, .. } = sig else {
        panic!()
    };
    let foreign = Signature::Standard {
        keyid: KeyId::new("ab".repeat(32)).unwrap(),
        sig: s,
        cert,
    };
    assert!(matches!(
        verify_certified_signature(&mb, &foreign, &leaf),
        Err(X509Error::KeyIdNotOfCertificate { .. })
    ));
}

#[test]
fn certificate_without_digital_signature_usage_cannot_sign_links() {
    let (mb, leaf) = signed_link("nosign.key.pem", "nosign.cert.pem");
    assert!(matches!(
        verify_certified_signature(&mb, &mb.signatures[0], &leaf),
        Err(X509Error::NotForSigning { .. })
    ));
}

#[test]
fn signing_key_must_belong_to_the_certificate() {
    let key = PrivateKey::from_pem(data("other.key.pem").as_bytes(), None).unwrap();
    assert!(matches!(
        check_key_matches(&cert("example.com.write-code.cert.pem"), &key),
        Err(X509Error::KeyNotOfCertificate { .. })
    ));
}

#[test]
fn malformed_certificates_are_refused() {
    for bad in [
        "",
        "-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n",
    ] {
        assert!(matches!(
            Certificate::from_pem(bad, " in test"),
            Err(X509Error::Malformed { .. })
        ));
    }
    let two = data("root.cert.pem") + &data("example.com.intermediate.cert.pem");
    assert!(matches!(
        Certificate::from_pem(&two, ""),
        Err(X509Error::Malformed { .. })
    ));
}

#[test]
fn an_authority_listed_under_another_keys_id_is_refused_naming_it() {
    let v = layout(true).to_value();
    let other = cert("other-root.cert.pem").public_key().keyid().clone();
    // The Go root listed under the id of another root's key.
    let mut wrong_root = v.clone();
    let mut entry = wrong_root["rootcas"][root_id().as_str()].take();
    entry["keyid"] = json!(other.as_str());
    wrong_root["rootcas"] = json!({other.as_str(): entry});
    // The Go intermediate listed under the root's id.
    let intermediate_id = cert("example.com.intermediate.cert.pem")
        .public_key()
        .keyid()
        .to_string();
    let mut wrong_intermediate = v;
    let mut entry = wrong_intermediate["intermediatecas"][&intermediate_id].take();
    entry["keyid"] = json!(root_id().as_str());
    wrong_intermediate["intermediatecas"] = json!({root_id().as_str(): entry});
    for (layout, field, keyid) in [
        (wrong_root, "rootcas", other),
        (wrong_intermediate, "intermediatecas", root_id()),
    ] {
        let layout = Layout::from_value(&layout).unwrap();
        match TrustStore::from_layout(&layout, &[]) {
            Err(X509Error::AuthorityKeyIdMismatch {
                field: f,
                keyid: k,
                subject,
            }) => {
                assert_eq!((f, &k), (field, &keyid));
                assert!(!subject.is_empty());
            }
            other => panic!("{field}: expected AuthorityKeyIdMismatch, got {other:?}"),
        }
    }
}
