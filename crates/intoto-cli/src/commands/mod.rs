//! One module per subcommand.

pub mod keygen;
pub mod match_products;
pub mod mock;
mod progress;
pub mod record;
mod recording;
pub mod run;
pub mod sign;
pub mod verify;

use anyhow::Context;

/// Asks for a key's password on the terminal without echo.
pub fn prompt_password(prompt: &str) -> anyhow::Result<Vec<u8>> {
    let password = rpassword::prompt_password(prompt).context("cannot read the password")?;
    Ok(password.into_bytes())
}
