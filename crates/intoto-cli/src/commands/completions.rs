//! `in-toto completions SHELL`: a completion script generated from the clap definition.

use crate::exit::Failure;

/// Arguments of `in-toto completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  bash:  in-toto completions bash > ~/.local/share/bash-completion/completions/in-toto
  zsh:   in-toto completions zsh > ~/.zfunc/_in-toto   (with ~/.zfunc in $fpath)
  fish:  in-toto completions fish > ~/.config/fish/completions/in-toto.fish")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Writes the completion script to stdout.
pub fn run(args: &Args) -> Result<(), Failure> {
    let mut command = crate::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "in-toto", &mut out);
    use std::io::Write as _;
    std::io::stdout()
        .lock()
        .write_all(&out)
        .map_err(|e| Failure::usage(anyhow::anyhow!("cannot write to stdout: {e}")))
}
