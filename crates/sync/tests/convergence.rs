//! The crash-safety harness: a registry server and two workstations' sync engines (the app's
//! code, headless) at one clinic, random doses recorded and voided on both, sync rounds cut
//! short at random points (the round's future dropped wherever it stands, as a killed process
//! stops) and the registry stopped mid-request at random (connections closed, its transactions
//! rolled back). Then everyone syncs until quiet, and every dose must be exactly once on the
//! registry and on both replicas, in the same state, with nothing lost, nothing duplicated and
//! nothing left unsettled.
//!
//! `SHOTBOOK_SYNC_CYCLES` sets the cycles (default 60; the benchmark run uses 1,000) and
//! `SHOTBOOK_SYNC_SEED` the seed (printed, so a failure can be replayed).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{Registry, Workstation};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shotbook_core::clock::SystemClock;
use shotbook_core::ids::{ClientId, ImmunizationId};
use shotbook_store::replica;
use shotbook_store::sqlx;
use shotbook_usecases::{immunizations, need, Permit};

/// Vaccines a shot card shows for a child born in 2022 (CVX), one set per workstation: two
/// clinics entering the same vaccine on the same day is a duplicate the registry refuses (a
/// conflict for people, tested elsewhere), and the live vaccines' spacing is checked where both
/// are entered.
const CVX: [[&str; 3]; 2] = [["03", "21", "08"], ["20", "10", "88"]];

async fn all_doses(station: &Workstation) -> BTreeMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT id, status FROM immunizations")
        .fetch_all(station.store().pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn registry_doses(registry: &Registry, clients: &[ClientId]) -> BTreeMap<String, String> {
    let ids: Vec<uuid::Uuid> = clients.iter().map(|c| c.as_uuid()).collect();
    sqlx::query_as::<_, (uuid::Uuid, String)>(
        "SELECT id, status FROM immunizations WHERE client_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(registry.pg().pool())
    .await
    .unwrap()
    .into_iter()
    .map(|(id, status)| (id.to_string(), status))
    .collect()
}

/// Records a random historical dose on `station`; its id when the entry rules took it.
async fn record(
    station: &Workstation,
    vaccines: &[&str],
    client: ClientId,
    rng: &mut StdRng,
) -> Option<String> {
    let before: BTreeSet<String> = all_doses(station).await.into_keys().collect();
    let cvx = vaccines[rng.random_range(0..vaccines.len())];
    let date = format!(
        "{:02}/{:02}/{}",
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(2023..=2025)
    );
    let permit = Permit::<need::AddImmunizations>::check(station.actor.clone()).unwrap();
    let doses = shotbook_core::immunization::dose::HistoricalDose::parse_all(&[
        shotbook_core::immunization::dose::HistoricalDoseInput {
            cvx,
            administered_on: &date,
            provider: "",
        },
    ])
    .unwrap();
    // A dose the entry rules refuse (the same vaccine on one day) is not recorded: fine.
    immunizations::record_historical(station.store(), &permit, &SystemClock, client, doses, true)
        .await
        .ok()?;
    let after: BTreeSet<String> = all_doses(station).await.into_keys().collect();
    let new: Vec<String> = after.difference(&before).cloned().collect();
    assert_eq!(new.len(), 1, "one dose recorded");
    new.into_iter().next()
}

async fn void(station: &Workstation, dose: &str) -> bool {
    let permit = Permit::<need::EditImmunizations>::check(station.actor.clone()).unwrap();
    let id: ImmunizationId = dose.parse().unwrap();
    immunizations::void(
        station.store(),
        &permit,
        &SystemClock,
        id,
        "Entered in error".into(),
    )
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_writes_kills_and_outages_converge_with_every_dose_exactly_once() {
    let cycles: usize = std::env::var("SHOTBOOK_SYNC_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("SHOTBOOK_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("seed {seed}, {cycles} cycles");
    let mut rng = StdRng::seed_from_u64(seed);

    let mut registry = Registry::start("sync-convergence").await;
    let mut clients = Vec::new();
    for i in 0..4 {
        clients.push(
            registry
                .add_client("TX0001", "Nina", &format!("Crash{i}"))
                .await,
        );
    }
    registry.settle().await;
    let stations = [
        Workstation::new(&registry, "FRONT-DESK-1", "TX0001", "tx.provider").await,
        Workstation::new(&registry, "NURSE-2", "TX0001", "tx.supervisor").await,
    ];
    for s in &stations {
        s.engine.sync_once().await.unwrap();
    }

    let mut recorded: BTreeSet<String> = BTreeSet::new();
    let mut voided: BTreeSet<String> = BTreeSet::new();
    let mut registry_up = true;
    let (mut cuts, mut outages, mut rounds_done) = (0, 0, 0);
    for _ in 0..cycles {
        let which = rng.random_range(0..stations.len());
        let station = &stations[which];
        match rng.random_range(0..10) {
            0..=3 => {
                let client = clients[rng.random_range(0..clients.len())];
                if let Some(id) = record(station, &CVX[which], client, &mut rng).await {
                    recorded.insert(id);
                }
            }
            4 => {
                // Void a dose this replica holds and nobody voided yet.
                let open: Vec<String> = all_doses(station)
                    .await
                    .into_iter()
                    .filter(|(id, status)| status == "completed" && recorded.contains(id))
                    .map(|(id, _)| id)
                    .collect();
                if !open.is_empty() {
                    let dose = &open[rng.random_range(0..open.len())];
                    if void(station, dose).await {
                        voided.insert(dose.clone());
                    }
                }
            }
            5..=6 => {
                // A round killed at a random point.
                let budget = Duration::from_millis(rng.random_range(0..20));
                if tokio::time::timeout(budget, station.engine.sync_once())
                    .await
                    .is_err()
                {
                    cuts += 1;
                }
            }
            7 => {
                // The registry dies mid-round, or comes back.
                if registry_up {
                    let delay = Duration::from_millis(rng.random_range(0..30));
                    let round = station.engine.sync_once();
                    let stop = async {
                        tokio::time::sleep(delay).await;
                        registry.stop().await;
                    };
                    let (_, ()) = tokio::join!(round, stop);
                    registry_up = false;
                    outages += 1;
                } else {
                    registry.restart().await;
                    registry_up = true;
                }
            }
            _ => {
                if station.engine.sync_once().await.is_ok() {
                    rounds_done += 1;
                }
            }
        }
    }

    // Quiet: the registry up, everyone syncs until nothing waits and a round changes nothing.
    if !registry_up {
        registry.restart().await;
    }
    for _ in 0..5 {
        for s in &stations {
            s.engine.sync_once().await.unwrap();
        }
        registry.settle().await;
    }
    println!(
        "{} doses recorded, {} voided; {cuts} rounds cut, {outages} outages, {rounds_done} whole rounds",
        recorded.len(),
        voided.len()
    );

    let at_registry = registry_doses(&registry, &clients).await;
    let expected: BTreeMap<String, String> = recorded
        .iter()
        .map(|id| {
            let status = if voided.contains(id) {
                "entered_in_error"
            } else {
                "completed"
            };
            (id.clone(), status.to_string())
        })
        .collect();
    assert_eq!(
        at_registry, expected,
        "the registry holds every dose once, voided exactly when a workstation voided it (seed {seed})"
    );
    for s in &stations {
        assert_eq!(
            all_doses(s).await,
            expected,
            "{} converged (seed {seed})",
            s.name
        );
        assert_eq!(replica::unsettled_count(s.store()).await.unwrap(), 0);
        assert!(
            replica::open_conflicts(s.store()).await.unwrap().is_empty(),
            "{}: nothing refused (seed {seed})",
            s.name
        );
        let state = replica::state(s.store()).await.unwrap().unwrap();
        assert!(state.snapshot_complete);
        assert_eq!(state.offline_since, None);
    }
    // The cursors are current: one more round moves nothing either way.
    for s in &stations {
        let report = s.engine.sync_once().await.unwrap();
        assert_eq!(
            (report.pushed, report.pulled, report.downloaded),
            (0, 0, 0),
            "{} (seed {seed})",
            s.name
        );
    }
}
