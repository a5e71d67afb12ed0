//! Doses administered: what a VFC provider reports for a period — the doses the organization
//! gave (not historical doses, not voided ones), by vaccine (CVX) and the patient's age band on
//! the day, by VFC eligibility at the dose (HL7 table 0064) and by funding source.
//!
//! Age bands are the VFC program's: under 1 year, 1–6, 7–18, 19 and older (the age on the day
//! of the dose, in whole years).

use serde::Serialize;
use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use time::Date;

/// Longest period one report covers, in days (two years: a VFC provider reports monthly or
/// for the year).
pub const MAX_PERIOD_DAYS: i64 = 731;

/// An age band on the day of the dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AgeBand {
    /// Under 1 year.
    UnderOne,
    /// 1 to 6 years.
    OneToSix,
    /// 7 to 18 years.
    SevenToEighteen,
    /// 19 years and older.
    Adult,
}

impl AgeBand {
    /// Every band, youngest first (the columns of the report).
    pub const ALL: [AgeBand; 4] = [
        AgeBand::UnderOne,
        AgeBand::OneToSix,
        AgeBand::SevenToEighteen,
        AgeBand::Adult,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AgeBand::UnderOne => "under_1",
            AgeBand::OneToSix => "1_6",
            AgeBand::SevenToEighteen => "7_18",
            AgeBand::Adult => "19_plus",
        }
    }

    /// The band of someone born `dob` on `on`.
    pub fn on(dob: Date, on: Date) -> AgeBand {
        match UsDate::from_date(dob).years_until(on) {
            i32::MIN..=0 => AgeBand::UnderOne,
            1..=6 => AgeBand::OneToSix,
            7..=18 => AgeBand::SevenToEighteen,
            _ => AgeBand::Adult,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The period of the report, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

impl Period {
    /// Parses "from" and "to" (MM/DD/YYYY; blank: the month so far, up to `today`). The last day
    /// is not after today and the period is at most [`MAX_PERIOD_DAYS`] long.
    pub fn parse(from: &str, to: &str, today: Date) -> Result<Period, ValidationError> {
        let mut issues = IssueCollector::new();
        let day = |field: &str, text: &str, default: Date, issues: &mut IssueCollector| {
            if text.trim().is_empty() {
                Some(default)
            } else {
                issues
                    .take(UsDate::parse_field(field, text))
                    .map(|d| d.date())
            }
        };
        let month_start = today.replace_day(1).unwrap_or(today);
        let from = day("from", from, month_start, &mut issues);
        let to = day("to", to, today, &mut issues);
        if let (Some(from), Some(to)) = (from, to) {
            if to > today {
                issues.push(Issue::new("to", "Choose a day up to today."));
            } else if from > to {
                issues.push(Issue::new("to", "The last day comes before the first."));
            } else if (to - from).whole_days() >= MAX_PERIOD_DAYS {
                issues.push(Issue::new("from", "One report covers at most two years."));
            }
        }
        issues.finish()?;
        match (from, to) {
            (Some(from), Some(to)) => Ok(Period { from, to }),
            _ => Err(ValidationError::single("from", "Check the period.")),
        }
    }
}

/// A dose the organization gave, as the report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenDose {
    /// CVX as stored.
    pub cvx: String,
    /// Day given.
    pub administered_on: Date,
    /// The patient's date of birth.
    pub date_of_birth: Date,
    /// VFC eligibility at the dose (V01–V07), when recorded.
    pub vfc_eligibility: Option<String>,
    /// Funding source as recorded.
    pub funding_source: Option<String>,
}

/// Counts by age band, and their total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BandCounts {
    /// Doses per band, in [`AgeBand::ALL`] order.
    pub by_age: [usize; 4],
    /// All bands.
    pub total: usize,
}

impl BandCounts {
    fn add(&mut self, band: AgeBand) {
        self.by_age[band.index()] += 1;
        self.total += 1;
    }
}

/// A line of the report: a vaccine, an eligibility or a funding source (`None`: not recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The CVX, eligibility or funding code.
    pub code: Option<String>,
    /// Its counts.
    pub counts: BandCounts,
}

/// The report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DosesAdministered {
    /// By vaccine (CVX), most given first.
    pub by_vaccine: Vec<Line>,
    /// By VFC eligibility, in code order, "not recorded" last.
    pub by_eligibility: Vec<Line>,
    /// By funding source, in code order, "not recorded" last.
    pub by_funding: Vec<Line>,
    /// Every dose.
    pub total: BandCounts,
}

fn lines(map: std::collections::BTreeMap<Option<String>, BandCounts>) -> Vec<Line> {
    // `None` sorts first in a BTreeMap; "not recorded" reads better last.
    let (recorded, missing): (Vec<_>, Vec<_>) = map.into_iter().partition(|(c, _)| c.is_some());
    recorded
        .into_iter()
        .chain(missing)
        .map(|(code, counts)| Line { code, counts })
        .collect()
}

/// Tallies the doses given in the period.
pub fn tally(doses: &[GivenDose]) -> DosesAdministered {
    use std::collections::BTreeMap;
    let mut vaccines: BTreeMap<Option<String>, BandCounts> = BTreeMap::new();
    let mut eligibility: BTreeMap<Option<String>, BandCounts> = BTreeMap::new();
    let mut funding: BTreeMap<Option<String>, BandCounts> = BTreeMap::new();
    let mut total = BandCounts::default();
    let blank = |s: &Option<String>| s.as_ref().filter(|s| !s.trim().is_empty()).cloned();
    for d in doses {
        let band = AgeBand::on(d.date_of_birth, d.administered_on);
        vaccines
            .entry(Some(d.cvx.trim().to_string()))
            .or_default()
            .add(band);
        eligibility
            .entry(blank(&d.vfc_eligibility))
            .or_default()
            .add(band);
        funding
            .entry(blank(&d.funding_source))
            .or_default()
            .add(band);
        total.add(band);
    }
    let mut by_vaccine = lines(vaccines);
    by_vaccine.sort_by(|a, b| {
        b.counts
            .total
            .cmp(&a.counts.total)
            .then(a.code.cmp(&b.code))
    });
    DosesAdministered {
        by_vaccine,
        by_eligibility: lines(eligibility),
        by_funding: lines(funding),
        total,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn dose(cvx: &str, on: Date, dob: Date, vfc: Option<&str>, funding: Option<&str>) -> GivenDose {
        GivenDose {
            cvx: cvx.into(),
            administered_on: on,
            date_of_birth: dob,
            vfc_eligibility: vfc.map(str::to_string),
            funding_source: funding.map(str::to_string),
        }
    }

    #[test]
    fn the_band_is_the_age_in_whole_years_on_the_day() {
        let dob = date!(2020 - 03 - 15);
        assert_eq!(AgeBand::on(dob, date!(2021 - 03 - 14)), AgeBand::UnderOne);
        assert_eq!(AgeBand::on(dob, date!(2021 - 03 - 15)), AgeBand::OneToSix);
        assert_eq!(AgeBand::on(dob, date!(2027 - 03 - 14)), AgeBand::OneToSix);
        assert_eq!(
            AgeBand::on(dob, date!(2027 - 03 - 15)),
            AgeBand::SevenToEighteen
        );
        assert_eq!(
            AgeBand::on(dob, date!(2039 - 03 - 14)),
            AgeBand::SevenToEighteen
        );
        assert_eq!(AgeBand::on(dob, date!(2039 - 03 - 15)), AgeBand::Adult);
    }

    #[test]
    fn doses_are_counted_by_vaccine_eligibility_and_funding_in_each_band() {
        let on = date!(2026 - 11 - 10);
        let report = tally(&[
            dose("03", on, date!(2025 - 11 - 01), Some("V02"), Some("VXC51")),
            dose("03", on, date!(2022 - 01 - 01), Some("V03"), Some("VXC51")),
            dose("20", on, date!(2026 - 05 - 01), Some("V02"), Some("VXC51")),
            dose("20", on, date!(2026 - 05 - 02), Some("V02"), None),
            dose("20", on, date!(2026 - 05 - 03), None, Some("PHC70")),
            dose("115", on, date!(1980 - 01 - 01), Some("V01"), Some("PHC70")),
        ]);
        assert_eq!(report.total.total, 6);
        assert_eq!(report.total.by_age, [3, 2, 0, 1]);
        let codes: Vec<(Option<&str>, usize)> = report
            .by_vaccine
            .iter()
            .map(|l| (l.code.as_deref(), l.counts.total))
            .collect();
        assert_eq!(
            codes,
            vec![(Some("20"), 3), (Some("03"), 2), (Some("115"), 1)]
        );
        assert_eq!(report.by_vaccine[1].counts.by_age, [0, 2, 0, 0]);
        let eligibility: Vec<(Option<&str>, [usize; 4])> = report
            .by_eligibility
            .iter()
            .map(|l| (l.code.as_deref(), l.counts.by_age))
            .collect();
        assert_eq!(
            eligibility,
            vec![
                (Some("V01"), [0, 0, 0, 1]),
                (Some("V02"), [2, 1, 0, 0]),
                (Some("V03"), [0, 1, 0, 0]),
                (None, [1, 0, 0, 0]),
            ]
        );
        assert_eq!(report.by_funding.last().unwrap().code, None);
        assert_eq!(report.by_funding.len(), 3);
    }

    #[test]
    fn the_period_defaults_to_the_month_so_far_and_is_checked() {
        let today = date!(2026 - 12 - 07);
        assert_eq!(
            Period::parse("", "", today).unwrap(),
            Period {
                from: date!(2026 - 12 - 01),
                to: today
            }
        );
        let field = |from: &str, to: &str| {
            Period::parse(from, to, today).unwrap_err().issues[0]
                .field
                .clone()
        };
        assert_eq!(field("12/01/2026", "12/08/2026"), "to");
        assert_eq!(field("12/05/2026", "12/01/2026"), "to");
        assert_eq!(field("12/01/2024", "12/07/2026"), "from");
        assert_eq!(field("13/01/2026", ""), "from");
        assert!(Period::parse("12/08/2024", "12/07/2026", today).is_ok());
    }
}
