//! [`Expiry`]: when a layout expires, written as a date or as a period from now.

use std::{fmt, str::FromStr};

use intoto_model::Timestamp;

/// A layout's expiry as a user writes it: an instant (`2036-01-01T00:00:00Z`, or a date
/// `2036-01-01` meaning midnight UTC) or a period from now (`90d`, `12w`, `6mo`, `1y`).
///
/// Months and years are calendar months and years, as the reference's
/// `Layout.set_relative_expiration(months=, years=)` (`dateutil.relativedelta`): the day is
/// kept, clamped to the last day of a shorter month (January 31 plus one month is the last day
/// of February).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// A fixed instant.
    At(Timestamp),
    /// A period after "now", resolved by [`Expiry::resolve`].
    After(Period),
}

/// A period: a count and a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: Unit,
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `d`: 86,400 seconds.
    Days,
    /// `w`: 7 days.
    Weeks,
    /// `mo`: calendar months.
    Months,
    /// `y`: calendar years.
    Years,
}

/// Why a text is not an [`Expiry`], or a period leads outside the years 1 to 9999.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    /// Neither a date, a timestamp nor a period.
    #[error(
        "{0:?} is not an expiry: write a period from now (\"90d\", \"12w\", \"6mo\", \"1y\"), a date (\"2036-01-01\") or a UTC time (\"2036-01-01T00:00:00Z\")"
    )]
    Format(String),
    /// `m` is ambiguous (minutes or months).
    #[error("{0:?}: write \"mo\" for months")]
    AmbiguousMonths(String),
    /// The date does not exist or the period goes beyond the year 9999.
    #[error("{0:?}: {1}")]
    OutOfRange(String, String),
}

impl FromStr for Expiry {
    type Err = ExpiryError;

    fn from_str(text: &str) -> Result<Self, ExpiryError> {
        let t = text.trim();
        if let Ok(at) = Timestamp::parse(t) {
            return Ok(Expiry::At(at));
        }
        if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') {
            return Timestamp::parse(&format!("{t}T00:00:00Z"))
                .map(Expiry::At)
                .map_err(|e| ExpiryError::OutOfRange(text.into(), e.to_string()));
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let (count, unit) = t.split_at(digits);
        let count: u32 = count
            .parse()
            .map_err(|_| ExpiryError::Format(text.into()))?;
        let unit = match unit.trim() {
            "d" | "day" | "days" => Unit::Days,
            "w" | "week" | "weeks" => Unit::Weeks,
            "mo" | "month" | "months" => Unit::Months,
            "y" | "year" | "years" => Unit::Years,
            "m" => return Err(ExpiryError::AmbiguousMonths(text.into())),
            _ => return Err(ExpiryError::Format(text.into())),
        };
        Ok(Expiry::After(Period { count, unit }))
    }
}

impl Expiry {
    /// The instant this expiry names, with `now` for periods.
    pub fn resolve(&self, now: Timestamp) -> Result<Timestamp, ExpiryError> {
        let period = match self {
            Expiry::At(at) => return Ok(*at),
            Expiry::After(period) => period,
        };
        let out_of_range =
            || ExpiryError::OutOfRange(period.to_string(), "beyond the year 9999".into());
        let count = i64::from(period.count);
        match period.unit {
            Unit::Days => now
                .checked_add_seconds(count * 86_400)
                .ok_or_else(out_of_range),
            Unit::Weeks => now
                .checked_add_seconds(count * 7 * 86_400)
                .ok_or_else(out_of_range),
            Unit::Months => add_months(now, count).ok_or_else(out_of_range),
            Unit::Years => add_months(now, count * 12).ok_or_else(out_of_range),
        }
    }
}

/// `now + relativedelta(months=months)`: same day (clamped), same time of day.
fn add_months(now: Timestamp, months: i64) -> Option<Timestamp> {
    let (y, m, d, hh, mm, ss) = now.to_civil();
    let total = y.checked_mul(12)? + (m - 1) + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    if year > 9999 {
        return None;
    }
    let last = (28..=31)
        .rev()
        .find(|day| Timestamp::parse(&civil(year, month, *day, 0, 0, 0)).is_ok())?;
    Timestamp::parse(&civil(year, month, d.min(last), hh, mm, ss)).ok()
}

fn civil(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64) -> String {
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Months => "mo",
            Unit::Years => "y",
        };
        write!(f, "{}{unit}", self.count)
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expiry::At(at) => write!(f, "{at}"),
            Expiry::After(p) => write!(f, "{p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn resolve(text: &str, now: &str) -> Timestamp {
        text.parse::<Expiry>().unwrap().resolve(ts(now)).unwrap()
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(
            resolve("2036-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ts("2036-01-01T00:00:00Z")
        );
        assert_eq!(
            resolve("2036-01-01", "2026-01-01T00:00:00Z"),
            ts("2036-01-01T00:00:00Z")
        );
    }

    #[test]
    fn periods() {
        let now = "2026-01-31T12:30:00Z";
        assert_eq!(resolve("90d", now), ts("2026-05-01T12:30:00Z"));
        assert_eq!(resolve("2w", now), ts("2026-02-14T12:30:00Z"));
        // relativedelta clamps to the last day of February.
        assert_eq!(resolve("1mo", now), ts("2026-02-28T12:30:00Z"));
        assert_eq!(resolve("13mo", now), ts("2027-02-28T12:30:00Z"));
        assert_eq!(
            resolve("1y", "2028-02-29T00:00:00Z"),
            ts("2029-02-28T00:00:00Z")
        );
        assert_eq!(resolve("3 days", now), ts("2026-02-03T12:30:00Z"));
    }

    #[test]
    fn rejections() {
        assert!(matches!(
            "soon".parse::<Expiry>(),
            Err(ExpiryError::Format(_))
        ));
        assert!(matches!("d".parse::<Expiry>(), Err(ExpiryError::Format(_))));
        assert!(matches!(
            "3m".parse::<Expiry>(),
            Err(ExpiryError::AmbiguousMonths(_))
        ));
        assert!(matches!(
            "2026-02-30".parse::<Expiry>(),
            Err(ExpiryError::OutOfRange(..))
        ));
        let far = "9000y".parse::<Expiry>().unwrap();
        assert!(matches!(
            far.resolve(ts("2026-01-01T00:00:00Z")),
            Err(ExpiryError::OutOfRange(..))
        ));
    }
}
