//! Running the `gpg` program (feature `gpg-export`): exporting a public key as the
//! reference's key object and signing through `gpg --detach-sign`, with the same command
//! lines as securesystemslib.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use intoto_model::{GpgPublicKey, KeyId, Metablock, Signature};

use super::{parse_gpg_key_bundle, parse_gpg_signature};
use crate::CryptoError;

/// The `gpg` program, the keyring it uses and how long it may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpgProgram {
    program: PathBuf,
    homedir: Option<PathBuf>,
    timeout: Duration,
}

impl GpgProgram {
    /// The reference's timeout for one `gpg` call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Uses `program` (e.g. `gpg`, `gpg2` or a path) with its default home directory.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        GpgProgram {
            program: program.into(),
            homedir: None,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    /// Picks the program as the reference does when `GNUPG` is not set: `gpg2` if it runs,
    /// else `gpg` if it runs, else `None`.
    pub fn detect() -> Option<Self> {
        ["gpg2", "gpg"].into_iter().map(Self::new).find(|p| {
            Command::new(&p.program)
                .arg("--version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
    }

    /// Uses the keyring in `dir` (`--homedir`).
    pub fn with_homedir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.homedir = Some(dir.into());
        self
    }

    /// Kills a `gpg` call that takes longer than `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Exports the key whose fingerprint (or a verified subkey's) ends in `keyid`, as
    /// `gpg --export KEYID` and securesystemslib's `export_pubkey` do.
    pub fn export_pubkey(&self, keyid: &str) -> Result<GpgPublicKey, CryptoError> {
        let mut args = self.home_args();
        args.extend(["--export".into(), keyid.into()]);
        let data = self.run(args, None)?;
        parse_gpg_key_bundle(&data, keyid)
    }

    /// Signs `content` with `gpg --detach-sign --digest-algo SHA256`, with the key `keyid`
    /// (`--local-user`) or gpg's default key.
    pub fn sign(&self, keyid: Option<&str>, content: &[u8]) -> Result<Signature, CryptoError> {
        let mut args: Vec<OsString> = vec![
            "--detach-sign".into(),
            "--digest-algo".into(),
            "SHA256".into(),
        ];
        if let Some(id) = keyid {
            args.extend(["--local-user".into(), id.into()]);
        }
        args.extend(self.home_args());
        let detached = self.run(args, Some(content))?;
        parse_gpg_signature(&detached)
    }

    fn home_args(&self) -> Vec<OsString> {
        match &self.homedir {
            Some(dir) => vec!["--homedir".into(), dir.clone().into_os_string()],
            None => Vec::new(),
        }
    }

    /// Runs the program, feeding `input` on stdin, and returns its stdout if it succeeds in
    /// time.
    fn run(&self, args: Vec<OsString>, input: Option<&[u8]>) -> Result<Vec<u8>, CryptoError> {
        let command = std::iter::once(self.program.as_os_str())
            .chain(args.iter().map(OsString::as_os_str))
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ");
        let fail = |reason: String| CryptoError::GpgCommand {
            command: command.clone(),
            reason,
        };
        let mut child = Command::new(&self.program)
            .args(&args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot start it: {e}")))?;
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (status, out, err) = std::thread::scope(|scope| {
            // Feed and drain the pipes in threads so that neither side can block the other.
            if let (Some(mut pipe), Some(data)) = (stdin, input) {
                scope.spawn(move || pipe.write_all(data));
            }
            let out = scope.spawn(move || read_all(stdout));
            let err = scope.spawn(move || read_all(stderr));
            let deadline = Instant::now() + self.timeout;
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) if Instant::now() >= deadline => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break Err(format!("timed out after {:?}", self.timeout));
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                    Err(e) => break Err(format!("cannot wait for it: {e}")),
                }
            };
            let out = out.join().unwrap_or_default();
            let err = err.join().unwrap_or_default();
            (status, out, err)
        });
        let status = status.map_err(fail)?;
        if !status.success() {
            return Err(fail(format!(
                "{status}: {}",
                String::from_utf8_lossy(&err).trim()
            )));
        }
        Ok(out)
    }
}

fn read_all(pipe: Option<impl Read>) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_end(&mut buf);
    }
    buf
}

/// Signs the canonical JSON of `mb.signed` with `gpg` (key `keyid`, or gpg's default key)
/// and adds the signature, replacing one by the same (sub)key. Returns the signing key's id.
pub fn sign_metablock_gpg(
    mb: &mut Metablock,
    gpg: &GpgProgram,
    keyid: Option<&str>,
) -> Result<KeyId, CryptoError> {
    let sig = gpg.sign(keyid, &mb.signed_bytes()?)?;
    let signer = sig.keyid().clone();
    match mb.signatures.iter_mut().find(|s| s.keyid() == &signer) {
        Some(existing) => *existing = sig,
        None => mb.signatures.push(sig),
    }
    Ok(signer)
}
