//! The verification clock of `verify` and `verify-attestations`: now, or the time given with
//! `--as-of` (for audits of past releases and for tests on signed metadata that expires).

use std::time::{SystemTime, UNIX_EPOCH};

use intoto_model::Timestamp;

/// `--as-of TIME`, flattened into the verifying commands' arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct Clock {
    /// Verify as of this UTC time (`YYYY-MM-DDTHH:MM:SSZ`) instead of now: expiry dates and
    /// certificate and OpenPGP key validity are judged at that time. For audits of past
    /// releases; the output says the clock was set.
    #[arg(long = "as-of", value_name = "TIME", value_parser = parse_time)]
    as_of: Option<Timestamp>,
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text).map_err(|e| e.to_string())
}

impl Clock {
    /// The verification time as unix seconds.
    pub fn unix(&self) -> i64 {
        self.as_of.map_or_else(system_now, |t| t.unix_seconds())
    }

    /// The warning to give when the clock was set, said before any other result.
    pub fn warning(&self) -> Option<String> {
        self.as_of
            .map(|t| format!("verified as of {t} (--as-of), not at the current time"))
    }
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
