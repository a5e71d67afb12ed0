//! Persisted sessions (hash of the token only), for resuming after a restart.

use shotbook_core::ids::{OrganizationId, UserId};
use time::OffsetDateTime;

use crate::{timestamp, Store, StoreResult, Work};

/// A stored session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// User id.
    pub user_id: String,
    /// Organization id.
    pub organization_id: String,
    /// RFC 3339.
    pub last_active_at: String,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339, when ended.
    pub ended_at: Option<String>,
    /// Why it ended.
    pub ended_reason: Option<String>,
}

/// Records a new session.
pub async fn start(
    store: &Store,
    token_hash: &str,
    user: UserId,
    organization: OrganizationId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, organization_id, started_at, last_active_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user.to_string())
    .bind(organization.to_string())
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Marks activity.
pub async fn touch(store: &Store, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_active_at = ? WHERE token_hash = ? AND ended_at IS NULL")
        .bind(timestamp(now))
        .bind(token_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Ends a session (sign-out).
pub async fn end(store: &Store, token_hash: &str, now: OffsetDateTime) -> StoreResult<()> {
    end_with_reason(store, token_hash, "signed out", now).await
}

/// Ends a session, saying why (signed out, access ended, lifetime reached).
pub async fn end_with_reason(
    store: &Store,
    token_hash: &str,
    reason: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sessions SET ended_at = ?, ended_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(reason)
    .bind(token_hash)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Ends every open session of `user` but `keep` (a password change, access ended), saying why.
pub async fn end_all_in_tx(
    tx: &mut Work,
    user: UserId,
    keep: Option<&str>,
    reason: &str,
    now: OffsetDateTime,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET ended_at = ?, ended_reason = ?
         WHERE user_id = ? AND ended_at IS NULL AND token_hash IS NOT ?",
    )
    .bind(timestamp(now))
    .bind(reason)
    .bind(user.to_string())
    .bind(keep)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// The session with this token hash.
pub async fn find(store: &Store, token_hash: &str) -> StoreResult<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, organization_id, started_at, last_active_at, ended_at, ended_reason FROM sessions WHERE token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(store.pool())
    .await?)
}
