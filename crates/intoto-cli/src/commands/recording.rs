//! Flags and helpers shared by `in-toto run`, `in-toto record start|stop` and `in-toto mock`:
//! artifact options, the signing key, and reporting what was skipped.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use intoto_crypto::PrivateKey;
use intoto_hash::{
    Algorithm, DEFAULT_EXCLUDES, Excludes, Lstrip, RecordOptions, Resolvers, SkipReason, Skipped,
};
use intoto_model::StepName;
use intoto_record::Signer;

use crate::{exit::Failure, files};

/// How artifacts are recorded (the reference's flags plus its library-only options).
#[derive(Debug, Clone, clap::Args)]
pub struct ArtifactArgs {
    /// Gitignore-style patterns of paths not to record. Replaces the defaults '*.link*', '.git',
    /// '*.pyc', '*~' (as the reference does); see --add-exclude to extend them.
    #[arg(long = "exclude", value_name = "PATTERN", num_args = 1..)]
    exclude: Option<Vec<String>>,
    /// Patterns excluded in addition to the defaults (or to --exclude).
    #[arg(long = "add-exclude", value_name = "PATTERN", num_args = 1..)]
    add_exclude: Vec<String>,
    /// Directory that relative artifact paths start from; not part of the recorded names.
    #[arg(long = "base-path", value_name = "PATH")]
    base_path: Option<PathBuf>,
    /// Prefixes removed from recorded names (the first that matches); no prefix may be a
    /// prefix of another, and two artifacts must not end up with the same name.
    #[arg(long = "lstrip-paths", value_name = "PATH", num_args = 1..)]
    lstrip_paths: Vec<String>,
    /// Follow symlinks to directories (the default, as the reference's tools do).
    #[arg(
        long = "follow-symlink-dirs",
        overrides_with = "no_follow_symlink_dirs"
    )]
    follow_symlink_dirs: bool,
    /// Do not follow symlinks to directories: they are left out of the link.
    #[arg(long = "no-follow-symlink-dirs")]
    no_follow_symlink_dirs: bool,
    /// Hash files with CRLF and CR line endings turned into LF (cross-platform digests).
    #[arg(long = "normalize-line-endings")]
    normalize_line_endings: bool,
    /// Hash algorithms recorded for every artifact.
    #[arg(long = "hash", value_name = "ALG", num_args = 1.., default_value = "sha256", value_parser = ["sha256", "sha512", "blake3"])]
    hash: Vec<String>,
}

impl ArtifactArgs {
    /// The library options. Bad patterns or overlapping prefixes exit 1, as in the reference
    /// (it raises them while recording, not while parsing arguments).
    pub fn options(&self) -> Result<RecordOptions, Failure> {
        let mut patterns: Vec<String> = match &self.exclude {
            Some(p) => p.clone(),
            None => DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
        };
        patterns.extend(self.add_exclude.iter().cloned());
        let excludes = Excludes::new(&patterns).map_err(Failure::error)?;
        let lstrip = Lstrip::new(self.lstrip_paths.iter().cloned()).map_err(Failure::error)?;
        let mut algorithms = Vec::new();
        for name in &self.hash {
            let alg: Algorithm = name
                .parse()
                .map_err(|e: String| Failure::usage(anyhow!(e)))?;
            if !algorithms.contains(&alg) {
                algorithms.push(alg);
            }
        }
        Ok(RecordOptions {
            base_path: self.base_path.clone(),
            excludes,
            lstrip,
            follow_symlink_dirs: !self.no_follow_symlink_dirs || self.follow_symlink_dirs,
            normalize_line_endings: self.normalize_line_endings,
            algorithms,
            resolvers: Resolvers::reference(),
        })
    }
}

/// `--signing-key`, `-P/--password`, `-g/--gpg`, `--gpg-home`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// PEM private key to sign the link with (PKCS#8, also encrypted; PKCS#1; SEC1).
    #[arg(long = "signing-key", value_name = "PATH")]
    signing_key: Option<PathBuf>,
    /// Password of an encrypted signing key; '-P' alone asks for it.
    #[arg(short = 'P', long = "password", value_name = "PASSWORD", num_args = 0..=1)]
    password: Option<Option<String>>,
    /// Sign with a GnuPG key through the gpg program: the key with this id, or gpg's default
    /// key when no id is given (Metablocks only, not with --use-dsse).
    #[arg(short = 'g', long = "gpg", value_name = "ID", num_args = 0..=1)]
    gpg: Option<Option<String>>,
    /// GnuPG home directory (default: gpg's own); only with --gpg.
    #[arg(long = "gpg-home", value_name = "PATH")]
    gpg_home: Option<PathBuf>,
    /// ITE-7: the signing key's X.509 certificate (PEM), embedded in the signature as
    /// in-toto-golang does (`cert`); only with --signing-key, Metablocks only.
    #[arg(
        short = 'c',
        long = "cert",
        value_name = "PATH",
        requires = "signing_key"
    )]
    cert: Option<PathBuf>,
}

impl KeyArgs {
    /// Whether the link is signed through GnuPG (`-g/--gpg`).
    pub fn is_gpg(&self) -> bool {
        self.gpg.is_some()
    }

    /// Refuses GnuPG with DSSE (exit 2): GnuPG signatures exist only in Metablocks. The
    /// reference runs the command and then fails to sign (exit 1); we refuse before anything
    /// runs.
    pub fn check_wrapper(&self, dsse: bool, flag: &str) -> Result<(), Failure> {
        if dsse && self.cert.is_some() {
            return Err(Failure::usage(anyhow!(
                "--cert embeds the certificate in a Metablock signature (as in-toto-golang does); it cannot be used with {flag}"
            )));
        }
        if dsse && self.is_gpg() {
            return Err(Failure::usage(anyhow!(
                "GnuPG keys cannot sign DSSE envelopes (nor in the reference): drop {flag} or use --signing-key"
            )));
        }
        Ok(())
    }

    /// The signer: a PEM key or a GnuPG key. Both or neither are usage errors (exit 2), a key
    /// that cannot be loaded is an error (exit 1) as in the reference.
    pub fn load(&self) -> Result<Signer, Failure> {
        match (&self.signing_key, &self.gpg) {
            (Some(_), Some(_)) | (None, None) => Err(Failure::usage(anyhow!(
                "specify either '--signing-key <path>' or '--gpg [<keyid>]'"
            ))),
            (None, Some(keyid)) => {
                let program =
                    super::gpg_program(self.gpg_home.as_deref()).map_err(Failure::error)?;
                Ok(Signer::Gpg {
                    program,
                    keyid: keyid.clone(),
                })
            }
            (Some(path), None) => {
                if self.gpg_home.is_some() {
                    tracing::warn!("--gpg-home is ignored without --gpg");
                }
                let key = self.load_pem(path)?;
                match &self.cert {
                    None => Ok(Signer::Key(key)),
                    Some(cert_path) => {
                        let cert = load_certificate(cert_path)?;
                        intoto_x509::check_key_matches(&cert, &key)
                            .with_context(|| {
                                format!("cannot use the certificate '{}'", cert_path.display())
                            })
                            .map_err(Failure::error)?;
                        Ok(Signer::Certified {
                            keyid: intoto_x509::go_keyid(&cert),
                            key,
                            cert_pem: cert.to_pem(),
                        })
                    }
                }
            }
        }
    }

    /// A PEM key only, for DSSE-only commands (`in-toto attest`): GnuPG is a usage error.
    pub fn load_key(&self) -> Result<PrivateKey, Failure> {
        if self.cert.is_some() {
            return Err(Failure::usage(anyhow!(
                "--cert embeds the certificate in a Metablock signature; attestations are DSSE envelopes"
            )));
        }
        self.check_wrapper(true, "--gpg")?;
        match self.load()? {
            Signer::Key(key) | Signer::Certified { key, .. } => Ok(key),
            Signer::Gpg { .. } => Err(Failure::usage(anyhow!(
                "GnuPG keys cannot sign DSSE envelopes"
            ))),
        }
    }

    fn load_pem(&self, path: &std::path::Path) -> Result<PrivateKey, Failure> {
        let password = match &self.password {
            None => None,
            Some(Some(pw)) => Some(pw.clone().into_bytes()),
            Some(None) => Some(super::prompt_password(
                "Enter the password of the signing key: ",
            )?),
        };
        let pem = files::read_limited(path).map_err(Failure::error)?;
        if password.is_none() && PrivateKey::pem_is_encrypted(&pem) {
            return Err(Failure::error(anyhow!(
                "the signing key '{}' is encrypted; pass -P to enter its password",
                path.display()
            )));
        }
        PrivateKey::from_pem(&pem, password.as_deref())
            .with_context(|| format!("cannot load the signing key '{}'", path.display()))
            .map_err(Failure::error)
    }
}

/// Reads an X.509 certificate (PEM) for `--cert`; a bad file is an error (exit 1).
fn load_certificate(path: &std::path::Path) -> Result<intoto_x509::Certificate, Failure> {
    let pem = files::read_pem(path).map_err(Failure::error)?;
    intoto_x509::Certificate::from_pem(&pem, "")
        .with_context(|| format!("cannot load the certificate '{}'", path.display()))
        .map_err(Failure::error)
}

/// A step name, or a usage error saying why it cannot be one.
pub fn step_name(name: &str) -> Result<StepName, Failure> {
    StepName::new(name).map_err(Failure::usage)
}

/// Logs what was left out of the link (the reference logs these at INFO; we warn, because a
/// file missing from a link is something to notice).
pub fn report_skipped(skipped: &[Skipped]) {
    for s in skipped {
        match s.reason {
            SkipReason::DoesNotExist => {
                tracing::warn!("'{}' does not exist, not recorded", s.path);
            }
            SkipReason::DanglingSymlink => {
                tracing::warn!("'{}' is a broken symlink, not recorded", s.path);
            }
            SkipReason::SymlinkDirNotFollowed => {
                tracing::info!("'{}' is a symlink to a directory, not followed", s.path);
            }
        }
    }
}

/// The exit status the reference gives for a command's return value: `sys.exit(value)`, i.e.
/// the low 8 bits (a signal -9 gives 247); 0 when nothing ran.
pub fn exit_status(return_value: Option<i64>) -> u8 {
    return_value.map_or(0, |v| (v & 0xff) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_as_python_sys_exit() {
        assert_eq!(exit_status(Some(3)), 3);
        assert_eq!(exit_status(Some(-9)), 247);
        assert_eq!(exit_status(None), 0);
    }
}
