//! OpenPGP: metadata signed by the reference (`in-toto-sign -g`) verifies with ours with the
//! reference's verdicts, our key-bundle parser builds the reference's key objects from the
//! same `gpg --export` bytes, and each rejection names the key. Fixtures and the script that
//! made them are in tests/data/gpg/.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use intoto_crypto::CryptoError;
use intoto_crypto::gpg::{
    parse_gpg_key_bundle, parse_gpg_signature, verify_gpg_signature_at, verify_metablock_gpg,
    verify_metablock_gpg_at,
};
use intoto_model::{GpgPublicKey, KeyId, LayoutKey, Metablock, Signature};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gpg")
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn reference_key(name: &str) -> GpgPublicKey {
    GpgPublicKey::from_value(&json(&dir().join(format!("keys/{name}.json"))), name).unwrap()
}

fn own_export(name: &str) -> GpgPublicKey {
    let data = std::fs::read(dir().join(format!("keys/{name}.gpg"))).unwrap();
    parse_gpg_key_bundle(&data, reference_key(name).keyid.as_str()).unwrap()
}

fn metablock(path: &Path) -> Metablock {
    Metablock::from_value(json(path)).unwrap()
}

fn verdict(result: &Result<KeyId, CryptoError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(CryptoError::BadSignature { .. }) => "bad-signature",
        Err(CryptoError::GpgNoSignature { .. }) => "no-signature",
        Err(CryptoError::GpgKeyExpired { .. }) => "expired",
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// Every case of cases.json gets the reference's verdict with the reference's key object,
/// and the recorded verdict with the key object we build from the same export; every
/// rejection names the signing key or the layout key.
#[test]
fn reference_signed_metadata_gets_the_reference_verdict() {
    let cases = json(&dir().join("cases.json"));
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let field = |k: &str| case[k].as_str().unwrap().to_string();
        let (file, keyname) = (field("metadata"), field("key"));
        let mb = metablock(&dir().join("metadata").join(&file));
        for (key, expect) in [
            (reference_key(&keyname), field("expect")),
            (
                own_export(&keyname),
                case.get("ours_with_own_export")
                    .and_then(Value::as_str)
                    .map_or_else(|| field("expect"), str::to_string),
            ),
        ] {
            let result = verify_metablock_gpg(&mb, &key);
            assert_eq!(
                verdict(&result),
                expect,
                "{file} with {keyname}: {result:?}"
            );
            match result {
                Ok(signer) => assert_eq!(signer.as_str(), field("signed_by")),
                Err(e) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains(key.keyid.as_str()) || msg.contains(&field("signed_by")),
                        "{file}: {msg}"
                    );
                }
            }
        }
    }
}

/// Our parser builds exactly the reference's key objects from the same `gpg --export`
/// bytes, except that for Ed25519 keys it also keeps what the reference drops (signing
/// subkeys and expiry; see src/gpg/bundle.rs).
#[test]
fn key_bundles_parse_like_the_reference() {
    let mut names: Vec<String> = std::fs::read_dir(dir().join("keys"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 14, "{names:?}");
    for name in &names {
        let (reference, ours) = (reference_key(name), own_export(name));
        if reference.keytype != "eddsa" {
            assert_eq!(ours, reference, "{name}");
            continue;
        }
        let mut trimmed = ours.clone();
        trimmed.extra.remove("validity_period");
        trimmed.subkeys = trimmed.subkeys.filter(|_| reference.subkeys.is_some());
        assert_eq!(trimmed, reference, "{name}");
    }
    // What the reference misses on Ed25519 keys.
    assert!(own_export("ed25519-subkey").subkeys.is_some());
    assert!(reference_key("ed25519-subkey").subkeys.is_none());
    assert_eq!(
        own_export("ed25519-expired").extra["validity_period"],
        86400
    );
    // Signing and encryption RSA subkeys are listed (the reference ignores key flags); the
    // ElGamal subkey of 8465a1e2 is not (unsupported algorithm).
    let joan = own_export("shared-8465a1e2");
    let subs: Vec<&str> = joan
        .subkeys
        .as_ref()
        .unwrap()
        .keys()
        .map(KeyId::as_str)
        .collect();
    assert_eq!(
        subs,
        [
            "6a112fd3390b2e53afc2e57f8fc8e12099aeceea",
            "c5a0abe6ec19d0d65f85e2c39be9df5131d924e9"
        ]
    );
}

/// Asking for a subkey's id exports its primary key; an unknown id is an error naming it.
#[test]
fn bundle_lookup_by_subkey_and_unknown_id() {
    let data = std::fs::read(dir().join("keys/shared-8465a1e2.gpg")).unwrap();
    let by_sub = parse_gpg_key_bundle(&data, "C5A0ABE6EC19D0D65F85E2C39BE9DF5131D924E9").unwrap();
    assert_eq!(
        by_sub.keyid.as_str(),
        "8465a1e2e0fb2b40adb2478e18fb3f537e0c8a17"
    );
    let short = parse_gpg_key_bundle(&data, "18fb3f537e0c8a17").unwrap();
    assert_eq!(short, by_sub);
    let err = parse_gpg_key_bundle(&data, "deadbeef").unwrap_err();
    assert!(matches!(&err, CryptoError::GpgKeyNotFound { keyid } if keyid == "deadbeef"));
    assert!(err.to_string().contains("deadbeef"));
    assert!(matches!(
        parse_gpg_key_bundle(&[], "ab"),
        Err(CryptoError::GpgKeyNotFound { .. })
    ));
}

/// Expiry: the message names the key, its primary key and the date; before the date the
/// same signature verifies.
#[test]
fn expired_keys_are_named_with_the_date() {
    let mb = metablock(&dir().join("metadata/expired-subkey.link"));
    let key = reference_key("expired-subkey");
    let err = verify_metablock_gpg(&mb, &key).unwrap_err();
    let CryptoError::GpgKeyExpired {
        keyid,
        primary,
        expired,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(primary, &key.keyid);
    assert!(key.subkeys.as_ref().unwrap().contains_key(keyid));
    assert!(expired.starts_with("2020-01-02T"), "{expired}");
    assert!(err.to_string().contains(keyid.as_str()));
    // 2020-01-01T12:00:00Z, when it was used.
    verify_metablock_gpg_at(&mb, &key, 1_577_880_000).unwrap();
}

/// A tampered signature value, malformed hex, a securesystemslib signature and a signature
/// claiming another key: each fails with the variant that says so.
#[test]
fn malformed_signatures_are_rejected() {
    let mb = metablock(&dir().join("metadata/rsa.link"));
    let key = reference_key("rsa");
    let content = mb.signed_bytes().unwrap();
    let Signature::Gpg {
        keyid,
        signature,
        other_headers,
    } = mb.signatures[0].clone()
    else {
        panic!()
    };
    let with = |signature: &str, other_headers: &str| Signature::Gpg {
        keyid: keyid.clone(),
        signature: signature.into(),
        other_headers: other_headers.into(),
    };
    let check = |sig: &Signature| verify_gpg_signature_at(sig, &key, &content, 0);
    check(&with(&signature, &other_headers)).unwrap();
    let mut flipped = signature.clone().into_bytes();
    flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).unwrap();
    assert!(
        matches!(check(&with(&flipped, &other_headers)), Err(CryptoError::BadSignature { keyid: k }) if k == keyid)
    );
    // Changing the hashed headers (here: the signature creation time) breaks it too.
    let headers = format!("{}00", &other_headers[..other_headers.len() - 2]);
    assert!(matches!(
        check(&with(&signature, &headers)),
        Err(CryptoError::BadSignature { .. })
    ));
    assert!(matches!(
        check(&with("xyz", &other_headers)),
        Err(CryptoError::MalformedSignature { .. })
    ));
    assert!(matches!(
        check(&with(&signature, "0")),
        Err(CryptoError::MalformedSignature { .. })
    ));
    let standard = Signature::Standard {
        keyid: key.keyid.clone(),
        sig: signature.clone(),
        cert: None,
    };
    assert!(matches!(
        check(&standard),
        Err(CryptoError::MalformedSignature { .. })
    ));
    let stranger = Signature::Gpg {
        keyid: KeyId::new("ab".repeat(20)).unwrap(),
        signature,
        other_headers,
    };
    assert!(matches!(
        check(&stranger),
        Err(CryptoError::GpgNoSignature { .. })
    ));
}

/// The GPG-signed demo of the in-toto repository (../shared): its links verify with the
/// keys its layout template embeds and with the keys we export from its keyring.
#[test]
fn reference_demo_links_verify() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/in-toto-python/demo_files_gpg");
    if !demo.is_dir() {
        eprintln!("skipping: {} is absent", demo.display());
        return;
    }
    let template = json(&demo.join("demo.layout.template"));
    let keys = template["signed"]["keys"].as_object().unwrap();
    for (file, keyid, export) in [
        (
            "package.7b3abb26.link",
            "7b3abb26b97b655ab9296bd15b0bd02e1c768c43",
            "shared-7b3abb26",
        ),
        (
            "write-code.8288ef56.link",
            "8288ef560ed3795f9df2c0db56193089b285da58",
            "shared-8288ef56",
        ),
    ] {
        let mb = metablock(&demo.join(file));
        let LayoutKey::Gpg(key) = LayoutKey::from_value(&keys[keyid], keyid).unwrap() else {
            panic!("{keyid} is not an OpenPGP key")
        };
        assert_eq!(verify_metablock_gpg(&mb, &key).unwrap().as_str(), keyid);
        // The template was made by an older securesystemslib (no creation_time, no
        // subkeys): the key material is the same.
        let ours = own_export(export);
        assert_eq!(
            (&ours.keyid, &ours.keyval),
            (&key.keyid, &key.keyval),
            "{export}"
        );
        assert_eq!(verify_metablock_gpg(&mb, &ours).unwrap().as_str(), keyid);
        // The other step's key did not sign it.
        let other = keys.keys().find(|k| *k != keyid).unwrap();
        let LayoutKey::Gpg(other) = LayoutKey::from_value(&keys[other], other).unwrap() else {
            panic!()
        };
        assert!(matches!(
            verify_metablock_gpg(&mb, &other),
            Err(CryptoError::GpgNoSignature { .. })
        ));
    }
}

/// Parsers never panic: every truncation and every single-octet change of real exports and
/// signatures gives a value or an error.
#[test]
fn parsers_survive_corrupted_input() {
    for name in ["rsa-subkey", "ed25519-subkey", "shared-c242a830"] {
        let data = std::fs::read(dir().join(format!("keys/{name}.gpg"))).unwrap();
        for len in 0..data.len() {
            let _ = parse_gpg_key_bundle(&data[..len], "");
        }
        for i in (0..data.len()).step_by(3) {
            for x in [0x00, 0xff, 0x80, 0x01] {
                let mut d = data.clone();
                d[i] ^= x;
                let _ = parse_gpg_key_bundle(&d, "");
                let _ = parse_gpg_signature(&d[i..]);
            }
        }
    }
}
