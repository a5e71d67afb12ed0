//! The use-case port contract (`shotbook_usecases::contract`) against a real SQLite registry,
//! the same functions the in-memory registry passes.

use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_store::clients::{self, NewClient};
use shotbook_store::organizations::{self, NewOrganization};
use shotbook_store::users::{self, NewUser};
use shotbook_store::{vaccine_lots, Store};
use shotbook_usecases::contract::{self, Setup};
use time::macros::datetime;

async fn registry() -> (Store, Setup) {
    let store = Store::open_in_memory().await.unwrap();
    let now = datetime!(2026-11-22 9:00 UTC);
    let clinic = NewOrganization {
        id: OrganizationId::new(),
        code: "MT9001".into(),
        name: "Contract Clinic".into(),
        kind: "provider".into(),
        state: "MT".into(),
        county: "Yellowstone".into(),
        city: "Billings".into(),
        vfc_pin: None,
    };
    let nurse = NewUser {
        id: UserId::new(),
        username: "contract.nurse".into(),
        password_hash: "x".into(),
        first_name: "Nora".into(),
        last_name: "Reyes".into(),
        email: "nurse@example.org".into(),
        phone: None,
    };
    let client = NewClient {
        id: ClientId::new(),
        first_name: "Ana".into(),
        last_name: "Contract".into(),
        date_of_birth: contract::BORN.to_string(),
        gender: "F".into(),
        consent: "granted".into(),
        home_organization_id: Some(clinic.id),
        ..Default::default()
    };
    let lot = contract::mmr_lot("3");
    let mut work = store.begin().await.unwrap();
    organizations::insert_in_tx(&mut work, &clinic, now)
        .await
        .unwrap();
    users::insert_in_tx(&mut work, &nurse, now).await.unwrap();
    clients::insert_in_tx(&mut work, &client, now)
        .await
        .unwrap();
    let lot = vaccine_lots::receive_in_tx(
        &mut work,
        clinic.id,
        &lot,
        Some("M-M-R II"),
        Some(nurse.id),
        now,
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    let setup = Setup {
        clinic: clinic.id,
        nurse: nurse.id,
        client: client.id,
        lot,
    };
    (store, setup)
}

#[tokio::test]
async fn a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back() {
    let (r, setup) = registry().await;
    contract::a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back(&r, &setup).await;
}

#[tokio::test]
async fn a_warned_dose_is_saved_only_once_confirmed() {
    let (r, setup) = registry().await;
    contract::a_warned_dose_is_saved_only_once_confirmed(&r, &setup).await;
}

#[tokio::test]
async fn another_organization_cannot_void_a_dose() {
    let (r, setup) = registry().await;
    contract::another_organization_cannot_void_a_dose(&r, &setup).await;
}

#[tokio::test]
async fn a_shot_card_is_saved_whole_or_not_at_all() {
    let (r, setup) = registry().await;
    contract::a_shot_card_is_saved_whole_or_not_at_all(&r, &setup).await;
}

#[tokio::test]
async fn an_interface_message_logs_envelopes_with_the_interface_as_source_and_the_dose_as_payload()
{
    let (r, setup) = registry().await;
    let dose = contract::record_through_an_interface(&r, &setup).await;
    let outbox = shotbook_store::change_log::outbox(&r, 0, 1000)
        .await
        .unwrap();
    let insert = outbox
        .iter()
        .find(|c| c.entity_id == dose.to_string())
        .expect("the dose is in the outbox");
    assert_eq!(insert.origin.source, contract::INTERFACE_SOURCE);
    assert_eq!(insert.origin.node, "EHR-CONTRACT");
    assert_eq!(insert.revision, Some(1));
    let payload = insert.payload.as_ref().expect("a dose carries its columns");
    assert_eq!(payload["cvx"], "03");
    assert_eq!(payload["administered_on"], "2026-12-01");
    assert_eq!(
        payload["lot_id"],
        setup.lot.to_string(),
        "written after the lot details"
    );
    let (place,): (String,) = shotbook_store::sqlx::query_as(
        "SELECT workstation FROM audit_log ORDER BY rowid DESC LIMIT 1",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(place, "interface:EHR-CONTRACT");
}

#[tokio::test]
async fn payloads_leave_secrets_out() {
    let (r, _) = registry().await;
    let users: Vec<_> = shotbook_store::change_log::outbox(&r, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.entity == shotbook_protocol::Entity::User)
        .collect();
    assert_eq!(users.len(), 1);
    let payload = users[0].payload.as_ref().unwrap();
    assert_eq!(payload["username"], "contract.nurse");
    assert!(payload.get("password_hash").is_none(), "{payload}");
}

#[tokio::test]
async fn lots_are_received_and_adjusted_within_the_organization() {
    let (r, setup) = registry().await;
    contract::lots_are_received_and_adjusted_within_the_organization(&r, &setup).await;
}

#[tokio::test]
async fn a_merge_happens_once_and_its_undo_moves_the_doses_back() {
    let (r, setup) = registry().await;
    let now = datetime!(2026-11-22 9:00 UTC);
    let second = NewClient {
        id: ClientId::new(),
        first_name: "Anna".into(),
        last_name: "Contract".into(),
        date_of_birth: contract::BORN.to_string(),
        gender: "F".into(),
        consent: "granted".into(),
        home_organization_id: Some(setup.clinic),
        ..Default::default()
    };
    let mut work = r.begin().await.unwrap();
    clients::insert_in_tx(&mut work, &second, now)
        .await
        .unwrap();
    let pair = shotbook_store::duplicates::record_pair_in_tx(
        &mut work,
        setup.client,
        second.id,
        14.0,
        "same DOB",
        now,
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    let twin = contract::Twin {
        client: second.id,
        pair,
    };
    contract::a_merge_happens_once_and_its_undo_moves_the_doses_back(&r, &setup, &twin).await;
}

/// The deduplication job's automatic merge is the merge use case: refused below its bar (the
/// pair stays open for a person), done above it with both records' audit entries saying it
/// was automatic, and undone like any merge.
#[tokio::test]
async fn an_automatic_merge_is_refused_below_its_bar_and_audited_as_automatic() {
    use shotbook_core::permission::Role;
    use shotbook_usecases::duplicates::{auto_merge, unmerge};
    use shotbook_usecases::{need, UseCaseError};
    use shotbook_usecases::{Actor, Permit, Via};

    let (r, setup) = registry().await;
    let now = datetime!(2026-11-22 9:00 UTC);
    let second = NewClient {
        id: ClientId::new(),
        first_name: "Ana".into(),
        last_name: "Contract".into(),
        date_of_birth: contract::BORN.to_string(),
        gender: "F".into(),
        consent: "granted".into(),
        home_organization_id: Some(setup.clinic),
        ..Default::default()
    };
    let mut work = r.begin().await.unwrap();
    clients::insert_in_tx(&mut work, &second, now)
        .await
        .unwrap();
    let pair = shotbook_store::duplicates::record_pair_in_tx(
        &mut work,
        setup.client,
        second.id,
        30.0,
        "DOB exact, surname exact, given name exact",
        now,
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    let supervisor = Permit::<need::MergeClients>::check(Actor {
        user_id: setup.nurse,
        organization_id: setup.clinic,
        role: Role::ProviderSupervisor,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation {
            name: "dedup-job".into(),
        },
    })
    .unwrap();
    let clock = contract::clock();
    let below = auto_merge(&r, &supervisor, &clock, &pair, setup.client, 0.998, 0.9999).await;
    assert!(matches!(below, Err(UseCaseError::Invalid(_))), "{below:?}");
    async fn status(store: &Store, pair: &str) -> String {
        let (status,): (String,) =
            shotbook_store::sqlx::query_as("SELECT status FROM duplicate_pairs WHERE id = ?")
                .bind(pair)
                .fetch_one(store.pool())
                .await
                .unwrap();
        status
    }
    assert_eq!(status(&r, &pair).await, "open", "left for a person");

    let merge = auto_merge(
        &r,
        &supervisor,
        &clock,
        &pair,
        setup.client,
        0.99995,
        0.9999,
    )
    .await
    .expect("merged at the bar");
    assert_eq!(status(&r, &pair).await, "merged");
    let details: Vec<(String, String)> = shotbook_store::sqlx::query_as(
        "SELECT client_id, detail FROM audit_log WHERE action = 'merge_clients' ORDER BY client_id",
    )
    .fetch_all(r.pool())
    .await
    .unwrap();
    assert_eq!(details.len(), 2, "both records audited: {details:?}");
    for (_, detail) in &details {
        assert!(
            detail.contains(&merge) && detail.contains("automatic: match probability 0.999950"),
            "{detail}"
        );
    }
    unmerge(&r, &supervisor, &clock, &merge)
        .await
        .expect("an automatic merge is undone like any other");
    assert_eq!(status(&r, &pair).await, "open");
}

async fn access_registry() -> (Store, contract::AccessSetup) {
    use shotbook_core::permission::Role;

    let store = Store::open_in_memory().await.unwrap();
    let now = datetime!(2026-11-22 9:00 UTC);
    let setup = contract::AccessSetup {
        clinic: OrganizationId::new(),
        other_clinic: OrganizationId::new(),
        registry: OrganizationId::new(),
        supervisor: UserId::new(),
        other_supervisor: UserId::new(),
        staff: UserId::new(),
        state_admin: UserId::new(),
    };
    let mut work = store.begin().await.unwrap();
    for (id, code, kind, county, city) in [
        (
            setup.clinic,
            "MT9001",
            "provider",
            "Yellowstone",
            "Billings",
        ),
        (
            setup.other_clinic,
            "MT9002",
            "provider",
            "Cascade",
            "Great Falls",
        ),
        (
            setup.registry,
            "MT0000",
            "registry",
            "Lewis and Clark",
            "Helena",
        ),
    ] {
        let org = NewOrganization {
            id,
            code: code.into(),
            name: format!("Organization {code}"),
            kind: kind.into(),
            state: "MT".into(),
            county: county.into(),
            city: city.into(),
            vfc_pin: None,
        };
        organizations::insert_in_tx(&mut work, &org, now)
            .await
            .unwrap();
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
        let new = NewUser {
            id: user,
            username: username.into(),
            password_hash: "x".into(),
            first_name: "Contract".into(),
            last_name: username.into(),
            email: format!("{username}@example.org"),
            phone: None,
        };
        users::insert_in_tx(&mut work, &new, now).await.unwrap();
        users::grant_role_in_tx(&mut work, user, organization, role, now)
            .await
            .unwrap();
    }
    work.commit().await.unwrap();
    (store, setup)
}

#[tokio::test]
async fn submit_sign_approve_creates_the_account_with_a_temporary_password() {
    let (r, setup) = access_registry().await;
    contract::submit_sign_approve_creates_the_account_with_a_temporary_password(&r, &setup).await;
    let (must_change, hash): (bool, String) = shotbook_store::sqlx::query_as(
        "SELECT must_change_password, password_hash FROM users WHERE username = 'nancy.nurse'",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert!(must_change);
    assert!(hash.starts_with("hash:Temp-"));
    let logged = shotbook_store::change_log::outbox(&r, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.entity == shotbook_protocol::Entity::AccessRequest)
        .count();
    assert!(logged >= 4, "insert, submit, sign, decide: {logged}");
}

#[tokio::test]
async fn nobody_decides_their_own_request() {
    let (r, setup) = access_registry().await;
    contract::nobody_decides_their_own_request(&r, &setup).await;
}

#[tokio::test]
async fn scope_refuses_another_organizations_request() {
    let (r, setup) = access_registry().await;
    contract::scope_refuses_another_organizations_request(&r, &setup).await;
}

#[tokio::test]
async fn withdrawn_consent_restricts_other_organizations_at_once() {
    let (r, setup) = registry().await;
    contract::withdrawn_consent_restricts_other_organizations_at_once(&r, &setup).await;
}

#[tokio::test]
async fn entries_are_voided_once_with_a_reason() {
    let (r, setup) = registry().await;
    contract::entries_are_voided_once_with_a_reason(&r, &setup).await;
}

#[tokio::test]
async fn personal_information_moves_and_organization_statuses_are_checked() {
    let (r, setup) = registry().await;
    contract::personal_information_moves_and_organization_statuses_are_checked(&r, &setup).await;
}

#[tokio::test]
async fn a_possible_duplicate_is_added_only_once_confirmed() {
    let (r, setup) = registry().await;
    contract::a_possible_duplicate_is_added_only_once_confirmed(&r, &setup).await;
}

#[tokio::test]
async fn a_new_client_is_logged_and_audited_in_one_unit_of_work() {
    let (r, setup) = registry().await;
    contract::a_possible_duplicate_is_added_only_once_confirmed(&r, &setup).await;
    let rows: Vec<(String, Option<String>)> =
        shotbook_store::sqlx::query_as("SELECT action, detail FROM audit_log ORDER BY rowid")
            .fetch_all(r.pool())
            .await
            .unwrap();
    let actions: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["search_clients", "add_client", "update_consent"],
        "{rows:?}"
    );
    assert_eq!(rows[0].1.as_deref(), Some("duplicate check"));
    assert!(rows[1]
        .1
        .as_deref()
        .is_some_and(|d| d.ends_with("1 possible duplicate(s) confirmed as a new person")));
    assert_eq!(rows[2].1.as_deref(), Some("consent not_granted (verbal)"));
    let (pairs,): (i64,) = shotbook_store::sqlx::query_as("SELECT count(*) FROM duplicate_pairs")
        .fetch_one(r.pool())
        .await
        .unwrap();
    assert_eq!(pairs, 1, "the match went to the duplicates queue");
    let entities: Vec<_> = shotbook_store::change_log::outbox(&r, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.entity)
        .collect();
    for e in [
        shotbook_protocol::Entity::ClientResponsiblePerson,
        shotbook_protocol::Entity::ClientConsent,
        shotbook_protocol::Entity::DuplicatePair,
    ] {
        assert!(entities.contains(&e), "{e:?} logged");
    }
}

#[tokio::test]
async fn the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six() {
    let (r, setup) = access_registry().await;
    contract::the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six(&r, &setup)
        .await;
    let (failed, locked): (i64, i64) = shotbook_store::sqlx::query_as(
        "SELECT count(*) FILTER (WHERE action = 'sign_in_failed'),
                count(*) FILTER (WHERE action = 'account_locked')
         FROM audit_log",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(
        (failed, locked),
        (8, 1),
        "every refusal but the two CAPTCHA prompts, and one lock"
    );
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failures() {
    let (r, setup) = access_registry().await;
    contract::a_successful_sign_in_clears_the_failures(&r, &setup).await;
}

#[tokio::test]
async fn unknown_accounts_get_the_answers_of_a_wrong_password() {
    let (r, setup) = access_registry().await;
    contract::unknown_accounts_get_the_answers_of_a_wrong_password(&r, &setup).await;
}

#[tokio::test]
async fn a_chosen_password_replaces_the_temporary_one() {
    let (r, setup) = access_registry().await;
    contract::a_chosen_password_replaces_the_temporary_one(&r, &setup).await;
}

#[tokio::test]
async fn an_agreement_code_expires_and_stops_after_ten_wrong_tries() {
    let (r, setup) = access_registry().await;
    contract::an_agreement_code_expires_and_stops_after_ten_wrong_tries(&r, &setup).await;
}

#[tokio::test]
async fn searches_answer_as_the_in_memory_registry_and_every_client_shown_is_audited() {
    let (r, setup) = registry().await;
    let answers = contract::searches_answer_alike(&r, &setup).await;
    assert_eq!(answers, contract::reference_answers().await);
    let audited: Vec<(Option<String>, Option<String>)> = shotbook_store::sqlx::query_as(
        "SELECT user_id, client_id FROM audit_log WHERE action = 'search_clients' ORDER BY rowid",
    )
    .fetch_all(r.pool())
    .await
    .unwrap();
    let expected: Vec<_> = answers
        .shown
        .iter()
        .map(|c| (Some(setup.nurse.to_string()), Some(c.to_string())))
        .collect();
    assert_eq!(audited, expected, "each listing audited once, none other");
}

/// The setup's client as a Montana resident (a school reaches the children of its state).
async fn school_registry() -> (Store, Setup) {
    let (store, setup) = registry().await;
    sqlx::query("UPDATE clients SET state = 'MT' WHERE id = ?")
        .bind(setup.client.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    (store, setup)
}

#[tokio::test]
async fn a_student_list_keeps_its_students_and_the_report_reads_their_doses() {
    let (r, setup) = school_registry().await;
    let (list, shown) =
        contract::a_student_list_keeps_its_students_and_the_report_reads_their_doses(&r, &setup)
            .await;
    let (reported,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log
         WHERE action = 'school_report' AND client_id = ? AND detail LIKE '%' || ? || '%'",
    )
    .bind(setup.client.to_string())
    .bind(list.to_string())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(reported as usize, shown);
}

#[tokio::test]
async fn a_student_beyond_the_facilitys_reach_is_refused() {
    let (r, setup) = school_registry().await;
    contract::a_student_beyond_the_facilitys_reach_is_refused(&r, &setup).await;
}

#[tokio::test]
async fn an_organizations_coverage_counts_its_clients_by_cohort() {
    let (r, setup) = registry().await;
    contract::an_organizations_coverage_counts_its_clients_by_cohort(&r, &setup).await;
    let (named,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'run_report' AND client_id = ?",
    )
    .bind(setup.client.to_string())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(named, 1);
}

#[tokio::test]
async fn reminder_recall_selects_excludes_and_stamps() {
    let (r, setup) = registry().await;
    let [notified, ..] = contract::reminder_recall_selects_excludes_and_stamps(&r, &setup).await;
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT client_id, sent_on, method, outputs FROM reminder_notices")
            .fetch_all(r.pool())
            .await
            .unwrap();
    assert_eq!(
        rows,
        vec![(
            notified.to_string(),
            "2026-12-06".into(),
            "mail".into(),
            "letters,labels".into()
        )]
    );
    let (stamped,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'reminder_notice' AND client_id = ?",
    )
    .bind(notified.to_string())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(stamped, 1);
    // The notices are a log: never changed or removed.
    assert!(sqlx::query("DELETE FROM reminder_notices")
        .execute(r.pool())
        .await
        .is_err());
}

#[tokio::test]
async fn doses_administered_counts_what_the_clinic_gave() {
    let (r, setup) = registry().await;
    contract::doses_administered_counts_what_the_clinic_gave(&r, &setup).await;
}

#[tokio::test]
async fn lot_usage_balances_each_lot() {
    let (r, setup) = registry().await;
    contract::lot_usage_balances_each_lot(&r, &setup).await;
}
