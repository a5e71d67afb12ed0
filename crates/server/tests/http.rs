//! The server over HTTPS on loopback against its own PostgreSQL database: health, readiness,
//! and the demo seed.

mod common;

use shotbook_server::demo::{self, Seeded};
use shotbook_server_store::sqlx;
use shotbook_server_store::test_database::TestDatabase;

use common::Server;
use time::macros::datetime;

#[tokio::test]
async fn health_and_readiness_answer_on_a_migrated_registry() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let server = Server::start(db.registry().clone()).await;
    assert_eq!(
        server.get("/health", None).await,
        (200, serde_json::json!({ "status": "ok" }))
    );
    assert_eq!(
        server.get("/ready", None).await,
        (200, serde_json::json!({ "status": "ready" }))
    );
    assert_eq!(server.get("/no-such-route", None).await.0, 404);
}

#[tokio::test]
async fn a_registry_with_a_migration_missing_is_not_ready_but_healthy() {
    let db = TestDatabase::create("http-test").await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(db.registry().pool())
        .await
        .unwrap();
    let server = Server::start(db.registry().clone()).await;
    assert_eq!(server.get("/health", None).await.0, 200);
    let (status, body) = server.get("/ready", None).await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "not ready");
}

#[tokio::test]
async fn a_registry_whose_database_is_gone_is_not_ready() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let registry = db.registry().clone();
    registry.pool().close().await;
    let server = Server::start(registry).await;
    let (status, body) = server.get("/ready", None).await;
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

/// The OpenAPI document is generated from the code; the committed copy (`docs/api/openapi.json`,
/// for integrators and the API fuzzer) must be that document. `UPDATE_OPENAPI=1` rewrites it.
#[test]
fn the_committed_openapi_document_is_the_generated_one() {
    let generated = shotbook_server::openapi::document_json() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api")).unwrap();
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/api/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p shotbook-server --test http`"
    );
}

/// Every path the document lists is served (none answers 404 or 405 to its documented method),
/// and the document is served at `/v1/openapi.json` as committed.
#[tokio::test]
async fn every_documented_path_is_served() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let server = Server::start(db.registry().clone()).await;
    let (status, served) = server.get("/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    let document: serde_json::Value =
        serde_json::from_str(&shotbook_server::openapi::document_json()).unwrap();
    assert_eq!(served, document);
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 8, "{:?}", paths.keys());
    for (path, operations) in paths {
        let concrete = path.replace("{id}", "01a24e14-b4a8-76ef-a81b-a99c948f9e2e");
        for method in operations.as_object().unwrap().keys() {
            let url = format!("{}{concrete}", server.base);
            let request = match method.as_str() {
                "get" => server.client.get(url),
                "post" => server.client.post(url).json(&serde_json::json!({})),
                other => panic!("undocumented method {other}"),
            };
            let status = request.send().await.unwrap().status().as_u16();
            assert!(
                status != 404 && status != 405,
                "{method} {path} answered {status}"
            );
        }
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_read_the_mail_queue() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let server = Server::start(db.registry().clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum_serve(listener, db.registry().clone()));

    let client_id = "0190f1e4-0000-7000-8000-00000000abcd";
    let (status, _) = server
        .get(&format!("/v1/clients/{client_id}/immunizations"), None)
        .await;
    assert_eq!(status, 401);
    server.get("/health", None).await;

    let text = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"shotbook_http_request_duration_seconds_count{method="GET",route="/v1/clients/{id}/immunizations",status="401"}"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="/health",status="200""#), "{text}");
    assert!(text.contains("shotbook_mail_queue_waiting 0"), "{text}");
    assert!(
        text.contains("shotbook_database_pool_connections"),
        "{text}"
    );
    // A path's values never become a label.
    assert!(!text.contains(client_id), "{text}");
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    registry: shotbook_server_store::PgRegistry,
) {
    axum::serve(listener, shotbook_server::metrics::router(registry))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_body_that_is_not_the_json_asked_for_gets_the_error_shape() {
    let db = TestDatabase::create("http-test").await.unwrap();
    let server = Server::start(db.registry().clone()).await;
    for body in [
        serde_json::json!({ "organizationCode": "TX0001" }),
        serde_json::json!([1, 2, 3]),
        serde_json::json!({ "requestNumber": 7, "code": "x" }),
    ] {
        for path in ["/v1/sign-in", "/v1/user-agreements/open"] {
            let (status, answer) = server.post(path, None, &body).await;
            assert_eq!(status, 400, "{path} {body}: {answer}");
            assert_eq!(answer["code"], "bad_json", "{path} {body}: {answer}");
            assert!(!answer["message"].as_str().unwrap().is_empty());
        }
    }
}
