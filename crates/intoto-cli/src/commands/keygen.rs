//! `in-toto keygen`: generate a signing key pair in the formats the reference tools load.
//!
//! The reference removed its `in-toto-keygen` in 2.2.0; this command writes what its CLIs
//! expect: a PKCS#8 PEM private key (encrypted with a password on request) and a
//! SubjectPublicKeyInfo PEM public key next to it as `NAME.pub`.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use intoto_crypto::{KeyType, PrivateKey};

use crate::{exit::Failure, logging::Verbosity};

/// Arguments of `in-toto keygen`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:\n  in-toto keygen alice\n  in-toto keygen -t rsa --prompt bob")]
pub struct Args {
    /// Path of the private key to write; the public key goes to `<NAME>.pub`.
    #[arg(value_name = "NAME")]
    name: PathBuf,
    /// Key type.
    #[arg(short = 't', long = "type", default_value = "ed25519", value_parser = ["ed25519", "rsa", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521"])]
    key_type: String,
    /// Prompt for a password and encrypt the private key with it.
    #[arg(short = 'p', long)]
    prompt: bool,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Runs `in-toto keygen`.
pub fn run(args: Args) -> Result<(), Failure> {
    let kind: KeyType = args
        .key_type
        .parse()
        .map_err(|e| Failure::usage(anyhow::anyhow!("{e}")))?;
    let public_path = {
        let mut p = args.name.clone().into_os_string();
        p.push(".pub");
        PathBuf::from(p)
    };
    if !args.force {
        for path in [&args.name, &public_path] {
            if path.exists() {
                return Err(Failure::usage(anyhow::anyhow!(
                    "'{}' already exists (pass --force to replace it)",
                    path.display()
                )));
            }
        }
    }
    let password = if args.prompt {
        let first = super::prompt_password("Enter a password for the new key: ")?;
        let second = super::prompt_password("Enter the same password again: ")?;
        if first != second {
            return Err(Failure::usage(anyhow::anyhow!(
                "the passwords do not match"
            )));
        }
        Some(first)
    } else {
        None
    };
    let key = PrivateKey::generate(kind).context("cannot generate the key")?;
    let private_pem = key
        .to_pkcs8_pem(password.as_deref())
        .context("cannot encode the private key")?;
    let public_pem = key
        .public_key()
        .to_pem()
        .context("cannot encode the public key")?;
    write_private(&args.name, private_pem.as_bytes())?;
    fs::write(&public_path, public_pem.as_bytes())
        .with_context(|| format!("cannot write '{}'", public_path.display()))?;
    tracing::info!(
        "wrote '{}' and '{}'",
        args.name.display(),
        public_path.display()
    );
    println!("{}", key.keyid());
    Ok(())
}

/// Writes the private key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create '{}'", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    Ok(())
}
