//! TOML layouts: any text through `intoto_layout::from_toml` (with the demo's key files beside
//! it), the rule/command splitter and the expiry parser. Nothing may panic; a converted layout
//! writes an unsigned file that reads back as the same layout, passes the JSON check without
//! errors, and renders as a tree; split words joined and split again are the same words.
#![no_main]

use std::path::Path;

use intoto_layout::{Expiry, check_layout_value, from_toml, show, unsigned_layout_bytes, words};
use intoto_model::{Layout, SignedDocument, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(split) = words::split(text) {
        let again = words::split(&words::join(&split));
        assert!(again.as_ref() == Ok(&split), "join/split: {split:?} -> {again:?}");
    }
    let Ok(now) = Timestamp::parse("2026-01-01T00:00:00Z") else {
        return;
    };
    if let Ok(expiry) = text.parse::<Expiry>() {
        let _ = expiry.resolve(now);
    }
    let keys = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/demo"));
    let Ok(converted) = from_toml(text, keys, now) else {
        return;
    };
    let bytes = unsigned_layout_bytes(&converted.layout);
    let Ok(SignedDocument::Metablock(mb)) = SignedDocument::from_slice(&bytes) else {
        panic!("the written layout is not a Metablock");
    };
    assert!(
        Layout::from_value(&mb.signed).is_ok_and(|l| l == converted.layout),
        "the written layout does not read back"
    );
    let (_, problems) = check_layout_value(&mb.signed, "signed", None);
    assert!(!problems.has_errors(), "converted, but the JSON check finds {problems}");
    let _ = show::render(&converted.layout, &[], Some(now));
});
