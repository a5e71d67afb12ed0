//! HL7 DT and DTM values (`YYYYMMDD[HHMM[SS[.S…]]][+/-ZZZZ]`) read as the calendar day they
//! name. The registry records days, not times; the time part is checked for shape only.

use time::{Date, Month};

/// Why a value is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Nothing there.
    Missing,
    /// Not a full day (`2015`, `201506` are partial), or not a real day, or a malformed time.
    Invalid,
}

/// The day a DT or DTM value names. Partial dates (year or year-month only) are refused: a
/// vaccination or a birth needs its day.
///
/// ```
/// use shotbook_hl7::dates::{day_of, DateProblem};
/// use time::macros::date;
/// assert_eq!(day_of("20150624084727.655-0500"), Ok(date!(2015 - 06 - 24)));
/// assert_eq!(day_of("20150624"), Ok(date!(2015 - 06 - 24)));
/// assert_eq!(day_of("201506"), Err(DateProblem::Invalid));
/// assert_eq!(day_of("20150230"), Err(DateProblem::Invalid));
/// assert_eq!(day_of(""), Err(DateProblem::Missing));
/// ```
pub fn day_of(text: &str) -> Result<Date, DateProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateProblem::Missing);
    }
    let bytes = text.as_bytes();
    // The time-zone offset, if any, starts at the first sign.
    let (body, zone) = match bytes.iter().position(|b| *b == b'+' || *b == b'-') {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    };
    if let Some(zone) = zone {
        if zone.len() != 4 || !zone.iter().all(u8::is_ascii_digit) {
            return Err(DateProblem::Invalid);
        }
    }
    let (whole, fraction) = match body.iter().position(|b| *b == b'.') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(fraction) = fraction {
        if whole.len() != 14
            || fraction.is_empty()
            || fraction.len() > 4
            || !fraction.iter().all(u8::is_ascii_digit)
        {
            return Err(DateProblem::Invalid);
        }
    }
    if !matches!(whole.len(), 8 | 10 | 12 | 14) || !whole.iter().all(u8::is_ascii_digit) {
        return Err(DateProblem::Invalid);
    }
    let number = |from: usize, to: usize| -> u32 {
        whole[from..to]
            .iter()
            .fold(0, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let (hour, minute, second) = (
        (whole.len() >= 10).then(|| number(8, 10)),
        (whole.len() >= 12).then(|| number(10, 12)),
        (whole.len() >= 14).then(|| number(12, 14)),
    );
    if hour.is_some_and(|h| h > 23)
        || minute.is_some_and(|m| m > 59)
        || second.is_some_and(|s| s > 59)
    {
        return Err(DateProblem::Invalid);
    }
    let year = i32::try_from(number(0, 4)).map_err(|_| DateProblem::Invalid)?;
    let month = u8::try_from(number(4, 6))
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(DateProblem::Invalid)?;
    let day = u8::try_from(number(6, 8)).map_err(|_| DateProblem::Invalid)?;
    if year < 1850 {
        return Err(DateProblem::Invalid);
    }
    Date::from_calendar_date(year, month, day).map_err(|_| DateProblem::Invalid)
}

/// A day in HL7 DT form, `YYYYMMDD`.
pub fn dt(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_precision_from_the_day_to_the_ten_thousandth_reads_as_its_day() {
        for text in [
            "20120814",
            "2012081408",
            "201208140822",
            "20120814082259",
            "20120814082259.1",
            "20120814082259.1234",
            "20120814+0000",
            "201208140822-0500",
        ] {
            assert_eq!(day_of(text), Ok(date!(2012 - 08 - 14)), "{text}");
        }
    }

    #[test]
    fn malformed_dates_and_times_are_invalid() {
        for text in [
            "2012",
            "201208",
            "2012081",
            "20121314",
            "20120814250000",
            "20120814086000",
            "20120814.5",
            "20120814082259.12345",
            "20120814-05",
            "2012-08-14",
            "08/14/2012",
            "18000101",
            "２０１２０８１４",
        ] {
            assert_eq!(day_of(text), Err(DateProblem::Invalid), "{text}");
        }
    }
}
