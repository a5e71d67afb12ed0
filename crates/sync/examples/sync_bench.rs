//! Sync figures (issue 15), printed as a report:
//! - the first download of one organization's scope (default 20,000 clients and 300,000
//!   doses) into a new encrypted replica, with the doses per minute;
//! - how long a dose given on workstation A takes to show at workstation B once A is back
//!   online (A's round, then B's), over several doses;
//! - what sync costs dose entry: recording doses with no sync running and with a sync loop
//!   running beside it (every 100 ms), side by side.
//!
//! Runs a registry server in-process on loopback against a new PostgreSQL database (dropped at
//! the end; `SHOTBOOK_TEST_PG_URL` names the server).
//!
//! `cargo run --release -p shotbook-sync --example sync_bench -- [CLIENTS] [DOSES_PER_CLIENT]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Registry, Workstation};
use shotbook_core::ids::ClientId;
use shotbook_store::replica;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients: i64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let per_client: i64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(15);
    let registry = Registry::start("sync-bench").await;
    let home = registry.organization("TX0001").await;

    let loading = Instant::now();
    let pool = registry.pg().pool();
    shotbook_store::sqlx::query(
        "INSERT INTO clients (id, first_name, last_name, first_name_folded, last_name_folded,
                              date_of_birth, gender, home_organization_id, created_at, updated_at)
         SELECT gen_random_uuid(), 'Ana', 'Bench' || g, 'ANA', 'BENCH' || g,
                date '2015-01-01' + (g % 3650)::int, 'F', $1, now(), now()
         FROM generate_series(1, $2::bigint) g",
    )
    .bind(home.as_uuid())
    .bind(clients)
    .execute(pool)
    .await
    .unwrap();
    shotbook_store::sqlx::query(
        "INSERT INTO immunizations (id, client_id, cvx, administered_on, source, organization_id,
                                    recorded_by_organization_id, created_at, updated_at)
         SELECT gen_random_uuid(), c.id, (ARRAY['03','08','20','10','21','88','83','133'])[1 + d % 8],
                c.date_of_birth + 30 * d::int, 'historical', NULL, $1, now(), now()
         FROM clients c CROSS JOIN generate_series(1, $2) d
         WHERE c.home_organization_id = $1",
    )
    .bind(home.as_uuid())
    .bind(per_client)
    .execute(pool)
    .await
    .unwrap();
    shotbook_store::sqlx::query("ANALYZE")
        .execute(pool)
        .await
        .unwrap();
    let doses = clients * per_client;
    println!(
        "registry: {clients} clients and {doses} doses at TX0001, loaded in {:.1} s",
        loading.elapsed().as_secs_f64()
    );

    // First download.
    let a = Workstation::new(&registry, "BENCH-A", "TX0001", "tx.provider").await;
    let a = Workstation {
        engine: a.engine.with_page_size(1_000),
        ..a
    };
    let started = Instant::now();
    let report = a.engine.sync_once().await.unwrap();
    let elapsed = started.elapsed();
    let state = replica::state(a.store()).await.unwrap().unwrap();
    let size = a.store().size_bytes().await.unwrap();
    println!(
        "first download: {} records in {:.1} s (waiting for the registry {:.1} s, applying {:.1} s; {:.0} doses/min, {:.0} records/s); replica {:.0} MiB, encrypted",
        report.downloaded,
        elapsed.as_secs_f64(),
        report.download_wait.as_secs_f64(),
        report.download_apply.as_secs_f64(),
        doses as f64 / elapsed.as_secs_f64() * 60.0,
        state.records_downloaded as f64 / elapsed.as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    assert!(state.snapshot_complete);

    // A dose on A, seen at B: A's round (push and pull) then B's round.
    let b = Workstation::new(&registry, "BENCH-B", "TX0001", "tx.supervisor").await;
    let b = Workstation {
        engine: b.engine.with_page_size(1_000),
        ..b
    };
    b.engine.sync_once().await.unwrap();
    let sample: Vec<ClientId> = shotbook_store::sqlx::query_scalar::<_, String>(
        "SELECT id FROM clients ORDER BY id LIMIT 20",
    )
    .fetch_all(a.store().pool())
    .await
    .unwrap()
    .into_iter()
    .map(|id| id.parse().unwrap())
    .collect();
    let mut seen = Vec::new();
    for client in &sample {
        a.record_historical(*client, "88", "10/15/2026").await;
        let t = Instant::now();
        a.engine.sync_once().await.unwrap();
        registry.settle().await;
        b.engine.sync_once().await.unwrap();
        seen.push(t.elapsed());
        assert_eq!(b.doses(*client).await.len() as i64, per_client + 1);
    }
    seen.sort();
    println!(
        "dose on A seen at B (A's round + settle + B's round), {} doses: median {:.0} ms, p95 {:.0} ms, max {:.0} ms (plus B's pull interval)",
        seen.len(),
        percentile(&seen, 0.5).as_secs_f64() * 1e3,
        percentile(&seen, 0.95).as_secs_f64() * 1e3,
        seen.last().unwrap().as_secs_f64() * 1e3
    );

    // Dose entry with and without a sync loop beside it.
    let entry = |with_sync: bool| {
        let a = &a;
        let sample = &sample;
        async move {
            let stop = std::sync::atomic::AtomicBool::new(false);
            let looping = async {
                while with_sync && !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = a.engine.sync_once().await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            };
            let timing = async {
                let mut times = Vec::new();
                for round in 0..5 {
                    for (i, client) in sample.iter().enumerate() {
                        let day = format!("{:02}/{:02}/2026", 1 + (round * 2 + i % 2), 1 + i);
                        let t = Instant::now();
                        a.record_historical(*client, "88", &day).await;
                        times.push(t.elapsed());
                    }
                }
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                times
            };
            let (_, mut times) = tokio::join!(looping, timing);
            times.sort();
            times
        }
    };
    let off = entry(false).await;
    let on = entry(true).await;
    let median = |t: &[Duration]| percentile(t, 0.5).as_secs_f64() * 1e3;
    let p95 = |t: &[Duration]| percentile(t, 0.95).as_secs_f64() * 1e3;
    println!(
        "dose entry, {} doses each: sync off median {:.2} ms p95 {:.2} ms; sync on median {:.2} ms p95 {:.2} ms ({:+.0} % median)",
        off.len(),
        median(&off),
        p95(&off),
        median(&on),
        p95(&on),
        (median(&on) / median(&off) - 1.0) * 100.0
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}
