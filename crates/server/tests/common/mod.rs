//! A registry server on a free loopback port over HTTPS (a development certificate made in
//! memory, trusted by the test client only), against a test's own PostgreSQL database.

#![allow(dead_code)] // each test binary uses its own part

pub mod smtp_sink;

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use shotbook_server::tokens::REFRESH_PROOF_PREFIX;

use shotbook_core::clock::SystemClock;
use shotbook_server::mail::{CourierSettings, SmtpRelay};
use shotbook_server::tokens::TokenKeys;
use shotbook_server::AppState;
use shotbook_server_store::PgRegistry;

/// A running server and a client that trusts its certificate.
pub struct Server {
    /// `https://127.0.0.1:PORT`.
    pub base: String,
    /// The client.
    pub client: reqwest::Client,
}

impl Server {
    /// Starts a server on `registry` with `keys`.
    pub async fn start_with(registry: PgRegistry, keys: Arc<TokenKeys>) -> Self {
        let certificate = shotbook_server::tls::dev_certificate(None).await.unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let state = AppState {
            registry,
            keys,
            clock: Arc::new(SystemClock),
        };
        tokio::spawn(shotbook_server::serve(listener, certificate.config, state));
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(
                certificate.certificate_pem.as_bytes(),
            )
            .unwrap()])
            .build()
            .unwrap();
        Self {
            base: format!("https://127.0.0.1:{}", address.port()),
            client,
        }
    }

    /// Starts a server on `registry` whose mail courier delivers to the SMTP relay at
    /// `smtp_url` (polling often, retrying soon: test pace).
    pub async fn start_with_mail(registry: PgRegistry, smtp_url: &str) -> Self {
        start_courier(&registry, smtp_url);
        Self::start(registry).await
    }

    /// Starts a server on `registry` with a key of its own.
    pub async fn start(registry: PgRegistry) -> Self {
        Self::start_with(registry, Arc::new(TokenKeys::ephemeral())).await
    }

    /// GET `path` (with a bearer token when given): status and JSON body.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await.unwrap()).await
    }

    /// POST `body` to `path`.
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await.unwrap()).await
    }
}

async fn answer(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or_default();
    (status, body)
}

/// Couriers for tests: quick polls and retries.
pub fn test_courier_settings() -> CourierSettings {
    CourierSettings {
        poll: Duration::from_millis(200),
        first_retry: Duration::from_millis(300),
        longest_retry: Duration::from_secs(1),
    }
}

/// Starts a mail courier (as a server process does) on `registry`, to `smtp_url`.
pub fn start_courier(registry: &PgRegistry, smtp_url: &str) -> tokio::task::JoinHandle<()> {
    let relay = SmtpRelay::from_url(smtp_url, shotbook_server::mail::DEFAULT_FROM).unwrap();
    shotbook_server::mail::spawn_courier(registry.clone(), Arc::new(relay), test_courier_settings())
}

/// A device: its key pair.
pub struct Device(SigningKey);

impl Device {
    /// A new random key pair.
    pub fn new() -> Self {
        let mut seed = [0u8; 32];
        rand::fill(&mut seed);
        Self(SigningKey::from_bytes(&seed))
    }

    /// Its public key, base64url.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.verifying_key().to_bytes())
    }

    /// Its signature over a refresh token, as `POST /v1/tokens/refresh` wants it.
    pub fn proof(&self, refresh_token: &str) -> String {
        let message = format!("{REFRESH_PROOF_PREFIX}{refresh_token}");
        URL_SAFE_NO_PAD.encode(self.0.sign(message.as_bytes()).to_bytes())
    }
}

/// A sign-in request from `device`, the confidentiality statement accepted.
pub fn sign_in_body(org: &str, username: &str, password: &str, device: &Device) -> Value {
    json!({
        "organizationCode": org,
        "username": username,
        "password": password,
        "device": { "publicKey": device.public_key(), "name": "FRONT-DESK-1" },
        "acceptConfidentiality": true,
    })
}

/// An access token for a demo user (the demo password) signed in from a new device.
pub async fn access_token(server: &Server, org: &str, username: &str) -> String {
    let body = sign_in_body(
        org,
        username,
        shotbook_synth::demo::DEMO_PASSWORD,
        &Device::new(),
    );
    let (status, tokens) = server.post("/v1/sign-in", None, &body).await;
    assert_eq!(status, 200, "{tokens}");
    tokens["accessToken"].as_str().unwrap().to_string()
}

/// NIST IZ-AD-2.1 (an adult: a Td given, two influenza doses historical).
pub const IZ_AD_2_1: &str = "01-vxu-z22-nist-iz-ad-2.1.hl7";
/// NIST IZ-001 (a child: one influenza dose, her mother as NK1).
pub const IZ_001: &str = "02-vxu-nist-iz-001-child.hl7";

/// A sample message from `../shared/data/hl7/`.
pub fn hl7_sample(name: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/hl7")
        .join(name);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}
