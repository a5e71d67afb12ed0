//! Duplicate prevention: records for the duplicate scan, the queue of likely duplicate pairs,
//! and merge / unmerge. A merge moves the merged record's doses, names (as AKAs) and
//! organizations to the survivor and lists each move, so unmerge puts back exactly that.
//! Nothing is deleted: the merged record stays, marked `merged_into`.

use crate::Work;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::change_log::{self, ChangeOp, Entity};
use crate::demographics;
use crate::{timestamp, Store, StoreError, StoreResult};

/// What the matcher compares and the warning list shows, for one client.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchRow {
    /// Id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// Gender code.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<String>,
    /// Street.
    pub address_line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// Guardian.
    pub guardian_name: Option<String>,
    /// Home organization's name.
    pub organization_name: Option<String>,
    /// The record this one was merged into, if any.
    pub merged_into: Option<String>,
}

const MATCH_COLUMNS: &str = "SELECT c.id, c.registry_id, c.first_name, c.middle_name, c.last_name, c.date_of_birth, c.gender,
    c.mother_maiden_name, c.address_line1, c.city, c.state, c.zip,
    CASE WHEN c.guardian_last_name IS NULL THEN NULL ELSE coalesce(c.guardian_first_name || ' ', '') || c.guardian_last_name END AS guardian_name,
    o.name AS organization_name, c.merged_into
    FROM clients c LEFT JOIN organizations o ON o.id = c.home_organization_id";

/// Records a likely duplicate pair (any order), or raises the score of an open one. Resolved
/// pairs stay resolved. Returns the pair's id.
pub async fn record_pair_in_tx(
    tx: &mut Work,
    one: ClientId,
    other: ClientId,
    score: f64,
    reasons: &str,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let entry = QueueEntry {
        score,
        reasons,
        probability: None,
        cluster: None,
    };
    Ok(queue_pair_in_tx(tx, one, other, &entry, now).await?.0)
}

/// What the queue is told about a pair.
#[derive(Debug, Clone, Copy)]
pub struct QueueEntry<'a> {
    /// Evidence (bits; the hand-set scan's score).
    pub score: f64,
    /// Reasons, comma-separated.
    pub reasons: &'a str,
    /// The model's match probability, when a model scored it.
    pub probability: Option<f64>,
    /// The cluster the deduplication job found it in.
    pub cluster: Option<&'a str>,
}

/// What queueing a pair did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// A new pair in the queue.
    New,
    /// Already open: its score raised if higher, its probability and cluster brought up to date.
    StillOpen,
    /// Resolved before (merged, or dismissed as two people): left as it was, not re-queued.
    Resolved,
}

/// Queues a pair (any order) — [`record_pair_in_tx`] with the deduplication job's probability
/// and cluster. A pair resolved before is never reopened. Returns its id and what happened.
pub async fn queue_pair_in_tx(
    tx: &mut Work,
    one: ClientId,
    other: ClientId,
    entry: &QueueEntry<'_>,
    now: OffsetDateTime,
) -> StoreResult<(String, Queued)> {
    let (a, b) = ordered(one, other);
    let existing: Option<(String, String)> = sqlx::query_as(
        "SELECT id, status FROM duplicate_pairs WHERE client_a = ? AND client_b = ?",
    )
    .bind(&a)
    .bind(&b)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id, status)) = existing {
        if status != "open" {
            return Ok((id, Queued::Resolved));
        }
        sqlx::query(
            "UPDATE duplicate_pairs SET score = max(score, ?1),
                    reasons = CASE WHEN ?1 > score THEN ?2 ELSE reasons END,
                    probability = coalesce(?3, probability), cluster_id = coalesce(?4, cluster_id),
                    updated_at = ?5 WHERE id = ?6 AND status = 'open'",
        )
        .bind(entry.score)
        .bind(entry.reasons)
        .bind(entry.probability)
        .bind(entry.cluster)
        .bind(timestamp(now))
        .bind(&id)
        .execute(&mut **tx)
        .await?;
        return Ok((id, Queued::StillOpen));
    }
    let id = Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO duplicate_pairs (id, client_a, client_b, score, reasons, probability, cluster_id,
                                      created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&a)
    .bind(&b)
    .bind(entry.score)
    .bind(entry.reasons)
    .bind(entry.probability)
    .bind(entry.cluster)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::DuplicatePair, &id, ChangeOp::Insert, now).await?;
    Ok((id, Queued::New))
}

fn ordered(one: ClientId, other: ClientId) -> (String, String) {
    let (a, b) = (one.to_string(), other.to_string());
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// One pair of the queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PairRow {
    /// Id.
    pub id: String,
    /// One record.
    pub client_a: String,
    /// The other.
    pub client_b: String,
    /// Match score.
    pub score: f64,
    /// Reasons, comma-separated.
    pub reasons: String,
    /// open / merged / not_duplicate.
    pub status: String,
    /// The model's match probability, when the deduplication job scored it.
    pub probability: Option<f64>,
    /// The cluster the deduplication job found it in.
    pub cluster_id: Option<String>,
}

/// Open pairs whose records are both still in the registry: the pairs of one cluster
/// together, clusters by their most probable pair, then pairs by probability (pairs the
/// hand-set scan queued, with no probability, after those with one), then by score.
pub async fn open_pairs(store: &Store, limit: i64) -> StoreResult<Vec<PairRow>> {
    Ok(sqlx::query_as(
        "SELECT id, client_a, client_b, score, reasons, status, probability, cluster_id
         FROM (SELECT p.*, coalesce(p.cluster_id, p.id) AS grouping,
                      max(p.probability) OVER (PARTITION BY coalesce(p.cluster_id, p.id)) AS best,
                      max(p.score) OVER (PARTITION BY coalesce(p.cluster_id, p.id)) AS best_score
               FROM duplicate_pairs p
               JOIN clients a ON a.id = p.client_a JOIN clients b ON b.id = p.client_b
               WHERE p.status = 'open' AND a.merged_into IS NULL AND b.merged_into IS NULL)
         ORDER BY best DESC NULLS LAST, best_score DESC, grouping,
                  probability DESC NULLS LAST, score DESC, id
         LIMIT ?",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// Number of open pairs.
pub async fn open_count(store: &Store) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM duplicate_pairs WHERE status = 'open'")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}

/// The pair with `id`.
pub async fn pair(store: &Store, id: &str) -> StoreResult<PairRow> {
    sqlx::query_as(
        "SELECT id, client_a, client_b, score, reasons, status, probability, cluster_id
         FROM duplicate_pairs WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound("duplicate pair"))
}

/// The rows of `ids` for display (merged-away ones included).
pub async fn match_rows(store: &Store, ids: &[String]) -> StoreResult<Vec<MatchRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; ids.len()].join(", ");
    let sql = format!("{MATCH_COLUMNS} WHERE c.id IN ({placeholders})");
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(store.pool()).await?)
}

/// Marks a pair resolved (`merged` or `not_duplicate`), or reopens it (`open`).
pub async fn set_pair_status_in_tx(
    tx: &mut Work,
    id: &str,
    status: &str,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    if !update_pair_status(tx, id, status, by, now, false).await? {
        return Err(StoreError::NotFound("duplicate pair"));
    }
    Ok(())
}

/// Resolves the pair (`merged` or `not_duplicate`) only if it is still open; `false` when it
/// was resolved meanwhile. The guard is the statement itself, so two clicks resolve it once.
pub async fn resolve_open_pair_in_tx(
    tx: &mut Work,
    id: &str,
    status: &str,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    update_pair_status(tx, id, status, by, now, true).await
}

async fn update_pair_status(
    tx: &mut Work,
    id: &str,
    status: &str,
    by: UserId,
    now: OffsetDateTime,
    only_if_open: bool,
) -> StoreResult<bool> {
    let guard = if only_if_open {
        " AND status = 'open'"
    } else {
        ""
    };
    let done = sqlx::query(&format!(
        "UPDATE duplicate_pairs SET status = ?, resolved_at = CASE WHEN ? = 'open' THEN NULL ELSE ? END,
                resolved_by = CASE WHEN ? = 'open' THEN NULL ELSE ? END, updated_at = ? WHERE id = ?{guard}"
    ))
    .bind(status)
    .bind(status)
    .bind(timestamp(now))
    .bind(status)
    .bind(by.to_string())
    .bind(timestamp(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    change_log::append_in_tx(tx, Entity::DuplicatePair, id, ChangeOp::Update, now).await?;
    Ok(true)
}

/// Whether the client was merged into another record.
pub async fn merged_into(store: &Store, client: ClientId) -> StoreResult<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT merged_into FROM clients WHERE id = ?")
            .bind(client.to_string())
            .fetch_optional(store.pool())
            .await?;
    row.map(|(m,)| m).ok_or(StoreError::NotFound("client"))
}

/// What a merge moved, for unmerge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeMoves {
    /// Doses moved to the survivor.
    pub immunizations: Vec<String>,
    /// AKAs added to the survivor.
    pub names: Vec<String>,
    /// Organizations added to the survivor.
    pub organizations: Vec<String>,
}

async fn note_move(tx: &mut Work, merge: &str, entity: &str, id: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO client_merge_moves (merge_id, entity, entity_id) VALUES (?, ?, ?)")
        .bind(merge)
        .bind(entity)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Merges `merged` into `survivor`: every dose of `merged` moves to the survivor, its legal
/// name and AKAs become the survivor's AKAs, its organizations become the survivor's, and it is
/// marked `merged_into`. Returns the merge id.
pub async fn merge_in_tx(
    tx: &mut Work,
    survivor: ClientId,
    merged: ClientId,
    pair_id: Option<&str>,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let merge = Uuid::now_v7().to_string();
    let at = timestamp(now);
    sqlx::query(
        "INSERT INTO client_merges (id, survivor_id, merged_id, pair_id, merged_at, merged_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&merge)
    .bind(survivor.to_string())
    .bind(merged.to_string())
    .bind(pair_id)
    .bind(&at)
    .bind(by.to_string())
    .bind(&at)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::ClientMerge, &merge, ChangeOp::Insert, now).await?;

    let doses: Vec<(String,)> = sqlx::query_as("SELECT id FROM immunizations WHERE client_id = ?")
        .bind(merged.to_string())
        .fetch_all(&mut **tx)
        .await?;
    for (dose,) in &doses {
        move_dose(tx, dose, survivor, now).await?;
        note_move(tx, &merge, "immunization", dose).await?;
    }

    // The merged record's legal name and its AKAs, as AKAs of the survivor.
    let names: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT first_name, middle_name, last_name FROM clients WHERE id = ?1
         UNION ALL
         SELECT first_name, middle_name, last_name FROM client_names WHERE client_id = ?1 AND voided_at IS NULL",
    )
    .bind(merged.to_string())
    .fetch_all(&mut **tx)
    .await?;
    for (first, middle, last) in &names {
        let id = demographics::add_name_in_tx(
            tx,
            survivor,
            first,
            middle.as_deref(),
            last,
            "merged",
            now,
        )
        .await?;
        note_move(tx, &merge, "name", &id).await?;
    }

    // Organizations of the merged record that the survivor does not have yet.
    let orgs: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT o.organization_id, o.status, o.status_on FROM (
             SELECT home_organization_id AS organization_id, 'active' AS status, substr(?2, 1, 10) AS status_on
             FROM clients WHERE id = ?1 AND home_organization_id IS NOT NULL
             UNION
             SELECT organization_id, status, status_on FROM client_organizations WHERE client_id = ?1 AND voided_at IS NULL
         ) o
         WHERE o.organization_id NOT IN (
             SELECT home_organization_id FROM clients WHERE id = ?3 AND home_organization_id IS NOT NULL
             UNION SELECT organization_id FROM client_organizations WHERE client_id = ?3 AND voided_at IS NULL)
         GROUP BY o.organization_id",
    )
    .bind(merged.to_string())
    .bind(&at)
    .bind(survivor.to_string())
    .fetch_all(&mut **tx)
    .await?;
    for (org, status, on) in &orgs {
        let org_id: OrganizationId = org
            .parse()
            .map_err(|e: uuid::Error| StoreError::Unexpected(e.into()))?;
        demographics::set_membership_in_tx(tx, survivor, org_id, status, on, now).await?;
        note_move(tx, &merge, "organization", org).await?;
    }

    set_merged_into(tx, merged, Some(survivor), now).await?;
    Ok(merge)
}

async fn move_dose(
    tx: &mut Work,
    dose: &str,
    to: ClientId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE immunizations SET client_id = ?, updated_at = ? WHERE id = ?")
        .bind(to.to_string())
        .bind(timestamp(now))
        .bind(dose)
        .execute(&mut **tx)
        .await?;
    change_log::append_in_tx(tx, Entity::Immunization, dose, ChangeOp::Update, now).await
}

async fn set_merged_into(
    tx: &mut Work,
    client: ClientId,
    into: Option<ClientId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE clients SET merged_into = ?, updated_at = ? WHERE id = ?")
        .bind(into.map(|c| c.to_string()))
        .bind(timestamp(now))
        .bind(client.to_string())
        .execute(&mut **tx)
        .await?;
    change_log::append_in_tx(
        tx,
        Entity::Client,
        &client.to_string(),
        ChangeOp::Update,
        now,
    )
    .await
}

/// A merge, as listed for undo.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MergeRow {
    /// Id.
    pub id: String,
    /// The record kept.
    pub survivor_id: String,
    /// The record merged into it.
    pub merged_id: String,
    /// The queue pair it resolved.
    pub pair_id: Option<String>,
    /// RFC 3339.
    pub merged_at: String,
    /// Who merged.
    pub merged_by_name: Option<String>,
    /// RFC 3339, when undone.
    pub undone_at: Option<String>,
}

/// The merge with `id`.
pub async fn merge(store: &Store, id: &str) -> StoreResult<MergeRow> {
    sqlx::query_as(
        "SELECT m.id, m.survivor_id, m.merged_id, m.pair_id, m.merged_at,
                u.first_name || ' ' || u.last_name AS merged_by_name, m.undone_at
         FROM client_merges m LEFT JOIN users u ON u.id = m.merged_by WHERE m.id = ?",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound("merge"))
}

/// Merges not undone, newest first.
pub async fn recent_merges(store: &Store, limit: i64) -> StoreResult<Vec<MergeRow>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.survivor_id, m.merged_id, m.pair_id, m.merged_at,
                u.first_name || ' ' || u.last_name AS merged_by_name, m.undone_at
         FROM client_merges m LEFT JOIN users u ON u.id = m.merged_by
         WHERE m.undone_at IS NULL ORDER BY m.merged_at DESC, m.rowid DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// What merge `id` moved.
pub async fn merge_moves(store: &Store, id: &str) -> StoreResult<MergeMoves> {
    merge_moves_on(store.pool(), id).await
}

/// [`merge_moves`], read in a unit of work's own transaction.
pub async fn merge_moves_in_tx(tx: &mut Work, id: &str) -> StoreResult<MergeMoves> {
    merge_moves_on(&mut **tx, id).await
}

async fn merge_moves_on<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    id: &str,
) -> StoreResult<MergeMoves> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT entity, entity_id FROM client_merge_moves WHERE merge_id = ? ORDER BY rowid",
    )
    .bind(id)
    .fetch_all(executor)
    .await?;
    let mut moves = MergeMoves::default();
    for (entity, id) in rows {
        match entity.as_str() {
            "immunization" => moves.immunizations.push(id),
            "name" => moves.names.push(id),
            _ => moves.organizations.push(id),
        }
    }
    Ok(moves)
}

/// Undoes a merge: its doses still on the survivor go back, the AKAs it added are voided, the
/// organizations it added are voided on the survivor, and the merged record returns. Doses
/// recorded on the survivor after the merge stay there.
pub async fn unmerge_in_tx(
    tx: &mut Work,
    merge: &MergeRow,
    moves: &MergeMoves,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let survivor: ClientId = parse_id(&merge.survivor_id)?;
    let merged: ClientId = parse_id(&merge.merged_id)?;
    let at = timestamp(now);
    let done = sqlx::query(
        "UPDATE client_merges SET undone_at = ?, undone_by = ?, updated_at = ? WHERE id = ? AND undone_at IS NULL",
    )
    .bind(&at)
    .bind(by.to_string())
    .bind(&at)
    .bind(&merge.id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("merge"));
    }
    change_log::append_in_tx(tx, Entity::ClientMerge, &merge.id, ChangeOp::Update, now).await?;
    for dose in &moves.immunizations {
        let (on_survivor,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM immunizations WHERE id = ? AND client_id = ?")
                .bind(dose)
                .bind(&merge.survivor_id)
                .fetch_one(&mut **tx)
                .await?;
        if on_survivor > 0 {
            move_dose(tx, dose, merged, now).await?;
        }
    }
    for name in &moves.names {
        // Already voided by hand: nothing to take back.
        match demographics::void_in_tx(
            tx,
            demographics::Voidable::Name,
            survivor,
            name,
            "merge undone",
            now,
        )
        .await
        {
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for org in &moves.organizations {
        sqlx::query(
            "UPDATE client_organizations SET voided_at = ?, void_reason = 'merge undone', updated_at = ?
             WHERE client_id = ? AND organization_id = ? AND voided_at IS NULL",
        )
        .bind(&at)
        .bind(&at)
        .bind(&merge.survivor_id)
        .bind(org)
        .execute(&mut **tx)
        .await?;
        change_log::append_in_tx(
            tx,
            Entity::ClientOrganization,
            &format!("{}/{org}", merge.survivor_id),
            ChangeOp::Void,
            now,
        )
        .await?;
    }
    set_merged_into(tx, merged, None, now).await?;
    if let Some(pair) = &merge.pair_id {
        set_pair_status_in_tx(tx, pair, "open", by, now).await?;
    }
    Ok(())
}

fn parse_id(s: &str) -> StoreResult<ClientId> {
    s.parse()
        .map_err(|e: uuid::Error| StoreError::Unexpected(e.into()))
}

#[cfg(test)]
mod tests;
