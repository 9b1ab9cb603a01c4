//! OpenPGP packets: exported public key bundles (primary key, user ids, subkeys, binding
//! signatures) and detached signature packets. Nothing may panic.
#![no_main]

use intoto_crypto::gpg::{parse_gpg_key_bundle, parse_gpg_signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_gpg_signature(data);
    // The bundle parser checks the requested key id against the primary key's fingerprint;
    // an id that never matches still walks every packet before failing.
    let _ = parse_gpg_key_bundle(data, "0000000000000000000000000000000000000000");
});
