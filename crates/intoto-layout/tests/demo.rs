//! The TOML layout of the demo supply chain (`examples/demo/layout.toml`) converts to the
//! hand-written, reference-made `examples/demo/demo.layout`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use intoto_layout::{from_toml, unsigned_layout_bytes};
use intoto_model::{Timestamp, canonical};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

#[test]
fn demo_toml_equals_the_hand_written_layout() {
    let dir = demo();
    let toml = std::fs::read_to_string(dir.join("layout.toml")).unwrap();
    let now = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
    let converted = from_toml(&toml, &dir, now).unwrap();
    assert!(converted.warnings.0.is_empty(), "{:?}", converted.warnings);
    let ours = unsigned_layout_bytes(&converted.layout);

    let theirs = std::fs::read(dir.join("demo.layout")).unwrap();
    let canonical_of = |bytes: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        canonical::encode(&v).unwrap()
    };
    assert_eq!(
        String::from_utf8(canonical_of(&ours)).unwrap(),
        String::from_utf8(canonical_of(&theirs)).unwrap()
    );
    // Even the file bytes are the reference's (json.dumps(indent=1, sort_keys=True)).
    assert_eq!(ours, theirs);
}
