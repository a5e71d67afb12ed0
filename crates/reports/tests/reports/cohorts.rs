//! Aggregation by birth cohort and the missed-opportunity list, counted by hand.

use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::{
    coverage_report, AgePoint, BirthRange, CohortRow, CoverageReport, Measure,
};
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};

use crate::support::{client, d};

const BASELINE_2022_01_10: &[(u16, &str)] = &[
    (8, "2022-01-10"),
    (8, "2022-03-10"),
    (8, "2022-07-10"),
    (20, "2022-03-10"),
    (20, "2022-05-10"),
    (20, "2022-07-10"),
    (20, "2023-04-10"),
    (10, "2022-03-10"),
    (10, "2022-05-10"),
    (10, "2022-07-10"),
    (48, "2022-03-10"),
    (48, "2022-05-10"),
    (48, "2022-07-10"),
    (48, "2023-01-10"),
    (133, "2022-03-10"),
    (133, "2022-05-10"),
    (133, "2022-07-10"),
    (133, "2023-01-10"),
    (3, "2023-01-10"),
    (21, "2023-01-10"),
];

/// The cohort, as of 2025-01-01, born 2021-01-01 to 2023-12-31:
///
/// - A 2022-01-10: the 7 series complete (24 m on 2024-01-10, 35 m on 2024-12-10);
/// - B 2022-03-01: no dose, one visit 2023-05-01 (24 m on 2024-03-01; 35 m on 2025-02-01:
///   too young);
/// - C 2022-02-01: moved 2023-01-01 (out at both points);
/// - D 2023-02-01: 24 m on 2025-02-01: too young;
/// - E 2021-06-01: no dose;
/// - G 2021-07-01: one MMR 2022-07-01;
/// - F 2020-12-31: outside the range.
fn report() -> (CoverageReport, shotbook_core::ids::ClientId) {
    let a = client("2022-01-10", BASELINE_2022_01_10);
    let mut b = client("2022-03-01", &[]);
    b.visits = vec![d("2023-05-01")];
    let mut c = client("2022-02-01", BASELINE_2022_01_10);
    c.status = StatusAtOrganization {
        status: ProviderClientStatus::Moved,
        since: Some(d("2023-01-01")),
    };
    let dd = client("2023-02-01", &[]);
    let e = client("2021-06-01", &[]);
    let g = client("2021-07-01", &[(3, "2022-07-01")]);
    let f = client("2020-12-31", BASELINE_2022_01_10);
    let b_id = b.id;
    let report = coverage_report(
        VaccineCatalog::embedded(),
        &[a, b, c, dd, e, g, f],
        BirthRange {
            born_from: d("2021-01-01"),
            born_to: d("2023-12-31"),
        },
        d("2025-01-01"),
    );
    (report, b_id)
}

fn row(report: &CoverageReport, year: i32, point: AgePoint, measure: Measure) -> CohortRow {
    *report
        .row(year, point, measure)
        .unwrap_or_else(|| panic!("row {year} {point:?} {measure:?}"))
}

#[test]
fn the_2022_cohort_at_24_months_counts_the_complete_child_over_two() {
    let r = row(&report().0, 2022, AgePoint::Months24, Measure::Combined7);
    assert_eq!(
        (r.numerator, r.denominator, r.too_young, r.left_denominator),
        (1, 2, 0, 1)
    );
    assert_eq!(r.percent(), Some(50.0));
}

#[test]
fn the_2022_cohort_at_35_months_leaves_out_the_child_not_yet_35_months() {
    let r = row(&report().0, 2022, AgePoint::Months35, Measure::Combined7);
    assert_eq!(
        (r.numerator, r.denominator, r.too_young, r.left_denominator),
        (1, 1, 1, 1)
    );
    assert_eq!(r.percent(), Some(100.0));
}

#[test]
fn a_cohort_with_nobody_old_enough_has_no_percentage() {
    let r = row(&report().0, 2023, AgePoint::Months24, Measure::Dtap4);
    assert_eq!((r.numerator, r.denominator, r.too_young), (0, 0, 1));
    assert_eq!(r.percent(), None);
}

#[test]
fn the_2021_cohort_counts_one_mmr_of_two_at_both_points() {
    let report = report().0;
    for point in [AgePoint::Months24, AgePoint::Months35] {
        let r = row(&report, 2021, point, Measure::Mmr1);
        assert_eq!((r.numerator, r.denominator), (1, 2), "{point:?}");
    }
}

#[test]
fn clients_born_outside_the_range_are_not_counted() {
    let report = report().0;
    assert!(report.rows.iter().all(|r| r.birth_year != 2020));
}

#[test]
fn a_cohort_of_three_with_two_up_to_date_is_two_thirds() {
    let clients = [
        client("2022-01-10", BASELINE_2022_01_10),
        client("2022-01-10", BASELINE_2022_01_10),
        client("2022-01-10", &[]),
    ];
    let report = coverage_report(
        VaccineCatalog::embedded(),
        &clients,
        BirthRange {
            born_from: d("2022-01-01"),
            born_to: d("2022-12-31"),
        },
        d("2025-01-01"),
    );
    let r = row(&report, 2022, AgePoint::Months24, Measure::Combined7);
    assert_eq!((r.numerator, r.denominator), (2, 3));
    let percent = r.percent().expect("denominator 3");
    assert!((percent - 66.666_666).abs() < 0.001, "{percent}");
}

#[test]
fn the_visit_at_14_months_is_a_missed_opportunity_for_every_single_vaccine_measure_due() {
    let (report, b) = report();
    let mut measures: Vec<Measure> = report
        .missed_opportunities
        .iter()
        .filter(|m| m.client == b && m.age_point == AgePoint::Months24)
        .inspect(|m| assert_eq!(m.visits, vec![d("2023-05-01")]))
        .map(|m| m.measure)
        .collect();
    measures.sort();
    // Not rotavirus (past 8 months 0 days), not the combined series (its parts are listed).
    assert_eq!(
        measures,
        vec![
            Measure::Dtap4,
            Measure::Polio3,
            Measure::Mmr1,
            Measure::HibFull,
            Measure::HepB3,
            Measure::Varicella1,
            Measure::Pcv4,
            Measure::HepA1,
            Measure::Influenza2,
        ]
    );
}

#[test]
fn a_child_complete_on_the_seven_series_misses_nothing_in_them() {
    let a = client("2022-01-10", BASELINE_2022_01_10);
    let a_id = a.id;
    let report = coverage_report(
        VaccineCatalog::embedded(),
        &[a],
        BirthRange {
            born_from: d("2022-01-01"),
            born_to: d("2022-12-31"),
        },
        d("2025-01-01"),
    );
    // The baseline here has no rotavirus, hepatitis A or influenza: those are the only misses.
    let measures: Vec<Measure> = report
        .missed_opportunities
        .iter()
        .filter(|m| m.client == a_id)
        .map(|m| m.measure)
        .collect();
    assert!(measures
        .iter()
        .all(|m| matches!(m, Measure::Rotavirus | Measure::HepA1 | Measure::Influenza2)));
    assert!(!measures.contains(&Measure::Dtap4));
}
