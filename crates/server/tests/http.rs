//! The server over HTTP on loopback against its own PostgreSQL database: health, readiness,
//! and the demo seed.

use shotbook_server::demo::{self, Seeded};
use shotbook_server::AppState;
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{sqlx, PgRegistry};
use time::macros::datetime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Starts the server on a free loopback port; returns its address.
async fn spawn(registry: PgRegistry) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(shotbook_server::serve(listener, AppState { registry }));
    address
}

/// A plain HTTP/1.1 GET (no client library: the server speaks HTTP/1.1 on loopback); returns
/// the status and the body.
async fn get(address: std::net::SocketAddr, path: &str) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status: u16 = response[9..12].parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or_default())
}

#[tokio::test]
async fn health_and_readiness_answer_on_a_migrated_registry() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let address = spawn(db.registry().clone()).await;
    assert_eq!(
        get(address, "/health").await,
        (200, serde_json::json!({ "status": "ok" }))
    );
    assert_eq!(
        get(address, "/ready").await,
        (200, serde_json::json!({ "status": "ready" }))
    );
    assert_eq!(get(address, "/no-such-route").await.0, 404);
}

#[tokio::test]
async fn a_registry_with_a_migration_missing_is_not_ready_but_healthy() {
    let db = TestDatabase::create("http-test").await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(db.registry().pool())
        .await
        .unwrap();
    let address = spawn(db.registry().clone()).await;
    assert_eq!(get(address, "/health").await.0, 200);
    let (status, body) = get(address, "/ready").await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "not ready");
}

#[tokio::test]
async fn a_registry_whose_database_is_gone_is_not_ready() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let registry = db.registry().clone();
    registry.pool().close().await;
    let address = spawn(registry).await;
    let (status, body) = get(address, "/ready").await;
    assert_eq!(status, 503);
    assert_eq!(body["reason"], "the database does not answer");
}

#[tokio::test]
async fn the_demo_is_seeded_once_with_every_demo_login() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let r = db.registry();
    let now = datetime!(2026-12-06 10:00 UTC);
    let Seeded::Created {
        organizations,
        users,
    } = demo::seed(r, now).await.unwrap()
    else {
        panic!("a registry without users is seeded");
    };
    assert_eq!(organizations, shotbook_synth_organizations());
    assert_eq!(demo::seed(r, now).await.unwrap(), Seeded::AlreadySeeded);
    let (float_roles,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'tx.float'",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert_eq!(float_roles, 2, "tx.float works at TX0001 and TX0002");
    let (counted,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(r.pool())
        .await
        .unwrap();
    assert_eq!(counted as usize, users);
    // The README's logins sign in with the published password.
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE username = 'mt.registry'")
            .fetch_one(r.pool())
            .await
            .unwrap();
    assert!(shotbook_core::password::verify_password(
        "Shotbook-Demo-2026",
        &hash
    ));
    let (hsr7,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM organization_service_counties s JOIN organizations o ON o.id = s.organization_id
         WHERE o.code = 'TXHSR7'",
    )
    .fetch_one(r.pool())
    .await
    .unwrap();
    assert!(
        hsr7 > 10,
        "Health Service Region 7 serves its counties: {hsr7}"
    );
}

fn shotbook_synth_organizations() -> usize {
    shotbook_synth::demo::DEMO_ORGANIZATIONS.len()
}
