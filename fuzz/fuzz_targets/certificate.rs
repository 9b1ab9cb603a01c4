//! ITE-7 certificates: DER and PEM X.509 certificates as links carry them, their attributes,
//! and the checks a chain makes (self-signature, validity). Nothing may panic.
#![no_main]

use intoto_x509::Certificate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut certs = Vec::new();
    if let Ok(c) = Certificate::from_der(data, "") {
        certs.push(c);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(c) = Certificate::from_pem(text, "") {
            // A loaded certificate writes back a PEM that loads to the same certificate.
            assert!(
                Certificate::from_pem(&c.to_pem(), "").is_ok_and(|again| again == c),
                "certificate PEM round trip"
            );
            certs.push(c);
        }
    }
    for c in certs {
        let _ = (c.common_name(), c.organizations(), c.dns_names(), c.emails(), c.uris());
        let _ = c.check_validity(1_800_000_000);
        let _ = c.check_signature_by(&c);
        let _ = c.check_signing_usage();
    }
});
