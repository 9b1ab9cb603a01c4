//! `in-toto mock`: run a command recording `.` as materials and products, with streams
//! recorded, and write the unsigned `NAME.link`, as the reference's `in-toto-mock`.
//! Exit status: 0 (also when the command failed, as the reference), 1 for an in-toto error.

use std::path::PathBuf;

use intoto_record::{Wrapper, metadata, mock_step, run_step_observed};

use super::{progress::Ticker, recording};
use crate::{exit::Failure, logging::Verbosity};

/// Arguments of `in-toto mock`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLE:\n  in-toto mock -n build -- make")]
pub struct Args {
    /// Step name; the link is written to '<name>.link'.
    #[arg(short = 'n', long = "name", value_name = "NAME", required = true)]
    name: String,
    /// Write a DSSE envelope instead of a Metablock.
    #[arg(long = "use-dsse")]
    use_dsse: bool,
    /// Print nothing but the command's own output.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// The command to run and its arguments, after '--'.
    #[arg(value_name = "COMMAND", last = true, required = true)]
    command: Vec<String>,
}

impl Args {
    /// Mock is verbose by default, as the reference's (INFO logging).
    pub fn verbosity(&self) -> Verbosity {
        Verbosity {
            verbose: u8::from(!self.quiet),
            quiet: self.quiet,
        }
    }
}

/// Runs `in-toto mock`.
pub fn run(args: Args) -> Result<(), Failure> {
    let name = recording::step_name(&args.name)?;
    let step = mock_step(name, args.command);
    let ticker = Ticker::start(args.quiet);
    let result = run_step_observed(&step, Some(ticker.counters()), &mut |p| ticker.phase(p));
    ticker.finish();
    let recording = result.map_err(Failure::error)?;
    recording::report_skipped(&recording.skipped);
    let wrapper = if args.use_dsse {
        Wrapper::Dsse
    } else {
        Wrapper::Metablock
    };
    let path = PathBuf::from(metadata::mock_file_name(&recording.link.name));
    metadata::write_atomically(&path, &metadata::unsigned_file(&recording.link, wrapper))
        .map_err(Failure::error)?;
    tracing::info!("wrote unsigned link metadata to '{}'", path.display());
    Ok(())
}
