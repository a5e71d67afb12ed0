//! Reminder/recall through the ports: the organization's due clients are selected, each
//! exclusion is applied for its reason, the notices are stamped, and a rerun within 30 days
//! leaves the notified client out unless forced.

use shotbook_core::clock::FixedClock;
use shotbook_core::date::UsDate;
use shotbook_core::demographics::{Comment, CommentInput, DemographicsEdit, NewClientEntry};
use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_reports::recall::{CriteriaInput, Exclusion, RecallCriteria};
use shotbook_reports::status::ProviderClientStatus;
use time::macros::{date, datetime};

use super::demographics::{address, consent, personal, CLINIC_CODE};
use super::{clock, nurse, Setup};
use crate::demographics::{add_client, change, AddedClient};
use crate::ports::Registry;
use crate::recall::{record_notices, select_cohort, CohortUse, RecallCohort};
use crate::{need, Permit};

async fn new_client<R: Registry>(registry: &R, setup: &Setup, first: &str) -> ClientId {
    let editor = Permit::<need::EditDemographics>::check(nurse(setup, setup.clinic)).unwrap();
    let entry = NewClientEntry {
        personal: personal(first, "03/15/2025"),
        address: address("Billings", "Yellowstone"),
        guardian: None,
        consent: consent("granted"),
    };
    match add_client(registry, &editor, &clock(), &entry, &[], true)
        .await
        .unwrap()
    {
        AddedClient::Added { client, .. } => client,
        other => panic!("{first} is added: {other:?}"),
    }
}

async fn edit<R: Registry>(registry: &R, setup: &Setup, client: ClientId, e: DemographicsEdit) {
    let editor = Permit::<need::EditDemographics>::check(nurse(setup, setup.clinic)).unwrap();
    change(registry, &editor, &clock(), client, &e)
        .await
        .expect("the edit is written");
}

fn comment(code: &str) -> DemographicsEdit {
    DemographicsEdit::Comment(
        Comment::parse(CommentInput {
            code,
            applies_from: "12/01/2026",
            applies_until: "",
            text: "",
        })
        .unwrap(),
    )
}

fn criteria(county: &str, force: bool) -> RecallCriteria {
    RecallCriteria::parse(
        &CriteriaInput {
            born_from: "01/01/2025",
            born_to: "12/31/2025",
            window: "due_or_overdue",
            method: "mail",
            county,
            force,
            ..CriteriaInput::default()
        },
        &["MMR", "Polio", "DTaP/Tdap/Td"],
        date!(2026 - 12 - 06),
    )
    .unwrap()
}

async fn select<R: Registry>(
    registry: &R,
    setup: &Setup,
    organization: OrganizationId,
    criteria: &RecallCriteria,
    clock: &FixedClock,
) -> RecallCohort {
    let reports = Permit::<need::RunReports>::check(nurse(setup, organization)).unwrap();
    select_cohort(
        registry,
        &reports,
        clock,
        criteria,
        CohortUse::Preview,
        &|_, _| true,
    )
    .await
    .unwrap()
    .expect("not cancelled")
}

/// Four clients born in 2025 with no doses (all due): one to notify, one moved away, one whose
/// family declined reminders, one whose mail came back. Returns the clients (notified, moved,
/// declined, returned); each registry's test checks the stored notices and the audit.
pub async fn reminder_recall_selects_excludes_and_stamps<R: Registry>(
    registry: &R,
    setup: &Setup,
) -> [ClientId; 4] {
    let notified = new_client(registry, setup, "Noah").await;
    let moved = new_client(registry, setup, "Mia").await;
    let declined = new_client(registry, setup, "Liam").await;
    let returned = new_client(registry, setup, "Ava").await;
    edit(
        registry,
        setup,
        moved,
        DemographicsEdit::OrganizationStatus {
            organization_code: CLINIC_CODE.into(),
            status: "moved",
            status_on: UsDate::parse("11/01/2026").unwrap(),
        },
    )
    .await;
    edit(
        registry,
        setup,
        declined,
        comment("reminder_recall_declined"),
    )
    .await;
    edit(registry, setup, returned, comment("address_not_viable")).await;

    let clock = clock();
    // A run cancelled from its progress report selects nobody.
    let reports = Permit::<need::RunReports>::check(nurse(setup, setup.clinic)).unwrap();
    let cancelled = select_cohort(
        registry,
        &reports,
        &clock,
        &criteria("", false),
        CohortUse::Notices,
        &|_, _| false,
    )
    .await
    .unwrap();
    assert!(cancelled.is_none());
    let cohort = select(registry, setup, setup.clinic, &criteria("", false), &clock).await;
    assert_eq!(cohort.candidates, 4, "the setup's client is born in 2020");
    assert_eq!((cohort.outside_county, cohort.not_due), (0, 0));
    let ids: Vec<ClientId> = cohort.notices.iter().map(|n| n.client).collect();
    assert_eq!(ids, vec![notified]);
    let notice = &cohort.notices[0];
    assert_eq!(notice.first_name, "Noah");
    assert_eq!(notice.date_of_birth, date!(2025 - 03 - 15));
    assert_eq!(notice.address.city.as_deref(), Some("Billings"));
    assert!(notice.groups.iter().any(|g| g.vaccine_group == "MMR"));
    assert_eq!(notice.last_notice, None);
    assert_eq!(
        cohort
            .excluded
            .iter()
            .map(|(e, n)| (*e, *n))
            .collect::<Vec<_>>(),
        vec![
            (Exclusion::Inactive(ProviderClientStatus::Moved), 1),
            (Exclusion::Declined, 1),
            (Exclusion::NoViableAddress, 1),
        ]
    );
    // Another county: nobody; another organization: none of the clinic's clients.
    let elsewhere = select(
        registry,
        setup,
        setup.clinic,
        &criteria("Gallatin", false),
        &clock,
    )
    .await;
    assert_eq!((elsewhere.outside_county, elsewhere.notices.len()), (4, 0));
    let other = select(
        registry,
        setup,
        OrganizationId::new(),
        &criteria("", false),
        &clock,
    )
    .await;
    assert_eq!(other.candidates, 0);

    // Stamped; a rerun a week later leaves the client out, a forced one does not, and 30 days
    // on the client is due a notice again.
    let stamped = record_notices(registry, &reports, &clock, &cohort, &["letters", "labels"])
        .await
        .unwrap();
    assert_eq!(stamped, 1);
    let week = FixedClock(datetime!(2026-12-13 10:00 UTC));
    let rerun = select(registry, setup, setup.clinic, &criteria("", false), &week).await;
    assert!(rerun.notices.is_empty());
    assert_eq!(rerun.excluded.get(&Exclusion::NotifiedRecently), Some(&1));
    let forced = select(registry, setup, setup.clinic, &criteria("", true), &week).await;
    assert_eq!(forced.notices.len(), 1);
    assert_eq!(forced.notices[0].last_notice, Some(date!(2026 - 12 - 06)));
    let month = FixedClock(datetime!(2027-01-05 10:00 UTC));
    let later = select(registry, setup, setup.clinic, &criteria("", false), &month).await;
    assert_eq!(later.notices.len(), 1);

    // Another organization cannot stamp the clinic's cohort.
    let outsider = Permit::<need::RunReports>::check(nurse(setup, OrganizationId::new())).unwrap();
    assert!(
        record_notices(registry, &outsider, &clock, &cohort, &["letters"])
            .await
            .is_err()
    );
    [notified, moved, declined, returned]
}
