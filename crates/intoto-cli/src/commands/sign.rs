//! `in-toto sign`: sign link or layout metadata, or verify its signatures, with the flags of
//! the reference's `in-toto-sign`.
//!
//! Exit codes as the reference: signing 0 ok / 2 error; `--verify` 0 all keys verified /
//! 1 a signature is missing or bad / 2 any other error.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use intoto_crypto::{PrivateKey, PublicKey};
use intoto_model::{Envelope, IN_TOTO_PAYLOAD_TYPE, SignedDocument, pyjson};
use serde_json::Value;

use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Sign 'unsigned.layout' with two keys and write it to 'root.layout':
    in-toto sign -f unsigned.layout -k priv_key1 priv_key2 -o root.layout
  Replace the signature of a link, writing 'package.<keyid prefix>.link':
    in-toto sign -f package.2f89b927.link -k priv_key
  Verify a layout signed with two keys:
    in-toto sign -f root.layout -k pub_key1 pub_key2 --verify")]
pub struct Args {
    /// Link or layout file to sign or verify (Metablock or DSSE envelope).
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    file: PathBuf,
    /// Key files: PEM private keys to sign with, or PEM public keys with --verify.
    #[arg(short = 'k', long = "key", value_name = "PATH", num_args = 1.., required_unless_present = "gpg", conflicts_with = "gpg")]
    keys: Vec<PathBuf>,
    /// Prompt for the password of encrypted signing keys.
    #[arg(short = 'p', long)]
    prompt: bool,
    /// Sign with GnuPG keys (the default key when no id is given), or verify with keys exported
    /// from the keyring (ids required).
    #[arg(short = 'g', long = "gpg", value_name = "ID", num_args = 0..)]
    gpg: Option<Vec<String>>,
    /// GnuPG home directory (default: gpg's own).
    #[arg(long = "gpg-home", value_name = "PATH")]
    gpg_home: Option<PathBuf>,
    /// Where to write the signed file. Default: layouts overwrite the input file, links go to
    /// '<name>.<keyid prefix>.link' in the current directory.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "PATH",
        conflicts_with = "verify"
    )]
    output: Option<PathBuf>,
    /// Add signatures instead of replacing the existing ones (layouts only).
    #[arg(short = 'a', long = "append", conflicts_with = "verify")]
    append: bool,
    /// Verify the signatures instead of signing: every key passed must have a valid signature.
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// What the signed content is, read from its `_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Content {
    Layout,
    Link { name: String },
}

/// Runs `in-toto sign`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.verify && args.gpg.as_ref().is_some_and(Vec::is_empty) {
        return Err(Failure::usage(anyhow!(
            "verifying with GnuPG needs at least one key id ('--gpg KEYID ...')"
        )));
    }
    let document = files::read_signed_document(&args.file)?;
    let content = content_of(&document)
        .with_context(|| format!("'{}' is not a link or layout", args.file.display()))?;
    if args.verify {
        verify(&document, &args)
    } else {
        sign(document, &content, &args)
    }
}

fn content_of(document: &SignedDocument) -> anyhow::Result<Content> {
    let signed: Value = match document {
        SignedDocument::Metablock(mb) => mb.signed.clone(),
        SignedDocument::Envelope(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                anyhow::bail!(
                    "the DSSE payloadType is {:?}, not in-toto's {IN_TOTO_PAYLOAD_TYPE:?}",
                    env.payload_type
                );
            }
            intoto_model::json::parse_strict(&env.payload)
                .context("the DSSE payload is not JSON")?
        }
    };
    let content = intoto_model::SignedContent::from_value(&signed).map_err(|e| {
        anyhow!(match document {
            SignedDocument::Metablock(_) => e.within("signed"),
            SignedDocument::Envelope(_) => e.within("payload"),
        })
    })?;
    Ok(match content {
        intoto_model::SignedContent::Layout(_) => Content::Layout,
        intoto_model::SignedContent::Link(link) => Content::Link {
            name: link.name.to_string(),
        },
    })
}

fn verify(document: &SignedDocument, args: &Args) -> Result<(), Failure> {
    if let Some(ids) = &args.gpg {
        return verify_gpg(document, ids, args);
    }
    for path in &args.keys {
        let pem = files::read_pem(path)?;
        let key = PublicKey::from_pem(&pem)
            .with_context(|| format!("cannot load the public key '{}'", path.display()))?;
        let result = match document {
            SignedDocument::Metablock(mb) => intoto_crypto::verify_metablock(mb, &key),
            SignedDocument::Envelope(env) => intoto_crypto::verify_envelope(env, &key),
        };
        result.map_err(|e| {
            Failure::verification(anyhow!(
                "signature verification failed for '{}': {e} (public key file '{}')",
                args.file.display(),
                path.display()
            ))
        })?;
        tracing::info!("signature verification passed for keyid '{}'", key.keyid());
    }
    Ok(())
}

fn verify_gpg(document: &SignedDocument, ids: &[String], args: &Args) -> Result<(), Failure> {
    let SignedDocument::Metablock(mb) = document else {
        return Err(Failure::usage(anyhow!(
            "GnuPG signatures exist only in Metablocks, not in DSSE envelopes"
        )));
    };
    let gpg = super::gpg_program(args.gpg_home.as_deref())?;
    for id in ids {
        let key = gpg
            .export_pubkey(id)
            .with_context(|| format!("cannot export GnuPG key {id}"))?;
        intoto_crypto::gpg::verify_metablock_gpg(mb, &key).map_err(|e| {
            Failure::verification(anyhow!(
                "signature verification failed for '{}': {e} (GnuPG key {id})",
                args.file.display()
            ))
        })?;
        tracing::info!("signature verification passed for GnuPG key '{id}'");
    }
    Ok(())
}

fn sign_gpg(
    mut document: SignedDocument,
    content: &Content,
    ids: &[String],
    args: &Args,
) -> Result<(), Failure> {
    let SignedDocument::Metablock(mb) = &mut document else {
        return Err(Failure::usage(anyhow!(
            "GnuPG signing is not available for DSSE envelopes (nor in the reference)"
        )));
    };
    if matches!(content, Content::Link { .. }) && ids.len() > 1 {
        return Err(Failure::usage(anyhow!(
            "a link is signed by exactly one key, {} were given",
            ids.len()
        )));
    }
    if !args.append {
        mb.signatures.clear();
    }
    let gpg = super::gpg_program(args.gpg_home.as_deref())?;
    let mut last = None;
    if ids.is_empty() {
        last = Some(
            intoto_crypto::gpg::sign_metablock_gpg(mb, &gpg, None)
                .context("cannot sign with the default GnuPG key")?,
        );
    }
    for id in ids {
        last = Some(
            intoto_crypto::gpg::sign_metablock_gpg(mb, &gpg, Some(id))
                .with_context(|| format!("cannot sign with GnuPG key {id}"))?,
        );
    }
    let output = match (&args.output, content, &last) {
        (Some(output), _, _) => output.clone(),
        (None, Content::Link { name }, Some(keyid)) => {
            PathBuf::from(format!("{name}.{}.link", keyid.short()))
        }
        _ => args.file.clone(),
    };
    files::write_atomically(&output, &pyjson::metablock_file(&mb.to_value()))?;
    tracing::info!("wrote signed metadata to '{}'", output.display());
    Ok(())
}

fn sign(mut document: SignedDocument, content: &Content, args: &Args) -> Result<(), Failure> {
    if matches!(content, Content::Link { .. }) && args.append {
        return Err(Failure::usage(anyhow!(
            "--append is only available for layouts; a link has one signature"
        )));
    }
    if let Some(ids) = &args.gpg {
        return sign_gpg(document, content, ids, args);
    }
    if let Content::Link { .. } = content {
        if args.keys.len() != 1 {
            return Err(Failure::usage(anyhow!(
                "a link is signed by exactly one key, {} were given",
                args.keys.len()
            )));
        }
        if args.append {
            return Err(Failure::usage(anyhow!(
                "--append is only available for layouts; a link has one signature"
            )));
        }
    }
    let keys = load_signing_keys(&args.keys, args.prompt)?;
    let output = output_path(args, content, &keys)?;
    let bytes = match &mut document {
        SignedDocument::Metablock(mb) => {
            if !args.append {
                mb.signatures.clear();
            }
            for key in &keys {
                intoto_crypto::sign_metablock(mb, key)
                    .with_context(|| format!("cannot sign with key {}", key.keyid()))?;
            }
            pyjson::metablock_file(&mb.to_value())
        }
        SignedDocument::Envelope(env) => {
            if !args.append {
                env.signatures.clear();
            }
            for key in &keys {
                intoto_crypto::sign_envelope(env, key)
                    .with_context(|| format!("cannot sign with key {}", key.keyid()))?;
            }
            pyjson::compact_sorted(&Envelope::to_value(env))
        }
    };
    files::write_atomically(&output, &bytes)?;
    tracing::info!("wrote signed metadata to '{}'", output.display());
    Ok(())
}

fn load_signing_keys(paths: &[PathBuf], prompt: bool) -> anyhow::Result<Vec<PrivateKey>> {
    let password = if prompt {
        Some(super::prompt_password(
            "Enter the password of the signing key(s): ",
        )?)
    } else {
        None
    };
    paths
        .iter()
        .map(|path| load_signing_key(path, password.as_deref()))
        .collect()
}

fn load_signing_key(path: &Path, password: Option<&[u8]>) -> anyhow::Result<PrivateKey> {
    let pem = files::read_limited(path)?;
    if password.is_none() && PrivateKey::pem_is_encrypted(&pem) {
        anyhow::bail!(
            "the signing key '{}' is encrypted; pass --prompt to enter its password",
            path.display()
        );
    }
    PrivateKey::from_pem(&pem, password)
        .with_context(|| format!("cannot load the signing key '{}'", path.display()))
}

fn output_path(args: &Args, content: &Content, keys: &[PrivateKey]) -> anyhow::Result<PathBuf> {
    if let Some(output) = &args.output {
        return Ok(output.clone());
    }
    Ok(match (content, keys.last()) {
        (Content::Link { name }, Some(key)) => {
            PathBuf::from(format!("{name}.{}.link", key.keyid().short()))
        }
        _ => args.file.clone(),
    })
}
