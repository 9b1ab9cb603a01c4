//! `in-toto verify-attestations`: verify a directory of attestations against an ITE-10/11
//! layout (the in-toto attestation-verifier's YAML format), with the prototype's flags.

use std::{collections::BTreeMap, path::PathBuf};

use anyhow::{Context as _, anyhow};
use intoto_attest::{AttestError, AttestationLayout, CompiledLayout, Evidence, Parameters, verify};

use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto verify-attestations`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLE:
  in-toto verify-attestations -l layout.yml -a attestations/ --substitute-parameters params.json")]
pub struct Args {
    /// The ITE-10 layout (YAML or JSON).
    #[arg(short = 'l', long = "layout", value_name = "FILE", required = true)]
    layout: PathBuf,
    /// Directory of attestations named STEP.KEYID8.json (or .link).
    #[arg(
        short = 'a',
        long = "attestations-directory",
        value_name = "DIR",
        required = true
    )]
    attestations: PathBuf,
    /// JSON object of parameters substituted for {name} in the layout's rules.
    #[arg(long = "substitute-parameters", value_name = "FILE")]
    parameters: Option<PathBuf>,
    /// A parameter NAME=VALUE (repeatable; overrides the file).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    clock: super::clock::Clock,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Runs it: exit 0 verified, 1 verification failed, 2 unusable layout or input.
pub fn run(args: Args) -> Result<(), Failure> {
    let mut map = BTreeMap::new();
    if let Some(path) = &args.parameters {
        let bytes = files::read_limited(path).map_err(Failure::usage)?;
        let file = Parameters::from_json(&bytes)
            .with_context(|| format!("{}", path.display()))
            .map_err(Failure::usage)?;
        map.extend(file.into_map());
    }
    for p in &args.params {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Failure::usage(anyhow!("--param {p:?}: expected NAME=VALUE")))?;
        map.insert(k.to_owned(), v.to_owned());
    }
    let params = Parameters::new(map).map_err(Failure::usage)?;
    let bytes = files::read_limited(&args.layout).map_err(Failure::usage)?;
    let layout = AttestationLayout::from_yaml(&bytes)
        .and_then(|l| CompiledLayout::compile(&l, &params))
        .with_context(|| format!("{}", args.layout.display()))
        .map_err(Failure::usage)?;
    let evidence = Evidence::load_dir(&args.attestations, &layout.keys).map_err(Failure::usage)?;
    for s in &evidence.unsigned {
        tracing::info!("skipped {}: not signed by a layout functionary", s.file);
    }
    // On stdout, so that stderr's first line stays the reason of a failure.
    if let Some(note) = args.clock.warning() {
        println!("{note}");
    }
    match verify(&layout, &evidence, args.clock.unix()) {
        Ok(report) => {
            for w in &report.warnings {
                tracing::warn!("{w}");
            }
            for (step, predicate_type, files) in &report.accepted {
                tracing::info!("{step}: {predicate_type}: accepted {}", files.join(", "));
            }
            println!("verification passed");
            Ok(())
        }
        Err(e @ (AttestError::Verification(_) | AttestError::Expired { .. })) => {
            Err(Failure::verification(anyhow!("verification failed: {e}")))
        }
        Err(e) => Err(Failure::usage(e)),
    }
}
