//! The mail queue (transactional outbox): a use case queues its message in its own write
//! transaction; the host delivers after the commit and erases the message once it is sent.

use shotbook_usecases::ports::{Mail, QueuedMail};
use time::OffsetDateTime;

use crate::{timestamp, Store, StoreResult, Work};

/// After this many failed attempts a message stays in the queue, unsent, for an operator.
pub const MAX_ATTEMPTS: i64 = 10;

/// Queues `mail` in the work's transaction.
pub async fn queue_in_tx(work: &mut Work, mail: &Mail) -> StoreResult<()> {
    let payload = serde_json::to_string(mail).map_err(anyhow::Error::from)?;
    let now = work.now();
    sqlx::query("INSERT INTO mail_outbox (queued_at, kind, payload) VALUES (?, ?, ?)")
        .bind(timestamp(now))
        .bind(mail.kind())
        .bind(payload)
        .execute(&mut **work)
        .await?;
    Ok(())
}

/// Unsent messages still worth trying, oldest first.
pub async fn unsent(store: &Store) -> StoreResult<Vec<QueuedMail>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, payload, attempts FROM mail_outbox
         WHERE sent_at IS NULL AND payload IS NOT NULL AND attempts < ? ORDER BY id",
    )
    .bind(MAX_ATTEMPTS)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter()
        .map(|(id, payload, attempts)| {
            // A payload this build cannot read is a damaged queue, not a client-data error:
            // the message is named by its id only.
            let mail: Mail = serde_json::from_str(&payload)
                .map_err(|_| anyhow::anyhow!("queued mail {id} cannot be read"))?;
            Ok(QueuedMail { id, mail, attempts })
        })
        .collect()
}

/// Marks a message sent and erases it (it may carry a code or a temporary password).
pub async fn mark_sent(store: &Store, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(
        "UPDATE mail_outbox SET sent_at = ?, payload = NULL, last_error = NULL WHERE id = ?",
    )
    .bind(timestamp(now))
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Counts a failed attempt with why (a relay error, never the message).
pub async fn mark_failed(store: &Store, id: i64, error: &str) -> StoreResult<()> {
    sqlx::query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?")
        .bind(error)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}
