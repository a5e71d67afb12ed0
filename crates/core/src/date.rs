//! Dates as US registries show and type them: `MM/DD/YYYY` on screen, ISO 8601 in storage.

use std::fmt;

use time::{Date, Month};

use crate::error::Issue;

/// A calendar date that was typed or shown in US form.
///
/// Accepts `MM/DD/YYYY`, `M/D/YYYY`, `MM-DD-YYYY`, `MMDDYYYY` and ISO `YYYY-MM-DD` (what the
/// database stores and what a date picker sends). Two-digit years are refused: a registry
/// cannot guess the century of a birth date.
///
/// ```
/// use shotbook_core::date::UsDate;
/// let d = UsDate::parse("3/14/2019").unwrap();
/// assert_eq!(d.to_string(), "03/14/2019");
/// assert_eq!(d.iso(), "2019-03-14");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsDate(Date);

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text does not have a date's shape.
    #[error("Enter the date as MM/DD/YYYY.")]
    Format,
    /// The shape is right but the day does not exist (e.g. 02/30/2020).
    #[error("{0} is not a real calendar date.")]
    NoSuchDay(String),
}

impl UsDate {
    /// Parses any of the accepted forms.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let s = input.trim();
        let (year, month, day) = split_date(s).ok_or(DateError::Format)?;
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(|| DateError::NoSuchDay(s.to_string()))?;
        let day = u8::try_from(day).map_err(|_| DateError::NoSuchDay(s.to_string()))?;
        let year = i32::try_from(year).map_err(|_| DateError::Format)?;
        Date::from_calendar_date(year, month, day)
            .map(Self)
            .map_err(|_| DateError::NoSuchDay(s.to_string()))
    }

    /// Parses the value of form field `field`, reporting a failure as an [`Issue`] on it.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        Self::parse(input).map_err(|e| Issue::new(field, e.to_string()))
    }

    /// Wraps a `time` date.
    pub fn from_date(date: Date) -> Self {
        Self(date)
    }

    /// The `time` date inside.
    pub fn date(&self) -> Date {
        self.0
    }

    /// ISO 8601 form (`YYYY-MM-DD`), the storage format.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }

    /// Whole years between this date and `on` (an age when this is a birth date).
    pub fn years_until(&self, on: Date) -> i32 {
        let mut years = on.year() - self.0.year();
        if (on.month() as u8, on.day()) < (self.0.month() as u8, self.0.day()) {
            years -= 1;
        }
        years
    }
}

/// An age as a clinician says it: days for the first two weeks, then weeks, months under two
/// years, years after. Hosts word it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    /// Under 14 days.
    Days(i64),
    /// 14 days to one month.
    Weeks(i64),
    /// One month to two years.
    Months(i32),
    /// Two years and over.
    Years(i32),
}

impl Age {
    /// The age on `on` of someone born `born`.
    pub fn on(born: UsDate, on: Date) -> Age {
        let years = born.years_until(on);
        if years >= 2 {
            return Age::Years(years);
        }
        let birth = born.date();
        let mut months =
            (on.year() - birth.year()) * 12 + (on.month() as i32 - birth.month() as i32);
        if on.day() < birth.day() {
            months -= 1;
        }
        if months >= 1 {
            return Age::Months(months);
        }
        match (on - birth).whole_days() {
            d if d >= 14 => Age::Weeks(d / 7),
            d => Age::Days(d),
        }
    }
}

impl fmt::Display for UsDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}/{:02}/{:04}",
            u8::from(self.0.month()),
            self.0.day(),
            self.0.year()
        )
    }
}

fn split_date(s: &str) -> Option<(u32, u32, u32)> {
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 8 && all_digits(s) {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
        return Some((n(4..8)?, n(0..2)?, n(2..4)?));
    }
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != 3 || !parts.iter().all(|p| all_digits(p)) {
        return None;
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 && sep == '-' {
        // ISO: YYYY-MM-DD
        (parts[1].len() <= 2 && parts[2].len() <= 2).then_some((nums[0], nums[1], nums[2]))
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        Some((nums[2], nums[0], nums[1]))
    } else {
        None
    }
}

/// A date of birth: a real date, not in the future, at most 130 years ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateOfBirth(UsDate);

impl DateOfBirth {
    /// Parses form field `field` and checks it against `today`.
    pub fn parse_field(field: &str, input: &str, today: Date) -> Result<Self, Issue> {
        let date = UsDate::parse_field(field, input)?;
        Self::new(date, today).map_err(|message| Issue::new(field, message))
    }

    /// Checks a parsed date against `today`.
    pub fn new(date: UsDate, today: Date) -> Result<Self, String> {
        if date.date() > today {
            return Err(format!("Date of birth {date} is in the future."));
        }
        if date.years_until(today) > 130 {
            return Err(format!("Date of birth {date} is more than 130 years ago."));
        }
        Ok(Self(date))
    }

    /// The date itself.
    pub fn date(&self) -> UsDate {
        self.0
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_age_is_said_in_days_weeks_months_then_years() {
        let born = |iso: &str| UsDate::parse(iso).unwrap();
        assert_eq!(
            Age::on(born("2026-11-01"), date!(2026 - 11 - 05)),
            Age::Days(4)
        );
        assert_eq!(
            Age::on(born("2026-10-01"), date!(2026 - 10 - 20)),
            Age::Weeks(2)
        );
        assert_eq!(
            Age::on(born("2026-09-22"), date!(2026 - 11 - 21)),
            Age::Months(1)
        );
        assert_eq!(
            Age::on(born("2025-09-23"), date!(2026 - 11 - 22)),
            Age::Months(13)
        );
        assert_eq!(
            Age::on(born("2024-11-22"), date!(2026 - 11 - 21)),
            Age::Months(23)
        );
        assert_eq!(
            Age::on(born("2024-11-22"), date!(2026 - 11 - 22)),
            Age::Years(2)
        );
    }

    proptest::proptest! {
        #[test]
        fn an_age_never_goes_down_as_time_passes(born in 0i64..40_000, a in 0i64..40_000, b in 0i64..40_000) {
            let epoch = time::macros::date!(1940 - 01 - 01);
            let birth = UsDate::from_date(epoch + time::Duration::days(born));
            let (early, late) = (a.min(b), a.max(b));
            let rank = |age: Age| match age {
                Age::Days(d) => d,
                Age::Weeks(w) => w * 7,
                Age::Months(m) => i64::from(m) * 31,
                Age::Years(y) => i64::from(y) * 366,
            };
            let first = Age::on(birth, birth.date() + time::Duration::days(early));
            let second = Age::on(birth, birth.date() + time::Duration::days(late));
            proptest::prop_assert!(rank(first) <= rank(second), "{first:?} then {second:?}");
        }
    }
    use super::*;
    use time::macros::date;

    #[test]
    fn us_slash_dash_compact_and_iso_forms_all_parse_to_the_same_day() {
        for s in [
            "03/14/2019",
            "3/14/2019",
            "03-14-2019",
            "03142019",
            "2019-03-14",
            " 3/14/2019 ",
        ] {
            assert_eq!(
                UsDate::parse(s).unwrap().date(),
                date!(2019 - 03 - 14),
                "{s}"
            );
        }
    }

    #[test]
    fn a_date_is_shown_as_mm_dd_yyyy_and_stored_as_iso() {
        let d = UsDate::parse("2020-01-05").unwrap();
        assert_eq!(d.to_string(), "01/05/2020");
        assert_eq!(d.iso(), "2020-01-05");
    }

    #[test]
    fn impossible_days_and_two_digit_years_are_refused_with_a_reason() {
        assert_eq!(
            UsDate::parse("02/30/2020"),
            Err(DateError::NoSuchDay("02/30/2020".into()))
        );
        assert_eq!(
            UsDate::parse("13/01/2020"),
            Err(DateError::NoSuchDay("13/01/2020".into()))
        );
        assert_eq!(UsDate::parse("3/14/19"), Err(DateError::Format));
        assert_eq!(UsDate::parse("yesterday"), Err(DateError::Format));
        assert_eq!(UsDate::parse(""), Err(DateError::Format));
    }

    #[test]
    fn a_birth_date_in_the_future_names_the_field() {
        let issue = DateOfBirth::parse_field("dateOfBirth", "01/01/2031", date!(2026 - 11 - 22))
            .unwrap_err();
        assert_eq!(issue.field, "dateOfBirth");
        assert!(issue.message.contains("future"), "{}", issue.message);
    }

    #[test]
    fn age_in_years_counts_birthdays_not_calendar_years() {
        let dob = UsDate::parse("11/23/2020").unwrap();
        assert_eq!(dob.years_until(date!(2026 - 11 - 22)), 5);
        assert_eq!(dob.years_until(date!(2026 - 11 - 23)), 6);
    }
}
