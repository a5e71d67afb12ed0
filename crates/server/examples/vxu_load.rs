//! VXU load on loopback: a registry server on a fresh PostgreSQL database, and an EHR sending
//! VXU^V04 messages over HTTPS at a fixed rate (or as fast as `--concurrency` allows with
//! `--rate 0`), each a new patient with three doses (NIST IZ-AD-2.1's shape). Prints
//! throughput and VXU→ACK latency percentiles. Bounded: `--messages` messages, then it stops
//! and drops its database.
//!
//! ```text
//! cargo run --release -p shotbook-server --example vxu_load -- --messages 1000 --rate 50
//! ```
//! (PostgreSQL: `SHOTBOOK_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`.)

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use shotbook_server_store::test_database::TestDatabase;
use shotbook_synth::demo::DEMO_PASSWORD;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

use common::{sign_in_body, Device, Server};

const TEMPLATE: &str = "../../../shared/data/hl7/01-vxu-z22-nist-iz-ad-2.1.hl7";
const GIVEN: [&str; 16] = [
    "Elise",
    "Mateo",
    "Sofia",
    "Liam",
    "Camila",
    "Noah",
    "Valentina",
    "Ethan",
    "Isabella",
    "Lucas",
    "Mia",
    "Diego",
    "Amelia",
    "Santiago",
    "Harper",
    "Gabriel",
];
const FAMILY: [&str; 16] = [
    "Wong",
    "Garcia",
    "Running Crane",
    "Nguyen",
    "Martinez",
    "Olsen",
    "Hernandez",
    "Begay",
    "Lopez",
    "Schmidt",
    "Rodriguez",
    "Little Bear",
    "Gonzalez",
    "Peterson",
    "Ramirez",
    "Yazzie",
];

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Message `i`: a patient of their own (name and birth date vary), control ID `LOAD-i`.
fn message(template: &str, i: u64) -> String {
    let given = GIVEN[(i % 16) as usize];
    let family = FAMILY[((i / 16) % 16) as usize];
    let born =
        time::macros::date!(1990 - 01 - 01) + time::Duration::days((i / 256 * 7 + i % 7) as i64);
    let dob = format!(
        "{:04}{:02}{:02}",
        born.year(),
        u8::from(born.month()),
        born.day()
    );
    template
        .replace("Wong^Elise^^^^^L", &format!("{family}^{given}^^^^^L"))
        .replace("|19830615|F|", &format!("|{dob}|F|"))
        .replace("NIST-IZ-AD-2.1_Send_V04_Z22", &format!("LOAD-{i}"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let messages = arg("--messages", 1000);
    let rate = arg("--rate", 50);
    let concurrency = arg("--concurrency", 16) as usize;
    let template =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATE))
            .expect("NIST IZ-AD-2.1 sample");

    let db = TestDatabase::create("vxu-load")
        .await
        .expect("a test database");
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .expect("demo users");
    // The test database's pool is small; the server gets one sized like production's.
    let registry = shotbook_server_store::PgRegistry::connect(&db.url(), "registry")
        .await
        .expect("a pool");
    let server = Arc::new(Server::start(registry).await);
    let body = sign_in_body("MT0001", "mt.records", DEMO_PASSWORD, &Device::new());
    let (status, tokens) = server.post("/v1/sign-in", None, &body).await;
    assert_eq!(status, 200, "{tokens}");
    let token = Arc::new(tokens["accessToken"].as_str().unwrap().to_string());

    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..messages {
        if rate > 0 {
            let due = started + Duration::from_secs_f64(i as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
        let permit = gate.clone().acquire_owned().await.unwrap();
        let (server, token, text) = (server.clone(), token.clone(), message(&template, i));
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let response = server
                .client
                .post(format!("{}/v1/hl7/vxu", server.base))
                .bearer_auth(token.as_str())
                .body(text)
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let ack = response.text().await.unwrap_or_default();
            drop(permit);
            let code = ack
                .split('\r')
                .find(|s| s.starts_with("MSA|"))
                .and_then(|s| s.split('|').nth(1))
                .unwrap_or("-")
                .to_string();
            (sent.elapsed(), status, code)
        }));
    }
    let mut latencies = Vec::new();
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for task in tasks {
        let (latency, status, code) = task.await.unwrap();
        latencies.push(latency);
        *codes.entry(format!("{status} {code}")).or_default() += 1;
    }
    let wall = started.elapsed();
    latencies.sort();
    let (clients, doses): (i64, i64) = sqlx_counts(&db).await;
    println!(
        "VXU load: {messages} messages, target rate {}, concurrency {concurrency}",
        if rate == 0 {
            "unbounded".to_string()
        } else {
            format!("{rate}/s")
        }
    );
    println!(
        "  wall {:.1} s, throughput {:.1} msg/s",
        wall.as_secs_f64(),
        messages as f64 / wall.as_secs_f64()
    );
    println!(
        "  VXU→ACK latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!("  answers {codes:?}; registry now holds {clients} clients, {doses} doses");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "  load average {}",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

async fn sqlx_counts(db: &TestDatabase) -> (i64, i64) {
    let pool = db.registry().pool();
    let clients: (i64,) = shotbook_server_store::sqlx::query_as("SELECT count(*) FROM clients")
        .fetch_one(pool)
        .await
        .unwrap();
    let doses: (i64,) = shotbook_server_store::sqlx::query_as("SELECT count(*) FROM immunizations")
        .fetch_one(pool)
        .await
        .unwrap();
    (clients.0, doses.0)
}
