//! The queue's other end: the server's mail courier claims queued messages, reports how each
//! delivery went, and is woken when new mail commits.
//!
//! Use cases queue mail in the unit of work of their change (`MailWrites`, the `mail_outbox`
//! table). Any number of server processes drain one queue: a claim is a lease on one message
//! (`next_attempt_at` moved past the lease), taken with `SKIP LOCKED`, so two processes never
//! send the same message at once, and a process that dies mid-send leaves the message to
//! another once the lease ends. Delivery is at least once: a crash between the relay's answer
//! and [`mark_sent`] sends that message again. Times here are the database's own (`now()`),
//! not a use case's clock: they pace deliveries, they are not facts of the registry.

use std::time::Duration;

use shotbook_usecases::ports::Mail;
use sqlx::postgres::PgListener;
use sqlx::types::Json;

pub use crate::ports::MAX_MAIL_ATTEMPTS;
use crate::{PgRegistry, ServerStoreResult};

/// The notification channel a committed insert into the queue signals.
pub const CHANNEL: &str = "mail_outbox";

/// How long a claim keeps other processes off a message (longer than an SMTP exchange).
pub const LEASE: Duration = Duration::from_secs(120);

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// Its place in the queue.
    pub id: i64,
    /// The message.
    pub mail: Mail,
    /// Failed attempts before this one.
    pub attempts: i64,
}

/// How much of the queue is waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepth {
    /// Messages still to be sent (including those waiting for a retry).
    pub waiting: i64,
    /// Messages that failed [`MAX_MAIL_ATTEMPTS`] times and wait for an operator.
    pub given_up: i64,
}

fn interval(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

/// Claims the next message due (never sent, under the attempt limit, not leased or waiting for
/// a retry), oldest first. A message this build cannot read is set aside for an operator (its
/// attempts set to the limit, named by its id only) and the next one is tried.
pub async fn claim_next(registry: &PgRegistry) -> ServerStoreResult<Option<Claimed>> {
    loop {
        let row: Option<(i64, Json<serde_json::Value>, i64)> = sqlx::query_as(
            "UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $2)
             WHERE id = (
                 SELECT id FROM mail_outbox
                 WHERE sent_at IS NULL AND payload IS NOT NULL AND attempts < $1
                   AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                 ORDER BY next_attempt_at NULLS FIRST, id
                 FOR UPDATE SKIP LOCKED
                 LIMIT 1)
             RETURNING id, payload, attempts",
        )
        .bind(MAX_MAIL_ATTEMPTS)
        .bind(interval(LEASE))
        .fetch_optional(registry.pool())
        .await?;
        let Some((id, Json(payload), attempts)) = row else {
            return Ok(None);
        };
        match serde_json::from_value::<Mail>(payload) {
            Ok(mail) => return Ok(Some(Claimed { id, mail, attempts })),
            Err(_) => {
                tracing::error!(id, "a queued message cannot be read; set aside");
                sqlx::query(
                    "UPDATE mail_outbox SET attempts = $2, last_error = 'unreadable message'
                     WHERE id = $1",
                )
                .bind(id)
                .bind(MAX_MAIL_ATTEMPTS)
                .execute(registry.pool())
                .await?;
            }
        }
    }
}

/// The relay took message `id`: it is marked sent and its content erased (it may hold a
/// temporary password or a code).
pub async fn mark_sent(registry: &PgRegistry, id: i64) -> ServerStoreResult<()> {
    sqlx::query(
        "UPDATE mail_outbox
         SET sent_at = now(), payload = NULL, last_error = NULL, next_attempt_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .execute(registry.pool())
    .await?;
    Ok(())
}

/// Delivering message `id` failed with `error` (the relay's words, never the message): it is
/// counted and tried again after `retry_after`.
pub async fn mark_failed(
    registry: &PgRegistry,
    id: i64,
    error: &str,
    retry_after: Duration,
) -> ServerStoreResult<()> {
    let error: String = error.chars().take(1000).collect();
    sqlx::query(
        "UPDATE mail_outbox
         SET attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + make_interval(secs => $3)
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(interval(retry_after))
    .execute(registry.pool())
    .await?;
    Ok(())
}

/// How many messages wait, and how many were given up on.
pub async fn depth(registry: &PgRegistry) -> ServerStoreResult<QueueDepth> {
    let (waiting, given_up): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE attempts < $1), count(*) FILTER (WHERE attempts >= $1)
         FROM mail_outbox WHERE sent_at IS NULL AND payload IS NOT NULL",
    )
    .bind(MAX_MAIL_ATTEMPTS)
    .fetch_one(registry.pool())
    .await?;
    Ok(QueueDepth { waiting, given_up })
}

/// A listener woken each time a transaction that queued mail commits.
pub async fn listen(registry: &PgRegistry) -> ServerStoreResult<PgListener> {
    let mut listener = PgListener::connect_with(registry.pool()).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
