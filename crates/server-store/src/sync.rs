//! The sync reads on PostgreSQL: the horizon, a page of the change log in an organization's
//! scope, and snapshot pages of its records (the rules are `shotbook_usecases::sync`'s).
//!
//! Positions are `(xid, seq)`: a page is read in one REPEATABLE READ transaction, so the
//! horizon (`pg_snapshot_xmin` of its snapshot) and the rows below it come from one snapshot —
//! every transaction below the horizon has committed and is visible, none is skipped.

use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_protocol::{
    ChangeEnvelope, ChangeOp, ChangeSource, Cursor, Entity, Origin, SnapshotRecord,
};
use shotbook_usecases::ports::{ScopedChange, ScopedChanges, ScopedRecord, SyncReads};
use shotbook_usecases::{PortError, PortResult};
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::change_log::{link_ids, PAYLOAD};
use crate::{damaged, failed, PgRegistry};

/// The clients in organization `$1`'s scope: its home clients and those it holds a (not
/// voided) relationship with — the organizations the consent rule shows a client whole.
const SCOPE_CLIENTS: &str = "(SELECT c.id FROM clients c WHERE c.home_organization_id = $1
      UNION SELECT co.client_id FROM client_organizations co
            WHERE co.organization_id = $1 AND co.voided_at IS NULL)";

/// Reference records every replica holds whatever its organization.
const REFERENCE: [Entity; 2] = [Entity::Organization, Entity::OrganizationLocation];

async fn snapshot_transaction(registry: &PgRegistry) -> PortResult<Transaction<'_, Postgres>> {
    let mut tx = registry.pool().begin().await.map_err(failed)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    Ok(tx)
}

async fn horizon_in(tx: &mut Transaction<'_, Postgres>) -> PortResult<Cursor> {
    let transaction: i64 =
        sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            .fetch_one(&mut **tx)
            .await
            .map_err(failed)?;
    Ok(Cursor {
        transaction,
        seq: 0,
    })
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    transaction: i64,
    entity: String,
    entity_id: String,
    op: String,
    source: String,
    at: OffsetDateTime,
    node: String,
    revision: Option<i64>,
    payload: Option<Json<serde_json::Value>>,
    client_id: Option<Uuid>,
}

impl ChangeRow {
    fn scoped(self) -> PortResult<ScopedChange> {
        Ok(ScopedChange {
            cursor: Cursor {
                transaction: self.transaction,
                seq: self.seq,
            },
            client: self.client_id.map(ClientId::from_uuid),
            envelope: ChangeEnvelope {
                seq: self.seq,
                entity: Entity::from_code(&self.entity).ok_or_else(|| damaged("change entity"))?,
                op: ChangeOp::from_code(&self.op).ok_or_else(|| damaged("change op"))?,
                origin: Origin {
                    source: ChangeSource::from_code(&self.source)
                        .ok_or_else(|| damaged("change source"))?,
                    node: self.node,
                },
                entity_id: self.entity_id,
                revision: self.revision,
                at: self.at,
                payload: self.payload.map(|Json(p)| p),
            },
        })
    }
}

/// How to read one entity's records in a scope: its table, its key, and the scope condition.
struct Shape {
    table: &'static str,
    /// The record id as text.
    id: &'static str,
    /// What `after` is compared with (and the order).
    key: &'static str,
    /// `after` read as a key.
    after: &'static str,
    /// The client column, if the record is part of a client's.
    client: Option<&'static str>,
    /// The condition on organization `$1`.
    scope: String,
}

fn shape(entity: Entity) -> Option<Shape> {
    let of_client = |table: &'static str| Shape {
        table,
        id: "t.id::text",
        key: "t.id",
        after: "$2::text::uuid",
        client: Some("t.client_id"),
        scope: format!("t.client_id IN {SCOPE_CLIENTS}"),
    };
    let everyone = |table: &'static str| Shape {
        table,
        id: "t.id::text",
        key: "t.id",
        after: "$2::text::uuid",
        client: None,
        // `$1` is still bound; a condition that names it keeps the parameters' types known.
        scope: "$1::uuid IS NOT NULL".into(),
    };
    Some(match entity {
        Entity::Organization => everyone("organizations"),
        Entity::OrganizationLocation => everyone("organization_locations"),
        Entity::Client => Shape {
            client: Some("t.id"),
            scope: format!("t.id IN {SCOPE_CLIENTS}"),
            ..of_client("clients")
        },
        Entity::ClientOrganization => Shape {
            id: "t.client_id::text || '/' || t.organization_id::text",
            key: "(t.client_id, t.organization_id)",
            after: "(split_part($2, '/', 1)::uuid, split_part($2, '/', 2)::uuid)",
            ..of_client("client_organizations")
        },
        Entity::ClientName => of_client("client_names"),
        Entity::ClientAddress => of_client("client_addresses"),
        Entity::ClientResponsiblePerson => of_client("client_responsible_persons"),
        Entity::ClientConsent => of_client("client_consents"),
        Entity::ClientComment => of_client("client_comments"),
        Entity::ClientNote => of_client("client_notes"),
        Entity::Immunization => of_client("immunizations"),
        Entity::VaccineLot => Shape {
            client: None,
            scope: "t.organization_id = $1".into(),
            ..of_client("vaccine_lots")
        },
        Entity::VaccineLotMovement => Shape {
            client: None,
            scope: "t.lot_id IN (SELECT l.id FROM vaccine_lots l WHERE l.organization_id = $1)"
                .into(),
            ..of_client("vaccine_lot_movements")
        },
        Entity::OrganizationServiceCounty
        | Entity::User
        | Entity::UserRole
        | Entity::AccessRequest
        | Entity::DuplicatePair
        | Entity::ClientMerge => return None,
    })
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: String,
    payload: Option<Json<serde_json::Value>>,
    client_id: Option<Uuid>,
}

/// `after` checked against the entity's key (one uuid, or two for a link), so a bad value is
/// refused rather than failing in SQL.
fn well_formed_after(entity: Entity, after: &str) -> bool {
    match entity {
        Entity::ClientOrganization => link_ids(after).is_ok(),
        _ => after.parse::<Uuid>().is_ok(),
    }
}

impl SyncReads for PgRegistry {
    async fn sync_horizon(&self) -> PortResult<Cursor> {
        let mut tx = snapshot_transaction(self).await?;
        let horizon = horizon_in(&mut tx).await?;
        tx.commit().await.map_err(failed)?;
        Ok(horizon)
    }

    async fn changes_in_scope(
        &self,
        organization: OrganizationId,
        entities: &[Entity],
        after: Cursor,
        limit: u32,
    ) -> PortResult<ScopedChanges> {
        let entities: Vec<&str> = entities.iter().map(|e| e.code()).collect();
        let everyone: Vec<&str> = REFERENCE.iter().map(|e| e.code()).collect();
        let mut tx = snapshot_transaction(self).await?;
        let horizon = horizon_in(&mut tx).await?;
        let sql = format!(
            "SELECT l.seq, l.xid::text::bigint AS transaction, l.entity, l.entity_id, l.op,
                    l.source, l.at, l.node, l.revision, l.payload, l.client_id
             FROM change_log l
             WHERE (l.xid, l.seq) > ($2::text::xid8, $3)
               AND l.xid < $4::text::xid8
               AND l.entity = ANY($5)
               AND (l.entity = ANY($6)
                    OR l.organization_id = $1
                    OR l.client_id IN {SCOPE_CLIENTS})
             ORDER BY l.xid, l.seq
             LIMIT $7"
        );
        let rows: Vec<ChangeRow> = sqlx::query_as(&sql)
            .bind(organization.as_uuid())
            .bind(after.transaction.to_string())
            .bind(after.seq)
            .bind(horizon.transaction.to_string())
            .bind(&entities)
            .bind(&everyone)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(ScopedChanges {
            changes: rows
                .into_iter()
                .map(ChangeRow::scoped)
                .collect::<PortResult<_>>()?,
            horizon,
        })
    }

    async fn records_in_scope(
        &self,
        organization: OrganizationId,
        entity: Entity,
        client: Option<ClientId>,
        after: Option<&str>,
        limit: u32,
    ) -> PortResult<Vec<ScopedRecord>> {
        let Some(shape) = shape(entity) else {
            return Ok(Vec::new());
        };
        if after.is_some_and(|a| !well_formed_after(entity, a)) {
            return Err(PortError::NotFound("snapshot position"));
        }
        let client_column = shape.client.unwrap_or("NULL::uuid");
        // A client's snapshot holds only records that are part of a client's.
        if client.is_some() && shape.client.is_none() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {id} AS id, {PAYLOAD} AS payload, {client_column} AS client_id
             FROM {table} t
             WHERE {scope}
               AND ($2::text IS NULL OR {key} > {after})
               AND ($3::uuid IS NULL OR {client_column} = $3)
             ORDER BY {key}
             LIMIT $4",
            id = shape.id,
            table = shape.table,
            scope = shape.scope,
            key = shape.key,
            after = shape.after,
        );
        let rows: Vec<RecordRow> = sqlx::query_as(&sql)
            .bind(organization.as_uuid())
            .bind(after)
            .bind(client.map(|c| c.as_uuid()))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await
            .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let payload = r.payload.map(|Json(p)| p);
                ScopedRecord {
                    record: SnapshotRecord {
                        revision: payload
                            .as_ref()
                            .and_then(|p| p.get("revision"))
                            .and_then(serde_json::Value::as_i64),
                        id: r.id,
                        payload,
                    },
                    client: r.client_id.map(ClientId::from_uuid),
                }
            })
            .collect())
    }
}
