use super::*;
use crate::clients::{self, NewClient};
use crate::duplicates;
use shotbook_core::ids::UserId;
use std::sync::atomic::Ordering;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-12-07 9:00 UTC);

const GIVEN: [&str; 10] = [
    "Ava", "Noah", "Mia", "Ethan", "Zoe", "Lucas", "Ivy", "Mason", "Nora", "Caleb",
];
const FAMILY: [&str; 10] = [
    "Schultz",
    "Petrov",
    "Adeyemi",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalczyk",
    "Haddad",
    "Oyelaran",
    "Fitzgerald",
];

fn client(first: &str, last: &str, dob: &str, gender: &str) -> NewClient {
    NewClient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: dob.into(),
        gender: gender.into(),
        consent: "granted".into(),
        ..Default::default()
    }
}

/// A registry of 100 different people plus `extra`; returns the extra clients' ids.
async fn registry(extra: &[NewClient]) -> (Store, Vec<ClientId>) {
    let store = Store::open_in_memory().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for (i, g) in GIVEN.iter().enumerate() {
        for (j, f) in FAMILY.iter().enumerate() {
            let k = i * 10 + j;
            let dob = format!("{}-{:02}-{:02}", 2000 + k % 20, k % 12 + 1, k % 27 + 1);
            let c = client(g, f, &dob, if i % 2 == 0 { "F" } else { "M" });
            clients::insert_in_tx(&mut tx, &c, NOW).await.unwrap();
        }
    }
    for c in extra {
        clients::insert_in_tx(&mut tx, c, NOW).await.unwrap();
    }
    tx.commit().await.unwrap();
    (store, extra.iter().map(|c| c.id).collect())
}

async fn job(store: &Store, options: &DedupOptions, dry_run: bool) -> DedupReport {
    run(
        store,
        &FsModel::hand_set(),
        options,
        dry_run,
        &|_, _| {},
        &AtomicBool::new(false),
        NOW,
    )
    .await
    .unwrap()
}

#[derive(sqlx::FromRow, Debug)]
struct QueueRow {
    client_a: String,
    client_b: String,
    status: String,
    probability: Option<f64>,
    cluster_id: Option<String>,
}

async fn queue(store: &Store) -> Vec<QueueRow> {
    sqlx::query_as(
        "SELECT client_a, client_b, status, probability, cluster_id FROM duplicate_pairs ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
}

fn holds(row: &QueueRow, a: ClientId, b: ClientId) -> bool {
    let (a, b) = (a.to_string(), b.to_string());
    (row.client_a == a && row.client_b == b) || (row.client_a == b && row.client_b == a)
}

#[tokio::test]
async fn a_mistyped_birth_year_is_queued_with_its_probability() {
    let first = NewClient {
        middle_name: Some("Grace".into()),
        ..client("Olivia", "Brennan", "2019-06-21", "F")
    };
    let again = NewClient {
        middle_name: Some("Grace".into()),
        ..client("Olivia", "Brennan", "2016-06-21", "F")
    };
    let (store, ids) = registry(&[first, again]).await;
    let report = job(&store, &DedupOptions::default(), false).await;
    assert_eq!(report.outcome.records, 102);
    assert_eq!(report.queued, 1, "{report:?}");
    let rows = queue(&store).await;
    assert_eq!(rows.len(), 1);
    assert!(holds(&rows[0], ids[0], ids[1]), "{rows:?}");
    assert_eq!(rows[0].status, "open");
    let p = rows[0].probability.expect("a probability");
    assert!((0.5..=1.0).contains(&p), "{p}");
    assert!(rows[0].cluster_id.is_some());
}

#[tokio::test]
async fn three_records_of_one_child_share_one_cluster_in_the_queue() {
    let william = NewClient {
        zip: Some("59101".into()),
        ..client("William", "Garcia", "2019-03-14", "M")
    };
    let bill = NewClient {
        first_name: "Bill".into(),
        id: ClientId::new(),
        ..william.clone()
    };
    let typo = NewClient {
        last_name: "Garsia".into(),
        id: ClientId::new(),
        ..william.clone()
    };
    let (store, ids) = registry(&[william, bill, typo]).await;
    let report = job(&store, &DedupOptions::default(), false).await;
    assert_eq!(report.outcome.clusters.len(), 1);
    assert_eq!(report.queued, 3, "{report:?}");
    let rows = queue(&store).await;
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        assert!(
            rows.iter().any(|r| holds(r, ids[a], ids[b])),
            "pair {a}–{b} queued: {rows:?}"
        );
    }
    let cluster = rows[0].cluster_id.clone().unwrap();
    assert!(rows.iter().all(|r| r.cluster_id.as_ref() == Some(&cluster)));
}

#[tokio::test]
async fn a_dismissed_or_merged_pair_is_not_queued_again() {
    let ana = client("Ana", "Lopez", "2018-04-11", "F");
    let ana_again = NewClient {
        id: ClientId::new(),
        ..ana.clone()
    };
    let theo = client("Theodore", "Vukovic", "2017-08-02", "M");
    let teddy = NewClient {
        id: ClientId::new(),
        first_name: "Teddy".into(),
        ..theo.clone()
    };
    let (store, ids) = registry(&[ana, ana_again, theo, teddy]).await;
    let user = UserId::new();
    let mut tx = store.begin().await.unwrap();
    crate::users::insert_in_tx(
        &mut tx,
        &crate::users::NewUser {
            id: user,
            username: "sup".into(),
            password_hash: "x".into(),
            first_name: "Sue".into(),
            last_name: "Pervisor".into(),
            email: "sup@example.org".into(),
            phone: None,
        },
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let first = job(&store, &DedupOptions::default(), false).await;
    assert_eq!(first.queued, 2, "{first:?}");
    let rows = queue(&store).await;
    let ana_pair = rows.iter().position(|r| holds(r, ids[0], ids[1])).unwrap();
    let theo_pair = rows.iter().position(|r| holds(r, ids[2], ids[3])).unwrap();
    let pair_ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM duplicate_pairs ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    duplicates::set_pair_status_in_tx(&mut tx, &pair_ids[ana_pair].0, "not_duplicate", user, NOW)
        .await
        .unwrap();
    duplicates::merge_in_tx(
        &mut tx,
        ids[2],
        ids[3],
        Some(&pair_ids[theo_pair].0),
        user,
        NOW,
    )
    .await
    .unwrap();
    duplicates::set_pair_status_in_tx(&mut tx, &pair_ids[theo_pair].0, "merged", user, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let again = job(&store, &DedupOptions::default(), false).await;
    assert_eq!(again.queued, 0, "{again:?}");
    assert_eq!(again.outcome.records, 103, "the merged record is not read");
    let rows = queue(&store).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[ana_pair].status, "not_duplicate");
    assert_eq!(rows[theo_pair].status, "merged");
}

#[tokio::test]
async fn a_dry_run_queues_nothing_but_proposes_the_same_merges() {
    let theo = NewClient {
        middle_name: Some("James".into()),
        mother_maiden_name: Some("Ferreira".into()),
        zip: Some("73301".into()),
        address_line1: Some("12 Oak St".into()),
        ..client("Theodore", "Vukovic", "2017-08-02", "M")
    };
    let same = NewClient {
        id: ClientId::new(),
        ..theo.clone()
    };
    let (store, ids) = registry(&[theo, same]).await;
    let options = DedupOptions {
        auto_merge_at: Some(0.999),
        ..DedupOptions::default()
    };
    let dry = job(&store, &options, true).await;
    assert!(queue(&store).await.is_empty());
    assert_eq!(dry.proposed_merges.len(), 1);
    assert_eq!(dry.proposed_merges[0].pair_id, None);
    assert_eq!(
        (
            dry.proposed_merges[0].survivor,
            dry.proposed_merges[0].merged
        ),
        (ids[0], ids[1]),
        "the older record is kept"
    );
    let wet = job(&store, &options, false).await;
    assert_eq!(queue(&store).await.len(), 1);
    assert!(wet.proposed_merges[0].pair_id.is_some());
    assert!(
        job(&store, &DedupOptions::default(), false)
            .await
            .proposed_merges
            .is_empty(),
        "off by default"
    );
}

#[tokio::test]
async fn a_cancelled_run_stops_early() {
    let (store, _) = registry(&[]).await;
    let cancel = AtomicBool::new(false);
    let report = run(
        &store,
        &FsModel::hand_set(),
        &DedupOptions {
            workers: 1,
            chunk: 10,
            ..DedupOptions::default()
        },
        false,
        &|_, _| cancel.store(true, Ordering::Relaxed),
        &cancel,
        NOW,
    )
    .await
    .unwrap();
    assert!(report.outcome.cancelled);
    assert_eq!(report.outcome.records_done, 10);
}
