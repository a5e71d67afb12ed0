//! The sync outbox. Every write of an entity appends one change envelope
//! ([`shotbook_protocol::ChangeEnvelope`]) in the same transaction: the entity, what happened,
//! who wrote it (the unit of work's [`Origin`]), the record's revision and its columns as JSON.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use shotbook_protocol::{ChangeEnvelope, Origin};
pub use shotbook_protocol::{ChangeOp, ChangeSource, Entity};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{timestamp, Store, StoreResult, Work};

/// Columns never copied into a payload: secrets stay in their own table.
fn is_secret_column(name: &str) -> bool {
    name.contains("password") || name.contains("token") || name.ends_with("_hash")
}

/// `json_object('a', a, 'b', b, …)` over `table`'s columns, read once per table from the
/// schema (the same for every database of this build).
async fn payload_expression(work: &mut Work, table: &'static str) -> StoreResult<Arc<str>> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Arc<str>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(expr) = cache.lock().ok().and_then(|c| c.get(table).cloned()) {
        return Ok(expr);
    }
    let columns: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut **work)
            .await?;
    let pairs: Vec<String> = columns
        .into_iter()
        .map(|(name,)| name)
        .filter(|name| !is_secret_column(name))
        .map(|name| format!("'{name}', \"{name}\""))
        .collect();
    let expr: Arc<str> = format!("json_object({})", pairs.join(", ")).into();
    if let Ok(mut c) = cache.lock() {
        c.insert(table, expr.clone());
    }
    Ok(expr)
}

/// Appends one change inside `work`, with the work's origin. Records keyed by one `id` carry
/// their columns after the change (secrets left out) and their `revision` when they keep one.
pub async fn append_in_tx(
    work: &mut Work,
    entity: Entity,
    entity_id: &str,
    op: ChangeOp,
    at: OffsetDateTime,
) -> StoreResult<()> {
    let origin = work.origin().clone();
    let sql = match entity.table() {
        Some(table) => {
            let payload = payload_expression(work, table).await?;
            format!(
                "INSERT INTO change_log (entity, entity_id, op, source, at, node, payload, revision)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, p, json_extract(p, '$.revision')
                 FROM (SELECT (SELECT {payload} FROM {table} WHERE id = ?2) AS p)"
            )
        }
        None => "INSERT INTO change_log (entity, entity_id, op, source, at, node) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            .to_string(),
    };
    sqlx::query(&sql)
        .bind(entity.code())
        .bind(entity_id)
        .bind(op.code())
        .bind(origin.source.code())
        .bind(timestamp(at))
        .bind(origin.node)
        .execute(&mut **work)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    seq: i64,
    entity: String,
    entity_id: String,
    op: String,
    source: String,
    at: String,
    node: String,
    revision: Option<i64>,
    payload: Option<String>,
}

/// The changes after `after_seq` that a workstation pushes to the registry (written here or
/// received by an interface, never those pulled from the registry), oldest first.
pub async fn outbox(store: &Store, after_seq: i64, limit: u32) -> StoreResult<Vec<ChangeEnvelope>> {
    let rows: Vec<OutboxRow> = sqlx::query_as(
        "SELECT seq, entity, entity_id, op, source, at, node, revision, payload FROM change_log
             WHERE seq > ? AND source IN ('local', 'interface') ORDER BY seq LIMIT ?",
    )
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(store.pool())
    .await?;
    rows.into_iter()
        .map(
            |OutboxRow {
                 seq,
                 entity,
                 entity_id,
                 op,
                 source,
                 at,
                 node,
                 revision,
                 payload,
             }| {
                let bad =
                    |what: &str| anyhow::anyhow!("change_log row {seq} has an unknown {what}");
                Ok(ChangeEnvelope {
                    seq,
                    entity: Entity::from_code(&entity).ok_or_else(|| bad("entity"))?,
                    entity_id,
                    op: ChangeOp::from_code(&op).ok_or_else(|| bad("op"))?,
                    revision,
                    origin: Origin {
                        source: ChangeSource::from_code(&source).ok_or_else(|| bad("source"))?,
                        node,
                    },
                    at: OffsetDateTime::parse(&at, &Rfc3339).map_err(|_| bad("time"))?,
                    payload: payload
                        .map(|p| serde_json::from_str(&p))
                        .transpose()
                        .map_err(|_| bad("payload"))?,
                })
            },
        )
        .collect()
}
