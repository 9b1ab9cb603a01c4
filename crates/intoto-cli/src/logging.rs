//! Verbosity flags and the stderr logger (`tracing`).
//!
//! Levels: warnings and errors by default, `-v` adds INFO (each step taken), `-vv` DEBUG and
//! `-vvv` TRACE. `RUST_LOG` (an `EnvFilter` directive such as `debug` or
//! `intoto_cli=trace`) replaces the level the flags chose; `-q` prints nothing whatever
//! `RUST_LOG` says. Colours only when stderr is a terminal and `NO_COLOR` is not set.

use clap::{ArgAction, Args};
use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;

/// `-v/--verbose` (repeatable) and `-q/--quiet`, as in the reference tools.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Verbosity {
    /// More output: -v reports each step taken, -vv adds debugging details.
    #[arg(short, long, action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print nothing, not even errors (the exit code tells the result).
    #[arg(short, long)]
    pub quiet: bool,
}

impl Verbosity {
    /// `-v` or more was given.
    pub fn is_verbose(self) -> bool {
        self.verbose > 0
    }

    /// The most detailed level logged without `RUST_LOG`; `None` with `-q`.
    pub fn level(self) -> Option<LevelFilter> {
        if self.quiet {
            return None;
        }
        Some(match self.verbose {
            0 => LevelFilter::WARN,
            1 => LevelFilter::INFO,
            2 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }
}

/// Installs the logger for the chosen verbosity. Messages go to stderr without timestamps.
pub fn init(verbosity: Verbosity) {
    let Some(level) = verbosity.level() else {
        return;
    };
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, bad_rust_log) = match rust_log.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (EnvFilter::default().add_directive(level.into()), Some(e)),
        None => (EnvFilter::default().add_directive(level.into()), None),
    };
    let detailed = verbosity.verbose >= 2 || rust_log.is_some();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(crate::style::stderr_colours())
        .without_time()
        .with_target(detailed)
        .with_level(true)
        .try_init();
    if let Some(e) = bad_rust_log {
        tracing::warn!("ignoring RUST_LOG: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_flags() {
        let v = |verbose, quiet| Verbosity { verbose, quiet }.level();
        assert_eq!(v(0, false), Some(LevelFilter::WARN));
        assert_eq!(v(1, false), Some(LevelFilter::INFO));
        assert_eq!(v(2, false), Some(LevelFilter::DEBUG));
        assert_eq!(v(5, false), Some(LevelFilter::TRACE));
        assert_eq!(v(0, true), None);
    }
}
