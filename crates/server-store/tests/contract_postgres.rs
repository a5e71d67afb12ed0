//! The use-case port contract (`shotbook_usecases::contract`) against real PostgreSQL: the
//! same functions the in-memory and SQLite registries pass, each on a database of its own.

use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::permission::Role;
use shotbook_protocol::{ChangeEnvelope, ChangeSource, Entity};
use shotbook_server_store::setup::{self, NewClient, NewOrganization, NewUser};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{change_log, sqlx, PgRegistry};
use shotbook_usecases::contract::{self, Setup};
use shotbook_usecases::ports::LotWrites;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

fn organization(id: OrganizationId, code: &str, kind: &str, county: &str) -> NewOrganization {
    NewOrganization {
        id,
        code: code.into(),
        name: format!("Organization {code}"),
        kind: kind.into(),
        state: "MT".into(),
        county: county.into(),
        city: "Billings".into(),
        vfc_pin: None,
    }
}

fn user(id: UserId, username: &str) -> NewUser {
    NewUser {
        id,
        username: username.into(),
        password_hash: "x".into(),
        first_name: "Contract".into(),
        last_name: username.into(),
        email: format!("{username}@example.org"),
        phone: None,
    }
}

fn client(id: ClientId, first_name: &str, home: OrganizationId) -> NewClient {
    NewClient {
        id,
        registry_id: None,
        first_name: first_name.into(),
        last_name: "Contract".into(),
        date_of_birth: contract::BORN,
        gender: "F".into(),
        consent: ConsentStatus::Granted,
        home_organization: Some(home),
    }
}

/// A database holding what [`Setup`] says.
async fn registry() -> (TestDatabase, Setup) {
    let db = TestDatabase::create("registry-contract").await.unwrap();
    let setup = Setup {
        clinic: OrganizationId::new(),
        nurse: UserId::new(),
        client: ClientId::new(),
        lot: Default::default(),
    };
    let r = db.registry();
    let mut work = r.begin_as(ChangeSource::Local, NOW).await.unwrap();
    setup::insert_organization(
        &mut work,
        &organization(
            setup.clinic,
            contract::CLINIC_CODE,
            "provider",
            "Yellowstone",
        ),
    )
    .await
    .unwrap();
    setup::insert_user(&mut work, &user(setup.nurse, "contract.nurse"))
        .await
        .unwrap();
    setup::insert_client(&mut work, &client(setup.client, "Ana", setup.clinic))
        .await
        .unwrap();
    let lot = work
        .receive_lot(
            setup.clinic,
            &contract::mmr_lot("3"),
            Some("M-M-R II"),
            setup.nurse,
        )
        .await
        .unwrap();
    work.commit().await.unwrap();
    (db, Setup { lot, ..setup })
}

async fn changes(r: &PgRegistry) -> Vec<ChangeEnvelope> {
    change_log::since(r, 0, 10_000).await.unwrap()
}

#[tokio::test]
async fn a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back() {
    let (db, setup) = registry().await;
    contract::a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back(db.registry(), &setup)
        .await;
}

#[tokio::test]
async fn a_warned_dose_is_saved_only_once_confirmed() {
    let (db, setup) = registry().await;
    contract::a_warned_dose_is_saved_only_once_confirmed(db.registry(), &setup).await;
}

#[tokio::test]
async fn another_organization_cannot_void_a_dose() {
    let (db, setup) = registry().await;
    contract::another_organization_cannot_void_a_dose(db.registry(), &setup).await;
}

#[tokio::test]
async fn a_shot_card_is_saved_whole_or_not_at_all() {
    let (db, setup) = registry().await;
    contract::a_shot_card_is_saved_whole_or_not_at_all(db.registry(), &setup).await;
}

#[tokio::test]
async fn an_interface_message_logs_envelopes_with_the_interface_as_source_and_the_dose_as_payload()
{
    let (db, setup) = registry().await;
    let r = db.registry();
    let dose = contract::record_through_an_interface(r, &setup).await;
    let log = changes(r).await;
    let insert = log
        .iter()
        .find(|c| c.entity_id == dose.to_string())
        .expect("the dose is in the change log");
    assert_eq!(insert.origin.source, contract::INTERFACE_SOURCE);
    assert_eq!(insert.origin.node, "EHR-CONTRACT");
    assert_eq!(insert.revision, Some(1));
    let payload = insert.payload.as_ref().expect("a dose carries its columns");
    assert_eq!(payload["cvx"], "03");
    assert_eq!(payload["administered_on"], "2026-12-01");
    assert_eq!(
        payload["lot_id"],
        setup.lot.to_string(),
        "written with the lot details"
    );
    let (place,): (String,) =
        sqlx::query_as("SELECT workstation FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_one(r.pool())
            .await
            .unwrap();
    assert_eq!(place, "interface:EHR-CONTRACT");
}

#[tokio::test]
async fn payloads_leave_secrets_out() {
    let (db, _) = registry().await;
    let users: Vec<_> = changes(db.registry())
        .await
        .into_iter()
        .filter(|c| c.entity == Entity::User)
        .collect();
    assert_eq!(users.len(), 1);
    let payload = users[0].payload.as_ref().unwrap();
    assert_eq!(payload["username"], "contract.nurse");
    assert!(payload.get("password_hash").is_none(), "{payload}");
    assert!(payload.get("must_change_password").is_none(), "{payload}");
}

#[tokio::test]
async fn lots_are_received_and_adjusted_within_the_organization() {
    let (db, setup) = registry().await;
    contract::lots_are_received_and_adjusted_within_the_organization(db.registry(), &setup).await;
}

#[tokio::test]
async fn a_merge_happens_once_and_its_undo_moves_the_doses_back() {
    let (db, setup) = registry().await;
    let r = db.registry();
    let second = ClientId::new();
    let mut work = r.begin_as(ChangeSource::Local, NOW).await.unwrap();
    setup::insert_client(&mut work, &client(second, "Anna", setup.clinic))
        .await
        .unwrap();
    let pair = setup::record_duplicate_pair(&mut work, setup.client, second, 14.0, "same DOB")
        .await
        .unwrap();
    work.commit().await.unwrap();
    let twin = contract::Twin {
        client: second,
        pair,
    };
    contract::a_merge_happens_once_and_its_undo_moves_the_doses_back(r, &setup, &twin).await;
}

async fn access_registry() -> (TestDatabase, contract::AccessSetup) {
    let db = TestDatabase::create("registry-contract").await.unwrap();
    let setup = contract::AccessSetup {
        clinic: OrganizationId::new(),
        other_clinic: OrganizationId::new(),
        registry: OrganizationId::new(),
        supervisor: UserId::new(),
        other_supervisor: UserId::new(),
        staff: UserId::new(),
        state_admin: UserId::new(),
    };
    let mut work = db
        .registry()
        .begin_as(ChangeSource::Local, NOW)
        .await
        .unwrap();
    for (id, code, kind, county) in [
        (setup.clinic, "MT9001", "provider", "Yellowstone"),
        (setup.other_clinic, "MT9002", "provider", "Cascade"),
        (setup.registry, "MT0000", "registry", "Lewis and Clark"),
    ] {
        setup::insert_organization(&mut work, &organization(id, code, kind, county))
            .await
            .unwrap();
    }
    for (id, username, organization, role) in [
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
        setup::insert_user(&mut work, &user(id, username))
            .await
            .unwrap();
        setup::grant_role(&mut work, id, organization, role)
            .await
            .unwrap();
    }
    work.commit().await.unwrap();
    (db, setup)
}

#[tokio::test]
async fn submit_sign_approve_creates_the_account_with_a_temporary_password() {
    let (db, setup) = access_registry().await;
    let r = db.registry();
    contract::submit_sign_approve_creates_the_account_with_a_temporary_password(r, &setup).await;
    let (must_change, hash): (bool, String) = sqlx::query_as(
        "SELECT must_change_password, password_hash FROM users WHERE username = 'nancy.nurse'",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert!(must_change);
    assert!(hash.starts_with("hash:Temp-"));
    let logged = changes(r)
        .await
        .into_iter()
        .filter(|c| c.entity == Entity::AccessRequest)
        .count();
    assert!(logged >= 4, "insert, submit, sign, decide: {logged}");
}

#[tokio::test]
async fn nobody_decides_their_own_request() {
    let (db, setup) = access_registry().await;
    contract::nobody_decides_their_own_request(db.registry(), &setup).await;
}

#[tokio::test]
async fn scope_refuses_another_organizations_request() {
    let (db, setup) = access_registry().await;
    contract::scope_refuses_another_organizations_request(db.registry(), &setup).await;
}

#[tokio::test]
async fn withdrawn_consent_restricts_other_organizations_at_once() {
    let (db, setup) = registry().await;
    contract::withdrawn_consent_restricts_other_organizations_at_once(db.registry(), &setup).await;
}

#[tokio::test]
async fn entries_are_voided_once_with_a_reason() {
    let (db, setup) = registry().await;
    contract::entries_are_voided_once_with_a_reason(db.registry(), &setup).await;
}

#[tokio::test]
async fn personal_information_moves_and_organization_statuses_are_checked() {
    let (db, setup) = registry().await;
    contract::personal_information_moves_and_organization_statuses_are_checked(
        db.registry(),
        &setup,
    )
    .await;
}

#[tokio::test]
async fn a_possible_duplicate_is_added_only_once_confirmed() {
    let (db, setup) = registry().await;
    contract::a_possible_duplicate_is_added_only_once_confirmed(db.registry(), &setup).await;
}

#[tokio::test]
async fn a_new_client_is_logged_and_audited_in_one_unit_of_work() {
    let (db, setup) = registry().await;
    let r = db.registry();
    contract::a_possible_duplicate_is_added_only_once_confirmed(r, &setup).await;
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT action, detail FROM audit_log ORDER BY seq")
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
    let (pairs,): (i64,) = sqlx::query_as("SELECT count(*) FROM duplicate_pairs")
        .fetch_one(r.pool())
        .await
        .unwrap();
    assert_eq!(pairs, 1, "the match went to the duplicates queue");
    let entities: Vec<_> = changes(r).await.into_iter().map(|c| c.entity).collect();
    for e in [
        Entity::ClientResponsiblePerson,
        Entity::ClientConsent,
        Entity::DuplicatePair,
    ] {
        assert!(entities.contains(&e), "{e:?} logged");
    }
}

#[tokio::test]
async fn the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six() {
    let (db, setup) = access_registry().await;
    let r = db.registry();
    contract::the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six(r, &setup)
        .await;
    let (failed, locked): (i64, i64) = sqlx::query_as(
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
    let links = shotbook_server_store::audit::verify_chain(r)
        .await
        .unwrap()
        .expect("the refusals extend one chain");
    assert!(links >= 9);
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failures() {
    let (db, setup) = access_registry().await;
    contract::a_successful_sign_in_clears_the_failures(db.registry(), &setup).await;
}

#[tokio::test]
async fn unknown_accounts_get_the_answers_of_a_wrong_password() {
    let (db, setup) = access_registry().await;
    contract::unknown_accounts_get_the_answers_of_a_wrong_password(db.registry(), &setup).await;
}

#[tokio::test]
async fn a_chosen_password_replaces_the_temporary_one() {
    let (db, setup) = access_registry().await;
    contract::a_chosen_password_replaces_the_temporary_one(db.registry(), &setup).await;
}

#[tokio::test]
async fn an_agreement_code_expires_and_stops_after_ten_wrong_tries() {
    let (db, setup) = access_registry().await;
    contract::an_agreement_code_expires_and_stops_after_ten_wrong_tries(db.registry(), &setup)
        .await;
}

#[tokio::test]
async fn searches_answer_as_the_in_memory_registry_and_every_client_shown_is_audited() {
    let (db, setup) = registry().await;
    let r = db.registry();
    let answers = contract::searches_answer_alike(r, &setup).await;
    assert_eq!(answers, contract::reference_answers().await);
    let audited: Vec<(Option<uuid::Uuid>, Option<uuid::Uuid>)> = sqlx::query_as(
        "SELECT user_id, client_id FROM audit_log WHERE action = 'search_clients' ORDER BY seq",
    )
    .fetch_all(r.pool())
    .await
    .unwrap();
    let expected: Vec<_> = answers
        .shown
        .iter()
        .map(|c| (Some(setup.nurse.as_uuid()), Some(c.as_uuid())))
        .collect();
    assert_eq!(audited, expected, "each listing audited once, none other");
}

/// The setup's client as a Montana resident (a school reaches the children of its state).
async fn school_registry() -> (TestDatabase, Setup) {
    let (db, setup) = registry().await;
    sqlx::query("UPDATE clients SET state = 'MT' WHERE id = $1")
        .bind(setup.client.as_uuid())
        .execute(db.registry().pool())
        .await
        .unwrap();
    (db, setup)
}

#[tokio::test]
async fn a_student_list_keeps_its_students_and_the_report_reads_their_doses() {
    let (db, setup) = school_registry().await;
    let r = db.registry();
    let (list, shown) =
        contract::a_student_list_keeps_its_students_and_the_report_reads_their_doses(r, &setup)
            .await;
    let (reported,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log
         WHERE action = 'school_report' AND client_id = $1 AND detail LIKE '%' || $2 || '%'",
    )
    .bind(setup.client.as_uuid())
    .bind(list.to_string())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(reported as usize, shown);
}

#[tokio::test]
async fn a_student_beyond_the_facilitys_reach_is_refused() {
    let (db, setup) = school_registry().await;
    contract::a_student_beyond_the_facilitys_reach_is_refused(db.registry(), &setup).await;
}

#[tokio::test]
async fn an_organizations_coverage_counts_its_clients_by_cohort() {
    let (db, setup) = registry().await;
    let r = db.registry();
    contract::an_organizations_coverage_counts_its_clients_by_cohort(r, &setup).await;
    let (named,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'run_report' AND client_id = $1",
    )
    .bind(setup.client.as_uuid())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(named, 1);
}

#[tokio::test]
async fn reminder_recall_selects_excludes_and_stamps() {
    let (db, setup) = registry().await;
    let r = db.registry();
    let [notified, ..] = contract::reminder_recall_selects_excludes_and_stamps(r, &setup).await;
    let rows: Vec<(uuid::Uuid, time::Date, String, String)> =
        sqlx::query_as("SELECT client_id, sent_on, method, outputs FROM reminder_notices")
            .fetch_all(r.pool())
            .await
            .unwrap();
    assert_eq!(
        rows,
        vec![(
            notified.as_uuid(),
            time::macros::date!(2026 - 12 - 06),
            "mail".into(),
            "letters,labels".into()
        )]
    );
    let (stamped,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'reminder_notice' AND client_id = $1",
    )
    .bind(notified.as_uuid())
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(stamped, 1);
}

#[tokio::test]
async fn doses_administered_counts_what_the_clinic_gave() {
    let (db, setup) = registry().await;
    contract::doses_administered_counts_what_the_clinic_gave(db.registry(), &setup).await;
}

#[tokio::test]
async fn lot_usage_balances_each_lot() {
    let (db, setup) = registry().await;
    contract::lot_usage_balances_each_lot(db.registry(), &setup).await;
}
