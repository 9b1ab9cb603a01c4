//! Verbosity flags and the stderr logger.

use clap::Args;
use tracing::Level;

/// `-v/--verbose` and `-q/--quiet`, as in the reference tools.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Verbosity {
    /// Verbose output: report each step taken.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing, not even errors (the exit code tells the result).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Installs the logger for the chosen verbosity. Messages go to stderr without timestamps.
pub fn init(verbosity: Verbosity) {
    let level = if verbosity.quiet {
        None
    } else if verbosity.verbose {
        Some(Level::INFO)
    } else {
        Some(Level::WARN)
    };
    let Some(level) = level else { return };
    use std::io::IsTerminal as _;
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .with_level(true)
        .try_init();
}
