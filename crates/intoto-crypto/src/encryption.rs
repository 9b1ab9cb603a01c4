//! Password-based private key encryption: decrypting every scheme deployed in-toto keys use,
//! encrypting with PBES2 (PBKDF2-HMAC-SHA256 + AES-256-CBC) as pyca `cryptography` does.
//!
//! `pkcs5` covers PBES2. The legacy schemes it refuses are implemented here on top of the
//! RustCrypto primitives, decryption only: PBES1 `pbeWithMD5AndDES-CBC` and
//! `pbeWithSHA1AndDES-CBC` (what OpenSSL 1.x `-topk8 -v1` and pyca before 2022 wrote), PKCS#12
//! `pbeWithSHAAnd3-KeyTripleDES-CBC` (OpenSSL's default `-topk8` before 1.1), and the
//! OpenSSL "traditional" `Proc-Type: 4,ENCRYPTED` PEM headers.

use aes::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
use der::{
    Decode, Encode, Reader,
    asn1::{AnyRef, ObjectIdentifier, OctetStringRef},
};
use md5::Md5;
use sha1::Sha1;
use sha2::Digest;
use spki::AlgorithmIdentifierRef;

use crate::CryptoError;

const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const PBE_MD5_DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.3");
const PBE_SHA1_DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.10");
const PKCS12_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const PKCS12_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");

/// PBKDF2 iterations for keys we encrypt (OWASP 2023 recommendation for HMAC-SHA256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// Decrypts the DER of an `EncryptedPrivateKeyInfo` into the DER of a PKCS#8 `PrivateKeyInfo`.
pub fn decrypt_pkcs8(der: &[u8], password: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (alg, data) = parse_encrypted_info(der)
        .map_err(|e| CryptoError::invalid_key(format!("bad EncryptedPrivateKeyInfo: {e}")))?;
    let params = || {
        alg.parameters.ok_or_else(|| {
            CryptoError::invalid_key(format!("encryption {} without parameters", alg.oid))
        })
    };
    match alg.oid {
        PBES2 => {
            let scheme = pkcs5::EncryptionScheme::try_from(alg).map_err(|e| {
                CryptoError::UnsupportedEncryption {
                    scheme: format!("PBES2 with unsupported parameters ({e})"),
                }
            })?;
            let pbkdf2 = scheme.pbes2().and_then(|p| p.kdf.pbkdf2());
            if let Some(iterations) = pbkdf2.map(|p| p.iteration_count) {
                check_iterations(iterations)?;
            }
            scheme.decrypt(password, data).map_err(|e| match e {
                pkcs5::Error::UnsupportedAlgorithm { oid } => CryptoError::UnsupportedEncryption {
                    scheme: format!("PBES2 with algorithm {oid}"),
                },
                _ => CryptoError::WrongPassword,
            })
        }
        PBE_MD5_DES | PBE_SHA1_DES => {
            let (salt, iterations) = salt_and_iterations(params()?)?;
            let dk = if alg.oid == PBE_MD5_DES {
                pbkdf1::<Md5>(password, salt, iterations)
            } else {
                pbkdf1::<Sha1>(password, salt, iterations)
            };
            let (key, iv) = dk.split_at(8);
            cbc_decrypt::<des::Des>(key, &iv[..8], data)
        }
        PKCS12_SHA1_3DES | PKCS12_SHA1_2DES => {
            let (salt, iterations) = salt_and_iterations(params()?)?;
            let key_len = if alg.oid == PKCS12_SHA1_3DES { 24 } else { 16 };
            let key = pkcs12_kdf(password, salt, iterations, 1, key_len);
            let iv = pkcs12_kdf(password, salt, iterations, 2, 8);
            if key_len == 24 {
                cbc_decrypt::<des::TdesEde3>(&key, &iv, data)
            } else {
                cbc_decrypt::<des::TdesEde2>(&key, &iv, data)
            }
        }
        other => Err(CryptoError::UnsupportedEncryption {
            scheme: format!("algorithm {other}"),
        }),
    }
}

/// Decrypts the body of an OpenSSL "traditional" encrypted PEM (`DEK-Info: CIPHER,IVHEX`).
pub fn decrypt_openssl_legacy(
    dek_info: &str,
    body: &[u8],
    password: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let (cipher, iv_hex) = dek_info
        .split_once(',')
        .ok_or_else(|| CryptoError::invalid_key(format!("malformed DEK-Info {dek_info:?}")))?;
    let iv = intoto_model::hex::decode(iv_hex.trim())
        .map_err(|e| CryptoError::invalid_key(format!("DEK-Info IV: {e}")))?;
    let cipher = cipher.trim().to_ascii_uppercase();
    let key_len = match cipher.as_str() {
        "AES-128-CBC" => 16,
        "AES-192-CBC" | "DES-EDE3-CBC" => 24,
        "AES-256-CBC" => 32,
        "DES-CBC" => 8,
        _ => return Err(CryptoError::UnsupportedEncryption { scheme: cipher }),
    };
    let iv_len = if cipher.starts_with("AES") { 16 } else { 8 };
    if iv.len() != iv_len {
        return Err(CryptoError::invalid_key(format!(
            "DEK-Info IV has {} bytes, {cipher} needs {iv_len}",
            iv.len()
        )));
    }
    let key = evp_bytes_to_key(password, &iv[..8], key_len);
    match cipher.as_str() {
        "AES-128-CBC" => cbc_decrypt::<aes::Aes128>(&key, &iv, body),
        "AES-192-CBC" => cbc_decrypt::<aes::Aes192>(&key, &iv, body),
        "AES-256-CBC" => cbc_decrypt::<aes::Aes256>(&key, &iv, body),
        "DES-EDE3-CBC" => cbc_decrypt::<des::TdesEde3>(&key, &iv, body),
        _ => cbc_decrypt::<des::Des>(&key, &iv, body),
    }
}

/// Encrypts the DER of a PKCS#8 `PrivateKeyInfo` into an `EncryptedPrivateKeyInfo` (PBES2,
/// PBKDF2-HMAC-SHA256, AES-256-CBC, random 16-byte salt and IV).
pub fn encrypt_pkcs8(plain_der: &[u8], password: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let fail = |reason: String| CryptoError::KeyGeneration { reason };
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| fail(format!("random salt: {e}")))?;
    getrandom::fill(&mut iv).map_err(|e| fail(format!("random IV: {e}")))?;
    let params =
        pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, iv)
            .map_err(|e| fail(format!("PBES2 parameters: {e}")))?;
    let encrypted = params
        .encrypt(password, plain_der)
        .map_err(|e| fail(format!("encryption: {e}")))?;
    let info = pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: params.into(),
        encrypted_data: OctetStringRef::new(&encrypted)
            .map_err(|e| fail(format!("encoding: {e}")))?,
    };
    info.to_der().map_err(|e| fail(format!("encoding: {e}")))
}

fn parse_encrypted_info(der: &[u8]) -> der::Result<(AlgorithmIdentifierRef<'_>, &[u8])> {
    AnyRef::from_der(der)?.sequence(|r| {
        let alg: AlgorithmIdentifierRef<'_> = r.decode()?;
        let data: &OctetStringRef = r.decode()?;
        Ok((alg, data.as_bytes()))
    })
}

/// `SEQUENCE { salt OCTET STRING, iterationCount INTEGER }`: PBES1 `PBEParameter` and PKCS#12
/// `pkcs-12PbeParams` share this shape.
fn salt_and_iterations(params: AnyRef<'_>) -> Result<(&[u8], u32), CryptoError> {
    let (salt, iterations) = params
        .sequence(|r| {
            let salt: &OctetStringRef = r.decode()?;
            let iterations: u32 = r.decode()?;
            Ok::<_, der::Error>((salt.as_bytes(), iterations))
        })
        .map_err(|e| CryptoError::invalid_key(format!("bad PBE parameters: {e}")))?;
    check_iterations(iterations)?;
    Ok((salt, iterations))
}

/// Most key-derivation iterations an encrypted private key may ask for: bounds the work a
/// crafted file can demand (OpenSSL writes 2048, we write [`PBKDF2_ITERATIONS`]).
pub const MAX_KDF_ITERATIONS: u32 = 10_000_000;

fn check_iterations(iterations: u32) -> Result<(), CryptoError> {
    if iterations == 0 || iterations > MAX_KDF_ITERATIONS {
        return Err(CryptoError::invalid_key(format!(
            "PBE iteration count {iterations} out of range (1 to {MAX_KDF_ITERATIONS})"
        )));
    }
    Ok(())
}

/// PBKDF1 (RFC 8018 5.1): 16 bytes of `H^c(P || S)`.
fn pbkdf1<D: Digest>(password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
    let mut t = D::new()
        .chain_update(password)
        .chain_update(salt)
        .finalize();
    for _ in 1..iterations {
        t = D::digest(t);
    }
    t[..16].to_vec()
}

/// The PKCS#12 key derivation (RFC 7292 appendix B.2) with SHA-1.
fn pkcs12_kdf(password: &[u8], salt: &[u8], iterations: u32, id: u8, n: usize) -> Vec<u8> {
    const U: usize = 20;
    const V: usize = 64;
    // The password as a NUL-terminated BMPString; passwords are UTF-8 on our side.
    let mut bmp = Vec::with_capacity(password.len() * 2 + 2);
    match std::str::from_utf8(password) {
        Ok(s) => s
            .encode_utf16()
            .for_each(|c| bmp.extend_from_slice(&c.to_be_bytes())),
        Err(_) => password
            .iter()
            .for_each(|&b| bmp.extend_from_slice(&[0, b])),
    }
    bmp.extend_from_slice(&[0, 0]);
    let repeat = |data: &[u8]| -> Vec<u8> {
        if data.is_empty() {
            return Vec::new();
        }
        let len = V * data.len().div_ceil(V);
        data.iter().copied().cycle().take(len).collect()
    };
    let d = [id; V];
    let mut i = repeat(salt);
    i.extend(repeat(&bmp));
    let mut out = Vec::with_capacity(n + U);
    while out.len() < n {
        let mut a = Sha1::new().chain_update(d).chain_update(&i).finalize();
        for _ in 1..iterations {
            a = Sha1::digest(a);
        }
        out.extend_from_slice(&a);
        let b: Vec<u8> = a.iter().copied().cycle().take(V).collect();
        for block in i.chunks_mut(V) {
            // block = (block + b + 1) mod 2^(8V), big-endian.
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().zip(&b).rev() {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

/// OpenSSL `EVP_BytesToKey` with MD5 and one iteration.
fn evp_bytes_to_key(password: &[u8], salt: &[u8], key_len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(key_len + 16);
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < key_len {
        prev = Md5::new()
            .chain_update(&prev)
            .chain_update(password)
            .chain_update(salt)
            .finalize()
            .to_vec();
        out.extend_from_slice(&prev);
    }
    out.truncate(key_len);
    out
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError>
where
    C: aes::cipher::BlockCipherDecrypt + aes::cipher::KeyInit,
    cbc::Decryptor<C>: KeyIvInit + BlockModeDecrypt,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| CryptoError::invalid_key("bad cipher key or IV length"))?;
    // A wrong password almost always shows up as bad padding; the rest is caught when the
    // plaintext does not parse as a key.
    dec.decrypt_padded_vec::<Pkcs7>(data)
        .map_err(|_| CryptoError::WrongPassword)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -k hunter2 -S 0001020304050607 -P -md md5`
        let key = evp_bytes_to_key(b"hunter2", &[0, 1, 2, 3, 4, 5, 6, 7], 32);
        assert_eq!(
            intoto_model::hex::encode(&key),
            "06940008fff3c7ae9eee41d8ebff03dfb475b35c08d5076741b2d3d48ffbd02b"
        );
    }

    #[test]
    fn pkcs8_encryption_round_trips() {
        let plain = b"0123456789abcdef-some-der";
        let enc = encrypt_pkcs8(plain, b"pw").unwrap();
        assert_eq!(decrypt_pkcs8(&enc, b"pw").unwrap(), plain);
        assert!(matches!(
            decrypt_pkcs8(&enc, b"nope"),
            Err(CryptoError::WrongPassword) | Ok(_)
        ));
    }

    #[test]
    fn garbage_is_invalid_not_a_panic() {
        assert!(matches!(
            decrypt_pkcs8(b"\x30\x03\x02\x01\x00", b"x"),
            Err(CryptoError::InvalidKey { .. })
        ));
        assert!(decrypt_openssl_legacy("AES-256-CBC,zz", b"", b"x").is_err());
        assert!(matches!(
            decrypt_openssl_legacy("BF-CBC,0001020304050607", b"", b"x"),
            Err(CryptoError::UnsupportedEncryption { .. })
        ));
    }
}
