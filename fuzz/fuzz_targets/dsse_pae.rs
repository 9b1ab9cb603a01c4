//! DSSE: envelopes read from JSON, and PAE over arbitrary type and payload. PAE must be
//! injective: the encoding parses back to exactly the type and payload it was made from.
#![no_main]

use intoto_model::{Envelope, json, pae};
use libfuzzer_sys::fuzz_target;

/// Splits `DSSEv1 LEN type LEN payload` back into its parts.
fn unpae(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = bytes.strip_prefix(b"DSSEv1 ")?;
    let (type_bytes, rest) = take_field(rest)?;
    let rest = rest.strip_prefix(b" ")?;
    let (payload, rest) = take_field(rest)?;
    rest.is_empty().then_some((type_bytes, payload))
}

fn take_field(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let space = bytes.iter().position(|b| *b == b' ')?;
    let len: usize = std::str::from_utf8(&bytes[..space]).ok()?.parse().ok()?;
    let body = bytes.get(space + 1..)?;
    (body.len() >= len).then(|| body.split_at(len))
}

fuzz_target!(|data: &[u8]| {
    // First byte: length of the type (taken from the input), rest: the payload.
    if let Some((&n, rest)) = data.split_first() {
        let n = usize::from(n).min(rest.len());
        let (t, payload) = rest.split_at(n);
        if let Ok(t) = std::str::from_utf8(t) {
            let encoded = pae(t, payload);
            assert_eq!(
                unpae(&encoded),
                Some((t.as_bytes(), payload)),
                "PAE not injective"
            );
        }
    }
    if let Ok(value) = json::parse_strict(data) {
        if let Ok(env) = Envelope::from_value(&value) {
            let again = Envelope::from_value(&env.to_value());
            assert!(again.is_ok_and(|e| e == env), "envelope round trip");
        }
    }
});
