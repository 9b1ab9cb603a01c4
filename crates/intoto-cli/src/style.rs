//! Colours for the terminal: only when the stream is a terminal, never when `NO_COLOR` is set
//! (also honours `CLICOLOR=0`, `CLICOLOR_FORCE` and `TERM=dumb`), through `anstream`, which
//! clap already uses for its help.

use anstyle::{AnsiColor, Style};

/// A passed check.
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
/// A failed check.
pub const BAD: Style = AnsiColor::Red.on_default().bold();
/// Something worth a look that did not fail verification.
pub const NOTE: Style = AnsiColor::Yellow.on_default();
/// Headings and names.
pub const EMPH: Style = Style::new().bold();
/// Secondary details.
pub const DIM: Style = Style::new().dimmed();

/// Whether text written to stderr may carry colour codes.
pub fn stderr_colours() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}
