//! Immunization coverage by the NIS method, per client and by birth cohort.
//!
//! A measure is assessed at an **age point** (24 months, 35 months, 13 years): only doses given
//! on or before the day the client reaches that age count, and a client enters the measure's
//! denominator once that day is on or before the report's as-of date. A client whose
//! provider-client status left the denominator (moved, deceased, inactive) on or before the
//! age point is out of it; one who left later is still counted at that age point (see
//! [`crate::status`]). Dose validity (minimum ages and intervals with the 4-day grace, product
//! rules) is in [`crate::series`].
//!
//! A **missed opportunity** is a visit (any dose given, or a recorded visit) on or before the
//! age point at which the measure's next dose was valid to give but none was given, for a
//! client not up to date at the age point (the CoCASA reading).

use serde::{Deserialize, Serialize};
use shotbook_core::ids::ClientId;
use shotbook_forecast::{Cvx, Date, Offset};

use crate::catalog::VaccineCatalog;
use crate::series::{Series, ValidDose};
use crate::status::{ProviderClientStatus, StatusAtOrganization};

/// A dose as the registry holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoseRecord {
    /// Vaccine.
    pub cvx: Cvx,
    /// Date given.
    pub date: Date,
    /// Voided (entered in error): never counted, and not a visit.
    pub voided: bool,
}

impl DoseRecord {
    /// A dose that is not voided.
    pub fn given(cvx: Cvx, date: Date) -> DoseRecord {
        DoseRecord {
            cvx,
            date,
            voided: false,
        }
    }
}

/// What the coverage engine needs to know about a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageClient {
    /// The client.
    pub id: ClientId,
    /// Date of birth.
    pub dob: Date,
    /// Status at the organization the report is for.
    pub status: StatusAtOrganization,
    /// Doses, in any order.
    pub doses: Vec<DoseRecord>,
    /// Visits without a dose (encounters), for the missed-opportunity list.
    pub visits: Vec<Date>,
}

/// The age at which a measure is assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgePoint {
    /// By 24 months (the 2nd birthday).
    Months24,
    /// By 35 months.
    Months35,
    /// By 13 years (the 13th birthday).
    Years13,
}

impl AgePoint {
    /// Every age point.
    pub const ALL: [AgePoint; 3] = [AgePoint::Months24, AgePoint::Months35, AgePoint::Years13];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AgePoint::Months24 => "months_24",
            AgePoint::Months35 => "months_35",
            AgePoint::Years13 => "years_13",
        }
    }

    /// The age point in words, as exports write it (the screens translate the code).
    pub fn label(self) -> &'static str {
        match self {
            AgePoint::Months24 => "by 24 months",
            AgePoint::Months35 => "by 35 months",
            AgePoint::Years13 => "by 13 years",
        }
    }

    fn age(self) -> Offset {
        match self {
            AgePoint::Months24 => Offset {
                months: 24,
                ..Offset::default()
            },
            AgePoint::Months35 => Offset {
                months: 35,
                ..Offset::default()
            },
            AgePoint::Years13 => Offset {
                years: 13,
                ..Offset::default()
            },
        }
    }

    /// The last day doses count for a client born on `dob`: the day the age is reached.
    pub fn cutoff(self, dob: Date) -> Date {
        dob.plus(self.age())
    }

    /// The measures assessed at this age point.
    pub fn measures(self) -> &'static [Measure] {
        match self {
            AgePoint::Months24 | AgePoint::Months35 => &Measure::EARLY_CHILDHOOD,
            AgePoint::Years13 => &Measure::ADOLESCENT,
        }
    }
}

/// A coverage measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// ≥ 4 DTaP/DTP/DT.
    Dtap4,
    /// ≥ 3 polio.
    Polio3,
    /// ≥ 1 measles-containing.
    Mmr1,
    /// Hib full series: 3 doses when the first two are PRP-OMP, else 4 (the 3\* of 4:3:1:3\*:3:1:4).
    HibFull,
    /// ≥ 3 hepatitis B.
    HepB3,
    /// ≥ 1 varicella.
    Varicella1,
    /// ≥ 4 pneumococcal conjugate.
    Pcv4,
    /// The combined 7-vaccine series 4:3:1:3\*:3:1:4.
    Combined7,
    /// Rotavirus complete: 2 monovalent or 3 of any other mix, by 8 months 0 days (HEDIS).
    Rotavirus,
    /// ≥ 1 hepatitis A (HEDIS).
    HepA1,
    /// ≥ 2 influenza ≥ 24 days apart (NIS, HEDIS).
    Influenza2,
    /// ≥ 1 Tdap from age 10.
    Tdap1,
    /// ≥ 1 MenACWY from age 10.
    MenAcwy1,
    /// HPV up to date: 2 doses when started before 15 and 5 months apart, else 3.
    HpvUpToDate,
    /// Adolescent combination: Tdap, MenACWY and HPV up to date.
    AdolescentCombined,
}

impl Measure {
    /// Measures at 24 and 35 months.
    pub const EARLY_CHILDHOOD: [Measure; 11] = [
        Measure::Dtap4,
        Measure::Polio3,
        Measure::Mmr1,
        Measure::HibFull,
        Measure::HepB3,
        Measure::Varicella1,
        Measure::Pcv4,
        Measure::Combined7,
        Measure::Rotavirus,
        Measure::HepA1,
        Measure::Influenza2,
    ];
    /// Measures at 13 years.
    pub const ADOLESCENT: [Measure; 4] = [
        Measure::Tdap1,
        Measure::MenAcwy1,
        Measure::HpvUpToDate,
        Measure::AdolescentCombined,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Dtap4 => "dtap_4",
            Measure::Polio3 => "polio_3",
            Measure::Mmr1 => "mmr_1",
            Measure::HibFull => "hib_full",
            Measure::HepB3 => "hepb_3",
            Measure::Varicella1 => "varicella_1",
            Measure::Pcv4 => "pcv_4",
            Measure::Combined7 => "combined_4313314",
            Measure::Rotavirus => "rotavirus",
            Measure::HepA1 => "hepa_1",
            Measure::Influenza2 => "influenza_2",
            Measure::Tdap1 => "tdap_1",
            Measure::MenAcwy1 => "menacwy_1",
            Measure::HpvUpToDate => "hpv_utd",
            Measure::AdolescentCombined => "adolescent_combined",
        }
    }

    /// The measure as the National Immunization Survey names it, as exports write it (the
    /// screens translate the code).
    pub fn label(self) -> &'static str {
        match self {
            Measure::Dtap4 => "4+ DTaP",
            Measure::Polio3 => "3+ polio",
            Measure::Mmr1 => "1+ MMR",
            Measure::HibFull => "Hib full series",
            Measure::HepB3 => "3+ hepatitis B",
            Measure::Varicella1 => "1+ varicella",
            Measure::Pcv4 => "4+ PCV",
            Measure::Combined7 => "Combined 7-vaccine series (4:3:1:3*:3:1:4)",
            Measure::Rotavirus => "Rotavirus",
            Measure::HepA1 => "1+ hepatitis A",
            Measure::Influenza2 => "2+ influenza",
            Measure::Tdap1 => "1+ Tdap",
            Measure::MenAcwy1 => "1+ MenACWY",
            Measure::HpvUpToDate => "HPV up to date",
            Measure::AdolescentCombined => "Tdap + MenACWY + HPV",
        }
    }

    /// The series the measure needs complete.
    pub fn series(self) -> &'static [Series] {
        match self {
            Measure::Dtap4 => &[Series::Dtap],
            Measure::Polio3 => &[Series::Polio],
            Measure::Mmr1 => &[Series::Measles],
            Measure::HibFull => &[Series::Hib],
            Measure::HepB3 => &[Series::HepB],
            Measure::Varicella1 => &[Series::Varicella],
            Measure::Pcv4 => &[Series::Pcv],
            Measure::Combined7 => &[
                Series::Dtap,
                Series::Polio,
                Series::Measles,
                Series::Hib,
                Series::HepB,
                Series::Varicella,
                Series::Pcv,
            ],
            Measure::Rotavirus => &[Series::Rotavirus],
            Measure::HepA1 => &[Series::HepA],
            Measure::Influenza2 => &[Series::Influenza],
            Measure::Tdap1 => &[Series::Tdap],
            Measure::MenAcwy1 => &[Series::MenAcwy],
            Measure::HpvUpToDate => &[Series::Hpv],
            Measure::AdolescentCombined => &[Series::Tdap, Series::MenAcwy, Series::Hpv],
        }
    }

    /// Whether the measure combines others (its missed opportunities repeat theirs).
    pub fn is_combination(self) -> bool {
        self.series().len() > 1
    }
}

/// A series a client had not completed at the age point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Series.
    pub series: Series,
    /// Valid doses by the age point.
    pub valid_doses: u8,
    /// Doses needed on the product path taken.
    pub doses_required: u8,
}

/// One client's result for one measure at one age point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MeasureOutcome {
    /// The client had not reached the age point on the as-of date: not in the denominator.
    TooYoung,
    /// The client's status left the denominator on or before the age point.
    LeftDenominator {
        /// The status.
        status: ProviderClientStatus,
    },
    /// Up to date: in the numerator.
    UpToDate {
        /// The day the last needed dose was given.
        completed_on: Date,
    },
    /// In the denominator, not in the numerator.
    NotUpToDate {
        /// Series not complete.
        shortfalls: Vec<Shortfall>,
        /// Visits at which a dose was due and not given, in date order.
        missed_opportunities: Vec<Date>,
    },
}

impl MeasureOutcome {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            MeasureOutcome::TooYoung => "too_young",
            MeasureOutcome::LeftDenominator { .. } => "left_denominator",
            MeasureOutcome::UpToDate { .. } => "up_to_date",
            MeasureOutcome::NotUpToDate { .. } => "not_up_to_date",
        }
    }

    /// Whether the client is in the denominator.
    pub fn in_denominator(&self) -> bool {
        matches!(
            self,
            MeasureOutcome::UpToDate { .. } | MeasureOutcome::NotUpToDate { .. }
        )
    }

    /// Whether the client is in the numerator.
    pub fn is_up_to_date(&self) -> bool {
        matches!(self, MeasureOutcome::UpToDate { .. })
    }
}

/// One client's result for one measure at one age point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureResult {
    /// Age point.
    pub age_point: AgePoint,
    /// Measure.
    pub measure: Measure,
    /// Result.
    pub outcome: MeasureOutcome,
}

/// A series' state at an age point.
struct SeriesAtCutoff {
    series: Series,
    valid: Vec<ValidDose>,
    complete: bool,
    missed: Vec<Date>,
}

/// Every measure of every age point for one client, as of `as_of`.
pub fn assess_client(
    catalog: &VaccineCatalog,
    client: &CoverageClient,
    as_of: Date,
) -> Vec<MeasureResult> {
    let mut doses: Vec<(Date, Cvx)> = client
        .doses
        .iter()
        .filter(|d| !d.voided)
        .map(|d| (d.date, d.cvx))
        .collect();
    doses.sort_unstable();
    let mut visits: Vec<Date> = doses
        .iter()
        .map(|&(date, _)| date)
        .chain(client.visits.iter().copied())
        .collect();
    visits.sort_unstable();
    visits.dedup();

    let mut results = Vec::new();
    for age_point in AgePoint::ALL {
        let cutoff = age_point.cutoff(client.dob);
        let measures = age_point.measures();
        let outcome_for_all = if cutoff > as_of {
            Some(MeasureOutcome::TooYoung)
        } else if client.status.left_denominator_by(cutoff) {
            Some(MeasureOutcome::LeftDenominator {
                status: client.status.status,
            })
        } else {
            None
        };
        if let Some(outcome) = outcome_for_all {
            results.extend(measures.iter().map(|&measure| MeasureResult {
                age_point,
                measure,
                outcome: outcome.clone(),
            }));
            continue;
        }
        let mut states: Vec<SeriesAtCutoff> = Vec::new();
        for &measure in measures {
            for &series in measure.series() {
                if !states.iter().any(|s| s.series == series) {
                    states.push(series_at_cutoff(
                        catalog, client.dob, series, &doses, &visits, cutoff,
                    ));
                }
            }
        }
        for &measure in measures {
            let parts: Vec<&SeriesAtCutoff> = measure
                .series()
                .iter()
                .filter_map(|series| states.iter().find(|s| s.series == *series))
                .collect();
            let outcome = if parts.iter().all(|s| s.complete) {
                MeasureOutcome::UpToDate {
                    completed_on: parts
                        .iter()
                        .filter_map(|s| s.valid.last().map(|d| d.date))
                        .max()
                        .unwrap_or(client.dob),
                }
            } else {
                let mut missed: Vec<Date> = parts
                    .iter()
                    .filter(|s| !s.complete)
                    .flat_map(|s| s.missed.iter().copied())
                    .collect();
                missed.sort_unstable();
                missed.dedup();
                MeasureOutcome::NotUpToDate {
                    shortfalls: parts
                        .iter()
                        .filter(|s| !s.complete)
                        .map(|s| Shortfall {
                            series: s.series,
                            valid_doses: s.valid.len() as u8,
                            doses_required: s.series.doses_required(catalog, client.dob, &s.valid),
                        })
                        .collect(),
                    missed_opportunities: missed,
                }
            };
            results.push(MeasureResult {
                age_point,
                measure,
                outcome,
            });
        }
    }
    results
}

fn series_at_cutoff(
    catalog: &VaccineCatalog,
    dob: Date,
    series: Series,
    doses: &[(Date, Cvx)],
    visits: &[Date],
    cutoff: Date,
) -> SeriesAtCutoff {
    let component = series.component();
    let counting = || {
        doses
            .iter()
            .copied()
            .filter(move |&(date, cvx)| date <= cutoff && catalog.counts_for(cvx, component))
    };
    let valid = series.valid_doses(catalog, dob, counting());
    let complete = series.next_dose(catalog, dob, &valid).is_none();
    let mut missed = Vec::new();
    if !complete {
        for &visit in visits.iter().take_while(|&&v| v <= cutoff) {
            if counting().any(|(date, _)| date == visit) {
                continue;
            }
            let valid_before = valid.partition_point(|d| d.date < visit);
            let due = series.counts_on(dob, visit)
                && series
                    .next_dose_earliest(catalog, dob, &valid[..valid_before])
                    .is_some_and(|earliest| earliest <= visit);
            if due {
                missed.push(visit);
            }
        }
    }
    SeriesAtCutoff {
        series,
        valid,
        complete,
        missed,
    }
}

/// The clients a report covers: born within the range (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthRange {
    /// First date of birth included.
    pub born_from: Date,
    /// Last date of birth included.
    pub born_to: Date,
}

/// Numerator and denominator of one measure at one age point for one birth cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRow {
    /// Calendar year of birth.
    pub birth_year: i32,
    /// Age point.
    pub age_point: AgePoint,
    /// Measure.
    pub measure: Measure,
    /// Clients up to date.
    pub numerator: u32,
    /// Clients assessed.
    pub denominator: u32,
    /// Clients not assessed because they had not reached the age point.
    pub too_young: u32,
    /// Clients not assessed because their status left the denominator.
    pub left_denominator: u32,
}

impl CohortRow {
    /// Coverage in percent, `None` for an empty denominator.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0)
            .then(|| 100.0 * f64::from(self.numerator) / f64::from(self.denominator))
    }
}

/// A client not up to date who had visits at which a dose was due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedOpportunity {
    /// The client.
    pub client: ClientId,
    /// Age point.
    pub age_point: AgePoint,
    /// Measure (single-vaccine measures only; combinations repeat them).
    pub measure: Measure,
    /// Visit dates.
    pub visits: Vec<Date>,
}

/// The coverage report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageReport {
    /// As-of date.
    pub as_of: Date,
    /// Rows by birth year, then age point, then measure.
    pub rows: Vec<CohortRow>,
    /// Missed opportunities by client, age point, measure.
    pub missed_opportunities: Vec<MissedOpportunity>,
}

impl CoverageReport {
    /// The row of a birth year, age point and measure.
    pub fn row(
        &self,
        birth_year: i32,
        age_point: AgePoint,
        measure: Measure,
    ) -> Option<&CohortRow> {
        self.rows.iter().find(|r| {
            r.birth_year == birth_year && r.age_point == age_point && r.measure == measure
        })
    }
}

/// Coverage of the clients born in `range`, as of `as_of`, by birth year.
pub fn coverage_report(
    catalog: &VaccineCatalog,
    clients: &[CoverageClient],
    range: BirthRange,
    as_of: Date,
) -> CoverageReport {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<(i32, AgePoint, Measure), CohortRow> = BTreeMap::new();
    let mut missed_opportunities = Vec::new();
    for client in clients {
        if client.dob < range.born_from || client.dob > range.born_to {
            continue;
        }
        let birth_year = client.dob.ymd().0;
        for result in assess_client(catalog, client, as_of) {
            let row = rows
                .entry((birth_year, result.age_point, result.measure))
                .or_insert(CohortRow {
                    birth_year,
                    age_point: result.age_point,
                    measure: result.measure,
                    numerator: 0,
                    denominator: 0,
                    too_young: 0,
                    left_denominator: 0,
                });
            match result.outcome {
                MeasureOutcome::TooYoung => row.too_young += 1,
                MeasureOutcome::LeftDenominator { .. } => row.left_denominator += 1,
                MeasureOutcome::UpToDate { .. } => {
                    row.numerator += 1;
                    row.denominator += 1;
                }
                MeasureOutcome::NotUpToDate {
                    missed_opportunities: visits,
                    ..
                } => {
                    row.denominator += 1;
                    if !visits.is_empty() && !result.measure.is_combination() {
                        missed_opportunities.push(MissedOpportunity {
                            client: client.id,
                            age_point: result.age_point,
                            measure: result.measure,
                            visits,
                        });
                    }
                }
            }
        }
    }
    CoverageReport {
        as_of,
        rows: rows.into_values().collect(),
        missed_opportunities,
    }
}
