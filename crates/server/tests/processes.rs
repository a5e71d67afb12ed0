//! Two `shotbook-server` operating-system processes (the built binary, as a load balancer would
//! run them) on one PostgreSQL registry, sharing nothing but the database and the token key:
//! one user's requests alternate between them, and each process refuses what the other revoked.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use shotbook_server::tokens::{TokenKeys, REFRESH_PROOF_PREFIX};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_synth::demo::DEMO_PASSWORD;
use time::OffsetDateTime;

/// A server process, stopped when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn spawn(database_url: &str, token_key: &str, certificate: &Path) -> Process {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_shotbook-server"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--dev-certificate")
        .arg(certificate)
        .env("DATABASE_URL", database_url)
        .env("SHOTBOOK_TOKEN_KEY", token_key)
        .env_remove("SHOTBOOK_SMTP_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    Process {
        child,
        base: format!("https://127.0.0.1:{port}"),
    }
}

/// A client trusting both processes' development certificates, once each answers `/ready`.
async fn client_for(processes: &[&Process], certificates: &[&Path]) -> reqwest::Client {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut trusted = Vec::new();
    for certificate in certificates {
        while !certificate.exists() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no certificate in 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let pem = std::fs::read(certificate).unwrap();
        trusted.push(reqwest::Certificate::from_pem(&pem).unwrap());
    }
    let client = reqwest::Client::builder()
        .tls_certs_only(trusted)
        .build()
        .unwrap();
    for process in processes {
        loop {
            let ready = client.get(format!("{}/ready", process.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} not ready in 30 s",
                process.base
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    client
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or_default(),
    )
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> u16 {
    client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn two_server_processes_serve_one_users_requests_alternately() {
    let db = TestDatabase::create("process-test").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    let folder = std::env::temp_dir().join(format!("shotbook-processes-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&folder).unwrap();
    let (cert_a, cert_b) = (folder.join("a.pem"), folder.join("b.pem"));
    let key = TokenKeys::new_key_text();
    let a = spawn(&db.url(), &key, &cert_a);
    let b = spawn(&db.url(), &key, &cert_b);
    let client = client_for(&[&a, &b], &[&cert_a, &cert_b]).await;

    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let device = SigningKey::from_bytes(&seed);
    let sign_in = json!({
        "organizationCode": "TX0001",
        "username": "tx.provider",
        "password": DEMO_PASSWORD,
        "device": {
            "publicKey": URL_SAFE_NO_PAD.encode(device.verifying_key().to_bytes()),
            "name": "FRONT-DESK-1",
        },
        "acceptConfidentiality": true,
    });
    let (status, tokens) = post(&client, format!("{}/v1/sign-in", a.base), None, &sign_in).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["accessToken"].as_str().unwrap().to_string();
    let refresh = tokens["refreshToken"].as_str().unwrap().to_string();

    // The token of one process works at the other, and back.
    assert_eq!(
        get(&client, format!("{}/v1/me", b.base), &access).await,
        200
    );
    assert_eq!(
        get(&client, format!("{}/v1/me", a.base), &access).await,
        200
    );

    // Refreshed at B with the device's proof; the spent token is refused at A.
    let proof = |token: &str| {
        URL_SAFE_NO_PAD.encode(
            device
                .sign(format!("{REFRESH_PROOF_PREFIX}{token}").as_bytes())
                .to_bytes(),
        )
    };
    let body = json!({ "refreshToken": refresh, "deviceProof": proof(&refresh) });
    let (status, renewed) = post(
        &client,
        format!("{}/v1/tokens/refresh", b.base),
        None,
        &body,
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let (status, replay) = post(
        &client,
        format!("{}/v1/tokens/refresh", a.base),
        None,
        &body,
    )
    .await;
    assert_eq!(
        (status, replay["code"].as_str()),
        (401, Some("refresh_token_replayed"))
    );

    // The replay at A revoked the sign-in for B too: B refuses the renewed refresh token. (The
    // renewed access token lives out its ten minutes: access tokens are not looked up.)
    let newest = renewed["refreshToken"].as_str().unwrap();
    let body = json!({ "refreshToken": newest, "deviceProof": proof(newest) });
    let (status, refused) = post(
        &client,
        format!("{}/v1/tokens/refresh", b.base),
        None,
        &body,
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (401, Some("refresh_token_invalid"))
    );
    drop((a, b));
    let _ = std::fs::remove_dir_all(&folder);
}
