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
    let ids = append_all(conn, std::slice::from_ref(event)).await?;
    Ok(ids[0])
}

/// Appends `events` in order inside the caller's transaction, each linked to the one before:
/// one lock, one read of the last hash and one INSERT for the lot (a sync page audits up to a
/// thousand clients).
pub async fn append_many(conn: &mut PgConnection, events: &[AuditEvent]) -> PortResult<()> {
    if !events.is_empty() {
        append_all(conn, events).await?;
    }
    Ok(())
}

async fn append_all(
    conn: &mut PgConnection,
    events: &[AuditEvent],
) -> PortResult<Vec<AuditEntryId>> {
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
    let mut last = previous.map_or_else(|| GENESIS.to_string(), |(h,)| h);
    let mut ids = Vec::with_capacity(events.len());
    let mut ats = Vec::with_capacity(events.len());
    let mut hashes = Vec::with_capacity(events.len());
    for event in events {
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
        last = link(&last, &fields);
        ids.push(id);
        ats.push(at);
        hashes.push(last.clone());
    }
    // `seq` follows the order of the rows as UNNEST yields them (WITH ORDINALITY … ORDER BY),
    // which is the chain's order.
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, organization_id, workstation, action, client_id, detail, hash)
         SELECT id, at, user_id, organization_id, workstation, action, client_id, detail, hash
         FROM UNNEST($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
                     $7::uuid[], $8::text[], $9::text[])
              WITH ORDINALITY AS e(id, at, user_id, organization_id, workstation, action, client_id,
                                   detail, hash, n)
         ORDER BY n",
    )
    .bind(ids.iter().map(|i| i.as_uuid()).collect::<Vec<Uuid>>())
    .bind(ats)
    .bind(events.iter().map(|e| e.user_id.map(|u| u.as_uuid())).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.organization_id.map(|o| o.as_uuid())).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.workstation.clone()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.action.code()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.client_id.map(|c| c.as_uuid())).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.detail.clone()).collect::<Vec<_>>())
    .bind(hashes)
    .execute(&mut *conn)
    .await
    .map_err(failed)?;
    Ok(ids)
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
