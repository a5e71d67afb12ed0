//! The desktop's commands on a workstation connected to a registry server (HTTPS on loopback,
//! real PostgreSQL, an encrypted SQLite replica): sign-in goes to the registry first, the
//! replica fills in, offline sign-in is allowed only to a user the registry confirmed here, a
//! password the registry refuses is refused even if the cached verifier would take it.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::sync::Arc;

use common::{open_replica, Registry, TempDir, DEMO_PASSWORD};
use shotbook_api::dto::{SignInRequest, SignInStep};
use shotbook_api::remember::MemoryStore;
use shotbook_api::sync::RegistrySettings;
use shotbook_api::{auth, AppContext, AppError};
use shotbook_core::clock::SystemClock;

fn request(org: &str, username: &str, password: &str) -> SignInRequest {
    SignInRequest {
        organization_code: org.into(),
        username: username.into(),
        password: password.into(),
        captcha: None,
        remember: false,
    }
}

async fn workstation(registry: &Registry, dir: &TempDir, name: &str) -> AppContext {
    let store = open_replica(&dir.0.join(format!("{name}.db")), name).await;
    let mut settings = RegistrySettings::new(&registry.base);
    settings.certificate_pem = Some(registry.certificate_pem.clone());
    AppContext::new(store, Arc::new(SystemClock))
        .with_secrets(Arc::new(MemoryStore::default()))
        .with_registry(Some(settings))
}

async fn sign_in(
    ctx: &AppContext,
    org: &str,
    username: &str,
    password: &str,
) -> Result<(), AppError> {
    match auth::sign_in(ctx, request(org, username, password)).await? {
        SignInStep::Confidentiality { .. } => {}
        other => panic!("unexpected step {other:?}"),
    }
    match auth::accept_confidentiality(ctx).await? {
        SignInStep::SignedIn { .. } => Ok(()),
        other => panic!("unexpected step {other:?}"),
    }
}

#[tokio::test]
async fn sign_in_goes_to_the_registry_first_and_offline_only_for_users_it_confirmed_here() {
    let mut registry = Registry::start("api-registry-sign-in").await;
    let client = registry.add_client("TX0001", "Sofia", "Martinez").await;
    registry.settle().await;
    let dir = TempDir::new("api-registry");
    let ctx = workstation(&registry, &dir, "FRONT-DESK-1").await;

    // Online: the registry accepts, the replica connects and fills in.
    sign_in(&ctx, "TX0001", "tx.provider", DEMO_PASSWORD)
        .await
        .unwrap();
    let status = shotbook_api::sync::sync_now(&ctx).await.unwrap();
    assert_eq!(status.state, "synced", "{status:?}");
    assert!(status.downloaded > 0);
    // Signing in writes local bookkeeping (the session, the sign-in time): none of it is the
    // registry's to take, so nothing waits and nothing needs review.
    assert_eq!((status.waiting, status.needs_review), (0, 0), "{status:?}");
    let held: i64 = shotbook_store::sqlx::query_scalar("SELECT count(*) FROM clients WHERE id = ?")
        .bind(client.to_string())
        .fetch_one(ctx.store().pool())
        .await
        .unwrap();
    assert_eq!(held, 1, "the organization's client is in the replica");
    auth::sign_out(&ctx).await.unwrap();

    // A password the registry refuses is refused, whatever the workstation has cached.
    let refused = auth::sign_in(&ctx, request("TX0001", "tx.provider", "Not-The-Password-1"))
        .await
        .unwrap_err();
    assert_eq!(refused, AppError::InvalidCredentials);

    // The registry goes away: the user it confirmed here signs in offline and the status says
    // since when; a colleague who never signed in here cannot.
    registry.stop().await;
    sign_in(&ctx, "TX0001", "tx.provider", DEMO_PASSWORD)
        .await
        .unwrap();
    let status = shotbook_api::sync::status(&ctx).await.unwrap();
    assert_eq!(status.state, "offline");
    assert!(status.offline_since.is_some());
    auth::sign_out(&ctx).await.unwrap();
    let never = auth::sign_in(&ctx, request("TX0001", "tx.supervisor", DEMO_PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(
        never,
        AppError::Registry {
            reason: "offline_never_signed_in_here".into()
        }
    );

    // Back online: the next round signs the offline user in at the registry and syncs.
    sign_in(&ctx, "TX0001", "tx.provider", DEMO_PASSWORD)
        .await
        .unwrap();
    registry.restart().await;
    let status = shotbook_api::sync::sync_now(&ctx).await.unwrap();
    assert_eq!(status.state, "synced", "{status:?}");
    assert_eq!(status.offline_since, None);
}

#[tokio::test]
async fn standalone_workstations_do_not_sync() {
    let store = shotbook_store::Store::open_in_memory().await.unwrap();
    let ctx = AppContext::new(store, Arc::new(SystemClock));
    let status = shotbook_api::sync::status(&ctx).await.unwrap();
    assert_eq!(status.state, "standalone");
    // "Sync now" needs someone signed in.
    assert_eq!(
        shotbook_api::sync::sync_now(&ctx).await.unwrap_err(),
        AppError::NotSignedIn
    );
}
