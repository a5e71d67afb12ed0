//! Licensed ages of common US vaccine products, from their FDA package inserts.
//!
//! CDC's code sets carry no ages, and the CDSi schedule's ages are the *recommended* ones, which
//! are narrower than the licence. A dose outside these ages is only a warning: a clinician may
//! give a product off-label, and the entry must record what happened. CVX codes not listed here
//! are not checked.

use time::Date;

/// An age: an amount of days, weeks, months or years after birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    /// Days.
    Days(u16),
    /// Weeks.
    Weeks(u16),
    /// Calendar months.
    Months(u16),
    /// Years (birthdays).
    Years(u16),
}

impl std::fmt::Display for Age {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (n, unit) = match self {
            Age::Days(n) => (*n, "day"),
            Age::Weeks(n) => (*n, "week"),
            Age::Months(n) => (*n, "month"),
            Age::Years(n) => (*n, "year"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// The ages a product is licensed for: from `min`, and before `before` when there is an upper
/// limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicensedAges {
    /// Youngest age.
    pub min: Age,
    /// The dose must come before this age.
    pub before: Option<Age>,
}

impl LicensedAges {
    /// "6 weeks up to 7 years", "12 months and older".
    pub fn describe(&self) -> String {
        match self.before {
            Some(before) => format!("{} up to {}", self.min, before),
            None => format!("{} and older", self.min),
        }
    }
}

const fn ages(min: Age, before: Option<Age>) -> LicensedAges {
    LicensedAges { min, before }
}

impl Age {
    /// The date this age is reached by someone born on `birth`.
    pub fn after(self, birth: Date) -> Date {
        match self {
            Age::Days(n) => birth + time::Duration::days(i64::from(n)),
            Age::Weeks(n) => birth + time::Duration::weeks(i64::from(n)),
            Age::Months(n) => add_months(birth, i32::from(n)),
            Age::Years(n) => add_months(birth, i32::from(n) * 12),
        }
    }
}

/// Adds calendar months, landing on the month's last day when the day does not exist.
fn add_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month = time::Month::try_from((index.rem_euclid(12) + 1) as u8)
        .expect("a month index modulo 12 is a month");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("the day was clamped to the month")
}

use Age::{Days, Months, Weeks, Years};

/// The licensed ages of `cvx`, when known.
pub fn licensed_ages(cvx: &str) -> Option<LicensedAges> {
    Some(match cvx {
        // Hepatitis B, pediatric/adolescent formulations.
        "08" => ages(Days(0), Some(Years(20))),
        // DTaP and DTaP combinations for infants.
        "20" | "106" | "107" | "110" => ages(Weeks(6), Some(Years(7))),
        "120" | "146" => ages(Weeks(6), Some(Years(5))),
        // DTaP-IPV booster (Kinrix, Quadracel).
        "130" => ages(Years(4), Some(Years(7))),
        "115" => ages(Years(10), None),
        "10" => ages(Weeks(6), None),
        "48" | "49" | "51" => ages(Weeks(6), Some(Years(5))),
        "03" | "21" => ages(Months(12), None),
        "94" => ages(Months(12), Some(Years(13))),
        "83" => ages(Months(12), Some(Years(19))),
        "52" => ages(Years(19), None),
        "116" => ages(Weeks(6), Some(Weeks(33))),
        "119" => ages(Weeks(6), Some(Weeks(25))),
        "133" | "215" | "216" => ages(Weeks(6), None),
        "165" => ages(Years(9), Some(Years(46))),
        "62" => ages(Years(9), Some(Years(27))),
        "187" => ages(Years(18), None),
        "114" => ages(Months(9), Some(Years(56))),
        "136" => ages(Months(2), Some(Years(56))),
        "162" | "163" => ages(Years(10), Some(Years(26))),
        "140" | "141" | "150" | "158" | "161" | "171" | "186" | "197" | "205" => {
            ages(Months(6), None)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_as_a_sentence() {
        assert_eq!(
            licensed_ages("20").unwrap().describe(),
            "6 weeks up to 7 years"
        );
        assert_eq!(
            licensed_ages("03").unwrap().describe(),
            "12 months and older"
        );
        assert_eq!(licensed_ages("998"), None);
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(
            add_months(time::macros::date!(2024 - 01 - 31), 1),
            time::macros::date!(2024 - 02 - 29)
        );
        assert_eq!(
            Age::Years(1).after(time::macros::date!(2024 - 02 - 29)),
            time::macros::date!(2025 - 02 - 28)
        );
        assert_eq!(
            Age::Months(12).after(time::macros::date!(2025 - 05 - 10)),
            time::macros::date!(2026 - 05 - 10)
        );
    }
}
