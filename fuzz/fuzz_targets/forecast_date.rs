//! The forecast engine's dates: `Date::parse` on any text (supporting data, CDC test cases and
//! the dates the app hands the engine) is a real calendar day or `None`, never a panic or an
//! integer overflow; a parsed date prints and parses back to itself, and the CDSi offset
//! arithmetic on it (offsets the size the supporting data uses) stays on real days.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shotbook_forecast::{Date, Offset};

/// What the fuzzer varies: seven bytes of offset (years, months, days), then the date text
/// and, after a newline, an offset as the supporting data writes it ("6 months - 4 days").
struct Input<'a> {
    years: i8,
    months: i16,
    days: i32,
    text: &'a str,
    offset_text: &'a str,
}

impl<'a> Input<'a> {
    fn read(data: &'a [u8]) -> Option<Self> {
        let (numbers, text) = data.split_at_checked(7)?;
        let text = std::str::from_utf8(text).ok()?;
        let (text, offset_text) = text.split_once('\n').unwrap_or((text, ""));
        Some(Self {
            years: i8::from_le_bytes([numbers[0]]),
            months: i16::from_le_bytes([numbers[1], numbers[2]]),
            days: i32::from_le_bytes([numbers[3], numbers[4], numbers[5], numbers[6]]),
            text,
            offset_text,
        })
    }
}

/// Days in 400 Gregorian years: shifting a date by this many days keeps its month and day.
const GREGORIAN_CYCLE_DAYS: i32 = 146_097;

/// A date from its parts is the date itself. Arithmetic may leave the years dates are built
/// from (1850–2999: a maximum age past 2999 is a date, not an input); such a date is shifted
/// by whole 400-year cycles into them, where the same month and day must be a real day.
fn real(d: Date) {
    let (y, m, day) = d.ymd();
    let cycles = if y > Date::LAST_YEAR {
        (y - Date::LAST_YEAR + 399) / 400
    } else if y < Date::FIRST_YEAR {
        -((Date::FIRST_YEAR - y + 399) / 400)
    } else {
        0
    };
    let shifted = d.add_days(-cycles * GREGORIAN_CYCLE_DAYS);
    assert_eq!(shifted.ymd(), (y - cycles * 400, m, day), "{d:?}");
    assert_eq!(
        Date::from_ymd(y - cycles * 400, m, day),
        Some(shifted),
        "{d:?}"
    );
}

fn apply(d: Date, offset: Offset) {
    let later = d.plus(offset);
    real(later);
    if offset.years >= 0 && offset.months >= 0 && offset.days >= 0 {
        assert!(later >= d, "{d:?} + {offset} = {later:?}");
    }
    assert_eq!(d.days_until(later), -later.days_until(d));
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::read(data) else {
        return;
    };
    let parsed = Date::parse(input.text);
    if let Some(d) = parsed {
        real(d);
        let shown = d.to_string();
        assert_eq!(
            Date::parse(&shown),
            Some(d),
            "{:?} shown as {shown:?}",
            input.text
        );
        assert_eq!(shown.parse::<Date>(), Ok(d));
        // What parses lies in the years dates are built from (found by the long run: the
        // bound used to be Date::MIN less 50 × 365 days, twelve leap days short of 1850-01-01).
        let first = Date::from_ymd(Date::FIRST_YEAR, 1, 1).expect("the first day of 1850");
        assert!(first <= d && d <= Date::MAX, "{d:?}");
        // The supporting data's offsets reach about 120 years; these go further.
        let offset = Offset {
            years: i32::from(input.years),
            months: i32::from(input.months) % 2400,
            days: input.days % 100_000,
        };
        apply(d, offset);
        let (y, m, day) = d.ymd();
        assert_eq!(d.add_days(offset.days).add_days(-offset.days), d);
        let _ = Date::from_ymd(y, m, day);
    }
    if let Some(offset) = Offset::parse(input.offset_text) {
        let shown = offset.to_string();
        assert_eq!(
            Offset::parse(&shown),
            Some(offset),
            "{:?} shown as {shown:?}",
            input.offset_text
        );
        let small = offset.years.abs() <= 200
            && offset.months.abs() <= 2400
            && offset.days.abs() <= 100_000;
        if let (Some(d), true) = (parsed, small) {
            apply(d, offset);
        }
    }
});
