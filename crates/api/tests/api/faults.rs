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
