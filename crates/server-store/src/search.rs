//! Client search on PostgreSQL, with the workstation's semantics: Basic search as
//! `crates/store/src/clients.rs::search_basic` does it, and Smart search's index and retrieval
//! as `crates/store/src/match_index.rs` does them, ranked by the same core function
//! ([`shotbook_core::matching::smart::rank`]), so a workstation and the registry list the same
//! clients in the same order.
//!
//! Indexing: triggers queue inserted and edited clients in `client_match_pending`;
//! [`index_pending`] computes their keys in Rust (core's [`CandidateFields::index_keys`]).
//! Several server processes may index at once: each takes the queued rows no other holds
//! (`FOR UPDATE SKIP LOCKED`), upserts name counts in one order (no deadlock between two
//! indexers), and commits in rounds. Smart search indexes what is queued first.
//!
//! The registry server stores no trained matching model yet: Smart search scores with the
//! hand-set weights, as a workstation without a stored model does. A `match_models` table (and
//! training from `shotbook-server`) comes with the registry-wide deduplication.

use std::collections::{BTreeMap, HashMap};

use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::{self, Bar, CandidateFields};
use shotbook_core::matching::{Frequencies, PersonRecord, Prepared};
use shotbook_core::search::BasicSearch;
use shotbook_usecases::ports::{ClientLine, ScoredLine, SearchReads};
use shotbook_usecases::PortResult;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::{damaged, failed, PgRegistry};

/// Queued clients indexed per transaction.
const PENDING_PER_ROUND: i64 = 2_000;

#[derive(sqlx::FromRow)]
struct MatchFields {
    client_id: Uuid,
    first_name: String,
    middle_name: Option<String>,
    last_name: String,
    date_of_birth: String,
    gender: String,
    mother_maiden_name: Option<String>,
    address_line1: Option<String>,
    zip: Option<String>,
    guardian_first_name: Option<String>,
    guardian_last_name: Option<String>,
}

impl From<MatchFields> for CandidateFields {
    fn from(r: MatchFields) -> Self {
        CandidateFields {
            client_id: r.client_id.to_string(),
            first_name: r.first_name,
            middle_name: r.middle_name,
            last_name: r.last_name,
            date_of_birth: r.date_of_birth,
            gender: r.gender,
            mother_maiden_name: r.mother_maiden_name,
            address_line1: r.address_line1,
            zip: r.zip,
            guardian_first_name: r.guardian_first_name,
            guardian_last_name: r.guardian_last_name,
        }
    }
}

/// The matching fields of `clients`; the date as ISO digits, as the workstation stores it.
const MATCH_FIELDS: &str = "c.id AS client_id, c.first_name, c.middle_name, c.last_name, \
    to_char(c.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, c.gender, c.mother_maiden_name, \
    c.address_line1, c.zip, c.guardian_first_name, c.guardian_last_name";

/// Indexes every queued client no other process is indexing, in rounds of their own
/// transaction. Returns how many clients this call indexed.
pub async fn index_pending(registry: &PgRegistry) -> sqlx::Result<u64> {
    let mut indexed = 0u64;
    loop {
        let mut tx = registry.pool().begin().await?;
        let queued: Vec<(Uuid, bool)> = sqlx::query_as(
            "SELECT client_id, is_new FROM client_match_pending ORDER BY client_id LIMIT $1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(PENDING_PER_ROUND)
        .fetch_all(&mut *tx)
        .await?;
        if queued.is_empty() {
            return Ok(indexed);
        }
        let ids: Vec<Uuid> = queued.iter().map(|(id, _)| *id).collect();
        let rows: Vec<MatchFields> = sqlx::query_as(&format!(
            "SELECT {MATCH_FIELDS} FROM clients c WHERE c.id = ANY($1)"
        ))
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let new: std::collections::HashSet<Uuid> = queued
            .iter()
            .filter(|(_, is_new)| *is_new)
            .map(|(id, _)| *id)
            .collect();
        let (mut keys, mut key_clients) = (Vec::new(), Vec::new());
        // Ordered, so two indexers lock the count rows in one order.
        let mut counts: BTreeMap<(&'static str, String), i64> = BTreeMap::new();
        for r in rows {
            let client = r.client_id;
            let fields = CandidateFields::from(r);
            for key in fields.index_keys() {
                keys.push(key);
                key_clients.push(client);
            }
            if new.contains(&client) {
                *counts.entry(("total", String::new())).or_default() += 1;
                for (kind, name) in fields.name_keys() {
                    if !name.is_empty() {
                        *counts.entry((kind.code(), name)).or_default() += 1;
                    }
                }
            }
        }
        sqlx::query(
            "INSERT INTO client_match_keys (match_key, client_id)
             SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING",
        )
        .bind(&keys)
        .bind(&key_clients)
        .execute(&mut *tx)
        .await?;
        let (mut kinds, mut names, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
        for ((kind, name), n) in counts {
            kinds.push(kind);
            names.push(name);
            numbers.push(n);
        }
        sqlx::query(
            "INSERT INTO client_name_counts (kind, name, clients)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
             ON CONFLICT (kind, name) DO UPDATE SET clients = client_name_counts.clients + excluded.clients",
        )
        .bind(&kinds)
        .bind(&names)
        .bind(&numbers)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM client_match_pending WHERE client_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        indexed += ids.len() as u64;
    }
}

/// The clients sharing the most usable blocking keys with the query, at most
/// [`smart::MAX_SCORED`] (ties by id), with their matching fields.
async fn candidates(registry: &PgRegistry, keys: &[String]) -> sqlx::Result<Vec<MatchFields>> {
    let cap = i64::try_from(smart::BLOCK_CAP).unwrap_or(i64::MAX);
    let sizes: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT k.i, (SELECT count(*) FROM (SELECT 1 FROM client_match_keys m
                                            WHERE m.match_key = k.key LIMIT $2) s)
         FROM unnest($1::text[]) WITH ORDINALITY AS k(key, i)",
    )
    .bind(keys)
    .bind(cap + 1)
    .fetch_all(registry.pool())
    .await?;
    let mut by_key = vec![0usize; keys.len()];
    for (i, n) in sizes {
        // WITH ORDINALITY counts from 1.
        if let Some(slot) = usize::try_from(i - 1).ok().and_then(|i| by_key.get_mut(i)) {
            *slot = usize::try_from(n).unwrap_or(0);
        }
    }
    let (usable, capped) = smart::usable_blocks(&by_key);
    if usable.is_empty() {
        return Ok(Vec::new());
    }
    let usable: Vec<&str> = usable.into_iter().map(|i| keys[i].as_str()).collect();
    // LIMIT NULL reads the whole block.
    let per_block: Option<i64> = capped.then_some(cap);
    sqlx::query_as(&format!(
        "WITH hits AS (
             SELECT h.client_id FROM unnest($1::text[]) AS u(key)
             CROSS JOIN LATERAL (SELECT m.client_id FROM client_match_keys m
                                 WHERE m.match_key = u.key LIMIT $2) h),
         ranked AS (
             SELECT client_id, count(*) AS shared FROM hits GROUP BY client_id
             ORDER BY shared DESC, client_id LIMIT $3)
         SELECT {MATCH_FIELDS} FROM ranked JOIN clients c ON c.id = ranked.client_id"
    ))
    .bind(&usable)
    .bind(per_block)
    .bind(i64::try_from(smart::MAX_SCORED).unwrap_or(i64::MAX))
    .fetch_all(registry.pool())
    .await
}

/// Name frequencies for the query's own names and the number of indexed clients.
async fn frequencies(registry: &PgRegistry, query: &Prepared) -> sqlx::Result<Frequencies> {
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, clients FROM client_name_counts
         WHERE (kind = 'total' AND name = '') OR (kind = 'given' AND name = $1)
            OR (kind = 'family' AND name = $2)",
    )
    .bind(query.given_key())
    .bind(query.family_key())
    .fetch_all(registry.pool())
    .await?;
    let (mut total, mut given, mut family) = (0, HashMap::new(), HashMap::new());
    for (kind, n) in counts {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match kind.as_str() {
            "total" => total = n,
            "given" => {
                given.insert(query.given_key().to_owned(), n);
            }
            _ => {
                family.insert(query.family_key().to_owned(), n);
            }
        }
    }
    Ok(Frequencies::from_counts(total, given, family))
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: Uuid,
    registry_id: Option<String>,
    first_name: String,
    middle_name: Option<String>,
    last_name: String,
    date_of_birth: String,
    gender: String,
    guardian_name: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    organization_name: Option<String>,
}

impl From<LineRow> for ClientLine {
    fn from(r: LineRow) -> Self {
        ClientLine {
            id: ClientId::from_uuid(r.id),
            registry_id: r.registry_id,
            first_name: r.first_name,
            middle_name: r.middle_name,
            last_name: r.last_name,
            date_of_birth: r.date_of_birth,
            gender: r.gender,
            guardian_name: r.guardian_name,
            city: r.city,
            state: r.state,
            zip: r.zip,
            organization_name: r.organization_name,
        }
    }
}

/// A result line per client not merged into another (SQL's `||` with a missing first name
/// gives no guardian name, as on the workstation).
const LINES: &str = "SELECT c.id, c.registry_id, c.first_name, c.middle_name, c.last_name, \
    to_char(c.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, c.gender, \
    CASE WHEN c.guardian_last_name IS NULL THEN NULL \
         ELSE c.guardian_first_name || ' ' || c.guardian_last_name END AS guardian_name, \
    c.city, c.state, c.zip, o.name AS organization_name \
    FROM clients c LEFT JOIN organizations o ON o.id = c.home_organization_id \
    WHERE c.merged_into IS NULL";

/// `LIKE` pattern text matching `text` literally.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Upper bound of a prefix range over folded names (A–Z and spaces) and ZIPs (digits, '-').
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}~")
}

impl SearchReads for PgRegistry {
    async fn basic_search(
        &self,
        criteria: &BasicSearch,
        limit: usize,
    ) -> PortResult<Vec<ClientLine>> {
        let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(LINES);
        // Byte-wise, as SQLite compares (see the migration).
        if let Some(last) = &criteria.last_name {
            qb.push(" AND c.last_name_folded COLLATE \"C\" >= ")
                .push_bind(last.clone())
                .push(" AND c.last_name_folded COLLATE \"C\" < ")
                .push_bind(prefix_end(last));
        }
        if let Some(first) = &criteria.first_name {
            qb.push(" AND c.first_name_folded COLLATE \"C\" >= ")
                .push_bind(first.clone())
                .push(" AND c.first_name_folded COLLATE \"C\" < ")
                .push_bind(prefix_end(first));
        }
        if let Some(dob) = &criteria.date_of_birth {
            qb.push(" AND c.date_of_birth = ").push_bind(dob.date());
        }
        if let Some(phone) = &criteria.phone {
            qb.push(" AND c.phone = ")
                .push_bind(phone.as_str().to_owned());
        }
        if let Some(zip) = &criteria.zip {
            qb.push(" AND c.zip COLLATE \"C\" >= ")
                .push_bind(zip.clone())
                .push(" AND c.zip COLLATE \"C\" < ")
                .push_bind(prefix_end(zip));
        }
        if let Some(id) = &criteria.client_id {
            qb.push(" AND c.registry_id = ").push_bind(id.clone());
        }
        if let Some(gender) = &criteria.gender {
            qb.push(" AND c.gender = ").push_bind(gender.clone());
        }
        // ILIKE under the "C" collation folds ASCII letters only: SQLite's LIKE (accented
        // letters must be typed as stored).
        let like = |qb: &mut QueryBuilder<'_, Postgres>, column: &str, pattern: String| {
            qb.push(format!(" {column} COLLATE \"C\" ILIKE "))
                .push_bind(pattern)
                .push(" ESCAPE '\\'");
        };
        if let Some(middle) = &criteria.middle_name {
            qb.push(" AND");
            like(
                &mut qb,
                "c.middle_name",
                format!("{}%", like_literal(middle)),
            );
        }
        if let Some(maiden) = &criteria.mother_maiden_name {
            qb.push(" AND");
            like(
                &mut qb,
                "c.mother_maiden_name",
                format!("{}%", like_literal(maiden)),
            );
        }
        if let Some(guardian) = &criteria.guardian_name {
            let pattern = format!("{}%", like_literal(guardian));
            qb.push(" AND (");
            like(&mut qb, "c.guardian_last_name", pattern.clone());
            qb.push(" OR");
            like(&mut qb, "c.guardian_first_name", pattern.clone());
            qb.push(" OR");
            like(
                &mut qb,
                "(c.guardian_first_name || ' ' || c.guardian_last_name)",
                pattern,
            );
            qb.push(")");
        }
        if let Some(address) = &criteria.address {
            qb.push(" AND");
            like(
                &mut qb,
                "c.address_line1",
                format!("%{}%", like_literal(address)),
            );
        }
        // The workstation's order; the id settles what it leaves to chance.
        qb.push(
            " ORDER BY c.last_name_folded COLLATE \"C\", c.first_name_folded COLLATE \"C\", \
             c.date_of_birth, c.id LIMIT ",
        )
        .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let rows: Vec<LineRow> = qb
            .build_query_as()
            .fetch_all(self.pool())
            .await
            .map_err(failed)?;
        Ok(rows.into_iter().map(ClientLine::from).collect())
    }

    async fn smart_search(
        &self,
        person: &PersonRecord,
        bar: Bar,
        limit: usize,
    ) -> PortResult<Vec<ScoredLine>> {
        index_pending(self).await.map_err(failed)?;
        let prepared = Prepared::new(person);
        let keys = prepared.query_keys();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows = candidates(self, &keys).await.map_err(failed)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let freq = frequencies(self, &prepared).await.map_err(failed)?;
        let ranked = smart::rank(
            person,
            rows.into_iter().map(CandidateFields::from),
            None,
            &freq,
            bar,
            limit,
        );
        let ids = ranked
            .iter()
            .map(|m| {
                m.client_id
                    .parse::<Uuid>()
                    .map_err(|_| damaged("client id"))
            })
            .collect::<PortResult<Vec<Uuid>>>()?;
        let mut lines: HashMap<String, LineRow> =
            sqlx::query_as::<_, LineRow>(&format!("{LINES} AND c.id = ANY($1)"))
                .bind(&ids)
                .fetch_all(self.pool())
                .await
                .map_err(failed)?
                .into_iter()
                .map(|r| (r.id.to_string(), r))
                .collect();
        // Clients merged into another have no line: left out, in rank order otherwise.
        Ok(ranked
            .into_iter()
            .filter_map(|m| {
                let row = lines.remove(&m.client_id)?;
                Some(ScoredLine {
                    client: row.into(),
                    score: m.score,
                    likely: m.likely,
                    via_guardian: m.via_guardian,
                })
            })
            .collect())
    }
}
