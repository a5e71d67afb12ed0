//! The school module through the ports and its use cases: a facility's list keeps its students
//! with what the school records about each, the compliance report reads the registry's doses,
//! and another organization sees none of it.

use shotbook_core::codes::Cvx;
use shotbook_core::ids::{OrganizationId, StudentListId};
use shotbook_core::immunization::dose::HistoricalDose;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_reports::school::{
    Grade, ProvisionalBasis, Setting, StudentDetailsInput, StudentListName, StudentStatus,
    VaccineGroup,
};
use time::macros::date;

use super::{clock, Setup};
use crate::immunizations::record_historical;
use crate::ports::Registry;
use crate::school::{self, Compliance};
use crate::{need, Actor, Permit, UseCaseError, Via};

/// A school user at the setup's organization, as a facility (Montana, View Only
/// Non-Providers): the setup's client, born 01/01/2020, is a first-grader in its reach.
pub fn school_actor(setup: &Setup, organization: OrganizationId) -> Actor {
    Actor {
        user_id: setup.nurse,
        organization_id: organization,
        role: Role::ViewOnlyNonProvider,
        state: "MT".into(),
        organization_kind: OrganizationKind::School,
        via: Via::Workstation {
            name: "contract-school-pc".into(),
        },
    }
}

fn permit(actor: Actor) -> Permit<need::SchoolReports> {
    Permit::check(actor).expect("View Only Non-Providers hold school_reports")
}

/// Makes a list, puts the setup's client on it with a grade, an exemption and a provisional
/// enrolment, changes the grade, records two MMR and two varicella doses and assesses the list
/// (incomplete: DTaP and polio missing, MMR and varicella met), then removes the student. Returns
/// the list and the number of students the report showed (each audited once as
/// `school_report`).
pub async fn a_student_list_keeps_its_students_and_the_report_reads_their_doses<R: Registry>(
    registry: &R,
    setup: &Setup,
) -> (StudentListId, usize) {
    let clock = clock();
    let school = permit(school_actor(setup, setup.clinic));
    let name = StudentListName::parse("name", "Grade 1, Room 4").unwrap();
    let list = school::create_list(registry, &school, &clock, &name, Setting::School)
        .await
        .unwrap();
    let lists = school::lists(registry, &school).await.unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!(
        (lists[0].name.as_str(), lists[0].setting, lists[0].students),
        ("Grade 1, Room 4", Setting::School, 0)
    );
    assert_eq!(lists[0].created_on, date!(2026 - 12 - 06));
    let renamed = StudentListName::parse("name", "Grade 1 — Room 4").unwrap();
    school::rename_list(registry, &school, &clock, list.id, &renamed)
        .await
        .unwrap();

    // A school student needs a grade: the form's error names the field, nothing is written.
    let refused = school::put_student(
        registry,
        &school,
        &clock,
        list.id,
        setup.client,
        &StudentDetailsInput::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&refused, UseCaseError::Invalid(e) if e.issues[0].field == "grade"),
        "{refused:?}"
    );
    assert!(registry.students_on(list.id).await.unwrap().is_empty());

    let vaccines = vec!["mmr".to_string()];
    let added = school::put_student(
        registry,
        &school,
        &clock,
        list.id,
        setup.client,
        &StudentDetailsInput {
            grade: "K",
            exemption_kind: "medical",
            exemption_signed_on: "08/15/2026",
            exemption_lifelong: true,
            exemption_vaccines: &vaccines,
            provisional_basis: "homeless",
            provisional_since: "08/20/2026",
        },
    )
    .await
    .unwrap();
    assert!(added, "new on the list");
    let updated = school::put_student(
        registry,
        &school,
        &clock,
        list.id,
        setup.client,
        &StudentDetailsInput {
            grade: "1",
            exemption_kind: "medical",
            exemption_signed_on: "08/15/2026",
            exemption_lifelong: true,
            exemption_vaccines: &vaccines,
            provisional_basis: "homeless",
            provisional_since: "08/20/2026",
        },
    )
    .await
    .unwrap();
    assert!(!updated, "already on the list");
    let students = registry.students_on(list.id).await.unwrap();
    assert_eq!(students.len(), 1);
    let student = &students[0];
    assert_eq!(student.client, setup.client);
    assert!(!student.last_name.is_empty() && !student.first_name.is_empty());
    assert_eq!(student.date_of_birth, "2020-01-01");
    assert_eq!(student.added_on, date!(2026 - 12 - 06));
    assert_eq!(student.details.grade, Grade::numbered(1));
    let exemption = student
        .details
        .exemption
        .as_ref()
        .expect("the exemption kept");
    assert_eq!(exemption.vaccines, [VaccineGroup::Mmr]);
    assert!(exemption.lifelong);
    assert_eq!(
        student.details.provisional.as_ref().map(|p| p.basis),
        Some(ProvisionalBasis::Homeless)
    );
    let summary = registry.student_list(list.id).await.unwrap().unwrap();
    assert_eq!(
        (summary.name.as_str(), summary.students),
        ("Grade 1 — Room 4", 1)
    );

    // Take the exemption and enrolment off, record two MMR and two varicella doses, assess.
    school::put_student(
        registry,
        &school,
        &clock,
        list.id,
        setup.client,
        &StudentDetailsInput {
            grade: "1",
            ..StudentDetailsInput::default()
        },
    )
    .await
    .unwrap();
    let nurse = Permit::<need::AddImmunizations>::check(Actor {
        role: Role::FullAccessProvider,
        organization_kind: OrganizationKind::Provider,
        ..school_actor(setup, setup.clinic)
    })
    .unwrap();
    let dose = |cvx: &str, on| HistoricalDose {
        cvx: Cvx::parse(cvx).unwrap(),
        administered_on: on,
        provider: None,
    };
    let outcome = record_historical(
        registry,
        &nurse,
        &clock,
        setup.client,
        vec![
            dose("03", date!(2021 - 01 - 05)),
            dose("21", date!(2021 - 01 - 05)),
            dose("03", date!(2024 - 01 - 10)),
            dose("21", date!(2024 - 01 - 10)),
        ],
        true,
    )
    .await
    .unwrap();
    assert!(outcome.saved, "{:?}", outcome.warnings);
    let report = school::compliance_report(
        registry,
        &school,
        &clock,
        list.id,
        date!(2026 - 12 - 06),
        school::ReportUse::Screen,
    )
    .await
    .unwrap();
    // Shotbook holds Montana's 2025-2026 table; 12/06/2026 is in 2026-2027.
    assert_eq!(report.school_year, "2026-2027");
    assert_eq!(report.rules_of.as_deref(), Some("2025-2026"));
    assert_eq!(report.students.len(), 1);
    let Compliance::Assessed(StudentStatus::Incomplete { missing }) =
        &report.students[0].compliance
    else {
        panic!("incomplete expected: {:?}", report.students[0].compliance);
    };
    let groups: Vec<VaccineGroup> = missing.iter().map(|m| m.vaccine).collect();
    assert!(groups.contains(&VaccineGroup::Dtap), "{groups:?}");
    assert!(groups.contains(&VaccineGroup::Polio), "{groups:?}");
    assert!(!groups.contains(&VaccineGroup::Mmr), "{groups:?}");
    assert!(!groups.contains(&VaccineGroup::Varicella), "{groups:?}");
    assert_eq!(report.counts(), [("incomplete", 1)]);

    // Another organization's school sees neither the list nor its report.
    let elsewhere = permit(school_actor(setup, OrganizationId::new()));
    assert!(school::lists(registry, &elsewhere)
        .await
        .unwrap()
        .is_empty());
    let hidden = school::compliance_report(
        registry,
        &elsewhere,
        &clock,
        list.id,
        date!(2026 - 12 - 06),
        school::ReportUse::Screen,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(hidden, UseCaseError::NotFound("student list")),
        "{hidden:?}"
    );
    let not_theirs = school::remove_student(registry, &elsewhere, &clock, list.id, setup.client)
        .await
        .unwrap_err();
    assert!(
        matches!(not_theirs, UseCaseError::NotFound(_)),
        "{not_theirs:?}"
    );

    school::remove_student(registry, &school, &clock, list.id, setup.client)
        .await
        .unwrap();
    assert!(registry.students_on(list.id).await.unwrap().is_empty());
    let again = school::remove_student(registry, &school, &clock, list.id, setup.client)
        .await
        .unwrap_err();
    assert!(
        matches!(again, UseCaseError::NotFound("student")),
        "{again:?}"
    );
    assert!(registry
        .student_list(StudentListId::new())
        .await
        .unwrap()
        .is_none());
    (list.id, report.students.len())
}

/// A client out of a school's reach (not of its state) cannot be put on its list; the refusal
/// names why and nothing is written.
pub async fn a_student_beyond_the_facilitys_reach_is_refused<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let texas_school = permit(Actor {
        state: "TX".into(),
        ..school_actor(setup, setup.clinic)
    });
    let name = StudentListName::parse("name", "Kinder").unwrap();
    let list = school::create_list(registry, &texas_school, &clock, &name, Setting::School)
        .await
        .unwrap();
    let refused = school::put_student(
        registry,
        &texas_school,
        &clock,
        list.id,
        setup.client,
        &StudentDetailsInput {
            grade: "1",
            ..StudentDetailsInput::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            refused,
            UseCaseError::Forbidden {
                permission: "facility_other_state"
            }
        ),
        "{refused:?}"
    );
    assert!(registry.students_on(list.id).await.unwrap().is_empty());
}
