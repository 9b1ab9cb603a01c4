//! ITE-7 end to end: a step whose functionaries are known by certificate (in-toto-golang's
//! `rootcas`, `intermediatecas`, `cert_constraints`), with the certificates of
//! `crates/intoto-x509/tests/data` (see its README).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use intoto_crypto::PrivateKey;
use intoto_model::{Metablock, pyjson};
use intoto_verify::{Options, VerificationKey, VerifyError, verify};
use intoto_x509::{Attribute, Certificate, X509Error};
use serde_json::json;

use crate::support::{self, options, write_signed};

fn data(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../intoto-x509/tests/data/");
    std::fs::read_to_string(format!("{dir}{name}")).unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&data(name), "").unwrap()
}

fn authority(name: &str) -> (String, serde_json::Value) {
    let c = cert(name);
    let id = c.public_key().keyid().to_string();
    let v = json!({"keyid": id, "keytype": "rsa", "scheme": "rsassa-pss-sha256",
        "keyid_hash_algorithms": ["sha256", "sha512"],
        "keyval": {"public": c.public_key().to_pem().unwrap(), "certificate": data(name)}});
    (id, v)
}

/// write-code's link: it created foo.py.
fn write_code_link() -> serde_json::Value {
    json!({"_type": "link", "name": "write-code",
        "materials": {}, "byproducts": {}, "command": [], "environment": {},
        "products": {"foo.py": {"sha256": "74dc3727c6e89308b39e4dfedf787e37841198b1fa165a27c013544a60502549"}}})
}

struct Setup {
    dir: tempfile::TempDir,
    owner: PrivateKey,
}

impl Setup {
    /// A layout like in-toto-golang's `certs/layout.tmpl`: no keys, step write-code for any
    /// certificate with SPIFFE id `spiffe://example.com/write-code` under the Go root.
    fn new(with_intermediate: bool) -> Setup {
        Setup::with_step(with_intermediate, 1, None)
    }

    /// As [`Setup::new`], with the step's threshold and one layout key in `pubkeys`.
    fn with_step(with_intermediate: bool, threshold: u64, key: Option<&PrivateKey>) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let owner = support::key();
        let (root_id, root) = authority("root.cert.pem");
        let mut intermediates = serde_json::Map::new();
        if with_intermediate {
            let (id, v) = authority("example.com.intermediate.cert.pem");
            intermediates.insert(id, v);
        }
        let mut keys = serde_json::Map::new();
        let mut pubkeys = Vec::new();
        if let Some(k) = key {
            keys.insert(
                k.keyid().to_string(),
                serde_json::to_value(k.public_key().to_record()).unwrap(),
            );
            pubkeys.push(k.keyid().to_string());
        }
        let layout = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
            "keys": keys, "inspect": [],
            "rootcas": {root_id: root}, "intermediatecas": intermediates,
            "steps": [{"_type": "step", "name": "write-code", "threshold": threshold,
                "pubkeys": pubkeys,
                "expected_command": [], "expected_materials": [],
                "expected_products": [["ALLOW", "foo.py"]],
                "cert_constraints": [{"common_name": "*", "dns_names": [""], "emails": [""],
                    "organizations": ["*"], "roots": ["*"],
                    "uris": ["spiffe://example.com/write-code"]}]}]});
        write_signed(&dir.path().join("root.layout"), layout, &owner);
        Setup { dir, owner }
    }

    /// Writes the link of write-code signed by `key_file` with `cert_file` embedded.
    fn link(&self, key_file: &str, cert_file: &str) {
        self.write_code_file(key_file, cert_file, write_code_link());
    }

    /// Writes `signed` (a link or a sublayout) as write-code's file, signed by `key_file`
    /// with `cert_file` embedded.
    fn write_code_file(&self, key_file: &str, cert_file: &str, signed: serde_json::Value) {
        let key = PrivateKey::from_pem(data(key_file).as_bytes(), None).unwrap();
        let mut mb = Metablock::new(signed);
        // As in-toto-golang (and our `run --cert`): under Go's key id of the certificate's key.
        let leaf = cert(cert_file);
        let keyid = intoto_x509::go_keyid(&leaf);
        let sig = intoto_model::hex::encode(&key.sign(&mb.signed_bytes().unwrap()).unwrap());
        mb.signatures.push(intoto_model::Signature::Standard {
            keyid: keyid.clone(),
            sig,
            cert: Some(leaf.to_pem()),
        });
        let name = format!("write-code.{}.link", keyid.short());
        std::fs::write(
            self.dir.path().join(name),
            pyjson::metablock_file(&mb.to_value()),
        )
        .unwrap();
    }

    fn verify_with(&self, intermediates: &[&str]) -> Result<intoto_model::Link, VerifyError> {
        let options = Options {
            intermediate_certs: intermediates.iter().map(|n| cert(n)).collect(),
            ..options(self.dir.path())
        };
        let key: VerificationKey = self.owner.public_key().clone().into();
        verify(&self.dir.path().join("root.layout"), &[key], &options).result
    }

    fn verify(&self) -> Result<intoto_model::Link, VerifyError> {
        self.verify_with(&[])
    }
}

fn certificate_error(result: Result<intoto_model::Link, VerifyError>) -> X509Error {
    match result {
        Err(VerifyError::CertifiedLink { source, step, .. }) => {
            assert_eq!(step, "write-code");
            *source
        }
        other => panic!("expected CertifiedLink, got {other:?}"),
    }
}

#[test]
fn link_signed_with_the_go_leaf_certificate_verifies() {
    let s = Setup::new(true);
    s.link(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
    );
    let summary = s.verify().unwrap();
    assert_eq!(summary.products.len(), 1);
}

#[test]
fn wrong_spiffe_id_fails_the_constraint() {
    let s = Setup::new(true);
    s.link("other.key.pem", "other.cert.pem");
    match certificate_error(s.verify()) {
        X509Error::ConstraintsNotMet { mismatches, .. } => {
            assert_eq!(mismatches[0].attribute, Attribute::Uris);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn expired_certificate_fails() {
    let s = Setup::new(true);
    s.link("expired.key.pem", "expired.cert.pem");
    assert!(matches!(
        certificate_error(s.verify()),
        X509Error::Expired { .. }
    ));
}

#[test]
fn missing_intermediate_fails_until_given_on_the_command_line() {
    let s = Setup::new(false);
    s.link(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
    );
    assert!(matches!(
        certificate_error(s.verify()),
        X509Error::IssuerNotFound { .. }
    ));
    s.verify_with(&["example.com.intermediate.cert.pem"])
        .unwrap();
}

#[test]
fn certificate_of_an_untrusted_root_fails() {
    let s = Setup::new(true);
    s.link("other-write-code.key.pem", "other-write-code.cert.pem");
    assert!(matches!(
        certificate_error(s.verify_with(&["other-intermediate.cert.pem"])),
        X509Error::BadCertificateSignature { .. }
    ));
}

#[test]
fn one_key_signing_as_layout_key_and_under_its_certificate_counts_once() {
    let key =
        PrivateKey::from_pem(data("example.com.write-code.key.pem").as_bytes(), None).unwrap();
    let s = Setup::with_step(true, 2, Some(&key));
    // The same link twice: by the layout key (its current key id) ...
    let name = format!("write-code.{}.link", key.keyid().short());
    write_signed(&s.dir.path().join(name), write_code_link(), &key);
    // ... and under the certificate (in-toto-golang's key id of the same key).
    s.link(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
    );
    match s.verify() {
        Err(VerifyError::ThresholdNotMet {
            required: 2,
            found: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn link_without_certificate_does_not_count() {
    let s = Setup::new(true);
    let key = PrivateKey::from_pem(data("other.key.pem").as_bytes(), None).unwrap();
    let name = format!("write-code.{}.link", key.keyid().short());
    write_signed(&s.dir.path().join(name), write_code_link(), &key);
    assert!(matches!(
        s.verify(),
        Err(VerifyError::LinksMissing { found: 0, .. })
    ));
}

#[test]
fn sublayout_signed_under_a_certificate_is_refused_naming_the_certificate_key() {
    let s = Setup::new(true);
    s.write_code_file(
        "example.com.write-code.key.pem",
        "example.com.write-code.cert.pem",
        json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
            "keys": {}, "steps": [], "inspect": []}),
    );
    let go_keyid = intoto_x509::go_keyid(&cert("example.com.write-code.cert.pem"));
    match s.verify() {
        Err(VerifyError::Sublayout { step, source, .. }) => {
            assert_eq!(step, "write-code");
            match *source {
                VerifyError::CertifiedSublayout { keyid } => assert_eq!(keyid, go_keyid),
                other => panic!("expected CertifiedSublayout, got {other:?}"),
            }
        }
        other => panic!("expected Sublayout, got {other:?}"),
    }
}
