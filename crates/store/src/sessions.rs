//! Persisted sessions (hash of the token only), for resuming after a restart.

use shotbook_core::ids::{OrganizationId, UserId};
use time::OffsetDateTime;

use crate::{timestamp, Store, StoreResult};

/// A stored session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// User id.
    pub user_id: String,
    /// Organization id.
    pub organization_id: String,
    /// RFC 3339.
    pub last_active_at: String,
    /// RFC 3339, when ended.
    pub ended_at: Option<String>,
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
    sqlx::query("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")
        .bind(timestamp(now))
        .bind(token_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// The session with this token hash.
pub async fn find(store: &Store, token_hash: &str) -> StoreResult<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, organization_id, last_active_at, ended_at FROM sessions WHERE token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(store.pool())
    .await?)
}
