//! The registry server over HTTPS: the sync endpoints, and a device's signed-in session whose
//! access token is refreshed with the device key's proof.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shotbook_protocol::{
    PullPage, PullRequest, PushBatch, PushOutcome, SnapshotPage, SnapshotRequest, SyncStatus,
};
use time::OffsetDateTime;
use tokio::sync::Mutex;

use crate::SyncError;

/// This workstation's device key as the credential store keeps it (base64url of the 32-byte
/// Ed25519 seed).
pub fn encode_device_key(key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(key.to_bytes())
}

/// A device key read back from [`encode_device_key`]'s text.
pub fn decode_device_key(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// A new random device key.
pub fn new_device_key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom_fill(&mut seed);
    SigningKey::from_bytes(&seed)
}

fn getrandom_fill(seed: &mut [u8; 32]) {
    use rand::RngCore;
    rand::rng().fill_bytes(seed);
}

/// What the device signs to spend a refresh token (the server's `REFRESH_PROOF_PREFIX`).
const REFRESH_PROOF_PREFIX: &str = "shotbook-refresh-v1\n";

/// The registry's error body (`code` is stable).
#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: String,
    #[serde(default)]
    message: String,
}

/// One registry server.
#[derive(Debug, Clone)]
pub struct RegistryClient {
    base: String,
    http: reqwest::Client,
}

impl RegistryClient {
    /// A client of the registry at `base` (`https://registry.example.org`), trusting the
    /// platform's roots, or only `trusted_pem` when given (a registry's own or a development
    /// certificate).
    pub fn new(base: &str, trusted_pem: Option<&str>) -> Result<Self, SyncError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .https_only(true);
        if let Some(pem) = trusted_pem {
            let certificate = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|_| SyncError::Configuration("the registry certificate does not read"))?;
            builder = builder.tls_certs_only([certificate]);
        }
        let http = builder
            .build()
            .map_err(|_| SyncError::Configuration("the HTTPS client cannot start"))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }

    /// The registry's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let response = request.send().await.map_err(|e| {
            tracing::debug!(error = %e, "the registry did not answer");
            SyncError::Offline
        })?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|e| {
                tracing::warn!(error = %e, "the registry's answer does not read");
                SyncError::Registry {
                    status: status.as_u16(),
                    code: "unreadable_answer".into(),
                }
            });
        }
        let body: Option<ErrorBody> = response.json().await.ok();
        let code = body.as_ref().map(|b| b.code.clone()).unwrap_or_default();
        Err(match status.as_u16() {
            401 => SyncError::Unauthenticated(code),
            403 => SyncError::Forbidden(code),
            409 if code == "version_mismatch" => SyncError::VersionMismatch(
                body.map(|b| b.message)
                    .unwrap_or_else(|| "the registry speaks another sync protocol".into()),
            ),
            // A proxy's or load balancer's failure means the registry was not reached.
            502..=504 => SyncError::Offline,
            status => SyncError::Registry { status, code },
        })
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T, SyncError> {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// `GET /v1/sync/status`.
    pub async fn status(&self, token: &str) -> Result<SyncStatus, SyncError> {
        self.send(
            self.http
                .get(format!("{}/v1/sync/status", self.base))
                .bearer_auth(token),
        )
        .await
    }

    /// `POST /v1/sync/snapshot`.
    pub async fn snapshot(
        &self,
        token: &str,
        request: &SnapshotRequest,
    ) -> Result<SnapshotPage, SyncError> {
        self.post("/v1/sync/snapshot", Some(token), request).await
    }

    /// `POST /v1/sync/pull`.
    pub async fn pull(&self, token: &str, request: &PullRequest) -> Result<PullPage, SyncError> {
        self.post("/v1/sync/pull", Some(token), request).await
    }

    /// `POST /v1/sync/push`.
    pub async fn push(&self, token: &str, batch: &PushBatch) -> Result<PushOutcome, SyncError> {
        self.post("/v1/sync/push", Some(token), batch).await
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInBody<'a> {
    organization_code: &'a str,
    username: &'a str,
    password: &'a str,
    device: DeviceBody<'a>,
    accept_confidentiality: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceBody<'a> {
    public_key: String,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefreshBody<'a> {
    refresh_token: &'a str,
    device_proof: String,
}

/// The registry's token pair.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tokens {
    access_token: String,
    #[serde(with = "time::serde::rfc3339")]
    access_token_expires_at: OffsetDateTime,
    refresh_token: String,
    user: SignedInUser,
}

/// Who signed in, as the registry says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedInUser {
    /// The user's id.
    pub user_id: String,
    /// Their username.
    pub username: String,
    /// The organization's id.
    pub organization_id: String,
    /// Its code.
    pub organization_code: String,
    /// The role's code.
    pub role: String,
}

struct Pair {
    access: String,
    expires_at: OffsetDateTime,
    refresh: String,
}

/// A user signed in at the registry from this workstation: the device key that enrolled it
/// and the current token pair. The password is used once, at sign-in, and never kept.
pub struct DeviceSession {
    registry: RegistryClient,
    device: SigningKey,
    pair: Mutex<Pair>,
    user: SignedInUser,
}

impl DeviceSession {
    /// Signs in at the registry with the organization code, username and password, enrolling
    /// (or reusing) `device` as this workstation's key.
    pub async fn sign_in(
        registry: RegistryClient,
        device: SigningKey,
        workstation: &str,
        organization_code: &str,
        username: &str,
        password: &str,
    ) -> Result<Self, SyncError> {
        let body = SignInBody {
            organization_code,
            username,
            password,
            device: DeviceBody {
                public_key: URL_SAFE_NO_PAD.encode(device.verifying_key().to_bytes()),
                name: workstation,
            },
            accept_confidentiality: true,
        };
        let tokens: Tokens = registry.post("/v1/sign-in", None, &body).await?;
        Ok(Self {
            registry,
            device,
            user: tokens.user,
            pair: Mutex::new(Pair {
                access: tokens.access_token,
                expires_at: tokens.access_token_expires_at,
                refresh: tokens.refresh_token,
            }),
        })
    }

    /// Who is signed in.
    pub fn user(&self) -> &SignedInUser {
        &self.user
    }

    /// The registry.
    pub fn registry(&self) -> &RegistryClient {
        &self.registry
    }

    /// Forgets the current access token, so the next request refreshes it (the registry
    /// refused it: its key was rotated, or it was revoked).
    pub async fn invalidate(&self) {
        self.pair.lock().await.expires_at = OffsetDateTime::UNIX_EPOCH;
    }

    /// An access token good for at least the next 30 seconds, refreshed with the device's
    /// proof when the current one is about to expire.
    pub async fn access_token(&self) -> Result<String, SyncError> {
        let mut pair = self.pair.lock().await;
        if pair.expires_at - OffsetDateTime::now_utc() > time::Duration::seconds(30) {
            return Ok(pair.access.clone());
        }
        let proof = self
            .device
            .sign(format!("{REFRESH_PROOF_PREFIX}{}", pair.refresh).as_bytes());
        let body = RefreshBody {
            refresh_token: &pair.refresh,
            device_proof: URL_SAFE_NO_PAD.encode(proof.to_bytes()),
        };
        let tokens: Tokens = self
            .registry
            .post("/v1/tokens/refresh", None, &body)
            .await?;
        *pair = Pair {
            access: tokens.access_token,
            expires_at: tokens.access_token_expires_at,
            refresh: tokens.refresh_token,
        };
        Ok(pair.access.clone())
    }
}
