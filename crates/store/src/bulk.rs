//! Bulk loading for the synthetic registry generator (`shotbook generate`): multi-row inserts
//! of clients and doses in large transactions.
//!
//! A [`BulkWriter`] holds one pooled connection for the whole load so the loading pragmas it
//! sets stay on that connection only, and writes each [`Batch`] in one transaction together
//! with its `change_log` rows (the project rule that every write is logged in the writing
//! transaction holds for bulk loads too; they are logged with source `import`).

use shotbook_core::ids::ClientId;
use sqlx::pool::PoolConnection;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};
use time::OffsetDateTime;

use crate::clients::{self, NewClient};
use crate::immunizations::{self, NewImmunization};
use crate::{timestamp, Store, StoreResult};

/// SQLite's default upper bound on bound parameters in one statement (since 3.32).
const MAX_BINDS: usize = 32_766;

/// Rows per multi-row client insert: as many as fit under [`MAX_BINDS`].
const CLIENT_ROWS_PER_INSERT: usize = MAX_BINDS / clients::INSERT_BINDS_PER_ROW;

/// Rows per multi-row dose insert.
const DOSE_ROWS_PER_INSERT: usize = MAX_BINDS / immunizations::INSERT_BINDS_PER_ROW;

/// Rows per multi-row `synthetic_truth` insert (three values a row).
const TRUTH_ROWS_PER_INSERT: usize = MAX_BINDS / 3;

/// One row of `synthetic_truth`: which synthetic person a client record describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticTruth {
    /// The client record.
    pub client_id: ClientId,
    /// The synthetic person; every record of one person has the same key.
    pub person_key: i64,
    /// `original`, or the kind of near-duplicate (`typo`, `nickname`, …).
    pub variant: String,
}

/// What one transaction of a bulk load writes.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Clients, inserted first.
    pub clients: Vec<NewClient>,
    /// Doses of those (or earlier) clients.
    pub immunizations: Vec<NewImmunization>,
    /// Truth rows of generated clients (may be empty for a real import).
    pub truth: Vec<SyntheticTruth>,
}

/// Rows written by a [`BulkWriter`] so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkCounts {
    /// Client rows.
    pub clients: u64,
    /// Dose rows.
    pub immunizations: u64,
    /// `synthetic_truth` rows.
    pub truth: u64,
}

/// Writes batches on one dedicated connection. Call [`BulkWriter::finish`] at the end to put
/// the connection's settings back before it returns to the pool.
#[derive(Debug)]
pub struct BulkWriter {
    conn: PoolConnection<Sqlite>,
    recorded_at: OffsetDateTime,
    counts: BulkCounts,
}

impl BulkWriter {
    /// Takes a connection from the pool and tunes it for loading. `recorded_at` becomes every
    /// row's `created_at`/`updated_at` and the `change_log` time.
    pub async fn begin(store: &Store, recorded_at: OffsetDateTime) -> StoreResult<Self> {
        let mut conn = store.pool().acquire().await?;
        // A bigger page cache keeps the two client search indexes (random insert order) in
        // memory; a rarer WAL checkpoint avoids copying every few megabytes of pages twice.
        // Durability is unchanged: synchronous stays as the store opened it.
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA wal_autocheckpoint = 16384")
            .execute(&mut *conn)
            .await?;
        Ok(Self {
            conn,
            recorded_at,
            counts: BulkCounts::default(),
        })
    }

    /// Writes one batch in its own transaction.
    pub async fn write(&mut self, batch: &Batch) -> StoreResult<()> {
        let mut tx = self.conn.begin().await?;
        write_batch(&mut tx, batch, self.recorded_at).await?;
        tx.commit().await?;
        self.counts.clients += batch.clients.len() as u64;
        self.counts.immunizations += batch.immunizations.len() as u64;
        self.counts.truth += batch.truth.len() as u64;
        Ok(())
    }

    /// Rows written so far.
    pub fn counts(&self) -> BulkCounts {
        self.counts
    }

    /// Checkpoints the WAL, restores the connection's settings and returns the counts.
    pub async fn finish(mut self) -> StoreResult<BulkCounts> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *self.conn)
            .await?;
        sqlx::query("PRAGMA wal_autocheckpoint = 1000")
            .execute(&mut *self.conn)
            .await?;
        sqlx::query("PRAGMA cache_size = -65536")
            .execute(&mut *self.conn)
            .await?;
        Ok(self.counts)
    }
}

/// Writes one batch on `conn`, which must be inside a transaction (the change_log rows are found
/// by rowid, which needs the write lock held throughout): clients, then doses, then truth rows,
/// clients and doses each with their `change_log` rows.
pub async fn write_batch(
    conn: &mut SqliteConnection,
    batch: &Batch,
    recorded_at: OffsetDateTime,
) -> StoreResult<()> {
    let now = timestamp(recorded_at);
    for rows in batch.clients.chunks(CLIENT_ROWS_PER_INSERT) {
        let mark = max_rowid(conn, "clients").await?;
        let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(clients::INSERT_COLUMNS);
        qb.push_values(rows, |mut b, c| clients::push_client(&mut b, c, &now));
        qb.build().execute(&mut *conn).await?;
        log_inserted_since(conn, "clients", "client", mark, &now).await?;
    }
    crate::match_index::index_pending(conn).await?;
    for rows in batch.immunizations.chunks(DOSE_ROWS_PER_INSERT) {
        let mark = max_rowid(conn, "immunizations").await?;
        let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(immunizations::INSERT_COLUMNS);
        qb.push_values(rows, |mut b, i| {
            immunizations::push_immunization(&mut b, i, &now)
        });
        qb.build().execute(&mut *conn).await?;
        log_inserted_since(conn, "immunizations", "immunization", mark, &now).await?;
    }
    for rows in batch.truth.chunks(TRUTH_ROWS_PER_INSERT) {
        // Test-only bookkeeping about the records, not registry data: nothing to sync, so no
        // change_log rows.
        let mut qb: QueryBuilder<'_, Sqlite> =
            QueryBuilder::new("INSERT INTO synthetic_truth (client_id, person_key, variant) ");
        qb.push_values(rows, |mut b, t| {
            b.push_bind(t.client_id.to_string())
                .push_bind(t.person_key)
                .push_bind(t.variant.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The record number a further generated load should start from: past every `person_key` and
/// past the number of generated records, so appended records get new registry numbers and keys.
pub async fn next_synthetic_record(store: &Store) -> StoreResult<u64> {
    let (next, records): (i64, i64) =
        sqlx::query_as("SELECT coalesce(max(person_key) + 1, 0), count(*) FROM synthetic_truth")
            .fetch_one(store.pool())
            .await?;
    Ok(next.max(records).max(0) as u64)
}

/// Number of clients that are not generated records (no `synthetic_truth` row): real data that a
/// `--force` regeneration must never replace.
pub async fn non_synthetic_clients(store: &Store) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM synthetic_truth t WHERE t.client_id = c.id)",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(n)
}

async fn max_rowid(conn: &mut SqliteConnection, table: &'static str) -> StoreResult<i64> {
    let (max,): (Option<i64>,) = sqlx::query_as(&format!("SELECT max(rowid) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max.unwrap_or(0))
}

/// Appends one `change_log` row per row inserted into `table` after rowid `mark`. Faster than
/// binding every id a second time, and exact: the caller's transaction holds the write lock,
/// so the rows above `mark` are the ones it just inserted, in insertion order.
async fn log_inserted_since(
    conn: &mut SqliteConnection,
    table: &'static str,
    entity: &'static str,
    mark: i64,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO change_log (entity, entity_id, op, source, at) \
         SELECT '{entity}', id, 'insert', 'import', ? FROM {table} WHERE rowid > ? ORDER BY rowid"
    ))
    .bind(now)
    .bind(mark)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the database holds synthetic clients (made by `shotbook generate` or the demo
/// seeder): tools that read client data without a signed-in user work on such databases only.
pub async fn is_synthetic(store: &crate::Store) -> crate::StoreResult<bool> {
    let (synthetic,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM synthetic_truth)")
        .fetch_one(store.pool())
        .await?;
    Ok(synthetic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    fn client(i: usize) -> NewClient {
        NewClient {
            first_name: format!("Ana{}", "x".repeat(i % 5)),
            last_name: "Smith".into(),
            date_of_birth: "2019-03-14".into(),
            gender: "F".into(),
            consent: "granted".into(),
            registry_id: Some(format!("{:010}", 1_000_000_000 + i)),
            ..Default::default()
        }
    }

    fn batch(first: usize, clients: usize, doses_each: usize) -> Batch {
        let clients: Vec<_> = (first..first + clients).map(client).collect();
        let immunizations = clients
            .iter()
            .flat_map(|c| {
                (0..doses_each).map(|d| NewImmunization {
                    client_id: c.id,
                    cvx: "08".into(),
                    mvx: Some("MSD".into()),
                    administered_on: format!("2019-{:02}-14", d % 12 + 1),
                    source: "historical".into(),
                    ..Default::default()
                })
            })
            .collect();
        let truth = clients
            .iter()
            .enumerate()
            .map(|(i, c)| SyntheticTruth {
                client_id: c.id,
                person_key: i as i64,
                variant: "original".into(),
            })
            .collect();
        Batch {
            clients,
            immunizations,
            truth,
        }
    }

    async fn count(store: &Store, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
        n
    }

    #[tokio::test]
    async fn a_batch_larger_than_one_statement_is_written_whole_with_one_change_per_row() {
        let store = Store::open_in_memory().await.unwrap();
        // 1,500 clients and 3,000 doses need several statements each (1,365 clients and 1,927
        // doses fit in one).
        let b = batch(0, 1_500, 2);
        let mut writer = BulkWriter::begin(&store, NOW).await.unwrap();
        writer.write(&b).await.unwrap();
        let counts = writer.finish().await.unwrap();
        assert_eq!(
            counts,
            BulkCounts {
                clients: 1_500,
                immunizations: 3_000,
                truth: 1_500
            }
        );
        assert_eq!(count(&store, "SELECT count(*) FROM clients").await, 1_500);
        assert_eq!(
            count(&store, "SELECT count(*) FROM immunizations").await,
            3_000
        );
        assert_eq!(
            count(&store, "SELECT count(*) FROM synthetic_truth").await,
            1_500
        );
        assert_eq!(
            count(&store, "SELECT count(*) FROM change_log WHERE entity = 'client' AND op = 'insert' AND source = 'import'").await,
            1_500
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(DISTINCT l.entity_id) FROM change_log l JOIN immunizations i ON i.id = l.entity_id \
                 WHERE l.entity = 'immunization' AND l.op = 'insert' AND l.source = 'import'"
            )
            .await,
            3_000
        );
    }

    #[tokio::test]
    async fn a_second_batch_logs_only_its_own_rows() {
        let store = Store::open_in_memory().await.unwrap();
        let mut writer = BulkWriter::begin(&store, NOW).await.unwrap();
        writer.write(&batch(0, 10, 1)).await.unwrap();
        let second = batch(10, 7, 3);
        writer.write(&second).await.unwrap();
        writer.finish().await.unwrap();
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM change_log WHERE entity = 'client'"
            )
            .await,
            17
        );
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM change_log WHERE entity = 'immunization'"
            )
            .await,
            31
        );
        let (last,): (String,) =
            sqlx::query_as("SELECT entity_id FROM change_log ORDER BY seq DESC LIMIT 1")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(last, second.immunizations.last().unwrap().id.to_string());
    }

    #[tokio::test]
    async fn a_failing_batch_leaves_nothing_behind() {
        let store = Store::open_in_memory().await.unwrap();
        let mut b = batch(0, 3, 1);
        // A duplicate registry number violates the UNIQUE constraint on the third client.
        b.clients[2].registry_id = b.clients[0].registry_id.clone();
        let mut writer = BulkWriter::begin(&store, NOW).await.unwrap();
        assert!(writer.write(&b).await.is_err());
        writer.finish().await.unwrap();
        assert_eq!(count(&store, "SELECT count(*) FROM clients").await, 0);
        assert_eq!(count(&store, "SELECT count(*) FROM change_log").await, 0);
    }
}
