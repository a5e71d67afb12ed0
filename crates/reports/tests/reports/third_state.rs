//! A third state, and a next school year, added as data only: a TOML table handed to the book.

use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::school::{
    evaluate, MissingDose, RequirementBook, StudentStatus, VaccineGroup,
};

use crate::support::{d, pupil};

const ZZ: &str = include_str!("../fixtures/zz-2025-2026.toml");
const TX_NEXT_YEAR: &str = include_str!("../fixtures/tx-2026-2027.toml");

fn book() -> RequirementBook {
    RequirementBook::with_tables(&[ZZ, TX_NEXT_YEAR]).expect("fixture tables parse")
}

#[test]
fn a_third_state_evaluates_from_its_table_alone() {
    // Born 2020-06-15; polio 3 with the third on 2024-06-11 (4th birthday less 4 days).
    let student = pupil(
        "2020-06-15",
        "K",
        &[
            (10, "2020-08-15"),
            (10, "2020-10-15"),
            (10, "2024-06-11"),
            (114, "2025-01-10"),
        ],
    );
    let status = evaluate(
        &book(),
        VaccineCatalog::embedded(),
        "ZZ",
        &student,
        d("2025-09-02"),
    );
    assert_eq!(status, Ok(StudentStatus::Complete));
}

#[test]
fn a_third_state_reports_what_is_missing_by_its_own_rows() {
    let student = pupil(
        "2020-06-15",
        "K",
        &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2024-06-10")],
    );
    let status = evaluate(
        &book(),
        VaccineCatalog::embedded(),
        "ZZ",
        &student,
        d("2025-09-02"),
    );
    let Ok(StudentStatus::Incomplete { missing }) = status else {
        panic!("polio's third dose was early and MenACWY is missing: {status:?}");
    };
    assert_eq!(
        missing
            .iter()
            .map(|m: &MissingDose| (m.rule.as_str(), m.vaccine))
            .collect::<Vec<_>>(),
        vec![("zz-k12-menacwy", VaccineGroup::Menacwy)],
        "an early third polio dose cannot be fixed by more doses on this row's only option"
    );
}

#[test]
fn the_shipped_states_are_unchanged_by_a_third() {
    let book = book();
    assert!(book.table("TX", d("2025-09-02")).is_some());
    assert!(book.table("MT", d("2025-09-02")).is_some());
    assert_eq!(book.tables().len(), 4);
}

#[test]
fn the_table_in_force_is_chosen_by_school_year() {
    // Four polio doses and no MenACWY: complete under 2025-2026 (apart from its other rows),
    // short of the MenACWY row that 2026-2027 adds.
    let book = book();
    assert_eq!(
        book.table("TX", d("2026-07-31")).unwrap().school_year,
        "2025-2026"
    );
    assert_eq!(
        book.table("TX", d("2026-08-01")).unwrap().school_year,
        "2026-2027"
    );
    let student = pupil(
        "2020-06-15",
        "1",
        &[
            (10, "2020-08-15"),
            (10, "2020-10-15"),
            (10, "2020-12-15"),
            (10, "2024-06-15"),
        ],
    );
    let status = evaluate(
        &book,
        VaccineCatalog::embedded(),
        "TX",
        &student,
        d("2026-09-01"),
    );
    let Ok(StudentStatus::Incomplete { missing }) = status else {
        panic!("MenACWY is required in 2026-2027: {status:?}");
    };
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].rule, "tx-k12-menacwy-2026");
}
