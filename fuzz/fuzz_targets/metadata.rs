//! Metadata parsing: a signed file as the verifier reads it (strict JSON, Metablock or DSSE
//! envelope), then its content as a layout (validated), link or Statement. Nothing may panic.
#![no_main]

use intoto_model::{Layout, Link, SignedContent, SignedDocument, Statement, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let content = match SignedDocument::from_slice(data) {
        Ok(SignedDocument::Metablock(mb)) => {
            let _ = mb.signed_bytes();
            let _ = mb.to_value();
            mb.signed
        }
        Ok(SignedDocument::Envelope(env)) => {
            let _ = env.pae();
            let _ = env.to_value();
            match json::parse_strict(&env.payload) {
                Ok(v) => v,
                Err(_) => return,
            }
        }
        // Not a wrapper: still try the content readers on any JSON value.
        Err(_) => match json::parse_strict(data) {
            Ok(v) => v,
            Err(_) => return,
        },
    };
    if let Ok(layout) = Layout::from_value(&content) {
        // What we read we can write back, and read again to the same value.
        let again = Layout::from_value(&layout.to_value());
        assert!(again.is_ok_and(|l| l == layout), "layout round trip");
    }
    if let Ok(link) = Link::from_value(&content) {
        let again = Link::from_value(&link.to_value());
        assert!(again.is_ok_and(|l| l == link), "link round trip");
    }
    if let Ok(statement) = Statement::from_value(&content) {
        let _ = statement.to_v1();
        let again = Statement::from_value(&statement.to_value());
        assert!(again.is_ok_and(|s| s == statement), "statement round trip");
    }
    if let Ok(c) = SignedContent::from_value(&content) {
        let _ = c.to_value();
    }
});
