//! Fault injection: when the audit write fails, nothing is read or changed; when the mail relay
//! stalls, the change is committed, nothing waits on it and no lock is held.

use shotbook_api::account::forgot_password;
use shotbook_api::auth::sign_in;
use shotbook_api::clients::{get_client, search_clients};
use shotbook_api::consent::update_consent;
use shotbook_api::dto::{
    ForgotPasswordRequest, GetClientRequest, SearchClientsRequest, SignInStep, UpdateConsentRequest,
};
use shotbook_api::mail::Mailer;
use shotbook_api::{AppContext, AppError};

use crate::support::{credentials, fixture, signed_in_as};

/// Makes every audit insert fail, as a full disk or a broken trigger would.
async fn break_the_audit(ctx: &AppContext) {
    shotbook_store::sqlx::query(
        "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(ctx.store().pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn when_the_audit_cannot_be_written_no_client_data_is_read_or_changed() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = f.ana.to_string();
    let (consent_before,): (String,) =
        shotbook_store::sqlx::query_as("SELECT consent_status FROM clients WHERE id = ?")
            .bind(&id)
            .fetch_one(f.ctx.store().pool())
            .await
            .unwrap();
    break_the_audit(&f.ctx).await;

    let search = search_clients(
        &f.ctx,
        SearchClientsRequest {
            last_name: "garcia".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(search, Err(AppError::Internal { .. })),
        "{search:?}"
    );
    let record = get_client(
        &f.ctx,
        GetClientRequest {
            client_id: id.clone(),
        },
    )
    .await;
    assert!(
        matches!(record, Err(AppError::Internal { .. })),
        "{record:?}"
    );
    let change = update_consent(
        &f.ctx,
        UpdateConsentRequest {
            client_id: id.clone(),
            status: "withdrawn".into(),
            effective_on: "11/22/2026".into(),
            method: "verbal".into(),
            given_by: "Ana's father".into(),
        },
    )
    .await;
    assert!(
        matches!(change, Err(AppError::Internal { .. })),
        "{change:?}"
    );
    let (consent_after,): (String,) =
        shotbook_store::sqlx::query_as("SELECT consent_status FROM clients WHERE id = ?")
            .bind(&id)
            .fetch_one(f.ctx.store().pool())
            .await
            .unwrap();
    assert_eq!(consent_after, consent_before, "the change was rolled back");
}

#[tokio::test]
async fn a_stalled_mail_relay_holds_nothing_and_loses_nothing() {
    // A relay on loopback that accepts connections and never says a word.
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = relay.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = relay.accept().await {
            held.push(socket);
        }
    });
    let f = fixture().await;
    let ctx = f
        .ctx
        .with_mailer(Mailer::Smtp {
            host: "127.0.0.1".into(),
            port,
            credentials: None,
        })
        .with_background_mail();
    let bounded = std::time::Duration::from_secs(5);
    let answer = tokio::time::timeout(
        bounded,
        forgot_password(
            &ctx,
            ForgotPasswordRequest {
                organization_code: "TX0001".into(),
                username: "tx.provider".into(),
                email: "tx.provider@demo.shotbook.invalid".into(),
            },
        ),
    )
    .await
    .expect("Forgot Password answers without waiting for the relay");
    assert!(answer.is_ok(), "{answer:?}");
    // Other writes go on while the relay hangs (a sign-in writes its counters and audit).
    let step = tokio::time::timeout(bounded, sign_in(&ctx, credentials("TX0001", "tx.provider")))
        .await
        .expect("a sign-in is not blocked by the mail")
        .unwrap();
    assert!(
        matches!(step, SignInStep::Confidentiality { .. }),
        "{step:?}"
    );
    // The reset is committed and its mail still queued, to be retried.
    let (resets, queued): (i64, i64) = shotbook_store::sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM password_resets),
                (SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL)",
    )
    .fetch_one(ctx.store().pool())
    .await
    .unwrap();
    assert_eq!((resets, queued), (1, 1));
    silent.abort();
}

/// A database file whose last pages (a table nothing reads at start-up) are damaged on disk,
/// with the demo organizations and users and one client in its sound part.
async fn database_with_a_damaged_tail() -> (std::path::PathBuf, shotbook_store::DatabaseKey) {
    use shotbook_store::{DatabaseKey, Store};
    let dir = std::env::temp_dir().join(format!("shotbook-damaged-{}", uuid::Uuid::now_v7()));
    let path = dir.join("clinic.sqlite");
    let key = DatabaseKey::random();
    let store = Store::open(&path, &key).await.unwrap();
    shotbook_synth::demo::seed_organizations_and_users(&store, crate::support::START)
        .await
        .unwrap();
    crate::support::add_client(&store, "Ana", "García", "2019-03-14").await;
    // Filler written last, so its pages are the file's last ones.
    shotbook_store::sqlx::query(
        "CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) SELECT i, hex(randomblob(200)) AS pad FROM n",
    )
    .execute(store.pool())
    .await
    .unwrap();
    shotbook_store::sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .unwrap();
    store.pool().close().await;
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() - 3 * 4096 + 512;
    for b in &mut bytes[at..at + 64] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, bytes).unwrap();
    (path, key)
}

#[tokio::test]
async fn a_damaged_page_holds_back_every_client_read_though_sign_in_works() {
    let (path, key) = database_with_a_damaged_tail().await;
    let store = shotbook_store::Store::open(&path, &key)
        .await
        .expect("the sound part opens: the page check runs behind the sign-in screen");
    let ctx = AppContext::new(store, std::sync::Arc::new(crate::support::clock_at_start()));
    ctx.start_page_check();
    crate::support::complete_sign_in(&ctx, credentials("MT0001", "mt.records")).await;
    assert!(ctx.pages_checked().await.is_err(), "the damage is found");
    let search = search_clients(
        &ctx,
        SearchClientsRequest {
            last_name: "garcia".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(search, Err(AppError::Internal { .. })),
        "{search:?}"
    );
    let audited: Vec<(String,)> = shotbook_store::sqlx::query_as(
        "SELECT action FROM audit_log WHERE action = 'search_clients'",
    )
    .fetch_all(ctx.store().pool())
    .await
    .unwrap();
    assert!(audited.is_empty(), "nothing was searched");
}
