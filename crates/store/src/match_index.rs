//! The Smart-search index: every client's matching fields filed under the blocking keys of
//! [`shotbook_core::matching`], and the retrieval that turns a query into ranked candidates.
//!
//! Writing: triggers queue every inserted or edited client in `client_match_pending` (SQL cannot
//! compute Soundex or nicknames); [`index_pending`] computes the queued clients' keys in Rust.
//! The store's own insert paths call it in the writing transaction, and [`smart_search`] calls
//! it first, so a client edited by any code path is searchable on its new values.
//!
//! Reading: the size of each of the query's key blocks is counted (up to [`BLOCK_CAP`] + 1; a
//! larger block — "Maria Garcia" across all years — says too little to be worth reading), the
//! clients sharing the most keys with the query are ranked inside SQLite (at most
//! [`MAX_SCORED`]) and fetched with their matching fields in the same statement, and those are
//! ranked by [`smart::rank`] with name-frequency weights — core's ranking, which the registry
//! server's PostgreSQL store shares, so both list the same clients in the same order.

use std::collections::HashMap;

use shotbook_core::matching::smart::{self, CandidateFields};
use shotbook_core::matching::{Frequencies, PersonRecord, Prepared};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::{Store, StoreResult};

// The ranking is core's, shared with the registry server's PostgreSQL store: re-exported for
// the store's callers.
pub use shotbook_core::matching::smart::{Bar, SmartMatch, GUARDIAN_REASON, MAX_SCORED};

/// Rows read per blocking key (see [`smart::usable_blocks`]).
pub const BLOCK_CAP: i64 = smart::BLOCK_CAP as i64;

/// Queued clients indexed per round.
const PENDING_PER_ROUND: i64 = 2_000;

/// SQLite's bound-parameter limit, with room to spare.
const MAX_BINDS: usize = 30_000;

#[derive(sqlx::FromRow)]
struct MatchFields {
    client_id: String,
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
            client_id: r.client_id,
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

/// Indexes every queued client on `conn` (which should be inside a transaction, so the queue,
/// the rows and their keys change together). Returns how many clients were indexed.
pub async fn index_pending(conn: &mut SqliteConnection) -> StoreResult<u64> {
    let mut indexed = 0u64;
    loop {
        let queued: Vec<(String, i64)> = sqlx::query_as(
            "SELECT client_id, is_new FROM client_match_pending ORDER BY client_id LIMIT ?",
        )
        .bind(PENDING_PER_ROUND)
        .fetch_all(&mut *conn)
        .await?;
        if queued.is_empty() {
            return Ok(indexed);
        }
        let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
            "SELECT id AS client_id, first_name, middle_name, last_name, date_of_birth, gender, \
             mother_maiden_name, address_line1, zip, guardian_first_name, guardian_last_name \
             FROM clients WHERE id IN (",
        );
        let mut ids = qb.separated(", ");
        for (id, _) in &queued {
            ids.push_bind(id.as_str());
        }
        qb.push(")");
        let rows: Vec<MatchFields> = qb.build_query_as().fetch_all(&mut *conn).await?;
        let new: std::collections::HashSet<&str> = queued
            .iter()
            .filter(|(_, is_new)| *is_new == 1)
            .map(|(id, _)| id.as_str())
            .collect();

        let mut numbers: HashMap<String, i64> = HashMap::with_capacity(rows.len());
        for chunk in rows.chunks(MAX_BINDS / 11) {
            let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                "INSERT INTO client_match_records (client_id, first_name, middle_name, last_name, \
                 date_of_birth, gender, mother_maiden_name, address_line1, zip, \
                 guardian_first_name, guardian_last_name) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.client_id.as_str())
                    .push_bind(r.first_name.as_str())
                    .push_bind(r.middle_name.as_deref())
                    .push_bind(r.last_name.as_str())
                    .push_bind(r.date_of_birth.as_str())
                    .push_bind(r.gender.as_str())
                    .push_bind(r.mother_maiden_name.as_deref())
                    .push_bind(r.address_line1.as_deref())
                    .push_bind(r.zip.as_deref())
                    .push_bind(r.guardian_first_name.as_deref())
                    .push_bind(r.guardian_last_name.as_deref());
            });
            qb.push(
                " ON CONFLICT (client_id) DO UPDATE SET first_name = excluded.first_name, \
                 middle_name = excluded.middle_name, last_name = excluded.last_name, \
                 date_of_birth = excluded.date_of_birth, gender = excluded.gender, \
                 mother_maiden_name = excluded.mother_maiden_name, \
                 address_line1 = excluded.address_line1, zip = excluded.zip, \
                 guardian_first_name = excluded.guardian_first_name, \
                 guardian_last_name = excluded.guardian_last_name \
                 RETURNING client_id, client_no",
            );
            let returned: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
            numbers.extend(returned);
        }

        let indexed_now = rows.len() as u64;
        let mut keys: Vec<(String, i64)> = Vec::with_capacity(rows.len() * 10);
        let mut counts: HashMap<(&'static str, String), i64> = HashMap::new();
        for r in rows {
            let no = numbers[&r.client_id];
            let is_new = new.contains(r.client_id.as_str());
            let fields = CandidateFields::from(r);
            keys.extend(fields.index_keys().into_iter().map(|k| (k, no)));
            if is_new {
                for (kind, name) in fields.name_keys() {
                    if !name.is_empty() {
                        *counts.entry((kind.code(), name)).or_default() += 1;
                    }
                }
            }
        }
        // Key order makes the B-tree inserts sequential within the batch.
        keys.sort_unstable();
        for chunk in keys.chunks(MAX_BINDS / 2) {
            let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                "INSERT OR IGNORE INTO client_match_keys (match_key, client_no) ",
            );
            qb.push_values(chunk, |mut b, (k, no)| {
                b.push_bind(k.as_str()).push_bind(*no);
            });
            qb.build().execute(&mut *conn).await?;
        }
        let counts: Vec<_> = counts.into_iter().collect();
        for chunk in counts.chunks(MAX_BINDS / 3) {
            let mut qb: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new("INSERT INTO client_name_counts (kind, name, clients) ");
            qb.push_values(chunk, |mut b, ((kind, name), n)| {
                b.push_bind(*kind).push_bind(name.as_str()).push_bind(*n);
            });
            qb.push(" ON CONFLICT (kind, name) DO UPDATE SET clients = clients + excluded.clients");
            qb.build().execute(&mut *conn).await?;
        }

        let mut qb: QueryBuilder<'_, Sqlite> =
            QueryBuilder::new("DELETE FROM client_match_pending WHERE client_id IN (");
        let mut ids = qb.separated(", ");
        for (id, _) in &queued {
            ids.push_bind(id.as_str());
        }
        qb.push(")");
        qb.build().execute(&mut *conn).await?;
        indexed += indexed_now;
    }
}

/// Indexes queued clients, if any, in a transaction of its own.
pub async fn refresh(store: &Store) -> StoreResult<u64> {
    let (any,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM client_match_pending)")
        .fetch_one(store.pool())
        .await?;
    if !any {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    let n = index_pending(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// Smart search: the clients most likely to be the person described, best first, at most
/// `limit`, each at or above `bar`. Scores with the registry's trained model when one is
/// stored ([`crate::match_models`]), with the hand-set weights otherwise. Indexes queued
/// clients first.
pub async fn smart_search(
    store: &Store,
    query: &PersonRecord,
    bar: Bar,
    limit: usize,
) -> StoreResult<Vec<SmartMatch>> {
    refresh(store).await?;
    let prepared = Prepared::new(query);
    let keys = prepared.query_keys();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = candidates(store, &keys).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let freq = frequencies(store, &prepared).await?;
    let model = crate::match_models::current(store).await?;
    Ok(smart::rank(
        query,
        rows.into_iter().map(CandidateFields::from),
        model.as_ref(),
        &freq,
        bar,
        limit,
    ))
}

/// The matching fields of the clients sharing the most blocking keys with the query, at most
/// [`MAX_SCORED`].
///
/// Two statements: the size of each key's block (counted up to [`BLOCK_CAP`] + 1 in the
/// index), then — over the blocks that are not oversized — the clients ranked by how many keys
/// they share, joined to their compact rows. Counting and ranking stay inside SQLite, so only
/// the chosen rows cross into Rust.
async fn candidates(store: &Store, keys: &[String]) -> StoreResult<Vec<MatchFields>> {
    let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new("");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push("SELECT ")
            .push(i.to_string())
            .push(", count(*) FROM (SELECT 1 FROM client_match_keys WHERE match_key = ")
            .push_bind(key.as_str())
            .push(" LIMIT ")
            .push(BLOCK_CAP + 1)
            .push(")");
    }
    let sizes: Vec<(i64, i64)> = qb.build_query_as().fetch_all(store.pool()).await?;
    let mut by_key = vec![0usize; keys.len()];
    for (k, n) in sizes {
        by_key[k as usize] = usize::try_from(n).unwrap_or(0);
    }
    let (usable, capped) = smart::usable_blocks(&by_key);
    let usable: Vec<&str> = usable.into_iter().map(|k| keys[k].as_str()).collect();
    if usable.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new("WITH hits (client_no) AS (");
    for (i, key) in usable.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push("SELECT * FROM (SELECT client_no FROM client_match_keys WHERE match_key = ")
            .push_bind(*key);
        if capped {
            qb.push(" LIMIT ").push(BLOCK_CAP);
        }
        qb.push(")");
    }
    qb.push(
        "), ranked AS (SELECT client_no, count(*) AS shared FROM hits GROUP BY client_no \
         ORDER BY shared DESC, client_no LIMIT ",
    )
    .push(MAX_SCORED.to_string())
    .push(
        ") SELECT r.client_id, r.first_name, r.middle_name, r.last_name, \
         r.date_of_birth, r.gender, r.mother_maiden_name, r.address_line1, r.zip, \
         r.guardian_first_name, r.guardian_last_name \
         FROM ranked JOIN client_match_records r ON r.client_no = ranked.client_no",
    );
    Ok(qb.build_query_as().fetch_all(store.pool()).await?)
}

/// Name frequencies for the query's own names (only an exact agreement with them is weighted
/// by frequency) and the number of indexed clients.
async fn frequencies(store: &Store, query: &Prepared) -> StoreResult<Frequencies> {
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT 'total', coalesce(max(client_no), 0) FROM client_match_records \
         UNION ALL SELECT kind, clients FROM client_name_counts \
         WHERE (kind = 'given' AND name = ?1) OR (kind = 'family' AND name = ?2)",
    )
    .bind(query.given_key())
    .bind(query.family_key())
    .fetch_all(store.pool())
    .await?;
    let mut total = 0;
    let mut given = HashMap::new();
    let mut family = HashMap::new();
    for (kind, n) in counts {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if kind == "total" {
            total = n;
        } else if kind == "given" {
            given.insert(query.given_key().to_owned(), n);
        } else {
            family.insert(query.family_key().to_owned(), n);
        }
    }
    Ok(Frequencies::from_counts(total, given, family))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{Batch, BulkWriter};
    use crate::clients::{self, NewClient};
    use shotbook_core::matching::{Dob, Sex, DEFAULT_THRESHOLD};
    use time::macros::datetime;
    use time::OffsetDateTime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    fn client(first: &str, last: &str, dob: &str, gender: &str) -> NewClient {
        NewClient {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.into(),
            gender: gender.into(),
            consent: "granted".into(),
            ..Default::default()
        }
    }

    fn query(first: &str, last: &str, dob: Option<Dob>) -> PersonRecord {
        PersonRecord::new(first, last, dob)
    }

    async fn store_with(clients: &[NewClient]) -> Store {
        let store = Store::open_in_memory().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        for c in clients {
            clients::insert_in_tx(&mut tx, c, NOW).await.unwrap();
        }
        tx.commit().await.unwrap();
        store
    }

    async fn pending(store: &Store) -> i64 {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM client_match_pending")
            .fetch_one(store.pool())
            .await
            .unwrap();
        n
    }

    #[tokio::test]
    async fn a_typo_and_a_swapped_day_and_month_still_find_the_child_first() {
        let store = store_with(&[
            client("Sofia", "Martinez", "2019-03-14", "F"),
            client("Sofia", "Martin", "2019-03-15", "F"),
            client("Lucas", "Martinez", "2019-03-14", "M"),
            client("Robert", "Stone", "1988-12-01", "M"),
        ])
        .await;
        let found = smart_search(
            &store,
            &query("Sophia", "Martines", Some(Dob::new(2019, 14, 3))),
            Bar::ANY,
            10,
        )
        .await
        .unwrap();
        let sofia = clients::find_id(&store, &found[0].client_id).await.unwrap();
        let row = clients::get(&store, sofia.unwrap()).await.unwrap();
        assert_eq!(
            (row.first_name.as_str(), row.last_name.as_str()),
            ("Sofia", "Martinez")
        );
        assert!(found[0].score.score >= DEFAULT_THRESHOLD, "{found:?}");
        assert!(
            found[0]
                .score
                .reasons
                .contains(&"DOB day and month swapped".to_owned()),
            "{found:?}"
        );
        assert!(
            found.iter().all(|m| m.score.score <= found[0].score.score),
            "ranked best first"
        );
        assert!(
            !found
                .iter()
                .any(|m| m.client_id == row.id && m != &found[0]),
            "each client listed once"
        );
    }

    #[tokio::test]
    async fn the_minimum_score_and_the_limit_cut_the_list() {
        let store = store_with(&[
            client("Ana", "Lopez", "2018-04-11", "F"),
            client("Ana", "Lopez", "2018-04-12", "F"),
            client("Bea", "Lopez", "2018-04-11", "F"),
        ])
        .await;
        let q = query("Ana", "Lopez", Some(Dob::new(2018, 4, 11)));
        assert_eq!(
            smart_search(&store, &q, Bar::ANY, 10).await.unwrap().len(),
            3
        );
        assert_eq!(
            smart_search(&store, &q, Bar::ANY, 2).await.unwrap().len(),
            2
        );
        let likely = smart_search(&store, &q, Bar::LIKELY, 10).await.unwrap();
        assert!(likely.len() < 3, "Bea is not Ana: {likely:?}");
        assert!(smart_search(
            &store,
            &query("Zed", "Quux", Some(Dob::new(1901, 1, 1))),
            Bar::ANY,
            10
        )
        .await
        .unwrap()
        .is_empty());
    }

    #[tokio::test]
    async fn inserted_clients_are_indexed_in_the_writing_transaction() {
        let store = store_with(&[client("Ana", "Lopez", "2018-04-11", "F")]).await;
        assert_eq!(pending(&store).await, 0);
        let (keys,): (i64,) = sqlx::query_as("SELECT count(*) FROM client_match_keys")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(
            keys >= 4,
            "DOB, surname, given name and full-name keys: {keys}"
        );
        let (n,): (i64,) = sqlx::query_as(
            "SELECT clients FROM client_name_counts WHERE kind = 'family' AND name = 'LOPEZ'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(n, 1);
    }

    #[tokio::test]
    async fn an_edited_client_is_found_under_the_new_name_and_not_the_old_one() {
        let ana = client("Ana", "Lopez", "2018-04-11", "F");
        let store = store_with(std::slice::from_ref(&ana)).await;
        sqlx::query(
            "UPDATE clients SET last_name = 'Okafor', last_name_folded = 'OKAFOR' WHERE id = ?",
        )
        .bind(ana.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
        assert_eq!(pending(&store).await, 1, "the trigger queued the edit");
        let found = smart_search(
            &store,
            &query("Ana", "Okafor", Some(Dob::new(2018, 4, 11))),
            Bar::ANY,
            5,
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1);
        assert!(
            found[0].score.reasons.contains(&"surname exact".to_owned()),
            "{found:?}"
        );
        assert_eq!(pending(&store).await, 0);
        let old = smart_search(
            &store,
            &query("Ana", "Lopez", Some(Dob::new(2018, 4, 11))),
            Bar::ANY,
            5,
        )
        .await
        .unwrap();
        assert!(
            old.iter()
                .all(|m| !m.score.reasons.contains(&"surname exact".to_owned())),
            "scored on the current surname: {old:?}"
        );
    }

    #[tokio::test]
    async fn a_changed_guardian_is_indexed_and_the_old_one_no_longer_finds_the_child() {
        let mut child = client("Mateo", "Lopez", "2019-03-14", "M");
        child.guardian_first_name = Some("Maria".into());
        child.guardian_last_name = Some("Lopez".into());
        let store = store_with(std::slice::from_ref(&child)).await;
        let by = |first: &str, last: &str| query(first, last, Some(Dob::new(2019, 3, 14)));
        let found = smart_search(&store, &by("Maria", "Lopez"), Bar::POSSIBLE, 5)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].via_guardian && found[0].score.reasons[0] == GUARDIAN_REASON);
        sqlx::query(
            "UPDATE clients SET guardian_first_name = 'Aiyana', guardian_last_name = 'Whitehorse' WHERE id = ?",
        )
        .bind(child.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
        assert_eq!(
            pending(&store).await,
            1,
            "the trigger queued the new guardian"
        );
        let found = smart_search(&store, &by("Aiyana", "Whitehorse"), Bar::POSSIBLE, 5)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].via_guardian);
        let old = smart_search(&store, &by("Maria", "Lopez"), Bar::POSSIBLE, 5)
            .await
            .unwrap();
        assert!(
            old.iter().all(|m| !m.via_guardian),
            "scored on the current guardian: {old:?}"
        );
    }

    #[tokio::test]
    async fn with_a_stored_model_smart_search_ranks_by_its_probability() {
        use shotbook_core::matching::fs::FsModel;
        let store = store_with(&[
            client("Sofia", "Martinez", "2019-03-14", "F"),
            client("Lucas", "Martinez", "2019-03-14", "M"),
        ])
        .await;
        let q = query("Sophia", "Martines", Some(Dob::new(2019, 14, 3)));
        let before = smart_search(&store, &q, Bar::ANY, 5).await.unwrap();
        assert!(
            before.iter().all(|m| m.probability.is_none()),
            "hand-set: {before:?}"
        );
        let mut model = FsModel::hand_set();
        model.lambda = 1e-9; // what a registry-wide training estimates; search uses 1/N
        crate::match_models::save(&store, &model, 2, NOW)
            .await
            .unwrap();
        let after = smart_search(&store, &q, Bar::POSSIBLE, 5).await.unwrap();
        let sofia = &after[0];
        let p = sofia.probability.expect("scored by the stored model");
        let expected = model.for_lookup_among(2).score(
            &Prepared::new(&q),
            &Prepared::new(&PersonRecord {
                sex: Sex::parse("F"),
                ..PersonRecord::new("Sofia", "Martinez", Some(Dob::new(2019, 3, 14)))
            }),
            None,
        );
        assert!(p >= 0.5 && sofia.likely, "{sofia:?}");
        assert!(
            (sofia.score.score - expected.bayes_factor_bits).abs() < 3.0,
            "the model's evidence (names weighted by frequency): {sofia:?} / {expected:?}"
        );
        assert!(
            after
                .windows(2)
                .all(|w| w[0].probability >= w[1].probability),
            "{after:?}"
        );
    }

    #[tokio::test]
    async fn a_bulk_load_indexes_every_client_it_writes() {
        let store = Store::open_in_memory().await.unwrap();
        let clients: Vec<_> = (0..50)
            .map(|i| {
                client(
                    &format!("Kid{}", "a".repeat(i % 7)),
                    "Nakamura",
                    &format!("2015-01-{:02}", i % 28 + 1),
                    "M",
                )
            })
            .collect();
        let mut writer = BulkWriter::begin(&store, NOW).await.unwrap();
        writer
            .write(&Batch {
                clients: clients.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        writer.finish().await.unwrap();
        assert_eq!(pending(&store).await, 0);
        let (records,): (i64,) = sqlx::query_as("SELECT count(*) FROM client_match_records")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(records, 50);
    }
}
