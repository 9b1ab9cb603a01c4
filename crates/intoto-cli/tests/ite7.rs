//! ITE-7 on the command line: `run`/`record --cert` embed the certificate, `verify` checks the
//! chain (with `-i/--intermediate-certs`) and the layout's constraints. Certificates from
//! `crates/intoto-x509/tests/data` (see its README).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{
    fs,
    path::{Path, PathBuf},
    process::Output,
};

use intoto_crypto::{KeyType, PrivateKey};
use intoto_model::{Metablock, pyjson};
use serde_json::{Value, json};

use crate::support::{run_in as bin, stderr};

/// The time verifications run at (`--as-of`): in-toto-golang's certificates expire in 2031
/// and the layout in 2030, so the tests do not depend on today's date.
const CLOCK: &str = "2027-01-01T00:00:00Z";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../intoto-x509/tests/data")
        .join(name)
}

/// `in-toto verify` of `root.layout` with `owner.pub` at [`CLOCK`], plus `extra` arguments.
fn verify(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "-l",
        "root.layout",
        "-k",
        "owner.pub",
        "--as-of",
        CLOCK,
    ];
    args.extend_from_slice(extra);
    bin(dir, &args)
}

/// A layout like in-toto-golang's `certs/layout.tmpl` (root only, no intermediates), signed
/// by a fresh owner key written to `owner.pub`.
fn write_layout(dir: &Path) {
    let owner = PrivateKey::generate(KeyType::Ed25519).unwrap();
    fs::write(dir.join("owner.pub"), owner.public_key().to_pem().unwrap()).unwrap();
    let root = fs::read_to_string(data("root.cert.pem")).unwrap();
    // Listed under in-toto-golang's id of the root's key, as Go's layouts list it.
    let root_id = intoto_x509::go_keyid(&intoto_x509::Certificate::from_pem(&root, "").unwrap());
    let root_id = root_id.as_str();
    let layout = json!({"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
        "keys": {}, "inspect": [], "intermediatecas": {},
        "rootcas": {root_id: {"keyid": root_id, "keytype": "rsa", "scheme": "rsassa-pss-sha256",
            "keyval": {"public": "", "certificate": root}}},
        "steps": [{"_type": "step", "name": "write-code", "threshold": 1, "pubkeys": [],
            "expected_command": [], "expected_materials": [],
            "expected_products": [["ALLOW", "foo.py"]],
            "cert_constraints": [{"common_name": "write-code.example.com", "dns_names": [],
                "emails": [], "organizations": ["example"], "roots": [root_id],
                "uris": ["spiffe://example.com/write-code"]}]}]});
    let mut mb = Metablock::new(layout);
    intoto_crypto::sign_metablock(&mut mb, &owner).unwrap();
    fs::write(
        dir.join("root.layout"),
        pyjson::metablock_file(&mb.to_value()),
    )
    .unwrap();
}

fn only_link(dir: &Path) -> (PathBuf, Value) {
    let mut links: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "link"))
        .collect();
    assert_eq!(links.len(), 1, "{links:?}");
    let path = links.remove(0);
    let v = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    (path, v)
}

#[test]
fn run_with_cert_then_verify_with_the_intermediate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_layout(dir);
    let key = data("example.com.write-code.key.pem");
    let cert = data("example.com.write-code.cert.pem");
    let out = bin(
        dir,
        &[
            "run",
            "-n",
            "write-code",
            "--signing-key",
            key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "-p",
            "foo.py",
            "--",
            "sh",
            "-c",
            "echo hello > foo.py",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (path, link) = only_link(dir);
    assert_eq!(
        link["signatures"][0]["cert"],
        json!(fs::read_to_string(&cert).unwrap())
    );
    // Signed and named under in-toto-golang's key id of the certificate's key (keylib_test),
    // so that in-toto-golang finds and verifies the signature.
    let go_keyid = "4979dea7a8467cbe0299693703b81d490854143b859a469ec0f6349e7bdf582a";
    assert_eq!(link["signatures"][0]["keyid"], json!(go_keyid));
    assert!(
        path.ends_with("write-code.4979dea7.link"),
        "{}",
        path.display()
    );

    // The layout has no intermediates: the chain stops at the leaf's issuer.
    let out = verify(dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("neither a root of the layout nor a known intermediate"),
        "{}",
        stderr(&out)
    );
    let intermediate = data("example.com.intermediate.cert.pem");
    let out = verify(dir, &["-i", intermediate.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn record_start_and_stop_embed_the_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let key = data("example.com.write-code.key.pem");
    let cert = data("example.com.write-code.cert.pem");
    let common = [
        "-n",
        "write-code",
        "--signing-key",
        key.to_str().unwrap(),
        "-c",
        cert.to_str().unwrap(),
    ];
    let out = bin(dir, &[&["record", "start"][..], &common[..]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    fs::write(dir.join("foo.py"), "hello\n").unwrap();
    let out = bin(
        dir,
        &[&["record", "stop"][..], &common[..], &["-p", "foo.py"][..]].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, link) = only_link(dir);
    assert_eq!(
        link["signatures"][0]["cert"],
        json!(fs::read_to_string(&cert).unwrap())
    );
}

#[test]
fn cert_of_another_key_or_with_dsse_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let other_key = data("other.key.pem");
    let cert = data("example.com.write-code.cert.pem");
    let out = bin(
        dir,
        &[
            "run",
            "-n",
            "s",
            "--signing-key",
            other_key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "-x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not the key of certificate"),
        "{}",
        stderr(&out)
    );
    let key = data("example.com.write-code.key.pem");
    let out = bin(
        dir,
        &[
            "run",
            "-n",
            "s",
            "--signing-key",
            key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--use-dsse",
            "-x",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
