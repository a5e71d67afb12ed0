//! The audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE) and
//! hash-chained with the workstation's chain ([`shotbook_core::audit::chain`]): each entry's
//! `hash` links it to the entry before it.

use shotbook_core::audit::chain::{link, GENESIS};
use shotbook_core::audit::AuditEvent;
use shotbook_core::ids::AuditEntryId;
use shotbook_usecases::PortResult;
use sqlx::PgConnection;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{failed, to_microseconds, PgRegistry, ServerStoreResult};

/// The advisory lock appenders hold until their transaction ends, so each entry links to the
/// one committed before it (appends are serialized; see the decision note on partitioning).
const CHAIN_LOCK: i64 = 0x5348_4f54_4155_4449; // "SHOTAUDI"

/// Appends `event` inside the caller's transaction (a change and its audit entry commit
/// together), linked to the entry before it.
pub async fn append(conn: &mut PgConnection, event: &AuditEvent) -> PortResult<AuditEntryId> {
    let id = AuditEntryId::new();
    let at = to_microseconds(event.at);
    let fields = [
        Some(id.to_string()),
        Some(rfc3339(at)),
        event.user_id.map(|u| u.to_string()),
        event.organization_id.map(|o| o.to_string()),
        Some(event.workstation.clone()),
        Some(event.action.code().to_string()),
        event.client_id.map(|c| c.to_string()),
        event.detail.clone(),
    ];
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(CHAIN_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    let previous: Option<(String,)> =
        sqlx::query_as("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(failed)?;
    let hash = link(
        previous.as_ref().map_or(GENESIS, |(h,)| h.as_str()),
        &fields,
    );
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, organization_id, workstation, action, client_id, detail, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.as_uuid())
    .bind(at)
    .bind(event.user_id.map(|u| u.as_uuid()))
    .bind(event.organization_id.map(|o| o.as_uuid()))
    .bind(&event.workstation)
    .bind(event.action.code())
    .bind(event.client_id.map(|c| c.as_uuid()))
    .bind(&event.detail)
    .bind(hash)
    .execute(&mut *conn)
    .await
    .map_err(failed)?;
    Ok(id)
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("RFC 3339 formatting of a UTC instant cannot fail")
}

/// Where the audit trail stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {audit_id} does not match its link (changed, removed or reordered)")]
pub struct ChainBroken {
    /// The first entry that fails.
    pub audit_id: Uuid,
}

type ChainRow = (
    Uuid,
    OffsetDateTime,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
    Option<Uuid>,
    Option<String>,
    String,
);

/// Walks the whole chain in order; returns how many entries were checked, or the first that
/// does not match its link.
pub async fn verify_chain(registry: &PgRegistry) -> ServerStoreResult<Result<u64, ChainBroken>> {
    let rows: Vec<ChainRow> = sqlx::query_as(
        "SELECT id, at, user_id, organization_id, workstation, action, client_id, detail, hash
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(registry.pool())
    .await?;
    let mut previous = GENESIS.to_string();
    let mut checked = 0;
    for (id, at, user, organization, workstation, action, client, detail, hash) in rows {
        let fields = [
            Some(id.to_string()),
            Some(rfc3339(at.to_offset(time::UtcOffset::UTC))),
            user.map(|u| u.to_string()),
            organization.map(|o| o.to_string()),
            Some(workstation),
            Some(action),
            client.map(|c| c.to_string()),
            detail,
        ];
        if link(&previous, &fields) != hash {
            return Ok(Err(ChainBroken { audit_id: id }));
        }
        previous = hash;
        checked += 1;
    }
    Ok(Ok(checked))
}
