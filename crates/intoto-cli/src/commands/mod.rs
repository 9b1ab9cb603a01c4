//! One module per subcommand.

pub mod attest;
mod clock;
pub mod completions;
pub mod inspect;
pub mod keygen;
pub mod layout;
mod layout_edit;
pub mod match_products;
pub mod mock;
mod progress;
pub mod record;
mod recording;
pub mod run;
pub mod sign;
pub mod verify;
pub mod verify_attestations;
mod verify_summary;

use anyhow::Context;

/// Asks for a key's password on the terminal without echo.
pub fn prompt_password(prompt: &str) -> anyhow::Result<Vec<u8>> {
    let password = rpassword::prompt_password(prompt).context("cannot read the password")?;
    Ok(password.into_bytes())
}

/// The `gpg` program to run: `$GNUPG` if set (as the reference), else `gpg2` or `gpg` on the
/// `PATH`; with `--gpg-home` as its home directory.
pub fn gpg_program(
    home: Option<&std::path::Path>,
) -> anyhow::Result<intoto_crypto::gpg::GpgProgram> {
    use intoto_crypto::gpg::GpgProgram;
    let program = match std::env::var_os("GNUPG") {
        Some(path) if !path.is_empty() => GpgProgram::new(path),
        _ => GpgProgram::detect()
            .context("cannot find the gpg program (install GnuPG or set GNUPG to its path)")?,
    };
    Ok(match home {
        Some(home) => program.with_homedir(home),
        None => program,
    })
}
