//! `in-toto inspect FILE`: print any in-toto metadata readably.

use std::path::PathBuf;

use anyhow::anyhow;

use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A layout, link, DSSE envelope, Statement, predicate or ITE-10 layout (YAML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Runs `in-toto inspect`: exit 0 when the file was understood, 1 when it was described but
/// does not follow its schema (problems are listed), 2 when it cannot be read at all.
pub fn run(args: Args) -> Result<(), Failure> {
    let bytes = files::read_limited(&args.file).map_err(Failure::usage)?;
    let name = args.file.display().to_string();
    let description = intoto_attest::describe(&bytes, &name).map_err(Failure::usage)?;
    print!("{}", description.text);
    match description.problems.as_slice() {
        [] => Ok(()),
        [first, ..] => {
            for p in &description.problems[1..] {
                tracing::warn!("{p}");
            }
            Err(Failure::verification(anyhow!("{name}: {first}")))
        }
    }
}
