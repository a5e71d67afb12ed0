//! The Smart-search index on PostgreSQL when several server processes share it: two indexers
//! at once index every queued client exactly once, an edit made while its client is being
//! indexed is queued again (never lost), and an edit is found under its new values.

use std::time::Duration;

use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::Bar;
use shotbook_core::matching::{Dob, PersonRecord};
use shotbook_protocol::ChangeSource;
use shotbook_server_store::setup::{self, NewClient};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{search, sqlx, PgRegistry};
use shotbook_usecases::ports::SearchReads;
use time::macros::{date, datetime};
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-12-07 11:00 UTC);

fn client(first: &str, last: &str) -> NewClient {
    NewClient {
        id: ClientId::new(),
        registry_id: None,
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: date!(2019 - 03 - 14),
        gender: "F".into(),
        consent: ConsentStatus::Granted,
        home_organization: None,
    }
}

async fn insert(r: &PgRegistry, clients: &[NewClient]) {
    let mut work = r.begin_as(ChangeSource::Local, NOW).await.unwrap();
    for c in clients {
        setup::insert_client(&mut work, c).await.unwrap();
    }
    work.commit().await.unwrap();
}

async fn count(r: &PgRegistry, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(r.pool()).await.unwrap();
    n
}

#[tokio::test]
async fn two_indexers_at_once_index_every_queued_client_exactly_once() {
    let db = TestDatabase::create("search-index").await.unwrap();
    let r = db.registry();
    // More than one round (2,000 a round), so the two interleave.
    let clients: Vec<NewClient> = (0..4_500)
        .map(|i| client(&format!("Kid{}", i % 97), &format!("Family{}", i % 311)))
        .collect();
    insert(r, &clients).await;
    assert_eq!(
        count(r, "SELECT count(*) FROM client_match_pending").await,
        4_500
    );
    let (a, b) = tokio::join!(search::index_pending(r), search::index_pending(r));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a + b,
        4_500,
        "each client indexed by one of them: {a} + {b}"
    );
    assert_eq!(
        count(r, "SELECT count(*) FROM client_match_pending").await,
        0
    );
    assert_eq!(
        count(
            r,
            "SELECT clients FROM client_name_counts WHERE kind = 'total'"
        )
        .await,
        4_500,
        "each counted once"
    );
    assert_eq!(
        count(r, "SELECT count(DISTINCT client_id) FROM client_match_keys").await,
        4_500
    );
}

#[tokio::test]
async fn an_edit_made_while_its_client_is_being_indexed_is_queued_again() {
    let db = TestDatabase::create("search-index").await.unwrap();
    let r = db.registry();
    let ana = client("Ana", "Lopez");
    insert(r, std::slice::from_ref(&ana)).await;
    // An indexer holds the queued row (as index_pending does) …
    let mut indexer = r.pool().begin().await.unwrap();
    sqlx::query("SELECT client_id FROM client_match_pending FOR UPDATE SKIP LOCKED")
        .fetch_all(&mut *indexer)
        .await
        .unwrap();
    // … while a workstation's edit lands: its trigger waits for the indexer.
    let pool = r.pool().clone();
    let id = ana.id.as_uuid();
    let edit = tokio::spawn(async move {
        sqlx::query(
            "UPDATE clients SET last_name = 'Okafor', last_name_folded = 'OKAFOR' WHERE id = $1",
        )
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!edit.is_finished(), "the edit waits for the indexer's lock");
    sqlx::query("DELETE FROM client_match_pending WHERE client_id = $1")
        .bind(id)
        .execute(&mut *indexer)
        .await
        .unwrap();
    indexer.commit().await.unwrap();
    edit.await.unwrap();
    assert_eq!(
        count(r, "SELECT count(*) FROM client_match_pending").await,
        1,
        "queued again after the indexer committed"
    );
    let found = r
        .smart_search(
            &PersonRecord::new("Ana", "Okafor", Some(Dob::new(2019, 3, 14))),
            Bar::ANY,
            5,
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].score.reasons.contains(&"surname exact".to_owned()),
        "scored on the new surname: {found:?}"
    );
    // A change to a field search does not read queues nothing.
    sqlx::query("UPDATE clients SET phone = '406-444-1234' WHERE id = $1")
        .bind(id)
        .execute(r.pool())
        .await
        .unwrap();
    assert_eq!(
        count(r, "SELECT count(*) FROM client_match_pending").await,
        0
    );
}
