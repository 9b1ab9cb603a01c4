//! `in-toto attest`: wrap a predicate and subjects into a signed Statement (v1) in a DSSE
//! envelope; and the attestation output of `in-toto run --attestation`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use intoto_attest::{
    envelope_file, make_statement, parse_subject, sign_statement, statement_from_link,
};
use intoto_crypto::PrivateKey;
use intoto_hash::{RecordOptions, record};
use intoto_model::{Link, ResourceDescriptor, json::parse_strict};
use intoto_record::metadata;

use super::recording::{self, KeyArgs};
use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto attest`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Attest a test result about a file:
    in-toto attest -t https://in-toto.io/attestation/test-result/v0.1 -p result.json \\
      -s app.tar --signing-key key.pem -o test.abcd1234.json
  Attest about a package named by digest:
    in-toto attest -t https://slsa.dev/provenance/v1 -p prov.json \\
      --subject-digest pkg:npm/x@1.0=sha512:HEX --signing-key key.pem")]
pub struct Args {
    /// The predicate: a JSON file holding one object.
    #[arg(short = 'p', long = "predicate", value_name = "FILE", required = true)]
    predicate: PathBuf,
    /// The predicate type URI (e.g. https://slsa.dev/provenance/v1).
    #[arg(
        short = 't',
        long = "predicate-type",
        value_name = "URI",
        required = true
    )]
    predicate_type: String,
    /// Files or directories to hash (SHA-256) as subjects.
    #[arg(short = 's', long = "subject", value_name = "PATH", num_args = 1..)]
    subjects: Vec<String>,
    /// A subject given by digest: NAME=ALGORITHM:HEX.
    #[arg(long = "subject-digest", value_name = "NAME=ALG:HEX")]
    subject_digests: Vec<String>,
    #[command(flatten)]
    key: KeyArgs,
    /// Write the envelope here instead of to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Runs `in-toto attest` (exit 2 for unusable input, 1 if signing fails).
pub fn run(args: Args) -> Result<(), Failure> {
    let mut subject: Vec<ResourceDescriptor> = args
        .subject_digests
        .iter()
        .map(|s| parse_subject(s))
        .collect::<Result<_, _>>()
        .map_err(Failure::usage)?;
    if !args.subjects.is_empty() {
        let recorded = record(&args.subjects, &RecordOptions::default(), None)
            .context("cannot hash the subjects")
            .map_err(Failure::usage)?;
        recording::report_skipped(&recorded.skipped);
        subject.extend(
            recorded
                .artifacts
                .iter()
                .map(|(p, d)| ResourceDescriptor::named(p.as_str(), d.clone())),
        );
    }
    if subject.is_empty() {
        return Err(Failure::usage(anyhow!(
            "no subjects: give --subject PATH or --subject-digest NAME=ALG:HEX"
        )));
    }
    let bytes = files::read_limited(&args.predicate).map_err(Failure::usage)?;
    let predicate = parse_strict(&bytes)
        .with_context(|| format!("{} is not valid JSON", args.predicate.display()))
        .map_err(Failure::usage)?;
    let statement =
        make_statement(subject, &args.predicate_type, predicate).map_err(Failure::usage)?;
    let key = args.key.load_key()?;
    let envelope = sign_statement(&statement, &[&key]).map_err(Failure::error)?;
    let out = envelope_file(&envelope);
    match args.output {
        Some(path) => {
            files::write_atomically(&path, &out).map_err(Failure::error)?;
            tracing::info!("wrote '{}'", path.display());
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&out)
                .and_then(|()| stdout.write_all(b"\n"))
                .context("cannot write to standard output")
                .map_err(Failure::error)?;
        }
    }
    Ok(())
}

/// `in-toto run --attestation`: writes `link` as a link-predicate v0.3 Statement in a DSSE
/// envelope, to the same file name a classic link would have (`NAME.KEYID8.link`), so that
/// `in-toto verify` finds it.
pub fn write_link_attestation(
    link: &Link,
    key: &PrivateKey,
    directory: Option<&Path>,
) -> Result<(), Failure> {
    if link.products.is_empty() {
        return Err(Failure::usage(anyhow!(
            "a link attestation needs at least one product (its subjects); record products with -p"
        )));
    }
    let statement = statement_from_link(link);
    let envelope = sign_statement(&statement, &[key]).map_err(Failure::error)?;
    let file = metadata::link_file_name(&link.name, key.keyid());
    let path = directory.map_or_else(|| PathBuf::from(&file), |d| d.join(&file));
    files::write_atomically(&path, &envelope_file(&envelope)).map_err(Failure::error)?;
    tracing::info!("wrote '{}' (link attestation)", path.display());
    match recording::exit_status(link.byproducts.return_value) {
        0 => Ok(()),
        code => Err(Failure::passthrough(code)),
    }
}
