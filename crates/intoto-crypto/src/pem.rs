//! PEM text: a lenient reader (RFC 7468 plus the RFC 1421 headers OpenSSL writes for
//! `Proc-Type: 4,ENCRYPTED` keys) and a writer that produces what pyca `cryptography` writes.

use base64::Engine as _;

use crate::CryptoError;

/// One PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pem {
    /// The label, e.g. `PUBLIC KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`.
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`) in order.
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    pub der: Vec<u8>,
}

impl Pem {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses the first PEM block of `text`. Text before the block and after it is ignored (as
/// OpenSSL does), line endings may be `\n` or `\r\n`.
pub fn parse(text: &[u8]) -> Result<Pem, CryptoError> {
    let text =
        std::str::from_utf8(text).map_err(|_| CryptoError::invalid_key("PEM text is not UTF-8"))?;
    let mut lines = text.lines().map(str::trim);
    let label = loop {
        let line = lines
            .next()
            .ok_or_else(|| CryptoError::invalid_key("no \"-----BEGIN ...-----\" line (not PEM)"))?;
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            let label = rest
                .strip_suffix("-----")
                .ok_or_else(|| CryptoError::invalid_key("malformed PEM BEGIN line"))?;
            break label.to_string();
        }
    };
    let end = format!("-----END {label}-----");
    let mut headers = Vec::new();
    let mut body = String::new();
    let mut in_headers = true;
    let mut ended = false;
    for line in lines {
        if line == end {
            ended = true;
            break;
        }
        if line.starts_with("-----") {
            return Err(CryptoError::invalid_key(format!(
                "PEM block {label:?} ends with {line:?}"
            )));
        }
        if in_headers {
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
                continue;
            }
            in_headers = false;
            if line.is_empty() {
                continue;
            }
        }
        body.push_str(line);
    }
    if !ended {
        return Err(CryptoError::invalid_key(format!(
            "PEM block {label:?} has no END line"
        )));
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| CryptoError::invalid_key(format!("PEM body is not base64: {e}")))?;
    Ok(Pem {
        label,
        headers,
        der,
    })
}

/// Writes `der` as PEM the way OpenSSL and pyca `cryptography` do: 64-character lines, `\n`
/// line endings, a trailing newline.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_headers() {
        let pem = encode("TEST", &[1u8; 100]);
        let parsed = parse(pem.as_bytes()).unwrap();
        assert_eq!(parsed.label, "TEST");
        assert_eq!(parsed.der, vec![1u8; 100]);
        let with_headers = "junk\r\n-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-256-CBC,00\r\n\r\nAQID\r\n-----END RSA PRIVATE KEY-----\r\n";
        let parsed = parse(with_headers.as_bytes()).unwrap();
        assert_eq!(parsed.header("dek-info"), Some("AES-256-CBC,00"));
        assert_eq!(parsed.der, vec![1, 2, 3]);
    }

    #[test]
    fn rejects_broken_pem() {
        for bad in [
            &b""[..],
            b"-----BEGIN X-----\nAQID\n",
            b"-----BEGIN X-----\nAQID\n-----END Y-----\n",
            b"-----BEGIN X-----\n!!!\n-----END X-----\n",
            b"\xff\xfe",
        ] {
            assert!(matches!(parse(bad), Err(CryptoError::InvalidKey { .. })));
        }
    }
}
