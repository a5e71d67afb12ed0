//! The port contract against the in-memory registry.

use shotbook_core::codes::Cvx;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::{LotFacts, VaccineFacts};
use shotbook_core::immunization::lot::FundingSource;
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::contract::{self, Setup, BORN};
use shotbook_usecases::memory::{MemoryRegistry, MemoryState};
use shotbook_usecases::ports::{ClientFacts, StoredLot};
use shotbook_usecases::{demographics, need, Permit};
use time::macros::date;

fn vaccine(cvx: &str, name: &str, group: &str) -> (String, VaccineFacts) {
    (
        cvx.to_string(),
        VaccineFacts {
            cvx: Cvx::parse(cvx).unwrap(),
            short_description: name.into(),
            status: "Active".into(),
            groups: vec![group.into()],
        },
    )
}

fn registry() -> (MemoryRegistry, Setup) {
    let setup = Setup {
        clinic: OrganizationId::new(),
        nurse: UserId::new(),
        client: ClientId::new(),
        lot: VaccineLotId::new(),
    };
    let mut state = MemoryState::default();
    state.clients.insert(
        setup.client,
        ClientFacts {
            state: Some("MT".into()),
            merged_into: None,
            date_of_birth: BORN,
            consent: ConsentStatus::Granted,
            organizations: vec![setup.clinic],
        },
    );
    state
        .organization_codes
        .insert(contract::CLINIC_CODE.into(), setup.clinic);
    state.organizations.insert(
        setup.clinic,
        shotbook_usecases::ports::OrganizationFacts {
            id: setup.clinic,
            code: contract::CLINIC_CODE.into(),
            name: "The contract's clinic".into(),
            kind: shotbook_core::organization::OrganizationKind::Provider,
            state: "MT".into(),
            county: "Yellowstone".into(),
        },
    );
    state.vaccines.extend([
        vaccine("03", "MMR", "MMR"),
        vaccine("21", "varicella", "VARICELLA"),
    ]);
    state.lots.insert(
        setup.lot,
        StoredLot {
            id: setup.lot,
            facts: LotFacts {
                lot_number: "R024551".into(),
                organization_id: setup.clinic,
                cvx: Cvx::parse("03").unwrap(),
                expires_on: date!(2027 - 12 - 31),
                on_hand: 3,
            },
            mvx: Some("MSD".into()),
            ndc: Some("00006-4681-01".into()),
            funding: Some(FundingSource::Vfc),
        },
    );
    (MemoryRegistry::new(state), setup)
}

#[tokio::test]
async fn a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back() {
    let (r, setup) = registry();
    contract::a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back(&r, &setup).await;
}

#[tokio::test]
async fn a_warned_dose_is_saved_only_once_confirmed() {
    let (r, setup) = registry();
    contract::a_warned_dose_is_saved_only_once_confirmed(&r, &setup).await;
}

#[tokio::test]
async fn another_organization_cannot_void_a_dose() {
    let (r, setup) = registry();
    contract::another_organization_cannot_void_a_dose(&r, &setup).await;
}

#[tokio::test]
async fn a_shot_card_is_saved_whole_or_not_at_all() {
    let (r, setup) = registry();
    contract::a_shot_card_is_saved_whole_or_not_at_all(&r, &setup).await;
}

#[tokio::test]
async fn an_interface_message_logs_its_changes_as_interface_and_audits_the_sender() {
    let (r, setup) = registry();
    let dose = contract::record_through_an_interface(&r, &setup).await;
    let state = r.snapshot();
    let logged: Vec<_> = state
        .changes
        .iter()
        .filter(|c| c.entity == Entity::Immunization && c.op == ChangeOp::Insert)
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].id, dose.to_string());
    assert_eq!(logged[0].origin.source, contract::INTERFACE_SOURCE);
    assert_eq!(logged[0].origin.node, "EHR-CONTRACT");
    assert_eq!(state.audit.len(), 1);
    assert_eq!(state.audit[0].workstation, "interface:EHR-CONTRACT");
}

#[tokio::test]
async fn lots_are_received_and_adjusted_within_the_organization() {
    let (r, setup) = registry();
    contract::lots_are_received_and_adjusted_within_the_organization(&r, &setup).await;
}

#[tokio::test]
async fn a_merge_happens_once_and_its_undo_moves_the_doses_back() {
    let (r, setup) = registry();
    let twin = contract::Twin {
        client: ClientId::new(),
        pair: "pair-1".into(),
    };
    let mut state = r.snapshot();
    let facts = state.clients[&setup.client].clone();
    state.clients.insert(twin.client, facts);
    state.pairs.insert(
        twin.pair.clone(),
        shotbook_usecases::ports::DuplicatePair {
            id: twin.pair.clone(),
            a: setup.client,
            b: twin.client,
            open: true,
        },
    );
    let r = MemoryRegistry::new(state);
    contract::a_merge_happens_once_and_its_undo_moves_the_doses_back(&r, &setup, &twin).await;
}

#[tokio::test]
async fn a_read_is_audited_before_it_is_shown_and_restricted_reads_show_identification_only() {
    use shotbook_core::consent::RecordView;
    use shotbook_core::permission::Role;
    use shotbook_usecases::{clients, Actor, UseCaseError, Via};
    let (r, setup) = registry();
    let mut state = r.snapshot();
    state.clients.get_mut(&setup.client).unwrap().consent = ConsentStatus::Withdrawn;
    let r = MemoryRegistry::new(state);
    let elsewhere = Actor {
        user_id: UserId::new(),
        organization_id: OrganizationId::new(),
        role: Role::FullAccessProvider,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation { name: "pc".into() },
    };
    let permit = Permit::<need::ViewClient>::check(elsewhere).unwrap();
    let clock = contract::clock();
    let access = clients::open_record(&r, &permit, &clock, setup.client)
        .await
        .unwrap();
    assert_eq!(access.view, RecordView::IdentificationOnly);
    let audit = r.snapshot().audit;
    assert_eq!(audit.len(), 1, "the read is audited");
    assert_eq!(
        audit[0].detail.as_deref(),
        Some("identification only: consent_withdrawn")
    );
    let full = clients::open_full_record(&r, &permit, &clock, setup.client).await;
    assert!(
        matches!(full, Err(UseCaseError::ConsentRestricted(_))),
        "{full:?}"
    );
    let audit = r.snapshot().audit;
    assert_eq!(audit.len(), 2, "nothing shown: only the refusal is audited");
    assert_eq!(
        audit[1].action,
        shotbook_core::audit::AuditAction::AccessDenied
    );
    assert_eq!(audit[1].detail.as_deref(), Some("consent_withdrawn"));
}

fn access_registry() -> (MemoryRegistry, contract::AccessSetup) {
    use shotbook_core::organization::OrganizationKind;
    use shotbook_core::permission::Role;
    use shotbook_usecases::memory::{MemoryAccount, SignInState};
    use shotbook_usecases::ports::{AccountFacts, Membership, OrganizationFacts};

    let setup = contract::AccessSetup {
        clinic: OrganizationId::new(),
        other_clinic: OrganizationId::new(),
        registry: OrganizationId::new(),
        supervisor: UserId::new(),
        other_supervisor: UserId::new(),
        staff: UserId::new(),
        state_admin: UserId::new(),
    };
    let mut state = MemoryState::default();
    for (id, code, kind, county) in [
        (
            setup.clinic,
            "MT9001",
            OrganizationKind::Provider,
            "Yellowstone",
        ),
        (
            setup.other_clinic,
            "MT9002",
            OrganizationKind::Provider,
            "Cascade",
        ),
        (
            setup.registry,
            "MT0000",
            OrganizationKind::Registry,
            "Lewis and Clark",
        ),
    ] {
        state.organizations.insert(
            id,
            OrganizationFacts {
                id,
                code: code.into(),
                name: format!("Organization {code}"),
                kind,
                state: "MT".into(),
                county: county.into(),
            },
        );
    }
    for (user, username, organization, role) in [
        (
            setup.supervisor,
            "contract.supervisor",
            setup.clinic,
            Role::AuthorizingOfficial,
        ),
        (
            setup.other_supervisor,
            "other.supervisor",
            setup.other_clinic,
            Role::AuthorizingOfficial,
        ),
        (
            setup.staff,
            "contract.staff",
            setup.registry,
            Role::RegistryStaff,
        ),
        (
            setup.state_admin,
            "contract.admin",
            setup.registry,
            Role::FullAccessState,
        ),
    ] {
        state.accounts.insert(
            user,
            MemoryAccount {
                facts: AccountFacts {
                    username: username.into(),
                    first_name: "Contract".into(),
                    last_name: username.into(),
                    email: format!("{username}@example.org"),
                    active: true,
                    locked: false,
                },
                password_hash: "x".into(),
                must_change_password: false,
                sign_ins: SignInState::new(time::OffsetDateTime::UNIX_EPOCH, false),
            },
        );
        state.memberships.insert(
            (user, organization),
            Membership {
                role: role.code().into(),
                access_ends: None,
            },
        );
    }
    (MemoryRegistry::new(state), setup)
}

#[tokio::test]
async fn submit_sign_approve_creates_the_account_with_a_temporary_password() {
    let (r, setup) = access_registry();
    contract::submit_sign_approve_creates_the_account_with_a_temporary_password(&r, &setup).await;
    let state = r.snapshot();
    let nancy = state
        .accounts
        .values()
        .find(|a| a.facts.username == "nancy.nurse")
        .unwrap();
    assert!(nancy.must_change_password);
    assert!(nancy.password_hash.starts_with("hash:Temp-"));
}

#[tokio::test]
async fn nobody_decides_their_own_request() {
    let (r, setup) = access_registry();
    contract::nobody_decides_their_own_request(&r, &setup).await;
}

#[tokio::test]
async fn scope_refuses_another_organizations_request() {
    let (r, setup) = access_registry();
    contract::scope_refuses_another_organizations_request(&r, &setup).await;
}

#[tokio::test]
async fn withdrawn_consent_restricts_other_organizations_at_once() {
    let (r, setup) = registry();
    contract::withdrawn_consent_restricts_other_organizations_at_once(&r, &setup).await;
}

#[tokio::test]
async fn entries_are_voided_once_with_a_reason() {
    let (r, setup) = registry();
    contract::entries_are_voided_once_with_a_reason(&r, &setup).await;
}

#[tokio::test]
async fn personal_information_moves_and_organization_statuses_are_checked() {
    let (r, setup) = registry();
    contract::personal_information_moves_and_organization_statuses_are_checked(&r, &setup).await;
}

#[tokio::test]
async fn a_possible_duplicate_is_added_only_once_confirmed() {
    let (r, setup) = registry();
    contract::a_possible_duplicate_is_added_only_once_confirmed(&r, &setup).await;
}

#[tokio::test]
async fn a_consent_change_is_audited_in_its_unit_of_work_with_the_interface_as_place() {
    let (r, setup) = registry();
    let permit = Permit::<need::UpdateConsent>::check(contract::interface_actor(&setup)).unwrap();
    let entry = shotbook_core::demographics::ConsentEntry {
        status: ConsentStatus::Withdrawn,
        effective_on: shotbook_core::date::UsDate::parse("12/01/2026").unwrap(),
        method: shotbook_core::consent::ConsentMethod::Verbal,
        given_by: None,
    };
    demographics::record_consent(&r, &permit, &contract::clock(), setup.client, &entry)
        .await
        .unwrap();
    let state = r.snapshot();
    assert_eq!(state.audit.len(), 1);
    assert_eq!(state.audit[0].workstation, "interface:EHR-CONTRACT");
    assert_eq!(
        state.audit[0].detail.as_deref(),
        Some("consent withdrawn (verbal)")
    );
    let consent = state
        .changes
        .iter()
        .find(|c| c.entity == Entity::ClientConsent)
        .expect("the consent entry is logged");
    assert_eq!(consent.origin.source, contract::INTERFACE_SOURCE);
    assert_eq!(
        state.clients[&setup.client].consent,
        ConsentStatus::Withdrawn
    );
}

#[tokio::test]
async fn a_print_is_audited_before_the_document_exists_and_refused_without_the_whole_record() {
    use shotbook_core::permission::Role;
    use shotbook_usecases::{clients, Actor, UseCaseError, Via};
    let (r, setup) = registry();
    let clock = contract::clock();
    let at = |organization| Actor {
        user_id: setup.nurse,
        organization_id: organization,
        role: Role::FullAccessProvider,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation { name: "pc".into() },
    };
    let home = Permit::<need::PrintRecord>::check(at(setup.clinic)).unwrap();
    clients::print_record(
        &r,
        &home,
        &clock,
        setup.client,
        "rendered document D1".into(),
    )
    .await
    .expect("the client's own clinic prints the record");
    let audit = r.snapshot().audit;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].detail.as_deref(), Some("rendered document D1"));

    let mut state = r.snapshot();
    state.clients.get_mut(&setup.client).unwrap().consent = ConsentStatus::NotGranted;
    let r = MemoryRegistry::new(state);
    let elsewhere = Permit::<need::PrintRecord>::check(at(OrganizationId::new())).unwrap();
    let refused = clients::print_record(
        &r,
        &elsewhere,
        &clock,
        setup.client,
        "rendered document D2".into(),
    )
    .await;
    assert!(
        matches!(refused, Err(UseCaseError::ConsentRestricted(_))),
        "{refused:?}"
    );
    let audit = r.snapshot().audit;
    assert_eq!(audit.len(), 2, "no print, no print audit: only the refusal");
    assert_eq!(
        audit[1].action,
        shotbook_core::audit::AuditAction::AccessDenied
    );
}

#[tokio::test]
async fn the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six() {
    let (r, setup) = access_registry();
    contract::the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six(&r, &setup)
        .await;
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failures() {
    let (r, setup) = access_registry();
    contract::a_successful_sign_in_clears_the_failures(&r, &setup).await;
}

#[tokio::test]
async fn unknown_accounts_get_the_answers_of_a_wrong_password() {
    let (r, setup) = access_registry();
    contract::unknown_accounts_get_the_answers_of_a_wrong_password(&r, &setup).await;
}

#[tokio::test]
async fn a_chosen_password_replaces_the_temporary_one() {
    let (r, setup) = access_registry();
    contract::a_chosen_password_replaces_the_temporary_one(&r, &setup).await;
}

#[tokio::test]
async fn an_agreement_code_expires_and_stops_after_ten_wrong_tries() {
    let (r, setup) = access_registry();
    contract::an_agreement_code_expires_and_stops_after_ten_wrong_tries(&r, &setup).await;
}

#[tokio::test]
async fn searches_answer_alike_and_every_client_shown_is_audited() {
    let (r, setup) = registry();
    let answers = contract::searches_answer_alike(&r, &setup).await;
    assert!(!answers.shown.is_empty());
    let audited: Vec<_> = r
        .snapshot()
        .audit
        .iter()
        .filter(|e| e.action == shotbook_core::audit::AuditAction::SearchClients)
        .map(|e| (e.user_id, e.client_id))
        .collect();
    let expected: Vec<_> = answers
        .shown
        .iter()
        .map(|c| (Some(setup.nurse), Some(*c)))
        .collect();
    assert_eq!(audited, expected, "each listing audited once, none other");
    assert_eq!(answers, contract::reference_answers().await);
}

/// The setup's registry with the client's name on file (the school module lists students by
/// name).
fn registry_with_names() -> (MemoryRegistry, Setup) {
    use shotbook_core::demographics::{Personal, PersonalInput};
    use shotbook_core::error::IssueCollector;
    let (r, setup) = registry();
    let mut state = r.snapshot();
    let mut issues = IssueCollector::new();
    let personal = Personal::parse(
        PersonalInput {
            first_name: "Lily",
            last_name: "Contract",
            date_of_birth: "01/01/2020",
            gender: "F",
            ..Default::default()
        },
        date!(2026 - 12 - 06),
        &mut issues,
    )
    .expect("valid personal information");
    state.demographics.insert(
        setup.client,
        shotbook_usecases::memory::MemoryDemographics {
            personal: Some(personal),
            ..Default::default()
        },
    );
    (MemoryRegistry::new(state), setup)
}

#[tokio::test]
async fn a_student_list_keeps_its_students_and_the_report_reads_their_doses() {
    let (r, setup) = registry_with_names();
    let (list, shown) =
        contract::a_student_list_keeps_its_students_and_the_report_reads_their_doses(&r, &setup)
            .await;
    let audit = r.snapshot().audit;
    let reported: Vec<_> = audit
        .iter()
        .filter(|e| e.action.code() == "school_report")
        .collect();
    assert_eq!(reported.len(), shown);
    assert_eq!(reported[0].client_id, Some(setup.client));
    assert!(reported[0]
        .detail
        .as_deref()
        .is_some_and(|d| d.contains(&list.to_string())));
    // Created, renamed, added, updated twice, removed: each audited, none naming the child.
    let changed = audit
        .iter()
        .filter(|e| e.action.code() == "student_list_changed")
        .count();
    assert_eq!(changed, 6);
    assert!(audit
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .all(|d| !d.contains("Lily") && !d.contains("2020-01-01")));
}

#[tokio::test]
async fn a_student_beyond_the_facilitys_reach_is_refused() {
    let (r, setup) = registry_with_names();
    contract::a_student_beyond_the_facilitys_reach_is_refused(&r, &setup).await;
    let denied = r
        .snapshot()
        .audit
        .iter()
        .filter(|e| e.action.code() == "access_denied")
        .count();
    assert_eq!(denied, 1);
}

#[tokio::test]
async fn an_organizations_coverage_counts_its_clients_by_cohort() {
    let (r, setup) = registry_with_names();
    let coverage =
        contract::an_organizations_coverage_counts_its_clients_by_cohort(&r, &setup).await;
    let audit = r.snapshot().audit;
    let runs: Vec<_> = audit
        .iter()
        .filter(|e| e.action.code() == "run_report")
        .collect();
    // Four runs (two by range, one refused before reading, one elsewhere): three audited, and
    // the client named once for the one list that showed them.
    assert_eq!(runs.iter().filter(|e| e.client_id.is_none()).count(), 3);
    assert_eq!(
        runs.iter()
            .filter(|e| e.client_id == Some(setup.client))
            .count(),
        1
    );
    assert!(!coverage.missed.is_empty());
}

#[tokio::test]
async fn reminder_recall_selects_excludes_and_stamps() {
    let (r, setup) = registry();
    let [notified, ..] = contract::reminder_recall_selects_excludes_and_stamps(&r, &setup).await;
    let state = r.snapshot();
    // Stamped once, by the clinic, with the outputs made.
    assert_eq!(state.notices.len(), 1);
    assert_eq!(state.notices[0].client, notified);
    assert_eq!(state.notices[0].outputs, "letters,labels");
    let stamped: Vec<_> = state
        .audit
        .iter()
        .filter(|e| e.action.code() == "reminder_notice")
        .collect();
    assert_eq!(stamped.len(), 1);
    assert_eq!(stamped[0].client_id, Some(notified));
}

#[tokio::test]
async fn doses_administered_counts_what_the_clinic_gave() {
    let (r, setup) = registry();
    contract::doses_administered_counts_what_the_clinic_gave(&r, &setup).await;
    let runs = r
        .snapshot()
        .audit
        .iter()
        .filter(|e| e.action.code() == "run_report" && e.client_id.is_none())
        .count();
    assert_eq!(runs, 3, "each run audited once, naming nobody");
}

#[tokio::test]
async fn lot_usage_balances_each_lot() {
    let (r, setup) = registry();
    contract::lot_usage_balances_each_lot(&r, &setup).await;
}
