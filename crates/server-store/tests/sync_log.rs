//! The sync reads on real PostgreSQL: a transaction that took its log position before another
//! but commits after it holds the pull back and is never skipped (the cursor-gap bug of
//! sequence-numbered logs); an organization's pull and snapshot hold its clients (home or
//! linked), its lots and the registry's organizations, and nothing of another organization's.

use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_protocol::{ChangeOp, ChangeSource, Cursor, Entity};
use shotbook_server_store::setup::{self, NewClient, NewOrganization, NewUser};
use shotbook_server_store::test_database::{settle_sync_horizon, TestDatabase};
use shotbook_server_store::{PgRegistry, PgWork};
use shotbook_usecases::contract;
use shotbook_usecases::ports::{DemographicsWrites, LotWrites, SyncReads};
use shotbook_usecases::sync::REPLICATED;
use time::macros::{date, datetime};
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-12-07 10:00 UTC);

async fn work(r: &PgRegistry) -> PgWork {
    r.begin_as(ChangeSource::Local, NOW).await.unwrap()
}

async fn organization(r: &PgRegistry, code: &str) -> OrganizationId {
    let id = OrganizationId::new();
    let mut w = work(r).await;
    setup::insert_organization(
        &mut w,
        &NewOrganization {
            id,
            code: code.into(),
            name: format!("Clinic {code}"),
            kind: "provider".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            city: "Billings".into(),
            vfc_pin: None,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    id
}

async fn add_client(w: &mut PgWork, home: OrganizationId, last: &str) -> ClientId {
    let id = ClientId::new();
    setup::insert_client(
        w,
        &NewClient {
            id,
            registry_id: None,
            first_name: "Ana".into(),
            last_name: last.into(),
            date_of_birth: date!(2021 - 05 - 04),
            gender: "F".into(),
            consent: ConsentStatus::Granted,
            home_organization: Some(home),
        },
    )
    .await
    .unwrap();
    id
}

/// Every change of `entity` in `org`'s scope from the start, page by page, as a replica pulls.
async fn pull_all(r: &PgRegistry, org: OrganizationId, entity: Entity) -> Vec<String> {
    settle_sync_horizon(r).await;
    r.changes_in_scope(org, &REPLICATED, Cursor::default(), 1_000)
        .await
        .unwrap()
        .changes
        .into_iter()
        .filter(|c| c.envelope.entity == entity)
        .map(|c| c.envelope.entity_id)
        .collect()
}

#[tokio::test]
async fn a_transaction_that_commits_late_holds_the_pull_back_and_is_never_skipped() {
    let db = TestDatabase::create("sync-late-commit").await.unwrap();
    let r = db.registry().clone();
    let clinic = organization(&r, "MT7001").await;

    // The first transaction writes (taking the lower log position) and stays open …
    let mut slow = work(&r).await;
    let early = add_client(&mut slow, clinic, "Early").await;
    // … while a second one writes after it and commits first.
    let mut quick = work(&r).await;
    let late = add_client(&mut quick, clinic, "Late").await;
    quick.commit().await.unwrap();

    let page = r
        .changes_in_scope(clinic, &REPLICATED, Cursor::default(), 1_000)
        .await
        .unwrap();
    let clients: Vec<&str> = page
        .changes
        .iter()
        .filter(|c| c.envelope.entity == Entity::Client)
        .map(|c| c.envelope.entity_id.as_str())
        .collect();
    assert!(
        clients.is_empty(),
        "the committed change waits behind the open transaction: {clients:?}"
    );
    let cursor = page.changes.last().map_or(Cursor::default(), |c| c.cursor);

    slow.commit().await.unwrap();
    settle_sync_horizon(&r).await;
    let page = r
        .changes_in_scope(clinic, &REPLICATED, cursor, 1_000)
        .await
        .unwrap();
    let clients: Vec<(String, i64)> = page
        .changes
        .iter()
        .filter(|c| c.envelope.entity == Entity::Client)
        .map(|c| (c.envelope.entity_id.clone(), c.envelope.seq))
        .collect();
    assert_eq!(
        clients.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        vec![early.to_string(), late.to_string()],
        "both arrive, the early transaction's first"
    );
    assert!(
        clients[0].1 < clients[1].1,
        "the early change took the lower sequence number: a reader by sequence alone that \
         had moved past the late one would have skipped it"
    );
    assert!(page.horizon > cursor, "the horizon moved on");
}

#[tokio::test]
async fn an_organization_pulls_its_clients_its_lots_and_the_organizations_only() {
    let db = TestDatabase::create("sync-scope").await.unwrap();
    let r = db.registry().clone();
    let ours = organization(&r, "MT7101").await;
    let theirs = organization(&r, "MT7102").await;
    let nurse = UserId::new();
    let mut w = work(&r).await;
    setup::insert_user(
        &mut w,
        &NewUser {
            id: nurse,
            username: "scope.nurse".into(),
            password_hash: "x".into(),
            first_name: "S".into(),
            last_name: "N".into(),
            email: "s@example.org".into(),
            phone: None,
        },
    )
    .await
    .unwrap();
    let home = add_client(&mut w, ours, "Home").await;
    let other = add_client(&mut w, theirs, "Elsewhere").await;
    let linked = add_client(&mut w, theirs, "Linked").await;
    w.set_membership(linked, ours, "active", date!(2026 - 12 - 01))
        .await
        .unwrap();
    let our_lot = w
        .receive_lot(ours, &contract::mmr_lot("10"), None, nurse)
        .await
        .unwrap();
    let their_lot = w
        .receive_lot(theirs, &contract::mmr_lot("10"), None, nurse)
        .await
        .unwrap();
    w.commit().await.unwrap();

    let clients = pull_all(&r, ours, Entity::Client).await;
    assert_eq!(clients, vec![home.to_string(), linked.to_string()]);
    assert!(!clients.contains(&other.to_string()));
    assert_eq!(
        pull_all(&r, ours, Entity::VaccineLot).await,
        vec![our_lot.to_string()]
    );
    assert!(!pull_all(&r, ours, Entity::VaccineLot)
        .await
        .contains(&their_lot.to_string()));
    assert_eq!(
        pull_all(&r, ours, Entity::Organization).await.len(),
        2,
        "every replica holds the registry's organizations"
    );
    assert_eq!(
        pull_all(&r, theirs, Entity::Client).await,
        vec![other.to_string(), linked.to_string()]
    );

    // The link carries its columns (its status), not only its id.
    settle_sync_horizon(&r).await;
    let link = r
        .changes_in_scope(ours, &REPLICATED, Cursor::default(), 1_000)
        .await
        .unwrap()
        .changes
        .into_iter()
        .find(|c| c.envelope.entity == Entity::ClientOrganization)
        .expect("the link is in our scope");
    assert_eq!(link.envelope.entity_id, format!("{linked}/{ours}"));
    assert_eq!(link.envelope.op, ChangeOp::Insert);
    assert_eq!(
        link.envelope.payload.as_ref().unwrap()["status"],
        serde_json::json!("active")
    );
    assert_eq!(link.client, Some(linked));
}

#[tokio::test]
async fn a_snapshot_pages_through_the_scope_in_id_order_and_can_ask_for_one_client() {
    let db = TestDatabase::create("sync-snapshot").await.unwrap();
    let r = db.registry().clone();
    let ours = organization(&r, "MT7201").await;
    let theirs = organization(&r, "MT7202").await;
    let mut w = work(&r).await;
    let mut expected = Vec::new();
    for last in ["One", "Two", "Three", "Four"] {
        expected.push(add_client(&mut w, ours, last).await);
    }
    let outsider = add_client(&mut w, theirs, "Outside").await;
    w.commit().await.unwrap();
    expected.sort();

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = r
            .records_in_scope(ours, Entity::Client, None, after.as_deref(), 3)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|p| p.record.id.clone());
        for p in page {
            assert_eq!(p.client.map(|c| c.to_string()), Some(p.record.id.clone()));
            assert_eq!(
                p.record.payload.as_ref().unwrap()["id"],
                serde_json::json!(p.record.id)
            );
            seen.push(p.record.id);
        }
    }
    assert_eq!(
        seen,
        expected.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "every client of the scope once, in id order, none of another organization's"
    );
    assert!(!seen.contains(&outsider.to_string()));

    let one = r
        .records_in_scope(ours, Entity::Client, Some(expected[2]), None, 100)
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].record.id, expected[2].to_string());
    let none = r
        .records_in_scope(ours, Entity::Client, Some(outsider), None, 100)
        .await
        .unwrap();
    assert!(none.is_empty(), "a client outside the scope is not served");
    // Every replica holds the registry's organizations, whatever the client asked.
    let orgs = r
        .records_in_scope(ours, Entity::Organization, None, None, 100)
        .await
        .unwrap();
    assert_eq!(orgs.len(), 2);
}
