//! [`Signer`]: what signs a link, a private key or (feature `gpg`) a GnuPG key through the
//! `gpg` program.

use intoto_crypto::PrivateKey;
use intoto_model::{Envelope, KeyId};

use crate::RecordError;

/// What signs the links of `in-toto run` and `record start|stop`.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one signer per command; boxing would only make callers write Box::new"
)]
pub enum Signer {
    /// A private key loaded in memory (`--signing-key`).
    Key(PrivateKey),
    /// ITE-7: a private key whose X.509 certificate is embedded in the signature (`cert`), as
    /// in-toto-golang's `--cert` does (`--signing-key` with `--cert`). The caller checks that
    /// the certificate is the key's. Metablocks only: DSSE signatures have no `cert`.
    Certified {
        /// The private key.
        key: PrivateKey,
        /// The certificate, PEM, written as is into the signature's `cert`.
        cert_pem: String,
        /// The key id the signature carries (and the file is named after): in-toto-golang
        /// verifies a certificate's signature under its own (legacy) key id of the
        /// certificate's key, so the caller passes that one.
        keyid: KeyId,
    },
    /// A key in a GnuPG keyring, used through the `gpg` program (`-g/--gpg [KEYID]`):
    /// `keyid` names the key (anything `gpg --local-user` accepts), `None` is gpg's default
    /// key. Metablocks only: GnuPG signatures do not exist in DSSE envelopes.
    #[cfg(feature = "gpg")]
    Gpg {
        /// The `gpg` program and its home directory.
        program: intoto_crypto::gpg::GpgProgram,
        /// The key to sign with, or `None` for the default key.
        keyid: Option<String>,
    },
}

impl From<PrivateKey> for Signer {
    fn from(key: PrivateKey) -> Self {
        Signer::Key(key)
    }
}

impl Signer {
    /// The key id the signature will carry when it is known before signing (a private key);
    /// `None` for GnuPG, whose signing (sub)key is known only from the signature.
    pub fn known_keyid(&self) -> Option<&KeyId> {
        match self {
            Signer::Key(key) => Some(key.keyid()),
            Signer::Certified { keyid, .. } => Some(keyid),
            #[cfg(feature = "gpg")]
            Signer::Gpg { .. } => None,
        }
    }

    /// The private key, for a key signer (with or without certificate).
    pub fn private_key(&self) -> Option<&PrivateKey> {
        match self {
            Signer::Key(key) | Signer::Certified { key, .. } => Some(key),
            #[cfg(feature = "gpg")]
            Signer::Gpg { .. } => None,
        }
    }

    /// Whether this signer can sign DSSE envelopes (GnuPG cannot, as in the reference; a
    /// certificate has no place in a DSSE signature).
    pub fn supports_dsse(&self) -> bool {
        matches!(self, Signer::Key(_))
    }

    /// Signs `env` and returns the signature's key id; GnuPG is refused.
    pub(crate) fn sign_envelope(
        &self,
        step: &str,
        env: &mut Envelope,
    ) -> Result<KeyId, RecordError> {
        match self {
            Signer::Key(key) => {
                intoto_crypto::sign_envelope(env, key).map_err(|source| RecordError::Sign {
                    step: step.to_string(),
                    source,
                })?;
                Ok(key.keyid().clone())
            }
            Signer::Certified { .. } => Err(RecordError::CertificateDsse {
                step: step.to_string(),
            }),
            #[cfg(feature = "gpg")]
            Signer::Gpg { .. } => Err(RecordError::GpgDsse {
                step: step.to_string(),
            }),
        }
    }
}
