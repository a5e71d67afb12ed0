//! The demographics and consent contract: what every registry must do when consent is recorded,
//! entries are added and voided, and clients are added.

use shotbook_core::clock::Clock;
use shotbook_core::consent::{ConsentStatus, RecordView, Restriction};
use shotbook_core::date::UsDate;
use shotbook_core::demographics::{
    Address, AddressInput, Aka, AkaInput, ConsentEntry, ConsentInput, DemographicsEdit,
    NewClientEntry, Personal, PersonalInput, ResponsiblePerson, ResponsiblePersonInput,
    VoidableEntry,
};
use shotbook_core::error::IssueCollector;
use shotbook_core::ids::{ClientId, OrganizationId};
use time::macros::date;

use super::{clock, nurse, Setup};
use crate::access::access_to;
use crate::demographics::{
    add_client, change, open, record_consent, AddedClient, PossibleDuplicate,
};
use crate::ports::Registry;
use crate::{need, Permit, UseCaseError};

/// The organization code under which the registry must hold [`Setup::clinic`].
pub const CLINIC_CODE: &str = "MT9001";

pub(super) fn consent(status: &str) -> ConsentEntry {
    let mut issues = IssueCollector::new();
    let entry = ConsentEntry::parse(
        "",
        ConsentInput {
            status,
            effective_on: "12/01/2026",
            method: "verbal",
            given_by: "Elena Contract, mother",
        },
        date!(2026 - 12 - 06),
        &mut issues,
    );
    issues.finish().expect("a valid consent entry");
    entry.expect("parsed")
}

fn issue_field(result: Result<impl std::fmt::Debug, UseCaseError>) -> String {
    match result {
        Err(UseCaseError::Invalid(e)) => e.issues[0].field.clone(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A withdrawal restricts another organization to identification at once (and it may not edit
/// the record), while the client's own clinic keeps it; consent given again opens the record
/// at once.
pub async fn withdrawn_consent_restricts_other_organizations_at_once<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let own = Permit::<need::UpdateConsent>::check(nurse(setup, setup.clinic)).unwrap();
    let access = record_consent(registry, &own, &clock, setup.client, &consent("withdrawn"))
        .await
        .expect("the client's clinic records a withdrawal");
    assert!(access.is_full(), "the client's own clinic keeps the record");
    let facts = registry.client_facts(setup.client).await.unwrap();
    assert_eq!(facts.consent, ConsentStatus::Withdrawn);

    let elsewhere = nurse(setup, OrganizationId::new());
    let viewer = Permit::<need::ViewClient>::check(elsewhere.clone()).unwrap();
    let seen = open(registry, &viewer, &clock, setup.client).await.unwrap();
    assert_eq!(seen.view, RecordView::IdentificationOnly);
    assert_eq!(seen.restriction, Some(Restriction::ConsentWithdrawn));
    let editor = Permit::<need::EditDemographics>::check(elsewhere.clone()).unwrap();
    let refused = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &DemographicsEdit::Note("seen today".into()),
    )
    .await;
    assert!(
        matches!(refused, Err(UseCaseError::ConsentRestricted(_))),
        "{refused:?}"
    );

    record_consent(registry, &own, &clock, setup.client, &consent("granted"))
        .await
        .expect("consent is given again");
    let seen = access_to(registry, &elsewhere, setup.client, clock.today())
        .await
        .unwrap();
    assert!(
        seen.is_full(),
        "granting opens the record at once: {seen:?}"
    );
}

/// An added entry can be voided once, by its kind, with a reason; a second void finds nothing.
pub async fn entries_are_voided_once_with_a_reason<R: Registry>(registry: &R, setup: &Setup) {
    let clock = clock();
    let editor = Permit::<need::EditDemographics>::check(nurse(setup, setup.clinic)).unwrap();
    let note = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &DemographicsEdit::Note("Mother prefers reminders by text.".into()),
    )
    .await
    .expect("a note is added")
    .entry
    .expect("a note has an id");
    let aka = Aka::parse(AkaInput {
        first_name: "Baby Boy",
        middle_name: "",
        last_name: "Contract",
        kind: "birth",
    })
    .unwrap();
    let aka = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &DemographicsEdit::Aka(aka),
    )
    .await
    .expect("an AKA is added")
    .entry
    .expect("an AKA has an id");
    let void = |entry, id: &str, reason: &str| DemographicsEdit::Void {
        entry,
        id: id.to_string(),
        reason: reason.to_string(),
    };
    let blank = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &void(VoidableEntry::Note, &note, " "),
    )
    .await;
    assert_eq!(issue_field(blank), "reason");
    let wrong_kind = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &void(VoidableEntry::Comment, &aka, "typo"),
    )
    .await;
    assert!(
        matches!(wrong_kind, Err(UseCaseError::NotFound(_))),
        "an AKA is not a comment: {wrong_kind:?}"
    );
    change(
        registry,
        &editor,
        &clock,
        setup.client,
        &void(VoidableEntry::Note, &note, "wrong client"),
    )
    .await
    .expect("the note is voided");
    let again = change(
        registry,
        &editor,
        &clock,
        setup.client,
        &void(VoidableEntry::Note, &note, "again"),
    )
    .await;
    assert!(
        matches!(again, Err(UseCaseError::NotFound(_))),
        "a voided note cannot be voided again: {again:?}"
    );
    change(
        registry,
        &editor,
        &clock,
        setup.client,
        &void(VoidableEntry::Aka, &aka, "typo"),
    )
    .await
    .expect("the AKA is voided");
}

pub(super) fn personal(first: &str, born: &str) -> Personal {
    let mut issues = IssueCollector::new();
    let p = Personal::parse(
        PersonalInput {
            first_name: first,
            last_name: "Contract",
            date_of_birth: born,
            gender: "F",
            ..Default::default()
        },
        date!(2026 - 12 - 06),
        &mut issues,
    );
    issues.finish().expect("valid personal information");
    p.expect("parsed")
}

pub(super) fn address(city: &str, county: &str) -> Address {
    let mut issues = IssueCollector::new();
    let a = Address::parse(
        "",
        AddressInput {
            line1: "415 N 27th St",
            city,
            state: "MT",
            county,
            zip: "59101",
            ..Default::default()
        },
        &mut issues,
    );
    issues.finish().expect("a valid address");
    a
}

/// Personal information, a move and an organization status are written; the status needs an
/// organization the registry knows, and a move cannot be in the future.
pub async fn personal_information_moves_and_organization_statuses_are_checked<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let editor = Permit::<need::EditDemographics>::check(nurse(setup, setup.clinic)).unwrap();
    let (editor, clock) = (&editor, &clock);
    let edit = |e: DemographicsEdit| async move {
        change(registry, editor, clock, setup.client, &e).await
    };
    edit(DemographicsEdit::Personal(personal("Anna", "01/01/2020")))
        .await
        .expect("personal information is written");
    let future = edit(DemographicsEdit::Address {
        address: address("Billings", "Yellowstone"),
        moved_on: UsDate::parse("12/07/2026").unwrap(),
    })
    .await;
    assert_eq!(issue_field(future), "movedOn");
    edit(DemographicsEdit::Address {
        address: address("Helena", "Lewis and Clark"),
        moved_on: UsDate::parse("11/01/2026").unwrap(),
    })
    .await
    .expect("a move is written");
    let status = |code: &str| DemographicsEdit::OrganizationStatus {
        organization_code: code.into(),
        status: "moved",
        status_on: UsDate::parse("11/01/2026").unwrap(),
    };
    let unknown = edit(status("ZZ0000")).await;
    assert_eq!(issue_field(unknown), "organizationCode");
    edit(status(&CLINIC_CODE.to_lowercase()))
        .await
        .expect("the clinic's code, in any case, names it");
    let facts = registry.client_facts(setup.client).await.unwrap();
    assert!(facts.organizations.contains(&setup.clinic), "{facts:?}");
    assert_eq!(facts.date_of_birth, date!(2020 - 01 - 01));
}

/// A new client who may be someone already registered is added only once the user confirms a
/// new person; then with the actor's organization as home and consent as given.
pub async fn a_possible_duplicate_is_added_only_once_confirmed<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let editor = Permit::<need::EditDemographics>::check(nurse(setup, setup.clinic)).unwrap();
    let mut issues = IssueCollector::new();
    let guardian = ResponsiblePerson::parse(
        "guardian.",
        ResponsiblePersonInput {
            first_name: "Elena",
            last_name: "Contract",
            relationship: "mother",
            ..Default::default()
        },
        &mut issues,
    );
    issues.finish().unwrap();
    let entry = NewClientEntry {
        personal: personal("Ana", "01/01/2020"),
        address: address("Billings", "Yellowstone"),
        guardian,
        consent: consent("not_granted"),
    };
    let possible = [PossibleDuplicate {
        client: setup.client,
        score: 14.5,
        reasons: vec!["same name".into(), "same date of birth".into()],
    }];
    let shown = add_client(registry, &editor, &clock, &entry, &possible, false)
        .await
        .unwrap();
    assert_eq!(shown, AddedClient::LikelyMatches);
    let added = add_client(registry, &editor, &clock, &entry, &possible, true)
        .await
        .unwrap();
    let AddedClient::Added {
        client,
        registry_id,
    } = added
    else {
        panic!("a confirmed new person is added: {added:?}")
    };
    assert_ne!(client, setup.client);
    assert_eq!(registry_id.len(), 10, "{registry_id}");
    assert!(registry_id.bytes().all(|b| b.is_ascii_digit()));
    let facts = registry.client_facts(client).await.unwrap();
    assert_eq!(facts.consent, ConsentStatus::NotGranted);
    assert_eq!(facts.organizations, vec![setup.clinic]);
    assert_eq!(facts.date_of_birth, date!(2020 - 01 - 01));
    let missing = registry.client_facts(ClientId::new()).await;
    assert!(missing.is_err());
}
