use super::*;
use crate::clients::{self, NewClient};
use shotbook_core::demographics::{AddressInput, ResponsiblePersonInput};
use shotbook_core::error::IssueCollector;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

async fn store_with_client(consent: &str) -> (Store, ClientId) {
    let store = Store::open_in_memory().await.unwrap();
    let client = NewClient {
        first_name: "Liam".into(),
        last_name: "Running Crane".into(),
        date_of_birth: "2026-05-02".into(),
        gender: "M".into(),
        consent: consent.into(),
        address_line1: Some("415 N 27th St".into()),
        city: Some("Billings".into()),
        state: Some("MT".into()),
        county: Some("Yellowstone".into()),
        zip: Some("59101".into()),
        guardian_first_name: Some("Marie".into()),
        guardian_last_name: Some("Running Crane".into()),
        guardian_relationship: Some("Mother".into()),
        ..Default::default()
    };
    let mut tx = store.begin().await.unwrap();
    clients::insert_in_tx(&mut tx, &client, NOW).await.unwrap();
    tx.commit().await.unwrap();
    (store, client.id)
}

async fn org(store: &Store, code: &str) -> OrganizationId {
    let id = OrganizationId::new();
    let mut tx = store.begin().await.unwrap();
    crate::organizations::insert_in_tx(
        &mut tx,
        &crate::organizations::NewOrganization {
            id,
            code: code.into(),
            name: format!("Clinic {code}"),
            kind: "provider".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            city: "Billings".into(),
            vfc_pin: None,
        },
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn changes(store: &Store, entity: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM change_log WHERE entity = ?")
        .bind(entity)
        .fetch_one(store.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn older_consent_codes_are_stored_in_both_columns() {
    for (given, status, legacy) in [
        ("granted", "granted", "granted"),
        ("refused", "not_granted", "refused"),
        ("unknown", "not_granted", "unknown"),
        ("withdrawn", "withdrawn", "refused"),
        ("not_granted", "not_granted", "unknown"),
    ] {
        let (store, id) = store_with_client(given).await;
        let row: (String, String) =
            sqlx::query_as("SELECT consent_status, consent FROM clients WHERE id = ?")
                .bind(id.to_string())
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(row, (status.to_string(), legacy.to_string()), "{given}");
    }
}

#[tokio::test]
async fn a_withdrawal_changes_the_current_status_at_once_and_keeps_the_history() {
    let (store, id) = store_with_client("granted").await;
    for (status, on) in [
        (ConsentStatus::Granted, "2026-05-02"),
        (ConsentStatus::Withdrawn, "2026-11-22"),
    ] {
        let mut tx = store.begin().await.unwrap();
        record_consent_in_tx(
            &mut tx,
            id,
            &NewConsent {
                status,
                effective_on: on.into(),
                method: "written",
                given_by: Some("Marie Running Crane".into()),
                recorded_by: None,
                organization_id: None,
            },
            NOW,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let (status, orgs) = consent_facts(&store, id).await.unwrap();
    assert_eq!(status, ConsentStatus::Withdrawn);
    assert!(orgs.is_empty());
    let history = consent_history(&store, id).await.unwrap();
    let statuses: Vec<&str> = history.iter().map(|h| h.status.as_str()).collect();
    assert_eq!(statuses, vec!["withdrawn", "granted"], "newest first");
    assert_eq!(changes(&store, "client_consent").await, 2);
    let err = sqlx::query("DELETE FROM client_consents")
        .execute(store.pool())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("never deleted"), "{err}");
}

#[tokio::test]
async fn the_clients_organizations_are_the_home_one_and_every_active_relationship() {
    let (store, id) = store_with_client("granted").await;
    let (home, other) = (org(&store, "MT0001").await, org(&store, "MT0002").await);
    sqlx::query("UPDATE clients SET home_organization_id = ? WHERE id = ?")
        .bind(home.to_string())
        .bind(id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    assert!(is_member(&store, id, home).await.unwrap());
    assert!(!is_member(&store, id, other).await.unwrap());
    let mut tx = store.begin().await.unwrap();
    set_membership_in_tx(&mut tx, id, other, "moved", "2026-10-01", NOW)
        .await
        .unwrap();
    set_membership_in_tx(&mut tx, id, home, "inactive", "2026-10-01", NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let m = memberships(&store, id).await.unwrap();
    let seen: Vec<(&str, &str, bool)> = m
        .iter()
        .map(|r| (r.code.as_str(), r.status.as_str(), r.is_home))
        .collect();
    assert_eq!(
        seen,
        vec![("MT0001", "inactive", true), ("MT0002", "moved", false)]
    );
    // Only active relationships make the client an organization's own; the home stays.
    let (_, orgs) = consent_facts(&store, id).await.unwrap();
    assert_eq!(
        orgs,
        vec![home],
        "a moved-away patient is not the clinic's own"
    );
    let mut tx = store.begin().await.unwrap();
    set_membership_in_tx(&mut tx, id, other, "active", "2026-11-01", NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, orgs) = consent_facts(&store, id).await.unwrap();
    assert_eq!(orgs, vec![home, other]);
}

#[tokio::test]
async fn moving_keeps_the_old_address_in_the_history() {
    let (store, id) = store_with_client("granted").await;
    let mut issues = IssueCollector::new();
    let new = Address::parse(
        "",
        AddressInput {
            line1: "2550 Broadway St",
            city: "Helena",
            state: "MT",
            county: "Lewis and Clark",
            zip: "59601",
            ..Default::default()
        },
        &mut issues,
    );
    issues.finish().unwrap();
    let mut tx = store.begin().await.unwrap();
    move_address_in_tx(&mut tx, id, &new, "2026-11-01", NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let row = clients::get(&store, id).await.unwrap();
    assert_eq!(row.county.as_deref(), Some("Lewis and Clark"));
    let history = previous_addresses(&store, id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].county.as_deref(), Some("Yellowstone"));
    assert_eq!(history[0].ended_on, "2026-11-01");
}

#[tokio::test]
async fn the_registration_guardian_shows_until_responsible_persons_are_recorded() {
    let (store, id) = store_with_client("granted").await;
    let before = responsible_persons(&store, id).await.unwrap();
    assert_eq!(before.len(), 1);
    assert!(before[0].id.is_empty() && before[0].is_primary);
    assert_eq!(before[0].relationship, "mother");

    let mut issues = IssueCollector::new();
    let father = ResponsiblePerson::parse(
        "",
        ResponsiblePersonInput {
            first_name: "Joseph",
            last_name: "Running Crane",
            relationship: "father",
            phone: "406-444-4444",
            ..Default::default()
        },
        &mut issues,
    )
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let father_id = add_responsible_person_in_tx(&mut tx, id, &father, false, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let row = clients::get(&store, id).await.unwrap();
    assert_eq!(
        row.guardian_first_name.as_deref(),
        Some("Joseph"),
        "the first recorded person becomes primary and is mirrored for search"
    );

    let mut tx = store.begin().await.unwrap();
    void_in_tx(
        &mut tx,
        Voidable::ResponsiblePerson,
        id,
        &father_id,
        "entered on the wrong client",
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let after = responsible_persons(&store, id).await.unwrap();
    assert_eq!(after.len(), 1);
    assert!(after[0].voided_at.is_some());
    let row = clients::get(&store, id).await.unwrap();
    assert_eq!(row.guardian_last_name, None);
}

#[tokio::test]
async fn voiding_someone_elses_row_or_twice_is_not_found() {
    let (store, id) = store_with_client("granted").await;
    let sister = NewClient {
        first_name: "Ava".into(),
        last_name: "Running Crane".into(),
        date_of_birth: "2026-05-02".into(),
        gender: "F".into(),
        consent: "granted".into(),
        ..Default::default()
    };
    let other = sister.id;
    let mut tx = store.begin().await.unwrap();
    clients::insert_in_tx(&mut tx, &sister, NOW).await.unwrap();
    let name = add_name_in_tx(&mut tx, id, "Baby Boy", None, "Running Crane", "birth", NOW)
        .await
        .unwrap();
    let wrong = void_in_tx(&mut tx, Voidable::Name, other, &name, "x", NOW).await;
    assert!(matches!(wrong, Err(StoreError::NotFound("client_name"))));
    void_in_tx(&mut tx, Voidable::Name, id, &name, "typo", NOW)
        .await
        .unwrap();
    let twice = void_in_tx(&mut tx, Voidable::Name, id, &name, "typo", NOW).await;
    assert!(twice.is_err());
    tx.commit().await.unwrap();
    assert_eq!(names(&store, id).await.unwrap().len(), 1);
}
