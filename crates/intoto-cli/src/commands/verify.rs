//! `in-toto verify`: final product verification with the flags of the reference's
//! `in-toto-verify`, plus `--param`, `--format json` and `--no-inspection-links`.
//!
//! Exit codes as the reference: 0 verification passed, 1 it failed (whatever the reason:
//! signatures, expiry, missing links, rules, inspections, unreadable files), 2 bad usage.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use anyhow::{Context, anyhow};
use intoto_crypto::PublicKey;
use intoto_verify::{Options, VerificationKey, inspect::InspectionOptions};

use crate::{exit::Failure, files, logging::Verbosity};

/// Output format of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary on stdout: each step with the links and keys it accepted, sublayouts,
    /// inspections, rules, the verdict (details with -v); the reason of a failure on stderr.
    Text,
    /// A JSON report of every check made (for CI systems) on stdout, as described by
    /// docs/verify-report.schema.json.
    Json,
}

/// Arguments of `in-toto verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Verify the supply chain of root.layout signed by alice, with links in ./links:
    in-toto verify -l root.layout --verification-keys alice.pub --link-dir links
  Substitute layout parameters:
    in-toto verify -l root.layout --verification-keys alice.pub --param version=1.2")]
pub struct Args {
    /// The root layout (Metablock or DSSE).
    #[arg(short = 'l', long = "layout", value_name = "PATH", required = true)]
    layout: PathBuf,
    /// Public keys (PEM) that must each have signed the layout.
    #[arg(short = 'k', long = "verification-keys", alias = "layout-keys", value_name = "PATH", num_args = 1.., required_unless_present = "gpg")]
    verification_keys: Vec<PathBuf>,
    /// GnuPG key ids whose keys (exported from the keyring) must each have signed the layout.
    #[arg(short = 'g', long = "gpg", value_name = "ID", num_args = 1..)]
    gpg: Option<Vec<String>>,
    /// GnuPG home directory (default: gpg's own).
    #[arg(long = "gpg-home", value_name = "PATH")]
    gpg_home: Option<PathBuf>,
    /// Directory with the link files.
    #[arg(long = "link-dir", value_name = "PATH", default_value = ".")]
    link_dir: PathBuf,
    /// ITE-7: intermediate CA certificates (PEM) that links' certificates may chain through
    /// to the layout's `rootcas`, besides the layout's own `intermediatecas`.
    #[arg(short = 'i', long = "intermediate-certs", value_name = "PATH", num_args = 1..)]
    intermediate_certs: Vec<PathBuf>,
    /// Seconds an inspection may run before it is killed.
    #[arg(
        long = "inspection-timeout",
        value_name = "SECONDS",
        default_value_t = 600
    )]
    inspection_timeout: u64,
    /// Substitute a layout parameter `{NAME}` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// Do not write `INSPECTION.link` files into the current directory.
    #[arg(long = "no-inspection-links")]
    no_inspection_links: bool,
    #[command(flatten)]
    clock: super::clock::Clock,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found {text:?}"))?;
    intoto_verify::params::check_names(&BTreeMap::from([(name.to_string(), String::new())]))
        .map_err(|e| e.to_string())?;
    Ok((name.to_string(), value.to_string()))
}

/// Runs `in-toto verify`.
pub fn run(args: Args) -> Result<(), Failure> {
    let keys = user_keys(&args).map_err(|e| failed_before_verifying(&args, e))?;
    let mut params = BTreeMap::new();
    for (name, value) in &args.params {
        if params.insert(name.clone(), value.clone()).is_some() {
            return Err(Failure::usage(anyhow!("--param {name} is given twice")));
        }
    }
    let intermediate_certs =
        load_certificates(&args.intermediate_certs).map_err(Failure::verification)?;
    let options = Options {
        intermediate_certs,
        link_dir: args.link_dir.clone(),
        now_unix: args.clock.unix(),
        params: (!params.is_empty()).then_some(params),
        inspections: InspectionOptions {
            timeout: Duration::from_secs(args.inspection_timeout),
            persist_links: !args.no_inspection_links,
            echo_output: args.verbosity.is_verbose(),
        },
    };
    tracing::debug!(
        "verifying '{}' with {} key(s), links in '{}'",
        args.layout.display(),
        keys.len(),
        options.link_dir.display()
    );
    let mut outcome = intoto_verify::verify(&args.layout, &keys, &options);
    tracing::debug!(
        "checked {} step(s), {} rule side(s), {} inspection(s): {:?}",
        outcome.report.steps.len(),
        outcome.report.rules.len(),
        outcome.report.inspections.len(),
        outcome.report.verdict
    );
    for warning in &outcome.report.warnings {
        tracing::warn!("{warning}");
    }
    // A set clock is said in the summary's second line and first among the JSON report's
    // warnings, not on stderr: there the first line stays the reason of a failure.
    let clock_note = args.clock.warning();
    if let Some(note) = &clock_note {
        outcome.report.warnings.insert(0, note.clone());
    }
    match args.format {
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(&outcome.report).context("cannot write the report")?;
            json.push('\n');
            // A closed pipe (`| head`) is not an error worth a panic.
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(json.as_bytes());
        }
        Format::Text => {
            if !args.verbosity.quiet {
                let text = super::verify_summary::render(
                    &outcome.report,
                    clock_note.as_deref(),
                    args.verbosity.is_verbose(),
                );
                use std::io::Write as _;
                let _ = anstream::stdout().write_all(text.as_bytes());
            }
        }
    }
    let result = match &outcome.result {
        Ok(_) => Ok(()),
        Err(e) => Err(Failure::verification(anyhow!("verification failed: {e}"))),
    };
    // The summary link holds the first step's materials and the last step's products (maps
    // of every artifact); the process exits right after this, so freeing them one by one is
    // wasted time. Forgetting leaks nothing the OS does not reclaim at exit.
    std::mem::forget(outcome);
    result
}

/// The keys the user passed: PEM files, then GnuPG keys exported from the keyring.
fn user_keys(args: &Args) -> anyhow::Result<Vec<VerificationKey>> {
    let mut keys = load_keys(&args.verification_keys)?;
    if let Some(ids) = &args.gpg {
        let gpg = super::gpg_program(args.gpg_home.as_deref())?;
        for id in ids {
            let key = gpg
                .export_pubkey(id)
                .with_context(|| format!("cannot export GnuPG key {id}"))?;
            keys.push(VerificationKey::Gpg(key));
        }
    }
    Ok(keys)
}

/// A failure before the workflow started (a key that cannot be loaded): exit 1 as the
/// reference, and with `--format json` still a report, with the reason and no checks.
fn failed_before_verifying(args: &Args, error: anyhow::Error) -> Failure {
    if args.format == Format::Json {
        let mut report = intoto_verify::Report::new(args.layout.display().to_string(), Vec::new());
        report.error = Some(format!("{error:#}"));
        if let Ok(mut json) = serde_json::to_string_pretty(&report) {
            json.push('\n');
            use std::io::Write as _;
            let _ = std::io::stdout().lock().write_all(json.as_bytes());
        }
    }
    Failure::verification(error)
}

fn load_keys(paths: &[PathBuf]) -> anyhow::Result<Vec<VerificationKey>> {
    paths
        .iter()
        .map(|path| {
            let pem = files::read_pem(path)?;
            let pem = pem.as_str();
            // A certificate stands for its key, as with in-toto-golang's `--layout-keys`.
            let key = if pem.contains("-----BEGIN CERTIFICATE-----") {
                intoto_x509::Certificate::from_pem(pem, "")
                    .map(|c| c.public_key().clone())
                    .map_err(anyhow::Error::from)
            } else {
                PublicKey::from_pem(pem).map_err(anyhow::Error::from)
            };
            key.map(VerificationKey::from)
                .with_context(|| format!("cannot load the public key '{}'", path.display()))
        })
        .collect()
}

fn load_certificates(paths: &[PathBuf]) -> anyhow::Result<Vec<intoto_x509::Certificate>> {
    paths
        .iter()
        .map(|path| {
            let pem = files::read_pem(path)?;
            let pem = pem.as_str();
            intoto_x509::Certificate::from_pem(pem, "")
                .with_context(|| format!("cannot load the certificate '{}'", path.display()))
        })
        .collect()
}
