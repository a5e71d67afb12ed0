//! The duplicates queue and client merges on PostgreSQL. A merge moves the merged record's
//! doses, names (as AKAs) and organizations to the survivor and lists each move in
//! `client_merge_moves`, so an undo moves exactly that back.

use shotbook_core::demographics::VoidableEntry;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::ports::{
    ClientMerge, DuplicatePair, DuplicateReads, DuplicateWrites, PairResolution,
};
use shotbook_usecases::{PortError, PortResult};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::demographics::{add_name, set_client_organization, void};
use crate::change_log::append;
use crate::{failed, PgRegistry, PgWork};

/// Records that two clients may be one person (the pair kept in id order), or raises the
/// score of the open pair they already form. Returns the pair's id.
pub(crate) async fn record_pair(
    work: &mut PgWork,
    one: ClientId,
    other: ClientId,
    score: f64,
    reasons: &str,
) -> PortResult<Uuid> {
    let (a, b) = if one.as_uuid() < other.as_uuid() {
        (one.as_uuid(), other.as_uuid())
    } else {
        (other.as_uuid(), one.as_uuid())
    };
    let now = work.now();
    let existing: Option<(Uuid,)> =
        sqlx::query_as("SELECT id FROM duplicate_pairs WHERE client_a = $1 AND client_b = $2")
            .bind(a)
            .bind(b)
            .fetch_optional(work.connection())
            .await
            .map_err(failed)?;
    if let Some((id,)) = existing {
        sqlx::query(
            "UPDATE duplicate_pairs SET score = greatest(score, $1),
                    reasons = CASE WHEN $1 > score THEN $2 ELSE reasons END, updated_at = $3
             WHERE id = $4 AND status = 'open'",
        )
        .bind(score)
        .bind(reasons)
        .bind(now)
        .bind(id)
        .execute(work.connection())
        .await
        .map_err(failed)?;
        return Ok(id);
    }
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO duplicate_pairs (id, client_a, client_b, score, reasons, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id)
    .bind(a)
    .bind(b)
    .bind(score)
    .bind(reasons)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::DuplicatePair,
        &id.to_string(),
        ChangeOp::Insert,
    )
    .await?;
    Ok(id)
}

/// Sets the pair's status (`open` clears its resolution); `false` when no pair changed (absent,
/// or not open while `only_if_open`).
async fn set_pair_status(
    work: &mut PgWork,
    pair: Uuid,
    status: &str,
    by: UserId,
    only_if_open: bool,
) -> PortResult<bool> {
    let now = work.now();
    let done = sqlx::query(
        "UPDATE duplicate_pairs SET status = $1,
                resolved_at = CASE WHEN $1 = 'open' THEN NULL ELSE $2 END,
                resolved_by = CASE WHEN $1 = 'open' THEN NULL ELSE $3 END, updated_at = $2
         WHERE id = $4 AND (status = 'open' OR NOT $5)",
    )
    .bind(status)
    .bind(now)
    .bind(by.as_uuid())
    .bind(pair)
    .bind(only_if_open)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    append(
        work,
        Entity::DuplicatePair,
        &pair.to_string(),
        ChangeOp::Update,
    )
    .await?;
    Ok(true)
}

async fn note_move(work: &mut PgWork, merge: Uuid, entity: &str, id: Uuid) -> PortResult<()> {
    sqlx::query("INSERT INTO client_merge_moves (merge_id, entity, entity_id) VALUES ($1, $2, $3)")
        .bind(merge)
        .bind(entity)
        .bind(id)
        .execute(work.connection())
        .await
        .map_err(failed)?;
    Ok(())
}

async fn move_dose(work: &mut PgWork, dose: Uuid, to: ClientId) -> PortResult<()> {
    let now = work.now();
    sqlx::query("UPDATE immunizations SET client_id = $1, updated_at = $2 WHERE id = $3")
        .bind(to.as_uuid())
        .bind(now)
        .bind(dose)
        .execute(work.connection())
        .await
        .map_err(failed)?;
    append(
        work,
        Entity::Immunization,
        &dose.to_string(),
        ChangeOp::Update,
    )
    .await
}

async fn set_merged_into(
    work: &mut PgWork,
    client: ClientId,
    into: Option<ClientId>,
) -> PortResult<()> {
    let now = work.now();
    sqlx::query("UPDATE clients SET merged_into = $1, updated_at = $2 WHERE id = $3")
        .bind(into.map(|c| c.as_uuid()))
        .bind(now)
        .bind(client.as_uuid())
        .execute(work.connection())
        .await
        .map_err(failed)?;
    append(work, Entity::Client, &client.to_string(), ChangeOp::Update).await
}

/// The merge's moves, in the order they were made.
async fn moves(work: &mut PgWork, merge: Uuid) -> PortResult<Vec<(String, Uuid)>> {
    sqlx::query_as(
        "SELECT entity, entity_id FROM client_merge_moves WHERE merge_id = $1 ORDER BY seq",
    )
    .bind(merge)
    .fetch_all(work.connection())
    .await
    .map_err(failed)
}

impl DuplicateReads for PgRegistry {
    async fn pair(&self, id: &str) -> PortResult<Option<DuplicatePair>> {
        let Ok(id) = id.parse::<Uuid>() else {
            return Ok(None);
        };
        let row: Option<(Uuid, Uuid, String)> =
            sqlx::query_as("SELECT client_a, client_b, status FROM duplicate_pairs WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
        Ok(row.map(|(a, b, status)| DuplicatePair {
            id: id.to_string(),
            a: ClientId::from_uuid(a),
            b: ClientId::from_uuid(b),
            open: status == "open",
        }))
    }

    async fn client_merge(&self, id: &str) -> PortResult<Option<ClientMerge>> {
        let Ok(id) = id.parse::<Uuid>() else {
            return Ok(None);
        };
        let row: Option<(Uuid, Uuid, Option<OffsetDateTime>, i64)> = sqlx::query_as(
            "SELECT m.survivor_id, m.merged_id, m.undone_at,
                    (SELECT count(*) FROM client_merge_moves v WHERE v.merge_id = m.id AND v.entity = 'immunization')
             FROM client_merges m WHERE m.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(|(survivor, merged, undone_at, doses)| ClientMerge {
            id: id.to_string(),
            survivor: ClientId::from_uuid(survivor),
            merged: ClientId::from_uuid(merged),
            undone: undone_at.is_some(),
            doses_moved: usize::try_from(doses).unwrap_or_default(),
        }))
    }
}

impl DuplicateWrites for PgWork {
    async fn resolve_open_pair(
        &mut self,
        pair: &str,
        resolution: PairResolution,
        by: UserId,
    ) -> PortResult<bool> {
        let Ok(pair) = pair.parse::<Uuid>() else {
            return Ok(false);
        };
        let status = match resolution {
            PairResolution::Merged => "merged",
            PairResolution::NotDuplicate => "not_duplicate",
        };
        set_pair_status(self, pair, status, by, true).await
    }

    async fn merge_clients(
        &mut self,
        survivor: ClientId,
        merged: ClientId,
        pair: Option<&str>,
        by: UserId,
    ) -> PortResult<String> {
        let pair = pair
            .map(|p| {
                p.parse::<Uuid>()
                    .map_err(|_| PortError::NotFound("duplicate pair"))
            })
            .transpose()?;
        let merge = Uuid::now_v7();
        let now = self.now();
        sqlx::query(
            "INSERT INTO client_merges (id, survivor_id, merged_id, pair_id, merged_at, merged_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $5, $5)",
        )
        .bind(merge)
        .bind(survivor.as_uuid())
        .bind(merged.as_uuid())
        .bind(pair)
        .bind(now)
        .bind(by.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::ClientMerge,
            &merge.to_string(),
            ChangeOp::Insert,
        )
        .await?;

        let doses: Vec<(Uuid,)> =
            sqlx::query_as("SELECT id FROM immunizations WHERE client_id = $1 ORDER BY id")
                .bind(merged.as_uuid())
                .fetch_all(self.connection())
                .await
                .map_err(failed)?;
        for (dose,) in doses {
            move_dose(self, dose, survivor).await?;
            note_move(self, merge, "immunization", dose).await?;
        }

        // The merged record's legal name and its AKAs, as AKAs of the survivor.
        let names: Vec<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT first_name, middle_name, last_name FROM (
                 SELECT 0 AS k, created_at, first_name, middle_name, last_name FROM clients WHERE id = $1
                 UNION ALL
                 SELECT 1, created_at, first_name, middle_name, last_name FROM client_names
                 WHERE client_id = $1 AND voided_at IS NULL) n
             ORDER BY k, created_at",
        )
        .bind(merged.as_uuid())
        .fetch_all(self.connection())
        .await
        .map_err(failed)?;
        for (first, middle, last) in &names {
            let id = add_name(self, survivor, first, middle.as_deref(), last, "merged").await?;
            note_move(self, merge, "name", id).await?;
        }

        // Organizations of the merged record that the survivor does not have yet.
        let organizations: Vec<(Uuid, String, Date)> = sqlx::query_as(
            "SELECT DISTINCT ON (o.organization_id) o.organization_id, o.status, o.status_on FROM (
                 SELECT home_organization_id AS organization_id, 'active' AS status, $2::date AS status_on, 0 AS k
                 FROM clients WHERE id = $1 AND home_organization_id IS NOT NULL
                 UNION ALL
                 SELECT organization_id, status, status_on, 1 FROM client_organizations
                 WHERE client_id = $1 AND voided_at IS NULL
             ) o
             WHERE o.organization_id NOT IN (
                 SELECT home_organization_id FROM clients WHERE id = $3 AND home_organization_id IS NOT NULL
                 UNION SELECT organization_id FROM client_organizations WHERE client_id = $3 AND voided_at IS NULL)
             ORDER BY o.organization_id, o.k",
        )
        .bind(merged.as_uuid())
        .bind(now.date())
        .bind(survivor.as_uuid())
        .fetch_all(self.connection())
        .await
        .map_err(failed)?;
        for (organization, status, on) in organizations {
            set_client_organization(
                self,
                survivor,
                OrganizationId::from_uuid(organization),
                &status,
                on,
            )
            .await?;
            note_move(self, merge, "organization", organization).await?;
        }

        set_merged_into(self, merged, Some(survivor)).await?;
        Ok(merge.to_string())
    }

    async fn undo_merge(&mut self, merge: &str, by: UserId) -> PortResult<bool> {
        let Ok(merge) = merge.parse::<Uuid>() else {
            return Ok(false);
        };
        let now = self.now();
        // The guard and the read are one statement in the work's transaction: what is undone
        // is what the guard saw, and a second undo finds nothing to undo.
        let undone: Option<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(
            "UPDATE client_merges SET undone_at = $1, undone_by = $2, updated_at = $1
             WHERE id = $3 AND undone_at IS NULL
             RETURNING survivor_id, merged_id, pair_id",
        )
        .bind(now)
        .bind(by.as_uuid())
        .bind(merge)
        .fetch_optional(self.connection())
        .await
        .map_err(failed)?;
        let Some((survivor, merged, pair)) = undone else {
            return Ok(false);
        };
        let (survivor, merged) = (ClientId::from_uuid(survivor), ClientId::from_uuid(merged));
        append(
            self,
            Entity::ClientMerge,
            &merge.to_string(),
            ChangeOp::Update,
        )
        .await?;
        for (entity, id) in moves(self, merge).await? {
            match entity.as_str() {
                "immunization" => {
                    // Only doses still on the survivor go back (one moved since stays).
                    let (on_survivor,): (bool,) = sqlx::query_as(
                        "SELECT EXISTS (SELECT 1 FROM immunizations WHERE id = $1 AND client_id = $2)",
                    )
                    .bind(id)
                    .bind(survivor.as_uuid())
                    .fetch_one(self.connection())
                    .await
                    .map_err(failed)?;
                    if on_survivor {
                        move_dose(self, id, merged).await?;
                    }
                }
                "name" => {
                    // Already voided by hand: nothing to take back.
                    match void(
                        self,
                        survivor,
                        VoidableEntry::Aka,
                        &id.to_string(),
                        "merge undone",
                    )
                    .await
                    {
                        Ok(()) | Err(PortError::NotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                _ => {
                    sqlx::query(
                        "UPDATE client_organizations SET voided_at = $1, void_reason = 'merge undone', updated_at = $1
                         WHERE client_id = $2 AND organization_id = $3 AND voided_at IS NULL",
                    )
                    .bind(now)
                    .bind(survivor.as_uuid())
                    .bind(id)
                    .execute(self.connection())
                    .await
                    .map_err(failed)?;
                    append(
                        self,
                        Entity::ClientOrganization,
                        &format!("{survivor}/{id}"),
                        ChangeOp::Void,
                    )
                    .await?;
                }
            }
        }
        set_merged_into(self, merged, None).await?;
        if let Some(pair) = pair {
            if !set_pair_status(self, pair, "open", by, false).await? {
                return Err(PortError::NotFound("duplicate pair"));
            }
        }
        Ok(true)
    }
}
