//! The registry's change log: every write of an entity appends one change envelope
//! ([`shotbook_protocol::ChangeEnvelope`]) in the same transaction — the entity, what happened,
//! the unit of work's origin, the record's revision and its columns as JSON — as the
//! workstation's outbox does, so the sync endpoints can serve it without reading the tables
//! again.

use shotbook_protocol::{ChangeEnvelope, ChangeOp, ChangeSource, Entity, Origin};
use shotbook_usecases::PortResult;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{damaged, failed, PgRegistry, PgWork, ServerStoreResult};

/// The row's columns as JSON, without secrets (`*password*`, `*token*`, `*_hash`: they stay in
/// their table), the same rule as the workstation's payloads.
pub(crate) const PAYLOAD: &str =
    "(SELECT jsonb_object_agg(c.key, c.value) FROM jsonb_each(to_jsonb(t)) c
     WHERE c.key NOT LIKE '%password%' AND c.key NOT LIKE '%token%' AND c.key NOT LIKE '%\\_hash')";

/// Appends one change inside `work`, with the work's origin and time. Records keyed by one
/// uuid `id` carry their columns after the change and their `revision` when they keep one; a
/// client's link to an organization (`client/organization`) carries the link's columns; other
/// links (`user:organization`, `organization/county`) carry none. Each change also records
/// whose scope it is in (the client whose record it belongs to, the organization owning a lot),
/// which the sync pull filters on.
pub async fn append(
    work: &mut PgWork,
    entity: Entity,
    entity_id: &str,
    op: ChangeOp,
) -> PortResult<()> {
    let origin = work.origin().clone();
    let at = work.now();
    let query = match (entity, entity.table()) {
        (_, Some(table)) => {
            let id: Uuid = entity_id.parse().map_err(|_| damaged("record id"))?;
            let sql = format!(
                "INSERT INTO change_log (entity, entity_id, op, source, at, node, payload, revision,
                                         client_id, organization_id)
                 SELECT $1, $2, $3, $4, $5, $6, s.p, (s.p->>'revision')::bigint,
                        CASE WHEN $1 = 'client' THEN $7 ELSE (s.p->>'client_id')::uuid END,
                        CASE $1
                            WHEN 'vaccine_lot' THEN (s.p->>'organization_id')::uuid
                            WHEN 'vaccine_lot_movement' THEN
                                (SELECT l.organization_id FROM vaccine_lots l
                                 WHERE l.id = (s.p->>'lot_id')::uuid)
                        END
                 FROM (SELECT (SELECT {PAYLOAD} FROM {table} t WHERE t.id = $7) AS p) s"
            );
            sqlx::query(&sql)
                .bind(entity.code())
                .bind(entity_id)
                .bind(op.code())
                .bind(origin.source.code())
                .bind(at)
                .bind(origin.node)
                .bind(id)
                .execute(work.connection())
                .await
        }
        (Entity::ClientOrganization, None) => {
            let (client, organization) = link_ids(entity_id)?;
            let sql = format!(
                "INSERT INTO change_log (entity, entity_id, op, source, at, node, payload, client_id)
                 SELECT $1, $2, $3, $4, $5, $6,
                        (SELECT {PAYLOAD} FROM client_organizations t
                         WHERE t.client_id = $7 AND t.organization_id = $8),
                        $7"
            );
            sqlx::query(&sql)
                .bind(entity.code())
                .bind(entity_id)
                .bind(op.code())
                .bind(origin.source.code())
                .bind(at)
                .bind(origin.node)
                .bind(client)
                .bind(organization)
                .execute(work.connection())
                .await
        }
        (_, None) => {
            sqlx::query(
                "INSERT INTO change_log (entity, entity_id, op, source, at, node)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(entity.code())
            .bind(entity_id)
            .bind(op.code())
            .bind(origin.source.code())
            .bind(at)
            .bind(origin.node)
            .execute(work.connection())
            .await
        }
    };
    query.map_err(failed)?;
    Ok(())
}

/// The two ids of a `client/organization` link.
pub(crate) fn link_ids(entity_id: &str) -> PortResult<(Uuid, Uuid)> {
    entity_id
        .split_once('/')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| damaged("link id"))
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    entity: String,
    entity_id: String,
    op: String,
    source: String,
    at: OffsetDateTime,
    node: String,
    revision: Option<i64>,
    payload: Option<Json<serde_json::Value>>,
}

/// The changes after `after_seq`, oldest first, at most `limit` (what a pull page will serve).
pub async fn since(
    registry: &PgRegistry,
    after_seq: i64,
    limit: i64,
) -> ServerStoreResult<Vec<ChangeEnvelope>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, entity, entity_id, op, source, at, node, revision, payload FROM change_log
         WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after_seq)
    .bind(limit)
    .fetch_all(registry.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            let bad =
                |what: &str| anyhow::anyhow!("change_log row {} has an unknown {what}", r.seq);
            Ok(ChangeEnvelope {
                seq: r.seq,
                entity: Entity::from_code(&r.entity).ok_or_else(|| bad("entity"))?,
                op: ChangeOp::from_code(&r.op).ok_or_else(|| bad("op"))?,
                origin: Origin {
                    source: ChangeSource::from_code(&r.source).ok_or_else(|| bad("source"))?,
                    node: r.node,
                },
                entity_id: r.entity_id,
                revision: r.revision,
                at: r.at,
                payload: r.payload.map(|Json(p)| p),
            })
        })
        .collect()
}
