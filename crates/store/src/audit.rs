//! The append-only audit log (the database refuses UPDATE and DELETE on it).

use shotbook_core::audit::AuditEvent;
use shotbook_core::ids::AuditEntryId;
use sqlx::SqliteExecutor;

use crate::{timestamp, StoreResult};

/// Appends `event`. Accepts a pool or a transaction, so a change and its audit entry can be
/// committed together.
pub async fn append<'e>(
    executor: impl SqliteExecutor<'e>,
    event: &AuditEvent,
) -> StoreResult<AuditEntryId> {
    let id = AuditEntryId::new();
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, organization_id, workstation, action, client_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(timestamp(event.at))
    .bind(event.user_id.map(|u| u.to_string()))
    .bind(event.organization_id.map(|o| o.to_string()))
    .bind(&event.workstation)
    .bind(event.action.code())
    .bind(event.client_id.map(|c| c.to_string()))
    .bind(&event.detail)
    .execute(executor)
    .await?;
    Ok(id)
}

/// One row of the audit log, for review screens and tests.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// RFC 3339.
    pub at: String,
    /// User id.
    pub user_id: Option<String>,
    /// Organization id.
    pub organization_id: Option<String>,
    /// Workstation.
    pub workstation: String,
    /// Action code.
    pub action: String,
    /// Client id.
    pub client_id: Option<String>,
    /// Detail.
    pub detail: Option<String>,
}

/// The most recent `limit` entries, newest first.
pub async fn recent(store: &crate::Store, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(sqlx::query_as(
        "SELECT at, user_id, organization_id, workstation, action, client_id, detail
         FROM audit_log ORDER BY at DESC, rowid DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}
