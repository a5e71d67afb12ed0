//! The workstation connected to a registry server (issue 15): sign-in goes to the registry
//! first when one is configured (its ladder and its accounts decide), the replica is kept
//! current by a background loop, and the menu bar shows where sync stands. With no registry
//! configured (standalone, `--demo`) nothing here runs and everything works as before.
//!
//! Offline: a user the registry signed in on this workstation within the window (7 days by
//! default) signs in against the verifier cached then; the password is kept in memory (never
//! on disk) until the registry answers again, to sign in there and resume syncing.

use std::sync::Arc;

use serde::Serialize;
use shotbook_store::replica::{self, OfflineSignIn};
use shotbook_sync::{DeviceSession, RegistryClient, SyncEngine, SyncError};
use time::OffsetDateTime;
use tokio::sync::{Mutex, Notify, RwLock};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult};
use crate::AppContext;

/// The credential-store entry holding this workstation's device key.
const DEVICE_KEY_ENTRY: &str = "registry-device-key";

/// Where the registry is and how this workstation syncs with it.
#[derive(Debug, Clone)]
pub struct RegistrySettings {
    /// Base URL (`https://registry.example.org`).
    pub url: String,
    /// A certificate to trust instead of the platform's roots (a registry's own CA, or the
    /// development server's certificate).
    pub certificate_pem: Option<String>,
    /// How long after the registry last confirmed a password it may be used offline.
    pub offline_window: time::Duration,
    /// Time between sync rounds while signed in.
    pub pull_interval: std::time::Duration,
}

impl RegistrySettings {
    /// Defaults for `url`: a 7-day offline window and a round every 2 seconds (a dose given at
    /// one clinic shows at another within about two rounds; an idle round costs two small
    /// requests and writes nothing locally).
    pub fn new(url: &str) -> Self {
        Self {
            url: url.trim().to_string(),
            certificate_pem: None,
            offline_window: time::Duration::days(7),
            pull_interval: std::time::Duration::from_secs(2),
        }
    }
}

/// The connection's state in the context.
#[derive(Default)]
pub(crate) struct SyncLink {
    engine: RwLock<Option<Arc<SyncEngine>>>,
    /// Set while signed in offline: the password to sign in at the registry with once it
    /// answers (in memory only, wiped on drop).
    waiting_sign_in: Mutex<Option<PendingRegistrySignIn>>,
    wake: Notify,
}

impl std::fmt::Debug for SyncLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncLink")
    }
}

struct PendingRegistrySignIn {
    organization_code: String,
    username: String,
    password: Zeroizing<String>,
}

fn device_key(ctx: &AppContext) -> shotbook_sync::DeviceKey {
    let secrets = ctx.secrets();
    if let Ok(Some(text)) = secrets.get(DEVICE_KEY_ENTRY) {
        if let Some(key) = shotbook_sync::decode_device_key(&text) {
            return key;
        }
    }
    let key = shotbook_sync::new_device_key();
    if let Err(e) = secrets.set(DEVICE_KEY_ENTRY, &shotbook_sync::encode_device_key(&key)) {
        // Without a credential store the workstation enrolls a new device at each start.
        tracing::warn!(error = %e, "the device key cannot be kept; this start enrolls a new one");
    }
    key
}

fn registry_error(e: SyncError) -> AppError {
    match e {
        SyncError::Unauthenticated(code) => match code.as_str() {
            "invalid_credentials" => AppError::InvalidCredentials,
            "account_locked" => AppError::AccountLocked,
            "account_inactive" => AppError::AccountInactive,
            "access_ended" => AppError::AccessEnded,
            "temporary_password_expired" => AppError::TemporaryPasswordExpired,
            other => AppError::Registry {
                reason: if other.is_empty() {
                    "unauthenticated".into()
                } else {
                    other.to_string()
                },
            },
        },
        SyncError::Storage(e) => AppError::internal(e),
        other => AppError::Registry {
            reason: other.code().to_string(),
        },
    }
}

/// Before the local ladder: with a registry configured, the registry checks the credentials
/// (its ladder, its accounts). Accepted: the account is cached for offline sign-in, the
/// replica is connected and its reference data downloaded, and syncing starts. The registry
/// unreachable: the local ladder runs only for a user it confirmed here within the window.
pub(crate) async fn sign_in_at_registry(
    ctx: &AppContext,
    organization_code: &str,
    username: &str,
    password: &str,
) -> AppResult<()> {
    let Some(settings) = ctx.registry_settings() else {
        return Ok(());
    };
    let client = RegistryClient::new(&settings.url, settings.certificate_pem.as_deref())
        .map_err(registry_error)?;
    let link = ctx.sync_link();
    match DeviceSession::sign_in(
        client,
        device_key(ctx),
        ctx.workstation(),
        organization_code,
        username,
        password,
    )
    .await
    {
        Ok(session) => {
            let engine = SyncEngine::new(ctx.store().clone(), session, ctx.workstation());
            engine
                .remember_user(password)
                .await
                .map_err(registry_error)?;
            engine.prepare().await.map_err(registry_error)?;
            *link.engine.write().await = Some(Arc::new(engine));
            *link.waiting_sign_in.lock().await = None;
            link.wake.notify_one();
            Ok(())
        }
        Err(SyncError::Offline) => {
            let now = ctx.clock().now();
            match replica::offline_sign_in_allowed(
                ctx.store(),
                organization_code,
                username,
                settings.offline_window,
                now,
            )
            .await?
            {
                OfflineSignIn::Allowed { .. } => {
                    replica::record_contact(ctx.store(), Err("offline"), now).await?;
                    *link.engine.write().await = None;
                    *link.waiting_sign_in.lock().await = Some(PendingRegistrySignIn {
                        organization_code: organization_code.to_string(),
                        username: username.to_string(),
                        password: Zeroizing::new(password.to_string()),
                    });
                    Ok(())
                }
                OfflineSignIn::TooLongAgo { .. } => Err(AppError::Registry {
                    reason: "offline_window_passed".into(),
                }),
                OfflineSignIn::NeverHere => Err(AppError::Registry {
                    reason: "offline_never_signed_in_here".into(),
                }),
            }
        }
        Err(e) => Err(registry_error(e)),
    }
}

/// Stops syncing for the user who signs out (the replica and its outbox stay; the next
/// sign-in resumes).
pub(crate) async fn sign_out(ctx: &AppContext) {
    let link = ctx.sync_link();
    *link.engine.write().await = None;
    *link.waiting_sign_in.lock().await = None;
}

/// One round now, if signed in at the registry; a user signed in offline is signed in at the
/// registry first when it answers.
pub async fn sync_now(ctx: &AppContext) -> AppResult<SyncStatusView> {
    ctx.require(shotbook_core::permission::Permission::ManageOwnAccount)
        .await?;
    run_round(ctx).await;
    status(ctx).await
}

async fn run_round(ctx: &AppContext) {
    let link = ctx.sync_link();
    let waiting = link.waiting_sign_in.lock().await.take();
    if let Some(pending) = waiting {
        match sign_in_at_registry(
            ctx,
            &pending.organization_code,
            &pending.username,
            &pending.password,
        )
        .await
        {
            Ok(()) if link.engine.read().await.is_some() => {}
            Ok(()) => {
                // Still offline: sign_in_at_registry kept the password waiting again.
                return;
            }
            Err(e) => {
                // The registry refused what it confirmed before (password changed, access
                // ended): the offline session goes on, and nothing more is tried with it.
                tracing::warn!(code = ?e, "the registry refused the offline user's sign-in");
                return;
            }
        }
    }
    let engine = link.engine.read().await.clone();
    if let Some(engine) = engine {
        match engine.sync_once().await {
            Ok(report) => tracing::debug!(
                pushed = report.pushed,
                pulled = report.pulled,
                downloaded = report.downloaded,
                "sync round"
            ),
            Err(e) => tracing::info!(code = e.code(), "sync round stopped"),
        }
    }
}

/// Runs sync rounds every `pull_interval` (and at once when woken) for as long as it is
/// polled; returns at once in standalone mode. The host runs it once, in the background.
pub async fn run_sync_loop(ctx: &AppContext) {
    let Some(settings) = ctx.registry_settings() else {
        return;
    };
    loop {
        let link = ctx.sync_link();
        let _ = tokio::time::timeout(settings.pull_interval, link.wake.notified()).await;
        run_round(ctx).await;
    }
}

/// Where sync stands, for the menu bar.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusView {
    /// `standalone` (no registry), `not_connected` (nobody signed in at the registry yet),
    /// `downloading`, `synced`, `waiting` (changes wait to be sent), `offline`.
    pub state: String,
    /// The registry's address.
    pub registry: Option<String>,
    /// Changes made here that the registry has not settled.
    pub waiting: i32,
    /// Records the first download applied so far.
    pub downloaded: i32,
    /// Since when the registry has not answered (RFC 3339).
    pub offline_since: Option<String>,
    /// Last round that reached the registry.
    pub last_contact_at: Option<String>,
    /// Stable code of the last failure.
    pub last_error: Option<String>,
    /// Changes the registry refused or that met a conflict, not yet reviewed.
    pub needs_review: i32,
}

/// Where sync stands (no client data: counts and times).
pub async fn status(ctx: &AppContext) -> AppResult<SyncStatusView> {
    let Some(settings) = ctx.registry_settings() else {
        return Ok(SyncStatusView {
            state: "standalone".into(),
            registry: None,
            waiting: 0,
            downloaded: 0,
            offline_since: None,
            last_contact_at: None,
            last_error: None,
            needs_review: 0,
        });
    };
    let store = ctx.store();
    let Some(state) = replica::state(store).await? else {
        return Ok(SyncStatusView {
            state: "not_connected".into(),
            registry: Some(settings.url.clone()),
            waiting: 0,
            downloaded: 0,
            offline_since: None,
            last_contact_at: None,
            last_error: None,
            needs_review: 0,
        });
    };
    let waiting = replica::unsettled_count(store).await?;
    let needs_review = replica::open_conflicts(store).await?.len();
    let label = if state.offline_since.is_some() {
        "offline"
    } else if !state.snapshot_complete || state.last_contact_at.is_none() {
        // The round that finishes the first download records the contact when it ends: until
        // then it is still downloading, not "Synced" at no time.
        "downloading"
    } else if waiting > 0 {
        "waiting"
    } else {
        "synced"
    };
    Ok(SyncStatusView {
        state: label.into(),
        registry: Some(state.registry),
        waiting: i32::try_from(waiting).unwrap_or(i32::MAX),
        downloaded: i32::try_from(state.records_downloaded).unwrap_or(i32::MAX),
        offline_since: state.offline_since,
        last_contact_at: state.last_contact_at,
        last_error: state.last_error,
        needs_review: i32::try_from(needs_review).unwrap_or(i32::MAX),
    })
}

/// One change the registry did not take as sent, for "Needs review".
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncConflictView {
    /// Its outbox position (the id to mark it reviewed with).
    pub seq: i32,
    /// What kind of record (`immunization`, `client_note` …).
    pub entity: String,
    /// The client's id, to open the record (opening it is audited as any view).
    pub client_id: Option<String>,
    /// `refused`, `stale_revision`, `voided`, `moved_to_survivor`.
    pub kind: String,
    /// Why, as a stable code (`not_pushable`, `invalid`, `consent_restricted` …).
    pub reason: Option<String>,
    /// When the registry answered (RFC 3339).
    pub received_at: String,
}

/// The conflicts nobody has reviewed yet (the signed-in user's organization's replica).
pub async fn conflicts(ctx: &AppContext) -> AppResult<Vec<SyncConflictView>> {
    ctx.require(shotbook_core::permission::Permission::SearchClients)
        .await?;
    Ok(replica::open_conflicts(ctx.store())
        .await?
        .into_iter()
        .map(|c| SyncConflictView {
            seq: i32::try_from(c.seq).unwrap_or(i32::MAX),
            entity: c.entity,
            client_id: c.client_id,
            kind: c.kind,
            reason: c.reason,
            received_at: c.received_at,
        })
        .collect())
}

/// Marks a conflict reviewed by the signed-in user (what was sent stays in the replica).
pub async fn mark_reviewed(ctx: &AppContext, seq: i32) -> AppResult<()> {
    let (_, session) = ctx
        .require(shotbook_core::permission::Permission::SearchClients)
        .await?;
    let now: OffsetDateTime = ctx.clock().now();
    if !replica::resolve_conflict(
        ctx.store(),
        i64::from(seq),
        &session.user_id.to_string(),
        now,
    )
    .await?
    {
        return Err(AppError::NotFound {
            entity: "sync conflict".into(),
        });
    }
    Ok(())
}
