//! `in-toto run`: record materials, run the command, record products, sign and write
//! `NAME.KEYID8.link`, with the flags of the reference's `in-toto-run`.
//!
//! Exit status as the reference: the command's non-zero return value is passed through (the
//! link is still written), 1 for any in-toto error (no link is written), 2 for bad usage.

use std::{path::PathBuf, time::Duration};

use anyhow::anyhow;
use intoto_record::{Step, Wrapper, command::CommandOptions, metadata, run_step_observed};

use super::{
    progress::Ticker,
    recording::{self, ArtifactArgs, KeyArgs},
};
use crate::{exit::Failure, logging::Verbosity};

/// Arguments of `in-toto run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Tag a git repo, storing files in the current directory as products:
    in-toto run -n tag -p . --signing-key key_file -- git tag v1.0
  Record a review without running a command:
    in-toto run -n review --signing-key key_file -m document.pdf -x")]
pub struct Args {
    /// Step name; the link is written to '<name>.<keyid prefix>.link'.
    #[arg(short = 'n', long = "step-name", value_name = "NAME", required = true)]
    step_name: String,
    /// Files or directories recorded before the command runs, or artifact URIs (`dir:PATH`:
    /// one digest for the whole tree; `ostree:REF`: the branch's commit object).
    #[arg(short = 'm', long = "materials", value_name = "PATH", num_args = 1..)]
    materials: Vec<String>,
    /// Files or directories recorded after the command ran, or artifact URIs (`dir:PATH`,
    /// `ostree:REF`).
    #[arg(short = 'p', long = "products", value_name = "PATH", num_args = 1..)]
    products: Vec<String>,
    /// Also store the command's stdout and stderr in the link (they reach the terminal anyway).
    #[arg(short = 's', long = "record-streams")]
    record_streams: bool,
    /// Record without running a command (e.g. for a review step).
    #[arg(short = 'x', long = "no-command")]
    no_command: bool,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    artifacts: ArtifactArgs,
    /// Directory the link is written to (default: the current directory).
    #[arg(short = 'd', long = "metadata-directory", value_name = "DIR")]
    metadata_directory: Option<PathBuf>,
    /// Write a DSSE envelope instead of a Metablock.
    #[arg(long = "use-dsse")]
    use_dsse: bool,
    /// Write an in-toto attestation instead: a link-predicate v0.3 Statement in a DSSE
    /// envelope (same file name; `in-toto verify` accepts it as the step's link).
    #[arg(long = "attestation", conflicts_with = "use_dsse")]
    attestation: bool,
    /// Kill the command (and everything it started) after this many seconds. Default: no limit
    /// (the reference's 10 s kills real builds); 0 also means no limit.
    #[arg(long = "run-timeout", value_name = "SECONDS")]
    run_timeout: Option<u64>,
    #[command(flatten)]
    pub verbosity: Verbosity,
    /// The command to run and its arguments, after '--'.
    #[arg(value_name = "COMMAND", last = true)]
    command: Vec<String>,
}

/// Runs `in-toto run`.
pub fn run(args: Args) -> Result<(), Failure> {
    let name = recording::step_name(&args.step_name)?;
    if !args.no_command && args.command.is_empty() {
        return Err(Failure::usage(anyhow!(
            "no command specified: give it after '--', or pass --no-command"
        )));
    }
    args.key.check_wrapper(args.use_dsse, "--use-dsse")?;
    args.key.check_wrapper(args.attestation, "--attestation")?;
    let artifacts = args.artifacts.options()?;
    let signer = args.key.load()?;
    let step = Step {
        name,
        materials: args.materials,
        products: args.products,
        command: if args.no_command {
            Vec::new()
        } else {
            args.command
        },
        artifacts,
        run: CommandOptions {
            record_streams: args.record_streams,
            timeout: args.run_timeout.filter(|&s| s > 0).map(Duration::from_secs),
            ..CommandOptions::default()
        },
    };
    let ticker = Ticker::start(args.verbosity.quiet);
    tracing::info!("running step '{}'", step.name);
    let result = run_step_observed(&step, Some(ticker.counters()), &mut |p| ticker.phase(p));
    ticker.finish();
    let recording = result.map_err(Failure::error)?;
    tracing::debug!(
        "recorded {} material(s) and {} product(s); the command returned {:?}",
        recording.link.materials.len(),
        recording.link.products.len(),
        recording.return_value()
    );
    recording::report_skipped(&recording.skipped);
    if recording.truncated {
        tracing::warn!(
            "the command's output was longer than the capture limit; the link keeps its beginning"
        );
    }
    if args.attestation {
        let Some(key) = signer.private_key() else {
            return Err(Failure::usage(anyhow!(
                "GnuPG keys cannot sign attestations"
            )));
        };
        return super::attest::write_link_attestation(
            &recording.link,
            key,
            args.metadata_directory.as_deref(),
        );
    }
    let wrapper = if args.use_dsse {
        Wrapper::Dsse
    } else {
        Wrapper::Metablock
    };
    let return_value = recording.return_value();
    let name = recording.link.name.clone();
    let signed =
        metadata::signed_file(&recording.link, wrapper, &signer).map_err(Failure::error)?;
    // The file is named after the key id the signature carries: with GnuPG the signing
    // (sub)key's, known only now (as the reference).
    let file = metadata::link_file_name(&name, &signed.keyid);
    let path = args
        .metadata_directory
        .map_or_else(|| PathBuf::from(&file), |d| d.join(&file));
    metadata::write_atomically(&path, &signed.bytes).map_err(Failure::error)?;
    tracing::info!("wrote '{}'", path.display());
    // The process ends right after this: freeing a link of many artifacts one string at a
    // time would only delay the exit (the operating system takes the memory back at once).
    std::mem::forget(recording);
    std::mem::forget(signed);
    match recording::exit_status(return_value) {
        0 => Ok(()),
        code => Err(Failure::passthrough(code)),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        run: super::Args,
    }

    #[test]
    fn no_run_timeout_by_default() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["in-toto", "-n", "s", "-x"];
            argv.extend(extra);
            Cli::try_parse_from(argv).map(|c| c.run.run_timeout)
        };
        assert_eq!(parse(&[]).ok(), Some(None));
        assert_eq!(parse(&["--run-timeout", "0"]).ok(), Some(Some(0)));
        assert_eq!(parse(&["--run-timeout", "10"]).ok(), Some(Some(10)));
    }
}
