//! The use-case port contract (`shotbook_usecases::contract`) against a real SQLite registry,
//! the same functions the in-memory registry passes.

use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::immunization::dose::{AdministeredDose, DoseProduct};
use shotbook_core::immunization::lot::{ReceiveLot, ReceiveLotInput};
use shotbook_store::clients::{self, NewClient};
use shotbook_store::organizations::{self, NewOrganization};
use shotbook_store::users::{self, NewUser};
use shotbook_store::{vaccine_lots, Store};
use shotbook_usecases::contract::{self, Setup};
use shotbook_usecases::{immunizations, need, Permit};
use time::macros::{date, datetime};

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
    let lot = ReceiveLot::parse(
        ReceiveLotInput {
            cvx: "03",
            mvx: "MSD",
            ndc: "00006-4681-01",
            lot_number: "R024551",
            expiration_date: "12/31/2027",
            quantity: "3",
            funding_source: "vfc",
        },
        date!(2026 - 11 - 22),
    )
    .unwrap();
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
    let permit =
        Permit::<need::AddImmunizations>::check(contract::interface_actor(&setup)).unwrap();
    let dose = AdministeredDose {
        client: setup.client,
        administered_on: date!(2026 - 12 - 01),
        product: DoseProduct::FromLot(setup.lot),
        details: Default::default(),
        vis: None,
    };
    let saved = immunizations::record_administered(&r, &permit, &contract::clock(), dose, true)
        .await
        .unwrap();
    let outbox = shotbook_store::change_log::outbox(&r, 0, 1000)
        .await
        .unwrap();
    let insert = outbox
        .iter()
        .find(|c| c.entity_id == saved.ids[0].to_string())
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
