//! Student statuses over whole tables: complete, no record, incomplete with the earliest date
//! of each missing dose, exemptions on both sides of their expiry, provisional enrolment on
//! both sides of its deadline.

use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::school::{
    evaluate, Exemption, ExemptionKind, MissingDose, NoTable, ProvisionalBasis,
    ProvisionalEnrolment, ScheduledDose, Student, StudentStatus, VaccineGroup,
};

use crate::support::{book, child_care, d, pupil};

const ON: &str = "2025-09-02";
const K_DOB: &str = "2020-06-15";

/// A Texas kindergartner meeting every K-12 row.
const TX_K_COMPLETE: &[(u16, &str)] = &[
    (20, "2020-08-15"),
    (20, "2020-10-15"),
    (20, "2020-12-15"),
    (20, "2021-09-15"),
    (20, "2024-06-15"),
    (10, "2020-08-15"),
    (10, "2020-10-15"),
    (10, "2020-12-15"),
    (10, "2024-06-15"),
    (3, "2021-06-15"),
    (3, "2024-06-15"),
    (8, "2020-06-15"),
    (8, "2020-07-15"),
    (8, "2020-12-15"),
    (21, "2021-06-15"),
    (21, "2024-06-15"),
    (83, "2021-06-15"),
    (83, "2022-06-15"),
];

fn without(doses: &[(u16, &'static str)], drop: &[(u16, &str)]) -> Vec<(u16, &'static str)> {
    doses
        .iter()
        .copied()
        .filter(|dose| !drop.contains(dose))
        .collect()
}

fn status(state: &str, student: &Student, on: &str) -> StudentStatus {
    evaluate(book(), VaccineCatalog::embedded(), state, student, d(on)).expect("table in force")
}

fn exemption(kind: ExemptionKind, signed_on: &str, vaccines: &[VaccineGroup]) -> Exemption {
    Exemption {
        kind,
        signed_on: d(signed_on),
        lifelong: false,
        vaccines: vaccines.to_vec(),
    }
}

fn missing_vaccines(status: &StudentStatus) -> Vec<VaccineGroup> {
    match status {
        StudentStatus::Incomplete { missing } | StudentStatus::Conditional { missing, .. } => {
            missing.iter().map(|m| m.vaccine).collect()
        }
        other => panic!("no missing doses in {other:?}"),
    }
}

#[test]
fn a_kindergartner_meeting_every_row_is_complete() {
    assert_eq!(
        status("TX", &pupil(K_DOB, "K", TX_K_COMPLETE), ON),
        StudentStatus::Complete
    );
}

#[test]
fn a_student_without_any_dose_has_no_record() {
    assert_eq!(
        status("TX", &pupil(K_DOB, "K", &[]), ON),
        StudentStatus::NoRecord
    );
}

#[test]
fn a_missing_second_mmr_is_listed_with_today_as_its_earliest_date() {
    // MMR 1 on 2021-06-15; dose 2 allowed from 06-15 + 28 − 4 = 2021-07-09, long past.
    let student = pupil(K_DOB, "K", &without(TX_K_COMPLETE, &[(3, "2024-06-15")]));
    assert_eq!(
        status("TX", &student, ON),
        StudentStatus::Incomplete {
            missing: vec![MissingDose {
                rule: "tx-k12-mmr".into(),
                vaccine: VaccineGroup::Mmr,
                dose_number: 2,
                earliest: d(ON),
                eligible_since: d("2021-07-09"),
            }]
        }
    );
}

#[test]
fn a_voided_dose_does_not_count_for_a_requirement() {
    let mut student = pupil(K_DOB, "K", TX_K_COMPLETE);
    for dose in student.doses.iter_mut().filter(|dose| dose.cvx == 3) {
        dose.voided = true;
    }
    assert_eq!(
        missing_vaccines(&status("TX", &student, ON)),
        vec![VaccineGroup::Mmr, VaccineGroup::Mmr]
    );
}

// ---- exemptions ----

fn tx_without_mmr() -> Student {
    pupil(
        K_DOB,
        "K",
        &without(TX_K_COMPLETE, &[(3, "2021-06-15"), (3, "2024-06-15")]),
    )
}

#[test]
fn a_texas_medical_exemption_covers_its_vaccine_for_a_year() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(
        ExemptionKind::Medical,
        "2025-01-01",
        &[VaccineGroup::Mmr],
    )];
    let exempt = StudentStatus::Exempt {
        kind: ExemptionKind::Medical,
        expires: Some(d("2026-01-01")),
    };
    assert_eq!(status("TX", &student, ON), exempt);
    assert_eq!(status("TX", &student, "2025-12-31"), exempt);
}

#[test]
fn a_texas_medical_exemption_has_expired_a_year_after_signing() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(
        ExemptionKind::Medical,
        "2025-01-01",
        &[VaccineGroup::Mmr],
    )];
    assert_eq!(status("TX", &student, "2026-01-01").code(), "incomplete");
}

#[test]
fn a_lifelong_medical_exemption_does_not_expire_in_texas() {
    let mut student = tx_without_mmr();
    let mut lifelong = exemption(ExemptionKind::Medical, "2024-01-01", &[]);
    lifelong.lifelong = true;
    student.exemptions = vec![lifelong];
    assert_eq!(
        status("TX", &student, "2026-06-01"),
        StudentStatus::Exempt {
            kind: ExemptionKind::Medical,
            expires: None
        }
    );
}

#[test]
fn a_conscience_affidavit_signed_two_years_ago_today_has_expired() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(ExemptionKind::Conscience, "2023-09-02", &[])];
    assert_eq!(status("TX", &student, ON).code(), "incomplete");
}

#[test]
fn a_conscience_affidavit_signed_two_years_less_a_day_ago_is_in_force() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(ExemptionKind::Conscience, "2023-09-03", &[])];
    assert_eq!(
        status("TX", &student, ON),
        StudentStatus::Exempt {
            kind: ExemptionKind::Conscience,
            expires: Some(d("2025-09-03"))
        }
    );
}

#[test]
fn an_exemption_for_one_vaccine_leaves_the_others_incomplete() {
    let mut student = pupil(
        K_DOB,
        "K",
        &without(
            TX_K_COMPLETE,
            &[(3, "2021-06-15"), (3, "2024-06-15"), (83, "2022-06-15")],
        ),
    );
    student.exemptions = vec![exemption(
        ExemptionKind::Medical,
        "2025-01-01",
        &[VaccineGroup::Mmr],
    )];
    assert_eq!(
        missing_vaccines(&status("TX", &student, ON)),
        vec![VaccineGroup::Hepa]
    );
}

#[test]
fn an_exemption_kind_the_state_does_not_accept_is_ignored() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(ExemptionKind::Religious, "2025-08-01", &[])];
    assert_eq!(status("TX", &student, ON).code(), "incomplete");
}

#[test]
fn an_exemption_signed_after_the_evaluation_date_is_not_in_force() {
    let mut student = tx_without_mmr();
    student.exemptions = vec![exemption(ExemptionKind::Medical, "2025-09-03", &[])];
    assert_eq!(status("TX", &student, ON).code(), "incomplete");
}

/// A Montana kindergartner meeting every K-12 row.
const MT_K_COMPLETE: &[(u16, &str)] = &[
    (20, "2020-08-15"),
    (20, "2020-10-15"),
    (20, "2020-12-15"),
    (20, "2021-09-15"),
    (20, "2024-06-15"),
    (10, "2020-08-15"),
    (10, "2020-10-15"),
    (10, "2020-12-15"),
    (10, "2024-06-15"),
    (3, "2021-06-15"),
    (3, "2024-06-15"),
    (21, "2021-06-15"),
    (21, "2024-06-15"),
];

#[test]
fn a_montana_kindergartner_meeting_every_row_is_complete() {
    assert_eq!(
        status("MT", &pupil(K_DOB, "K", MT_K_COMPLETE), ON),
        StudentStatus::Complete
    );
}

#[test]
fn a_montana_religious_exemption_lasts_until_the_end_of_the_school_year() {
    let mut student = pupil(
        K_DOB,
        "K",
        &without(MT_K_COMPLETE, &[(3, "2021-06-15"), (3, "2024-06-15")]),
    );
    student.exemptions = vec![exemption(ExemptionKind::Religious, "2025-08-15", &[])];
    assert_eq!(
        status("MT", &student, ON),
        StudentStatus::Exempt {
            kind: ExemptionKind::Religious,
            expires: Some(d("2026-08-01"))
        }
    );
    assert_eq!(status("MT", &student, "2026-07-31").code(), "exempt");
}

/// A Montana child-care child of 16 months (born 2024-05-02) with every dose but Hib.
const MT_CC_16M_WITHOUT_HIB: &[(u16, &str)] = &[
    (10, "2024-07-01"),
    (10, "2024-09-01"),
    (20, "2024-07-01"),
    (20, "2024-09-01"),
    (20, "2024-11-01"),
    (8, "2024-05-02"),
    (8, "2024-07-01"),
    (133, "2024-07-01"),
    (133, "2024-09-01"),
    (133, "2024-11-01"),
    (133, "2025-05-02"),
    (21, "2025-05-02"),
    (3, "2025-05-02"),
];

#[test]
fn a_montana_child_care_religious_exemption_covers_hib() {
    let mut child = child_care("2024-05-02", MT_CC_16M_WITHOUT_HIB);
    child.exemptions = vec![exemption(ExemptionKind::Religious, "2025-08-15", &[])];
    assert_eq!(status("MT", &child, ON).code(), "exempt");
}

#[test]
fn a_montana_child_care_religious_exemption_does_not_cover_pcv() {
    let mut child = child_care(
        "2024-05-02",
        &without(MT_CC_16M_WITHOUT_HIB, &[(133, "2025-05-02")]),
    );
    child.exemptions = vec![exemption(ExemptionKind::Religious, "2025-08-15", &[])];
    assert_eq!(
        missing_vaccines(&status("MT", &child, ON)),
        vec![VaccineGroup::Pcv]
    );
}

// ---- provisional enrolment ----

fn provisional(
    since: &str,
    basis: ProvisionalBasis,
    scheduled: &[(VaccineGroup, &str)],
) -> Option<ProvisionalEnrolment> {
    Some(ProvisionalEnrolment {
        since: d(since),
        basis,
        scheduled: scheduled
            .iter()
            .map(|&(vaccine, date)| ScheduledDose {
                vaccine,
                date: d(date),
            })
            .collect(),
    })
}

fn tx_provisional_without_second_mmr() -> Student {
    let mut student = pupil(K_DOB, "K", &without(TX_K_COMPLETE, &[(3, "2024-06-15")]));
    student.provisional = provisional("2025-08-20", ProvisionalBasis::Standard, &[]);
    student
}

#[test]
fn texas_provisional_enrolment_runs_to_the_first_30_day_review() {
    // The missing MMR was due long ago: the first review, 2025-08-20 + 30 = 2025-09-19.
    let status_on = |on| status("TX", &tx_provisional_without_second_mmr(), on);
    let StudentStatus::Conditional {
        basis, deadline, ..
    } = status_on(ON)
    else {
        panic!("provisionally enrolled with one MMR");
    };
    assert_eq!(
        (basis, deadline),
        (ProvisionalBasis::Standard, d("2025-09-19"))
    );
    assert_eq!(status_on("2025-09-19").code(), "conditional");
}

#[test]
fn texas_provisional_enrolment_lapses_the_day_after_the_review() {
    assert_eq!(
        status("TX", &tx_provisional_without_second_mmr(), "2025-09-20").code(),
        "incomplete"
    );
}

#[test]
fn texas_provisional_deadline_is_the_review_after_the_next_dose_falls_due() {
    // HepB catch-up 2025-08-01 and 2025-09-01: dose 3 due 09-01 + 28 − 4 = 2025-09-25, 36
    // days after enrolment: the second review, 2025-08-20 + 60 = 2025-10-19.
    let mut doses = without(
        TX_K_COMPLETE,
        &[(8, "2020-06-15"), (8, "2020-07-15"), (8, "2020-12-15")],
    );
    doses.extend([(8, "2025-08-01"), (8, "2025-09-01")]);
    let mut student = pupil(K_DOB, "K", &doses);
    student.provisional = provisional("2025-08-20", ProvisionalBasis::Standard, &[]);
    assert_eq!(
        status("TX", &student, ON),
        StudentStatus::Conditional {
            basis: ProvisionalBasis::Standard,
            deadline: d("2025-10-19"),
            missing: vec![MissingDose {
                rule: "tx-k12-hepb".into(),
                vaccine: VaccineGroup::Hepb,
                dose_number: 3,
                earliest: d("2025-09-25"),
                eligible_since: d("2025-09-25"),
            }]
        }
    );
}

#[test]
fn texas_provisional_enrolment_needs_one_dose_of_each_vaccine() {
    let mut student = tx_without_mmr();
    student.provisional = provisional("2025-08-20", ProvisionalBasis::Standard, &[]);
    assert_eq!(status("TX", &student, ON).code(), "incomplete");
}

#[test]
fn a_homeless_student_without_a_record_is_admitted_for_30_days() {
    let mut student = pupil(K_DOB, "K", &[]);
    student.provisional = provisional("2025-08-20", ProvisionalBasis::Homeless, &[]);
    let StudentStatus::Conditional {
        basis, deadline, ..
    } = status("TX", &student, ON)
    else {
        panic!("homeless students are admitted");
    };
    assert_eq!(
        (basis, deadline),
        (ProvisionalBasis::Homeless, d("2025-09-19"))
    );
    assert_eq!(
        status("TX", &student, "2025-09-19"),
        StudentStatus::NoRecord
    );
}

fn mt_without_fourth_polio(scheduled: &[(VaccineGroup, &str)]) -> Student {
    let mut student = pupil(K_DOB, "K", &without(MT_K_COMPLETE, &[(10, "2024-06-15")]));
    student.provisional = provisional("2025-08-20", ProvisionalBasis::Standard, scheduled);
    student
}

#[test]
fn montana_conditional_attendance_runs_to_the_scheduled_date() {
    let student = mt_without_fourth_polio(&[(VaccineGroup::Polio, "2025-10-01")]);
    let StudentStatus::Conditional { deadline, .. } = status("MT", &student, ON) else {
        panic!("conditional with a signed schedule");
    };
    assert_eq!(deadline, d("2025-10-01"));
    assert_eq!(status("MT", &student, "2025-10-01").code(), "conditional");
}

#[test]
fn montana_conditional_attendance_ends_when_a_scheduled_date_is_missed() {
    let student = mt_without_fourth_polio(&[(VaccineGroup::Polio, "2025-10-01")]);
    assert_eq!(status("MT", &student, "2025-10-02").code(), "incomplete");
}

#[test]
fn montana_conditional_attendance_needs_a_schedule() {
    assert_eq!(
        status("MT", &mt_without_fourth_polio(&[]), ON).code(),
        "incomplete"
    );
}

// ---- settings, tables ----

#[test]
fn a_texas_child_care_child_of_20_months_is_not_assessed() {
    // Born 2024-01-02: 20 months on ON, in the 3-43 month gap of the Texas table.
    assert_eq!(
        status("TX", &child_care("2024-01-02", &[]), ON),
        StudentStatus::NotAssessed
    );
}

#[test]
fn a_montana_child_care_infant_under_3_months_needs_nothing() {
    assert_eq!(
        status("MT", &child_care("2025-07-01", &[]), ON),
        StudentStatus::Complete
    );
}

#[test]
fn a_state_without_a_table_is_an_error() {
    let student = pupil(K_DOB, "K", &[]);
    assert_eq!(
        evaluate(book(), VaccineCatalog::embedded(), "ZZ", &student, d(ON)),
        Err(NoTable {
            state: "ZZ".into(),
            on: d(ON)
        })
    );
    assert!(evaluate(
        book(),
        VaccineCatalog::embedded(),
        "TX",
        &student,
        d("2026-08-01")
    )
    .is_err());
}

#[test]
fn statuses_serialize_with_stable_codes_and_no_sentences() {
    let json = serde_json::to_value(StudentStatus::Exempt {
        kind: ExemptionKind::Conscience,
        expires: Some(d("2025-09-03")),
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "exempt", "kind": "conscience", "expires": "2025-09-03"})
    );
}
