//! [`Timestamp`]: a UTC instant written `YYYY-MM-DDTHH:MM:SSZ`, the form of a layout's `expires`.
//!
//! The library never reads the clock: callers pass "now" as unix seconds. The calendar
//! arithmetic (proleptic Gregorian, as Python's `datetime`) is done here by hand, following
//! Howard Hinnant's `days_from_civil` algorithm, to avoid a date-time dependency for ~40 lines.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UTC instant with one-second resolution, years 0001 to 9999 (Python `datetime`'s range).
///
/// Parsing accepts exactly `YYYY-MM-DDTHH:MM:SSZ` with ASCII digits, as the reference's
/// `_check_iso8601` plus `dateutil.parser.parse` do together (a real calendar date, hour < 24,
/// minute and second < 60; no leap seconds, no fractions, no offsets).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix: i64,
}

/// Why a string or number is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("expected 'YYYY-MM-DDTHH:MM:SSZ', found {0:?}")]
    Format(String),
    /// The form is right but the date or time does not exist (e.g. February 30).
    #[error("{0:?} is not a valid UTC date and time")]
    OutOfRange(String),
    /// A unix time outside the years 0001..=9999.
    #[error("unix time {0} is outside the years 0001 to 9999")]
    UnixOutOfRange(i64),
}

const SECONDS_PER_DAY: i64 = 86_400;
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as unix seconds.
const MIN_UNIX: i64 = -62_135_596_800;
const MAX_UNIX: i64 = 253_402_300_799;

impl Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                19 => c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(TimestampError::Format(s.chars().take(40).collect()));
        }
        // Every byte in these ranges is an ASCII digit (checked above).
        let num = |from: usize, to: usize| -> i64 {
            b.get(from..to)
                .unwrap_or_default()
                .iter()
                .fold(0, |acc, &c| acc * 10 + i64::from(c - b'0'))
        };
        let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
        let (hour, minute, second) = (num(11, 13), num(14, 16), num(17, 19));
        let valid = year >= 1
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid {
            return Err(TimestampError::OutOfRange(s.to_string()));
        }
        let days = days_from_civil(year, month, day);
        Ok(Timestamp {
            unix: days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second,
        })
    }

    /// The instant `unix` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix(unix: i64) -> Result<Self, TimestampError> {
        if (MIN_UNIX..=MAX_UNIX).contains(&unix) {
            Ok(Timestamp { unix })
        } else {
            Err(TimestampError::UnixOutOfRange(unix))
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_seconds(&self) -> i64 {
        self.unix
    }

    /// This instant plus `seconds` (which may be negative), if still in range.
    pub fn checked_add_seconds(&self, seconds: i64) -> Option<Self> {
        Timestamp::from_unix(self.unix.checked_add(seconds)?).ok()
    }

    /// Whether a layout expiring at `self` has expired at `now_unix`: like the reference
    /// (`expires <= now`), a layout is already expired at the very second it names.
    pub fn is_expired_at(&self, now_unix: i64) -> bool {
        self.unix <= now_unix
    }

    /// (year, month, day, hour, minute, second) in UTC.
    pub fn to_civil(&self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.unix.div_euclid(SECONDS_PER_DAY);
        let secs = self.unix.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_known_instants() {
        let t = Timestamp::parse("2030-11-18T16:06:36Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_921_248_396);
        assert_eq!(t.to_string(), "2030-11-18T16:06:36Z");
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            0
        );
        assert_eq!(
            Timestamp::parse("0001-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            MIN_UNIX
        );
        assert_eq!(
            Timestamp::parse("9999-12-31T23:59:59Z")
                .unwrap()
                .unix_seconds(),
            MAX_UNIX
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T12:00:00Z")
                .unwrap()
                .to_string(),
            "2024-02-29T12:00:00Z"
        );
    }

    #[test]
    fn round_trips_every_day_over_centuries() {
        // Step 1 day + 1 second so that every time of day gets exercised too.
        let mut unix = Timestamp::parse("1899-12-25T00:00:00Z")
            .unwrap()
            .unix_seconds();
        while unix
            < Timestamp::parse("2101-01-05T00:00:00Z")
                .unwrap()
                .unix_seconds()
        {
            let t = Timestamp::from_unix(unix).unwrap();
            assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
            unix += SECONDS_PER_DAY + 1;
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for s in [
            "2030-01-01",
            "2030-01-01T00:00:00",
            "2030-01-01T00:00:00.5Z",
            "2030-01-01T00:00:00+00:00",
            "2030-01-01 00:00:00Z",
            "2030-1-01T00:00:00Z",
            "٢٠٣٠-01-01T00:00:00Z",
            "",
        ] {
            assert!(
                matches!(Timestamp::parse(s), Err(TimestampError::Format(_))),
                "{s}"
            );
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in [
            "2030-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2030-13-01T00:00:00Z",
            "2030-00-01T00:00:00Z",
            "2030-04-31T00:00:00Z",
            "2030-01-00T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T00:60:00Z",
            "2030-01-01T00:00:60Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert!(
                matches!(Timestamp::parse(s), Err(TimestampError::OutOfRange(_))),
                "{s}"
            );
        }
    }

    #[test]
    fn expiry_is_inclusive_like_the_reference() {
        let t = Timestamp::parse("2030-01-01T00:00:00Z").unwrap();
        assert!(t.is_expired_at(t.unix_seconds()));
        assert!(!t.is_expired_at(t.unix_seconds() - 1));
    }

    #[test]
    fn unix_range_is_checked() {
        assert!(Timestamp::from_unix(MAX_UNIX + 1).is_err());
        assert!(Timestamp::from_unix(MIN_UNIX - 1).is_err());
        assert_eq!(
            Timestamp::from_unix(0)
                .unwrap()
                .checked_add_seconds(i64::MAX),
            None
        );
    }
}
