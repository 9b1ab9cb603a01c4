//! `in-toto record start|stop`: two-part recording through `.NAME.KEYID8.link-unfinished`, with
//! the flags of the reference's `in-toto-record`. Exit status: 0, 1 for an in-toto error, 2 for
//! bad usage.

use std::path::{Path, PathBuf};

use intoto_record::{Wrapper, record_start, record_stop};

use super::{
    progress::Ticker,
    recording::{self, ArtifactArgs, KeyArgs},
};
use crate::{exit::Failure, logging::Verbosity};

/// Arguments of `in-toto record`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  in-toto record start -n edit --signing-key key_file -m project
  # ... edit files in 'project' by hand ...
  in-toto record stop -n edit --signing-key key_file -p project")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Record materials and write a signed '.<name>.<keyid prefix>.link-unfinished' here.
    Start(StartArgs),
    /// Record products, re-sign the unfinished link with the same key, write the link. With
    /// --gpg the unfinished link is the only '.<name>.*.link-unfinished' here.
    Stop(StopArgs),
}

/// Arguments of `in-toto record start`.
#[derive(Debug, clap::Args)]
struct StartArgs {
    /// Step name.
    #[arg(short = 'n', long = "step-name", value_name = "NAME", required = true)]
    step_name: String,
    /// Files or directories recorded as materials, or artifact URIs (`dir:PATH`: one digest
    /// for the whole tree; `ostree:REF`: the branch's commit object).
    #[arg(short = 'm', long = "materials", value_name = "PATH", num_args = 1..)]
    materials: Vec<String>,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    artifacts: ArtifactArgs,
    /// Write a DSSE envelope instead of a Metablock (stop keeps the format).
    #[arg(long = "use-dsse")]
    use_dsse: bool,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Arguments of `in-toto record stop`.
#[derive(Debug, clap::Args)]
struct StopArgs {
    /// Step name.
    #[arg(short = 'n', long = "step-name", value_name = "NAME", required = true)]
    step_name: String,
    /// Files or directories recorded as products, or artifact URIs (`dir:PATH`, `ostree:REF`).
    #[arg(short = 'p', long = "products", value_name = "PATH", num_args = 1..)]
    products: Vec<String>,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    artifacts: ArtifactArgs,
    /// Directory the link is written to (default: the current directory).
    #[arg(short = 'd', long = "metadata-directory", value_name = "DIR")]
    metadata_directory: Option<PathBuf>,
    /// Accepted for compatibility and ignored: stop keeps the format of the unfinished link.
    #[arg(long = "use-dsse")]
    use_dsse: bool,
    #[command(flatten)]
    verbosity: Verbosity,
}

impl Args {
    /// The verbosity flags of the chosen action.
    pub fn verbosity(&self) -> Verbosity {
        match &self.action {
            Action::Start(a) => a.verbosity,
            Action::Stop(a) => a.verbosity,
        }
    }
}

/// Runs `in-toto record start` or `stop`.
pub fn run(args: Args) -> Result<(), Failure> {
    match args.action {
        Action::Start(a) => start(a),
        Action::Stop(a) => stop(a),
    }
}

fn start(args: StartArgs) -> Result<(), Failure> {
    let name = recording::step_name(&args.step_name)?;
    args.key.check_wrapper(args.use_dsse, "--use-dsse")?;
    let artifacts = args.artifacts.options()?;
    let signer = args.key.load()?;
    let wrapper = if args.use_dsse {
        Wrapper::Dsse
    } else {
        Wrapper::Metablock
    };
    let ticker = Ticker::start(args.verbosity.quiet);
    ticker.show(Some("recording materials"));
    let result = record_start(
        &name,
        &args.materials,
        &artifacts,
        &signer,
        wrapper,
        Path::new("."),
        Some(ticker.counters()),
    );
    ticker.finish();
    let (path, recording) = result.map_err(Failure::error)?;
    recording::report_skipped(&recording.skipped);
    tracing::info!("wrote '{}'", path.display());
    Ok(())
}

fn stop(args: StopArgs) -> Result<(), Failure> {
    let name = recording::step_name(&args.step_name)?;
    let artifacts = args.artifacts.options()?;
    let signer = args.key.load()?;
    let _ = args.use_dsse;
    let metadata_dir = args
        .metadata_directory
        .unwrap_or_else(|| PathBuf::from("."));
    let ticker = Ticker::start(args.verbosity.quiet);
    ticker.show(Some("recording products"));
    let result = record_stop(
        &name,
        &args.products,
        &artifacts,
        &signer,
        Path::new("."),
        &metadata_dir,
        Some(ticker.counters()),
    );
    ticker.finish();
    let (path, recording) = result.map_err(Failure::error)?;
    recording::report_skipped(&recording.skipped);
    tracing::info!("wrote '{}'", path.display());
    Ok(())
}
