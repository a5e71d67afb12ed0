//! Password resets by emailed single-use code (Forgot Password). The code's hash is kept, never
//! the code; the current password is untouched until a code is redeemed.

use shotbook_core::audit::AuditEvent;
use shotbook_core::ids::UserId;
use shotbook_usecases::ports::Mail;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{mail_outbox, timestamp, users, Store, StoreResult};

/// An open (unused, unrevoked) reset.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenReset {
    /// Id.
    pub id: String,
    /// RFC 3339.
    pub expires_at: String,
    /// Wrong codes typed against it.
    pub failed_attempts: i64,
}

impl OpenReset {
    /// Whether it has expired at `now`.
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        OffsetDateTime::parse(&self.expires_at, &Rfc3339).map_or(true, |at| now >= at)
    }
}

/// Resets requested for `user` since `since` (the rate limit).
pub async fn requested_since(
    store: &Store,
    user: UserId,
    since: OffsetDateTime,
) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND requested_at > ?",
    )
    .bind(user.to_string())
    .bind(timestamp(since))
    .fetch_one(store.pool())
    .await?;
    Ok(n)
}

/// Issues a reset: earlier open codes of the user stop working, the new code's hash is kept,
/// `mail` (carrying the code) is queued and `audit` appended, all in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    store: &Store,
    user: UserId,
    code_hash: &str,
    expires_at: OffsetDateTime,
    workstation: &str,
    mail: &Mail,
    audit: &AuditEvent,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut work = store
        .begin_with(
            shotbook_protocol::Origin {
                source: shotbook_protocol::ChangeSource::Local,
                node: workstation.to_string(),
            },
            now,
        )
        .await?;
    revoke_open(&mut work, user, now).await?;
    sqlx::query(
        "INSERT INTO password_resets (id, user_id, code_hash, requested_at, expires_at, workstation)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user.to_string())
    .bind(code_hash)
    .bind(timestamp(now))
    .bind(timestamp(expires_at))
    .bind(workstation)
    .execute(&mut *work)
    .await?;
    mail_outbox::queue_in_tx(&mut work, mail).await?;
    crate::audit::append(&mut work, audit).await?;
    work.commit().await
}

async fn revoke_open(work: &mut crate::Work, user: UserId, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(
        "UPDATE password_resets SET revoked_at = ?
         WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **work)
    .await?;
    Ok(())
}

/// The user's open reset whose code hashes to `code_hash`, if any.
pub async fn open_with_code(
    store: &Store,
    user: UserId,
    code_hash: &str,
) -> StoreResult<Option<OpenReset>> {
    Ok(sqlx::query_as(
        "SELECT id, expires_at, failed_attempts FROM password_resets
         WHERE user_id = ? AND code_hash = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(user.to_string())
    .bind(code_hash)
    .fetch_optional(store.pool())
    .await?)
}

/// Counts a wrong code against the user's open reset; at `max_attempts` the code stops working.
pub async fn count_wrong_code(
    store: &Store,
    user: UserId,
    max_attempts: i64,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE password_resets
         SET failed_attempts = failed_attempts + 1,
             revoked_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE revoked_at END
         WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(max_attempts)
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Redeems reset `id`: spends it (once: a second redemption of the same code finds nothing and
/// returns `false`), sets the new password, lifts a lock, ends every session of the user and
/// appends `audit`, in one transaction (a crash leaves the reset either whole or not begun).
pub async fn redeem(
    store: &Store,
    id: &str,
    user: UserId,
    new_hash: &str,
    audit: &AuditEvent,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let mut work = store.begin().await?;
    let spent = sqlx::query(
        "UPDATE password_resets SET used_at = ?
         WHERE id = ? AND user_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
    )
    .bind(timestamp(now))
    .bind(id)
    .bind(user.to_string())
    .bind(timestamp(now))
    .execute(&mut *work)
    .await?
    .rows_affected();
    if spent != 1 {
        return Ok(false);
    }
    users::set_password_in_tx(&mut work, user, new_hash, false, None, now).await?;
    revoke_open(&mut work, user, now).await?;
    crate::audit::append(&mut work, audit).await?;
    work.commit().await?;
    Ok(true)
}
