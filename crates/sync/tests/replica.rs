//! Workstations syncing with a registry server over HTTPS, against real PostgreSQL and real
//! encrypted SQLite replicas, through the engine the app runs: the first download (and its
//! resumption after a kill), a dose given offline reaching the registry and another workstation
//! exactly once, replayed pushes, a void winning, a refusal kept for review.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{open_replica, Registry, Workstation};
use shotbook_core::clock::SystemClock;
use shotbook_core::demographics::DemographicsEdit;
use shotbook_core::ids::{ClientId, ImmunizationId};
use shotbook_store::replica;
use shotbook_store::sqlx;
use shotbook_sync::SyncError;
use shotbook_usecases::ports::{DemographicsWrites, Registry as _};
use shotbook_usecases::{demographics, immunizations, need, Permit};
use time::macros::date;
use time::OffsetDateTime;

async fn registry_doses(registry: &Registry, client: ClientId) -> Vec<(String, String)> {
    sqlx::query_as::<_, (uuid::Uuid, String)>(
        "SELECT id, status FROM immunizations WHERE client_id = $1 ORDER BY id",
    )
    .bind(client.as_uuid())
    .fetch_all(registry.pg().pool())
    .await
    .unwrap()
    .into_iter()
    .map(|(id, status)| (id.to_string(), status))
    .collect()
}

async fn local_count(station: &Workstation, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(station.store().pool())
        .await
        .unwrap()
}

async fn local_client_ids(station: &Workstation) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>("SELECT id FROM clients")
        .fetch_all(station.store().pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn the_first_download_holds_the_organizations_scope_and_resumes_after_a_kill() {
    let registry = Registry::start("sync-download").await;
    let mut ours = BTreeSet::new();
    for i in 0..120 {
        ours.insert(
            registry
                .add_client("TX0001", "Ana", &format!("Ours{i:03}"))
                .await
                .to_string(),
        );
    }
    let mut theirs = BTreeSet::new();
    for i in 0..5 {
        theirs.insert(
            registry
                .add_client("TX0002", "Ben", &format!("Theirs{i}"))
                .await
                .to_string(),
        );
    }
    registry.settle().await;
    let station = Workstation::new(&registry, "FRONT-DESK-1", "TX0001", "tx.provider").await;

    // Killed part-way through the download: each round is cut short after a growing time
    // budget (the future dropped wherever it stands, as a killed process would stop), until
    // some pages are in and the download is not complete.
    let engine = &station.engine;
    let mut progress = replica::state(station.store()).await.unwrap();
    let mut budget = Duration::from_millis(20);
    while progress
        .as_ref()
        .is_none_or(|s| s.records_downloaded == 0 || s.snapshot_complete)
    {
        let _ = tokio::time::timeout(budget, engine.sync_once()).await;
        progress = replica::state(station.store()).await.unwrap();
        budget += Duration::from_millis(20);
        assert!(budget < Duration::from_secs(30), "no page arrived");
    }
    let partial = progress.unwrap();
    if partial.snapshot_complete {
        panic!("the download finished before it could be cut; lower the page size");
    }
    let before = partial.records_downloaded;

    // The next round resumes where the download stood and completes it.
    let report = engine.sync_once().await.unwrap();
    let state = replica::state(station.store()).await.unwrap().unwrap();
    assert!(state.snapshot_complete);
    assert!(
        report.downloaded < state.records_downloaded,
        "resumed, not started over: {} this round, {} in all",
        report.downloaded,
        state.records_downloaded
    );
    assert!(before > 0);
    let clients = local_client_ids(&station).await;
    assert_eq!(
        clients, ours,
        "exactly the organization's clients, none of another's"
    );
    assert!(clients.is_disjoint(&theirs));
    assert!(
        local_count(&station, "SELECT count(*) FROM organizations").await >= 2,
        "the registry's organizations are reference data every replica holds"
    );
    // Every client sent was audited, and the trail's chain is whole (the page's events are
    // written in one statement).
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT client_id) FROM audit_log WHERE action = 'replicate_client'",
    )
    .fetch_one(registry.pg().pool())
    .await
    .unwrap();
    assert_eq!(audited, 120);
    let chain = shotbook_server_store::audit::verify_chain(registry.pg())
        .await
        .unwrap();
    assert!(chain.is_ok(), "{chain:?}");
    // Clients downloaded are findable: the search index was fed by the replica's triggers.
    assert_eq!(
        local_count(&station, "SELECT count(*) FROM client_match_pending").await
            + local_count(
                &station,
                "SELECT count(DISTINCT client_id) FROM client_match_records"
            )
            .await,
        120
    );
}

#[tokio::test]
async fn a_dose_given_offline_reaches_the_registry_and_the_other_workstation_exactly_once() {
    let mut registry = Registry::start("sync-offline-dose").await;
    let client = registry.add_client("TX0001", "Sofia", "Martinez").await;
    registry.settle().await;
    let a = Workstation::new(&registry, "FRONT-DESK-1", "TX0001", "tx.provider").await;
    let b = Workstation::new(&registry, "NURSE-2", "TX0001", "tx.supervisor").await;
    a.engine.sync_once().await.unwrap();
    b.engine.sync_once().await.unwrap();

    // The registry goes away; the dose is recorded anyway.
    registry.stop().await;
    a.record_historical(client, "03", "09/01/2023").await;
    let failed = a.engine.sync_once().await.unwrap_err();
    assert!(matches!(failed, SyncError::Offline), "{failed:?}");
    let state = replica::state(a.store()).await.unwrap().unwrap();
    assert!(state.offline_since.is_some(), "the replica says since when");
    assert_eq!(state.last_error.as_deref(), Some("offline"));
    assert_eq!(replica::unsettled_count(a.store()).await.unwrap(), 1);
    assert_eq!(a.doses(client).await.len(), 1, "saved locally");

    // Back online: pushed once, seen once at the other workstation.
    registry.restart().await;
    let report = a.engine.sync_once().await.unwrap();
    assert_eq!((report.pushed, report.conflicts), (1, 0));
    let state = replica::state(a.store()).await.unwrap().unwrap();
    assert_eq!(state.offline_since, None);
    assert_eq!(replica::unsettled_count(a.store()).await.unwrap(), 0);
    let at_registry = registry_doses(&registry, client).await;
    assert_eq!(at_registry.len(), 1);
    let dose = a.doses(client).await[0].0.clone();
    assert_eq!(
        at_registry[0],
        (dose.clone(), "completed".into()),
        "the id given offline is kept"
    );
    registry.settle().await;
    b.engine.sync_once().await.unwrap();
    assert_eq!(b.doses(client).await, a.doses(client).await);

    // The echo back to A changes nothing; a push replayed after a lost answer neither.
    a.engine.sync_once().await.unwrap();
    assert_eq!(a.doses(client).await.len(), 1);
    sqlx::query("UPDATE replica_state SET pushed_through = 0")
        .execute(a.store().pool())
        .await
        .unwrap();
    let replay = a.engine.sync_once().await.unwrap();
    assert!(replay.pushed >= 1, "the outbox was sent again");
    assert_eq!(registry_doses(&registry, client).await.len(), 1);
    assert_eq!(a.doses(client).await.len(), 1);

    // The registry restarts with a new token key: the refused access token is refreshed with
    // the device's proof and the round goes on.
    registry.restart_with_new_token_key().await;
    a.record_historical(client, "08", "10/01/2023").await;
    let report = a.engine.sync_once().await.unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(registry_doses(&registry, client).await.len(), 2);

    // The replica survives a restart of the workstation with its marks.
    let path = a.path.clone();
    let before = replica::state(a.store()).await.unwrap().unwrap();
    let Workstation { engine, dir, .. } = a;
    engine.store().pool().close().await;
    drop(engine);
    let reopened = open_replica(&path, "FRONT-DESK-1").await;
    let after = replica::state(&reopened).await.unwrap().unwrap();
    assert_eq!(after.cursor, before.cursor);
    assert_eq!(after.pushed_through, before.pushed_through);
    drop(dir);
}

#[tokio::test]
async fn a_void_wins_and_a_refusal_is_kept_for_review_while_the_registry_copy_returns() {
    let registry = Registry::start("sync-void").await;
    let client = registry.add_client("TX0001", "Lucas", "Nguyen").await;
    // The client also has a relationship with TX0002, so both clinics hold the record.
    let tx0002 = registry.organization("TX0002").await;
    let mut work = registry
        .pg()
        .begin(
            shotbook_protocol::Origin {
                source: shotbook_protocol::ChangeSource::Local,
                node: "registry-test".into(),
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    work.set_membership(client, tx0002, "active", date!(2026 - 01 - 05))
        .await
        .unwrap();
    work.commit().await.unwrap();
    registry.settle().await;
    let a = Workstation::new(&registry, "FRONT-DESK-1", "TX0001", "tx.provider").await;
    let b = Workstation::new(&registry, "NURSE-2", "TX0001", "tx.supervisor").await;
    let other = Workstation::new(&registry, "OTHER-CLINIC", "TX0002", "tx.float").await;
    for s in [&a, &b, &other] {
        s.engine.sync_once().await.unwrap();
    }
    assert!(local_client_ids(&other).await.contains(&client.to_string()));

    // A records a dose; everyone pulls it.
    a.record_historical(client, "08", "02/01/2023").await;
    a.engine.sync_once().await.unwrap();
    registry.settle().await;
    for s in [&b, &other] {
        s.engine.sync_once().await.unwrap();
        assert_eq!(s.doses(client).await.len(), 1, "{}", s.name);
    }
    let dose: ImmunizationId = a.doses(client).await[0].0.parse().unwrap();

    // The rules hold offline: the other clinic cannot void a dose it did not record, on its
    // replica either (only the recording organization voids its doses).
    let permit = Permit::<need::EditImmunizations>::check(other.actor.clone()).unwrap();
    let refused_here = immunizations::void(
        other.store(),
        &permit,
        &SystemClock,
        dose,
        "Entered in error".into(),
    )
    .await;
    assert!(refused_here.is_err(), "{refused_here:?}");

    // A change the registry does not take from a workstation yet (a note written offline):
    // kept for review with what was typed, never dropped, and the record re-read.
    let permit = Permit::<need::EditDemographics>::check(other.actor.clone()).unwrap();
    demographics::change(
        other.store(),
        &permit,
        &SystemClock,
        client,
        &DemographicsEdit::Note("Prefers Spanish-language materials".into()),
    )
    .await
    .unwrap();
    let report = other.engine.sync_once().await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflicts = replica::open_conflicts(other.store()).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].kind.as_str(), conflicts[0].reason.as_deref()),
        ("refused", Some("not_pushable"))
    );
    assert_eq!(
        conflicts[0].client_id.as_deref(),
        Some(client.to_string().as_str())
    );
    assert!(conflicts[0]
        .sent
        .as_deref()
        .unwrap()
        .contains("Prefers Spanish-language materials"));
    assert_eq!(replica::unsettled_count(other.store()).await.unwrap(), 0);
    assert_eq!(other.doses(client).await.len(), 1);

    // B (same clinic as A) voids it: the void reaches the registry and A.
    let permit = Permit::<need::EditImmunizations>::check(b.actor.clone()).unwrap();
    immunizations::void(
        b.store(),
        &permit,
        &SystemClock,
        dose,
        "Wrong client".into(),
    )
    .await
    .unwrap();
    let report = b.engine.sync_once().await.unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
    assert_eq!(
        registry_doses(&registry, client).await,
        vec![(dose.to_string(), "entered_in_error".into())]
    );
    registry.settle().await;
    a.engine.sync_once().await.unwrap();
    assert!(a.doses(client).await.is_empty(), "voided on A too");
}

#[tokio::test]
async fn a_client_who_joins_the_scope_arrives_with_the_history_from_before() {
    let registry = Registry::start("sync-join").await;
    let theirs = registry.add_client("TX0002", "Ava", "Reyes").await;
    registry.settle().await;
    let other = Workstation::new(&registry, "OTHER-CLINIC", "TX0002", "tx.float").await;
    other.engine.sync_once().await.unwrap();
    other.record_historical(theirs, "03", "09/01/2023").await;
    other.engine.sync_once().await.unwrap();
    let a = Workstation::new(&registry, "FRONT-DESK-1", "TX0001", "tx.provider").await;
    a.engine.sync_once().await.unwrap();
    assert!(!local_client_ids(&a).await.contains(&theirs.to_string()));

    // The client starts coming to TX0001: the link is the first change A pulls about her, and
    // her dose from before is read whole; the queue of reads is empty after.
    let tx0001 = registry.organization("TX0001").await;
    let mut work = registry
        .pg()
        .begin(
            shotbook_protocol::Origin {
                source: shotbook_protocol::ChangeSource::Local,
                node: "registry-test".into(),
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    work.set_membership(theirs, tx0001, "active", date!(2026 - 02 - 01))
        .await
        .unwrap();
    work.commit().await.unwrap();
    registry.settle().await;
    let report = a.engine.sync_once().await.unwrap();
    assert_eq!(report.clients_read, 1, "{report:?}");
    assert!(local_client_ids(&a).await.contains(&theirs.to_string()));
    assert_eq!(a.doses(theirs).await, other.doses(theirs).await);
    assert_eq!(a.doses(theirs).await.len(), 1);
    assert!(replica::pending_client_reads(a.store())
        .await
        .unwrap()
        .is_empty());
}
