//! The append-only audit log (the database refuses UPDATE and DELETE on it).

use shotbook_core::audit::chain::{link, GENESIS};
use shotbook_core::audit::AuditEvent;
use shotbook_core::ids::AuditEntryId;

use crate::{timestamp, StoreResult};

/// Appends `event` inside the caller's transaction (a change and its audit entry commit
/// together), with its link in the hash chain.
pub async fn append(
    conn: &mut sqlx::SqliteConnection,
    event: &AuditEvent,
) -> StoreResult<AuditEntryId> {
    let id = AuditEntryId::new();
    let at = timestamp(event.at);
    let fields = [
        Some(id.to_string()),
        Some(at),
        event.user_id.map(|u| u.to_string()),
        event.organization_id.map(|o| o.to_string()),
        Some(event.workstation.clone()),
        Some(event.action.code().to_string()),
        event.client_id.map(|c| c.to_string()),
        event.detail.clone(),
    ];
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, organization_id, workstation, action, client_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&fields[0])
    .bind(&fields[1])
    .bind(&fields[2])
    .bind(&fields[3])
    .bind(&fields[4])
    .bind(&fields[5])
    .bind(&fields[6])
    .bind(&fields[7])
    .execute(&mut *conn)
    .await?;
    // The insert above took the write lock: the last link read now is the one this entry
    // follows, whatever other connections are doing.
    let previous: Option<(String,)> =
        sqlx::query_as("SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let hash = link(
        previous.as_ref().map_or(GENESIS, |(h,)| h.as_str()),
        &fields,
    );
    sqlx::query("INSERT INTO audit_chain (audit_id, hash) VALUES (?, ?)")
        .bind(id.to_string())
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// [`append`] in a transaction of its own (an event that goes with no other change).
pub async fn append_alone(store: &crate::Store, event: &AuditEvent) -> StoreResult<AuditEntryId> {
    let mut tx = store.pool().begin().await?;
    let id = append(&mut tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Where the audit trail stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBroken {
    /// An entry's link does not match the entry and its predecessor: the entry (or an earlier
    /// one) was changed, removed or reordered.
    #[error("audit entry {audit_id} does not match its link (changed, removed or reordered)")]
    Mismatch {
        /// The first entry that fails.
        audit_id: String,
    },
    /// A link names an entry that is not in the log (it was deleted).
    #[error("audit entry {audit_id} was deleted")]
    Missing {
        /// The entry the link names.
        audit_id: String,
    },
    /// Entries were appended without a link (written around Shotbook).
    #[error("{count} audit entries were written without their link")]
    Unlinked {
        /// How many.
        count: i64,
    },
}

/// Walks the whole chain: every link must match its entry and the link before it, and every
/// entry appended since the chain began must have its link. Returns how many links were checked.
pub async fn verify_chain(store: &crate::Store) -> StoreResult<Result<u64, ChainBroken>> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.audit_id, c.hash, a.id, a.at, a.user_id, a.organization_id, a.workstation, a.action,
                a.client_id, a.detail
         FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.audit_id ORDER BY c.seq",
    )
    .fetch_all(store.pool())
    .await?;
    let mut previous = GENESIS.to_string();
    let mut checked = 0;
    for (audit_id, hash, id, at, user, org, workstation, action, client, detail) in rows {
        if id.is_none() {
            return Ok(Err(ChainBroken::Missing { audit_id }));
        }
        let fields = [id, at, user, org, workstation, action, client, detail];
        if link(&previous, &fields) != hash {
            return Ok(Err(ChainBroken::Mismatch { audit_id }));
        }
        previous = hash;
        checked += 1;
    }
    // Entries after the first linked one that have no link of their own.
    let (unlinked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log a
         WHERE a.rowid > coalesce((SELECT MIN(l.rowid) FROM audit_log l JOIN audit_chain c ON c.audit_id = l.id), -1)
           AND EXISTS (SELECT 1 FROM audit_chain)
           AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)",
    )
    .fetch_one(store.pool())
    .await?;
    if unlinked > 0 {
        return Ok(Err(ChainBroken::Unlinked { count: unlinked }));
    }
    Ok(Ok(checked))
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
