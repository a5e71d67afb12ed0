//! Calendar dates and CDSi time offsets (logic spec §3.4, "Date calculations").
//!
//! CDSi does all arithmetic on whole calendar days, and its offsets ("12 months - 4 days",
//! "19 years", "6 months + 4 weeks") are applied years first, then months, then weeks and
//! days (CALCDT-6). A month step that lands on a day that does not exist (31 September) moves
//! to the first day of the next month (CALCDT-5), which differs from the usual "clamp to the end
//! of the month" rule of most date libraries — hence a small dedicated type instead of `time`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A proleptic Gregorian calendar date, stored as days since 1970-01-01 so comparisons and
/// day arithmetic are single integer operations (the evaluator compares dates constantly).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// 01/01/1900, the value CDSi assumes for an empty begin date.
    pub const MIN: Date = Date(-25567);
    /// 12/31/2999, the value CDSi assumes for an empty end date.
    pub const MAX: Date = Date(376199);

    /// The earliest year a date may be built or parsed with (a patient born before 1850 is a
    /// data-entry error, not a patient).
    pub const FIRST_YEAR: i32 = 1850;
    /// The latest year a date may be built or parsed with (the CDSi "no end" date is in 2999).
    pub const LAST_YEAR: i32 = 2999;

    /// Builds a date, or `None` when the day does not exist or the year is outside
    /// [`Date::FIRST_YEAR`]`..=`[`Date::LAST_YEAR`] (absurd years such as 9999999 would
    /// otherwise overflow the day count).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(Date::FIRST_YEAR..=Date::LAST_YEAR).contains(&year) {
            return None;
        }
        Date::civil(year, month, day)
    }

    /// [`Date::from_ymd`] without the year bounds, for date arithmetic on dates already built
    /// (a maximum age date can be later than 2999).
    fn civil(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Adds (or with a negative count subtracts) whole days (CALCDT-3, CALCDT-4).
    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Number of days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i32 {
        other.0 - self.0
    }

    /// Applies a CDSi offset following CALCDT-1 … CALCDT-6.
    pub fn plus(self, offset: Offset) -> Date {
        if offset.years == 0 && offset.months == 0 {
            return self.add_days(offset.days);
        }
        let (y, m, d) = cached_ymd(self.0);
        let total_months = y * 12 + (m as i32 - 1) + offset.years * 12 + offset.months;
        let ny = total_months.div_euclid(12);
        let nm = (total_months.rem_euclid(12) + 1) as u32;
        // CALCDT-5: a date that is not real moves forward to the first of the next month.
        let base = match Date::civil(ny, nm, d) {
            Some(date) => date,
            None => Date(days_from_civil(ny, nm, days_in_month(ny, nm))).add_days(1),
        };
        base.add_days(offset.days)
    }

    /// Parses `YYYY-MM-DD`, `YYYYMMDD` (supporting data) or `MM/DD/YYYY` (CDC documents);
    /// `None` for anything else, for days that do not exist and for years outside
    /// [`Date::FIRST_YEAR`]`..=`[`Date::LAST_YEAR`].
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        // Digits only (no sign), at most 4 for a year and 2 for a month or day, so nothing
        // overflows or wraps on the way to `from_ymd`.
        let num = |t: &str, max_len: usize| -> Option<u32> {
            (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<u32>().ok())
                .flatten()
        };
        let year = |t: &str| num(t, 4).and_then(|y| i32::try_from(y).ok());
        if let Some((a, rest)) = s.split_once('-') {
            let (b, c) = rest.split_once('-')?;
            // An ISO date-time (`2025-01-10T08:00`) is read as its date.
            let c = match c.get(..2) {
                Some(day) if c.len() > 2 && !c.as_bytes()[2].is_ascii_digit() => day,
                _ => c,
            };
            return Date::from_ymd(year(a)?, num(b, 2)?, num(c, 2)?);
        }
        if let Some((a, rest)) = s.split_once('/') {
            let (b, c) = rest.split_once('/')?;
            return Date::from_ymd(year(c)?, num(a, 2)?, num(b, 2)?);
        }
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Date::from_ymd(year(&s[..4])?, num(&s[4..6], 2)?, num(&s[6..], 2)?);
        }
        None
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        if !(0..=9999).contains(&y) {
            return write!(f, "{y:04}-{m:02}-{d:02}");
        }
        // Traces format many dates: write the digits directly instead of going through the
        // integer formatting machinery.
        let y = y as u32;
        let digit = |v: u32| b'0' + (v % 10) as u8;
        let buf = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        // The buffer holds ASCII digits and dashes only.
        f.pad(std::str::from_utf8(&buf).unwrap_or_default())
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).ok_or_else(|| format!("not a date: {s:?}"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s:?}")))
    }
}

thread_local! {
    /// The last date split into year, month and day by [`Date::plus`]: most offsets are applied
    /// to the patient's date of birth, so this saves most of the conversions.
    static LAST_YMD: std::cell::Cell<(i32, (i32, u32, u32))> =
        const { std::cell::Cell::new((i32::MIN, (0, 0, 0))) };
}

fn cached_ymd(days: i32) -> (i32, u32, u32) {
    LAST_YMD.with(|c| {
        let (k, v) = c.get();
        if k == days {
            return v;
        }
        let v = civil_from_days(days);
        c.set((days, v));
        v
    })
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's civil-from-days algorithms (public domain), exact for all i32 years used here.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A CDSi time offset such as `6 months - 4 days`: years, months and days (weeks are folded
/// into days because CALCDT-3 treats them identically).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct Offset {
    /// Whole years, applied first.
    pub years: i32,
    /// Whole months, applied second.
    pub months: i32,
    /// Days (weeks × 7 included), applied last.
    pub days: i32,
}

impl Offset {
    /// Parses the supporting-data notation: terms like `4 weeks` joined by `+` or `-`.
    pub fn parse(s: &str) -> Option<Offset> {
        let mut out = Offset::default();
        let mut sign = 1;
        let mut tokens = s.split_whitespace().peekable();
        let mut any = false;
        while let Some(tok) = tokens.next() {
            match tok {
                "+" => sign = 1,
                "-" => sign = -1,
                _ => {
                    let n: i32 = tok.parse().ok()?;
                    let unit = tokens.next()?.to_ascii_lowercase();
                    // An offset too large for an i32 count is not an offset (checked: the
                    // plain operations overflowed on "1029924900 weeks").
                    let n = n.checked_mul(sign)?;
                    let (field, n) = match unit.trim_end_matches('s') {
                        "year" => (&mut out.years, n),
                        "month" => (&mut out.months, n),
                        "week" => (&mut out.days, n.checked_mul(7)?),
                        "day" => (&mut out.days, n),
                        _ => return None,
                    };
                    *field = field.checked_add(n)?;
                    any = true;
                }
            }
        }
        any.then_some(out)
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.years != 0 {
            parts.push(format!("{} years", self.years));
        }
        if self.months != 0 {
            parts.push(format!("{} months", self.months));
        }
        if self.days != 0 || parts.is_empty() {
            parts.push(format!("{} days", self.days));
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn off(s: &str) -> Offset {
        Offset::parse(s).unwrap()
    }

    #[test]
    fn the_spec_examples_of_calcdt_1_to_6_hold() {
        assert_eq!(d("2000-01-01").plus(off("3 years")), d("2003-01-01"));
        assert_eq!(d("2000-01-01").plus(off("6 months")), d("2000-07-01"));
        assert_eq!(d("2000-11-01").plus(off("6 months")), d("2001-05-01"));
        assert_eq!(d("2000-01-01").plus(off("3 days")), d("2000-01-04"));
        assert_eq!(d("2000-01-01").plus(off("3 weeks")), d("2000-01-22"));
        assert_eq!(d("2000-02-01").plus(off("5 weeks")), d("2000-03-07"));
        assert_eq!(d("2001-02-01").plus(off("5 weeks")), d("2001-03-08"));
        assert_eq!(d("2000-01-15").plus(off("-4 days")), d("2000-01-11"));
        assert_eq!(d("2000-03-31").plus(off("6 months")), d("2000-10-01"));
        assert_eq!(d("2000-08-31").plus(off("6 months")), d("2001-03-01"));
        assert_eq!(
            d("2000-01-31").plus(off("6 months - 4 days")),
            d("2000-07-27")
        );
    }

    #[test]
    fn adding_one_month_to_january_31_gives_march_1() {
        assert_eq!(d("2021-01-31").plus(off("1 month")), d("2021-03-01"));
        assert_eq!(d("2020-01-31").plus(off("1 month")), d("2020-03-01"));
        assert_eq!(d("2020-01-29").plus(off("1 month")), d("2020-02-29"));
    }

    #[test]
    fn a_leap_day_plus_one_year_moves_to_march_1() {
        assert_eq!(d("2020-02-29").plus(off("1 year")), d("2021-03-01"));
        assert_eq!(d("2020-02-29").plus(off("4 years")), d("2024-02-29"));
    }

    #[test]
    fn offsets_parse_with_mixed_units_and_signs() {
        assert_eq!(
            off("12 months - 4 days"),
            Offset {
                years: 0,
                months: 12,
                days: -4
            }
        );
        assert_eq!(
            off("24 months + 4 weeks"),
            Offset {
                years: 0,
                months: 24,
                days: 28
            }
        );
        assert_eq!(
            off("19 years"),
            Offset {
                years: 19,
                months: 0,
                days: 0
            }
        );
        assert_eq!(off("0 days"), Offset::default());
        assert!(Offset::parse("soon").is_none());
        assert!(Offset::parse("").is_none());
    }

    #[test]
    fn years_outside_1850_to_2999_are_refused_instead_of_overflowing() {
        // Found by fuzzing (fuzz/ forecast_date): the year was cast from u32 to i32 and the
        // day count overflowed.
        for s in [
            "9999999-01-01",
            "4294967295-01-01",
            "01/01/9999999",
            "1010-01-31",
            "1849-12-31",
            "3000-01-01",
            "99990101",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert_eq!(d("1850-01-01").ymd(), (1850, 1, 1));
        assert_eq!(d("12/31/2999"), Date::MAX);
    }

    #[test]
    fn offsets_too_large_for_a_day_count_are_refused_instead_of_overflowing() {
        // Found by fuzzing (fuzz/ forecast_date).
        for s in [
            "1029924900 weeks",
            "- -2147483648 days",
            "2147483647 years + 1 year",
            "-2147483648 months - 1 month",
        ] {
            assert_eq!(Offset::parse(s), None, "{s}");
        }
        assert_eq!(off("2147483647 days").days, i32::MAX);
        assert_eq!(off("- 306783378 weeks").days, -306783378 * 7);
    }

    #[test]
    fn dates_parse_in_all_three_notations_and_round_trip() {
        assert_eq!(d("20250827"), d("2025-08-27"));
        assert_eq!(d("01/01/1957"), d("1957-01-01"));
        assert_eq!(d("2011-02-28").to_string(), "2011-02-28");
        assert!(Date::parse("2011-02-30").is_none());
        assert_eq!(Date::MIN, d("1900-01-01"));
        assert_eq!(Date::MAX, d("2999-12-31"));
    }

    #[test]
    fn absurd_years_are_rejected_instead_of_overflowing() {
        for s in [
            "9999999-01-01",
            "01/01/9999999",
            "4294967295-01-01",
            "3000-01-01",
            "1849-12-31",
            "-2000-01-01",
            "+2000-01-01",
            "2000-001-01",
            "99991231",
            "2000-01-1é",
        ] {
            assert!(Date::parse(s).is_none(), "{s} parsed");
            assert!(s.parse::<Date>().is_err(), "{s} parsed");
        }
        assert!(Date::from_ymd(9_999_999, 1, 1).is_none());
        assert!(Date::from_ymd(i32::MIN, 1, 1).is_none());
        assert_eq!(d("1850-01-01").ymd(), (1850, 1, 1));
        assert_eq!(d("2999-12-31").ymd(), (2999, 12, 31));
        assert!(serde_json::from_str::<Date>("\"9999999-01-01\"").is_err());
    }

    #[test]
    fn arithmetic_past_the_last_parseable_year_still_follows_calcdt_5() {
        // A maximum age date can land after 2999 even though no such date parses.
        let late = d("2999-08-31").plus(off("6 months"));
        assert_eq!(late.ymd(), (3000, 3, 1));
    }
}
