//! Dose validity for the coverage measures: minimum ages and intervals of the ACIP schedule
//! (the table of PMC8856130, which NIS analyses use), each shortened by the 4-day grace period,
//! and the product rules that change the number of doses (Hib PRP-OMP, monovalent rotavirus,
//! HPV started before 15).
//!
//! Ages and intervals are calendar offsets applied CDSi-style (years, then months, then days),
//! so "12 months − 4 days" after 2023-03-10 is 2024-03-06. An interval is measured from the
//! previous **valid** dose, as the NIS validity analyses do.

use shotbook_forecast::{Cvx, Date, Offset};

use crate::catalog::{Component, VaccineCatalog};

/// The ACIP grace period: a dose up to 4 days before a minimum age or interval is valid.
pub const GRACE_DAYS: i32 = 4;

const fn days(days: i32) -> Offset {
    Offset {
        years: 0,
        months: 0,
        days,
    }
}

const fn weeks(weeks: i32) -> Offset {
    days(weeks * 7)
}

const fn months(months: i32) -> Offset {
    Offset {
        years: 0,
        months,
        days: 0,
    }
}

const fn years(years: i32) -> Offset {
    Offset {
        years,
        months: 0,
        days: 0,
    }
}

/// The offset shortened by the grace period.
fn with_grace(offset: Offset) -> Offset {
    Offset {
        days: offset.days - GRACE_DAYS,
        ..offset
    }
}

/// The minimum age of one dose and its minimum intervals from earlier valid doses (by index).
#[derive(Debug, Clone, Copy)]
pub struct DoseRule {
    /// Minimum age (ACIP, before grace).
    pub min_age: Offset,
    /// `(earlier dose index, minimum interval)` pairs (ACIP, before grace).
    pub min_intervals: &'static [(usize, Offset)],
}

impl DoseRule {
    /// The earliest date this dose is valid, given the earlier valid doses.
    pub fn earliest(&self, dob: Date, valid: &[ValidDose]) -> Date {
        let mut earliest = dob.plus(with_grace(self.min_age));
        for &(from, interval) in self.min_intervals {
            if let Some(earlier) = valid.get(from) {
                earliest = earliest.max(earlier.date.plus(with_grace(interval)));
            }
        }
        earliest
    }
}

const fn dose(min_age: Offset, min_intervals: &'static [(usize, Offset)]) -> DoseRule {
    DoseRule {
        min_age,
        min_intervals,
    }
}

/// DTaP: 6 w; 10 w / 4 w; 14 w / 4 w; 12 m / 6 m.
const DTAP: &[DoseRule] = &[
    dose(weeks(6), &[]),
    dose(weeks(10), &[(0, weeks(4))]),
    dose(weeks(14), &[(1, weeks(4))]),
    dose(months(12), &[(2, months(6))]),
];
/// Polio: 6 w; 10 w / 4 w; 14 w / 4 w.
const POLIO: &[DoseRule] = &[
    dose(weeks(6), &[]),
    dose(weeks(10), &[(0, weeks(4))]),
    dose(weeks(14), &[(1, weeks(4))]),
];
/// MMR, varicella, hepatitis A: one dose at 12 months.
const ONE_DOSE_AT_12_MONTHS: &[DoseRule] = &[dose(months(12), &[])];
/// Hepatitis B: birth; 4 w / 4 w; 24 w / 8 w from dose 2 and 16 w from dose 1.
const HEPB: &[DoseRule] = &[
    dose(days(0), &[]),
    dose(weeks(4), &[(0, weeks(4))]),
    dose(weeks(24), &[(1, weeks(8)), (0, weeks(16))]),
];
/// Hib and PCV: 6 w; 10 w / 4 w; 14 w / 4 w; booster 12 m / 8 w.
const HIB_OR_PCV: &[DoseRule] = &[
    dose(weeks(6), &[]),
    dose(weeks(10), &[(0, weeks(4))]),
    dose(weeks(14), &[(1, weeks(4))]),
    dose(months(12), &[(2, weeks(8))]),
];
/// The Hib booster after a PRP-OMP primary series of two doses: 12 m / 8 w.
const HIB_BOOSTER_AFTER_PRP_OMP: DoseRule = dose(months(12), &[(1, weeks(8))]);
/// Rotavirus: 6 w; 10 w / 4 w; 14 w / 4 w; every dose by 8 months 0 days.
const ROTAVIRUS: &[DoseRule] = &[
    dose(weeks(6), &[]),
    dose(weeks(10), &[(0, weeks(4))]),
    dose(weeks(14), &[(1, weeks(4))]),
];
/// Influenza (NIS): two doses at least 24 days (4 weeks less the grace) apart, from 6 months.
const INFLUENZA: &[DoseRule] = &[dose(months(6), &[]), dose(months(6), &[(0, weeks(4))])];
/// Tdap and MenACWY as NIS-Teen counts them: one dose from age 10.
const ONE_DOSE_FROM_10_YEARS: &[DoseRule] = &[dose(years(10), &[])];
/// HPV: 9 y; 4 w; 12 w from dose 2 and 5 months from dose 1 (the 3-dose schedule).
const HPV: &[DoseRule] = &[
    dose(years(9), &[]),
    dose(years(9), &[(0, weeks(4))]),
    dose(years(9), &[(1, weeks(12)), (0, months(5))]),
];

/// A dose that counted for a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidDose {
    /// Date given.
    pub date: Date,
    /// Vaccine given.
    pub cvx: Cvx,
}

/// A series whose validity a measure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// DTaP, 4 doses.
    Dtap,
    /// Polio, 3 doses.
    Polio,
    /// Measles-containing, 1 dose.
    Measles,
    /// Hib: 4 doses, or 3 when the first two are PRP-OMP.
    Hib,
    /// Hepatitis B, 3 doses.
    HepB,
    /// Varicella, 1 dose.
    Varicella,
    /// Pneumococcal conjugate, 4 doses.
    Pcv,
    /// Rotavirus: 2 doses when all are monovalent, else 3; by 8 months 0 days.
    Rotavirus,
    /// Hepatitis A, 1 dose (HEDIS).
    HepA,
    /// Influenza, 2 doses.
    Influenza,
    /// Tdap, 1 dose from age 10.
    Tdap,
    /// MenACWY, 1 dose from age 10.
    MenAcwy,
    /// HPV: 2 doses 5 months apart when started before 15, else 3.
    Hpv,
}

impl Series {
    /// The component a dose must hold to count.
    pub fn component(self) -> Component {
        match self {
            Series::Dtap => Component::Diphtheria,
            Series::Polio => Component::Polio,
            Series::Measles => Component::Measles,
            Series::Hib => Component::Hib,
            Series::HepB => Component::HepB,
            Series::Varicella => Component::Varicella,
            Series::Pcv => Component::PneumococcalConjugate,
            Series::Rotavirus => Component::Rotavirus,
            Series::HepA => Component::HepA,
            Series::Influenza => Component::Influenza,
            Series::Tdap => Component::Tdap,
            Series::MenAcwy => Component::MenAcwy,
            Series::Hpv => Component::Hpv,
        }
    }

    fn table(self) -> &'static [DoseRule] {
        match self {
            Series::Dtap => DTAP,
            Series::Polio => POLIO,
            Series::Measles | Series::Varicella | Series::HepA => ONE_DOSE_AT_12_MONTHS,
            Series::Hib | Series::Pcv => HIB_OR_PCV,
            Series::HepB => HEPB,
            Series::Rotavirus => ROTAVIRUS,
            Series::Influenza => INFLUENZA,
            Series::Tdap | Series::MenAcwy => ONE_DOSE_FROM_10_YEARS,
            Series::Hpv => HPV,
        }
    }

    /// The latest age a dose counts at (no grace: "by 8 months 0 days").
    fn max_age(self) -> Option<Offset> {
        match self {
            Series::Rotavirus => Some(months(8)),
            _ => None,
        }
    }

    /// The rule of the next dose after `valid`, or `None` when the series is complete.
    pub fn next_dose(
        self,
        catalog: &VaccineCatalog,
        dob: Date,
        valid: &[ValidDose],
    ) -> Option<DoseRule> {
        let table = self.table();
        match self {
            Series::Hib if valid.len() >= 2 && first_two_are_prp_omp(catalog, valid) => {
                (valid.len() == 2).then_some(HIB_BOOSTER_AFTER_PRP_OMP)
            }
            Series::Rotavirus
                if valid.len() >= 2
                    && valid
                        .iter()
                        .all(|d| catalog.counts_for(d.cvx, Component::RotavirusMonovalent)) =>
            {
                None
            }
            Series::Hpv if valid.len() == 2 && two_hpv_doses_suffice(dob, valid) => None,
            _ => table.get(valid.len()).copied(),
        }
    }

    /// Doses the series needs on the product path the valid doses took so far.
    pub fn doses_required(self, catalog: &VaccineCatalog, dob: Date, valid: &[ValidDose]) -> u8 {
        match self {
            Series::Hib if !valid.is_empty() => {
                let prp_omp_so_far = valid
                    .iter()
                    .take(2)
                    .all(|d| catalog.counts_for(d.cvx, Component::HibPrpOmp));
                if prp_omp_so_far {
                    3
                } else {
                    4
                }
            }
            Series::Rotavirus if !valid.is_empty() => {
                if valid
                    .iter()
                    .all(|d| catalog.counts_for(d.cvx, Component::RotavirusMonovalent))
                {
                    2
                } else {
                    3
                }
            }
            Series::Hpv if valid.len() >= 2 && two_hpv_doses_suffice(dob, valid) => 2,
            _ => self.table().len() as u8,
        }
    }

    /// The valid doses among `doses` (sorted by date, already filtered to this series'
    /// component and to the dates that count), in order; doses after completion are ignored.
    pub fn valid_doses(
        self,
        catalog: &VaccineCatalog,
        dob: Date,
        doses: impl IntoIterator<Item = (Date, Cvx)>,
    ) -> Vec<ValidDose> {
        let max_date = self.max_age().map(|age| dob.plus(age));
        let mut valid = Vec::new();
        for (date, cvx) in doses {
            let Some(rule) = self.next_dose(catalog, dob, &valid) else {
                break;
            };
            if max_date.is_some_and(|max| date > max) {
                continue;
            }
            if date >= rule.earliest(dob, &valid) {
                valid.push(ValidDose { date, cvx });
            }
        }
        valid
    }

    /// Whether a dose given on `date` can count at all (rotavirus: not after 8 months 0 days).
    pub fn counts_on(self, dob: Date, date: Date) -> bool {
        self.max_age().is_none_or(|max| date <= dob.plus(max))
    }

    /// The earliest date the next dose counts, or `None` when the series is complete or can no
    /// longer be completed (rotavirus past 8 months).
    pub fn next_dose_earliest(
        self,
        catalog: &VaccineCatalog,
        dob: Date,
        valid: &[ValidDose],
    ) -> Option<Date> {
        let earliest = self.next_dose(catalog, dob, valid)?.earliest(dob, valid);
        match self.max_age() {
            Some(max) if earliest > dob.plus(max) => None,
            _ => Some(earliest),
        }
    }
}

fn first_two_are_prp_omp(catalog: &VaccineCatalog, valid: &[ValidDose]) -> bool {
    valid[..2]
        .iter()
        .all(|d| catalog.counts_for(d.cvx, Component::HibPrpOmp))
}

/// Two HPV doses suffice when the first was given before the 15th birthday and the second at
/// least 5 months (less the grace) after it.
fn two_hpv_doses_suffice(dob: Date, valid: &[ValidDose]) -> bool {
    valid[0].date < dob.plus(years(15))
        && valid[1].date >= valid[0].date.plus(with_grace(months(5)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn twelve_months_less_grace_is_a_calendar_offset() {
        // 2023-03-10 + 12 months = 2024-03-10, less 4 days = 2024-03-06.
        assert_eq!(
            ONE_DOSE_AT_12_MONTHS[0].earliest(d("2023-03-10"), &[]),
            d("2024-03-06")
        );
    }

    #[test]
    fn hepatitis_b_dose_3_waits_for_both_intervals_and_the_age() {
        let dob = d("2024-01-01");
        let valid = [
            ValidDose {
                date: d("2024-01-01"),
                cvx: 8,
            },
            ValidDose {
                date: d("2024-05-01"),
                cvx: 8,
            },
        ];
        // 24 weeks from birth = 2024-06-17, less 4 = 2024-06-13; 8 weeks after 05-01 =
        // 2024-06-26, less 4 = 2024-06-22: the later wins.
        assert_eq!(HEPB[2].earliest(dob, &valid), d("2024-06-22"));
    }
}
