//! Dates as they are typed: `UsDate` (MM/DD/YYYY, M/D/YYYY, MM-DD-YYYY, MMDDYYYY, ISO), a date
//! of birth checked against today, and the looser forms search accepts. Never a panic; a date
//! that parses is shown and stored in forms that parse back to the same day.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shotbook_core::date::{Age, DateOfBirth, UsDate};
use shotbook_core::matching::Dob;
use shotbook_core::search::typed_dob;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    /// Days after 01/01/1990: "today" of the workstation, 1990 to 2169.
    today: u16,
    mdy: bool,
    text: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let today = time::macros::date!(1990 - 01 - 01) + time::Duration::days(i64::from(input.today));
    let text = input.text;

    if let Ok(date) = UsDate::parse(text) {
        let shown = date.to_string();
        assert_eq!(
            UsDate::parse(&shown),
            Ok(date),
            "{text:?} shown as {shown:?}"
        );
        let stored = date.iso();
        assert_eq!(
            UsDate::parse(&stored),
            Ok(date),
            "{text:?} stored as {stored:?}"
        );
        let _ = date.years_until(today);
        let _ = Age::on(date, today);
    }

    match DateOfBirth::parse_field("dateOfBirth", text, today) {
        Ok(dob) => {
            assert!(dob.date().date() <= today, "{text:?} is in the future");
            assert!(dob.date().years_until(today) <= 130, "{text:?} is too old");
            let again = DateOfBirth::parse_field("dateOfBirth", &dob.date().to_string(), today);
            assert_eq!(again, Ok(dob), "{text:?}");
            match Age::on(dob.date(), today) {
                Age::Days(d) | Age::Weeks(d) => assert!((0..=31).contains(&d), "{text:?}"),
                Age::Months(m) => assert!((1..24).contains(&m), "{text:?}"),
                Age::Years(y) => assert!((2..=130).contains(&y), "{text:?}"),
            }
        }
        Err(issue) => assert_eq!(issue.field, "dateOfBirth"),
    }

    if let Some(dob) = typed_dob(text, today) {
        assert!(
            (1850..=2100).contains(&dob.year),
            "{text:?} read as {dob:?}"
        );
        assert!((1..=31).contains(&dob.month) && (1..=31).contains(&dob.day));
    }
    let _ = Dob::parse_digits(text, input.mdy);
});
