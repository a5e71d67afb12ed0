//! # shotbook-store
//!
//! The workstation's local SQLite database: opening it, running the embedded migrations
//! (`migrations/local/`), loading the bundled CDC code sets, and one repository module per
//! aggregate (`clients`, `immunizations`, `users` …).
//!
//! Rules:
//! - Only this crate talks SQL. It depends on `shotbook-core` and never on `api` or Tauri.
//! - Functions that write several rows take an open transaction and end in `_in_tx`; each such
//!   write also appends to `change_log` in that transaction (see [`change_log`]).
//! - To add a table: add a migration file `migrations/local/YYYYMMDDHHMMSS_what.sql` (never edit
//!   a released one), then a module here with its tests against a real database.

pub mod access_requests;
pub mod at_rest;
pub mod audit;
pub mod bulk;
pub mod change_log;
pub mod clients;
pub mod codes;
pub mod dedup;
pub mod demographics;
pub mod duplicates;
pub mod forecast_input;
pub mod immunizations;
pub mod mail_outbox;
pub mod match_index;
pub mod match_models;
pub mod memberships;
pub mod organizations;
pub mod password_resets;
pub mod ports;
pub mod registry_forecast;
pub mod replica;
pub mod sessions;
pub mod users;
pub mod vaccine_lots;
pub mod vaccine_products;

/// Re-exported so tests and tools above the store can run ad-hoc queries on its pool.
pub use sqlx;

pub use at_rest::DatabaseKey;

use std::path::Path;
use std::sync::Arc;

use shotbook_protocol::{ChangeSource, Origin};
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The schema line this build reads and writes (see `schema_info` in the first migration).
pub const SCHEMA_LINE: u32 = 1;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The database was written by a newer, incompatible Shotbook.
    #[error("this database has schema line {found}; this version of Shotbook reads line {SCHEMA_LINE}. Update Shotbook.")]
    NewerSchema {
        /// Line recorded in the database.
        found: u32,
    },
    /// Anything else from SQLite.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The key does not open the file: it was encrypted with another key (the key in this
    /// workstation's credential store belongs to another database, or the demo key was used on
    /// a real registry), or the file is not a database.
    #[error("the database key does not open this file (another key encrypted it, or it is not a Shotbook database)")]
    WrongKey,
    /// The file fails its integrity checks on open (damaged, triggers removed, audit trail
    /// altered): it was edited around Shotbook, or the disk is failing.
    #[error("the database cannot be trusted: {0}")]
    Tampered(String),
    /// IO or data errors with context.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Triggers that keep clinical facts and the audit trail from being deleted or rewritten;
/// checked on every open ([`Store::check_integrity`]).
pub const PROTECTIVE_TRIGGERS: &[&str] = &[
    "audit_log_is_append_only_update",
    "audit_log_is_append_only_delete",
    "audit_chain_is_append_only_update",
    "audit_chain_is_append_only_delete",
    "clients_are_never_deleted",
    "immunizations_are_never_deleted",
    "immunization_revisions_are_append_only_update",
    "immunization_revisions_are_append_only_delete",
    "client_consents_are_never_deleted",
    "access_requests_are_never_deleted",
    "vaccine_lot_movements_are_append_only_update",
    "vaccine_lot_movements_are_append_only_delete",
];

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// The local database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// This workstation's name, recorded as the node of every change it writes.
    node: Arc<str>,
    /// The key the file is encrypted with (`None`: in memory, or the benchmark's plain copy);
    /// backups are encrypted with it too.
    key: Option<DatabaseKey>,
}

/// A unit of work: one write transaction and the [`Origin`] of every change it logs. The
/// origin belongs to the work, not to each write, so changes pulled from the registry go
/// through the same writes as local ones and are never pushed back.
///
/// Dereferences to the transaction's connection (`&mut **work` in queries).
#[derive(Debug)]
pub struct Work {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    origin: Origin,
    at: OffsetDateTime,
}

impl Work {
    /// Who the changes of this work come from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// When the work happens: the time its rows and change-log entries carry when it is done
    /// through the use-case ports.
    pub fn now(&self) -> OffsetDateTime {
        self.at
    }

    /// Commits every write of the work.
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Undoes every write of the work (also done when the work is dropped uncommitted).
    pub async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for Work {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/local");

impl Store {
    /// Opens (creating if needed) the encrypted database file at `path` with `key`, migrates
    /// it, loads the reference code sets and checks its controls ([`Store::check_controls`];
    /// the page check, [`Store::check_pages`], is the host's to schedule). A database written before
    /// encryption is encrypted with `key` first, once ([`at_rest::encrypt_plain_file`]).
    pub async fn open(path: &Path, key: &DatabaseKey) -> StoreResult<Self> {
        if at_rest::file_state(path)? == at_rest::FileState::Plain {
            tracing::info!("encrypting a database written before encryption at rest (once)");
            at_rest::encrypt_plain_file(path, key).await?;
        }
        Self::open_file(path, Some(key)).await
    }

    /// Opens an unencrypted database file (the plain-vs-encrypted benchmark measures what
    /// encryption costs; nothing else opens a file without a key).
    pub async fn open_unencrypted_for_benchmark(path: &Path) -> StoreResult<Self> {
        if at_rest::file_state(path)? == at_rest::FileState::Encrypted {
            return Err(StoreError::WrongKey);
        }
        Self::open_file(path, None).await
    }

    async fn open_file(path: &Path, key: Option<&DatabaseKey>) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        let options = at_rest::connect_options(path, key)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a dose reported saved survives a power cut (NORMAL may lose the last
            // commits of a WAL database).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = match SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
        {
            Ok(pool) => pool,
            Err(e) if at_rest::is_not_a_database(&e) => return Err(StoreError::WrongKey),
            Err(e) => {
                return Err(StoreError::Unexpected(
                    anyhow::Error::new(e)
                        .context(format!("opening the database {}", path.display())),
                ))
            }
        };
        let store = Self::prepare(pool, key.cloned()).await?;
        store.check_controls().await?;
        Ok(store)
    }

    /// Every integrity check: [`Store::check_pages`] and [`Store::check_controls`].
    pub async fn check_integrity(&self) -> StoreResult<()> {
        self.check_pages().await?;
        self.check_controls().await
    }

    /// SQLite's `quick_check`: every page read (and, encrypted, decrypted and authenticated)
    /// and the b-trees walked. It costs time in proportion to the file (about 8 s for a
    /// 100,000-client registry, `shotbook bench at-rest`), so [`Store::open`] leaves it to the
    /// host, which runs it behind the sign-in screen and holds client data back until it passes.
    pub async fn check_pages(&self) -> StoreResult<()> {
        let (quick,): (String,) = sqlx::query_as("PRAGMA quick_check(1)")
            .fetch_one(&self.pool)
            .await?;
        if quick != "ok" {
            return Err(StoreError::Tampered(format!(
                "the database file is damaged (quick_check: {quick})"
            )));
        }
        Ok(())
    }

    /// What a file opened from disk must pass before anyone works on it, checked on every
    /// open: every protective trigger still in place (the append-only audit log and chain,
    /// clinical facts never deleted) and an unbroken audit hash chain. Someone who edited the
    /// file around Shotbook is refused, with what was found.
    pub async fn check_controls(&self) -> StoreResult<()> {
        let present: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                .fetch_all(&self.pool)
                .await?;
        let missing: Vec<&str> = PROTECTIVE_TRIGGERS
            .iter()
            .copied()
            .filter(|t| !present.iter().any(|(p,)| p == t))
            .collect();
        if !missing.is_empty() {
            return Err(StoreError::Tampered(format!(
                "protective triggers were removed: {}",
                missing.join(", ")
            )));
        }
        if let Err(broken) = audit::verify_chain(self).await? {
            return Err(StoreError::Tampered(format!(
                "the audit trail was altered: {broken}"
            )));
        }
        Ok(())
    }

    /// Copies the whole database, consistent as of one instant, to a new file at `to`,
    /// encrypted with the same key (online: other work goes on), then opens the copy and runs
    /// the integrity checks on it. The copy is private to the user (0600). Returns its size in
    /// bytes.
    pub async fn backup_to(&self, to: &Path) -> StoreResult<i64> {
        if to.exists() {
            return Err(StoreError::Unexpected(anyhow::anyhow!(
                "{} already exists; choose a new file for the backup",
                to.display()
            )));
        }
        {
            let mut conn = self.pool.acquire().await?;
            at_rest::export_to(&mut conn, to, self.key.as_ref()).await?;
        }
        private_file(to)?;
        let copy = Self::open_file(to, self.key.as_ref()).await?;
        copy.check_pages().await?;
        let size = copy.size_bytes().await;
        copy.pool.close().await;
        size
    }

    /// Copies the database to a new file at `to`, encrypted with `key` or, with `None`, in the
    /// clear: the plain-vs-encrypted benchmark's two copies of one registry. Nothing else writes
    /// a plain copy.
    pub async fn copy_for_benchmark(
        &self,
        to: &Path,
        key: Option<&DatabaseKey>,
    ) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        at_rest::export_to(&mut conn, to, key).await
    }

    /// An in-memory database (tests).
    pub async fn open_in_memory() -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .context("in-memory options")?
            .foreign_keys(true);
        // One connection: every connection to ":memory:" is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .context("opening an in-memory database")?;
        Self::prepare(pool, None).await
    }

    async fn prepare(pool: SqlitePool, key: Option<DatabaseKey>) -> StoreResult<Self> {
        check_schema_line(&pool).await?;
        MIGRATOR
            .run(&pool)
            .await
            .context("running database migrations")?;
        let store = Self {
            pool,
            node: Arc::from("workstation"),
            key,
        };
        codes::load_bundled_if_missing(&store).await?;
        vaccine_products::load_bundled_if_missing(&store).await?;
        Ok(store)
    }

    /// The connection pool (for repository modules and bulk loaders).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Names this workstation in the changes it logs.
    pub fn with_node(mut self, node: &str) -> Self {
        self.node = Arc::from(node);
        self
    }

    /// Starts a unit of work whose changes are this workstation's own ([`ChangeSource::Local`]).
    pub async fn begin(&self) -> StoreResult<Work> {
        self.begin_as(ChangeSource::Local).await
    }

    /// Starts a unit of work whose changes come from `source` (a pull from the registry, an
    /// import, an interface message).
    pub async fn begin_as(&self, source: ChangeSource) -> StoreResult<Work> {
        let origin = Origin {
            source,
            node: self.node.to_string(),
        };
        self.begin_with(origin, OffsetDateTime::now_utc()).await
    }

    /// Starts a unit of work for a use case: its changes carry `origin` and happen `at`.
    pub async fn begin_with(&self, origin: Origin, at: OffsetDateTime) -> StoreResult<Work> {
        Ok(Work {
            tx: self.pool.begin().await?,
            origin,
            at,
        })
    }

    /// Size of the database file in bytes (pages × page size).
    pub async fn size_bytes(&self) -> StoreResult<i64> {
        let (pages, page_size): (i64, i64) =
            // CAST: SQLCipher answers the page_size pragma as text.
            sqlx::query_as("SELECT CAST((SELECT page_count FROM pragma_page_count()) AS INTEGER), CAST((SELECT page_size FROM pragma_page_size()) AS INTEGER)")
                .fetch_one(&self.pool)
                .await?;
        Ok(pages * page_size)
    }
}

async fn check_schema_line(pool: &SqlitePool) -> StoreResult<()> {
    let exists: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_info'",
    )
    .fetch_optional(pool)
    .await?;
    if exists.is_none() {
        return Ok(());
    }
    let line: Option<(String,)> =
        sqlx::query_as("SELECT value FROM schema_info WHERE key = 'schema_line'")
            .fetch_optional(pool)
            .await?;
    if let Some((line,)) = line {
        let found: u32 = line.parse().unwrap_or(u32::MAX);
        if found > SCHEMA_LINE {
            return Err(StoreError::NewerSchema { found });
        }
    }
    Ok(())
}

/// Makes a file the database wrote readable by its owner only (0600): it holds client data.
pub(crate) fn private_file(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("making {} private", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Formats an instant the way every `*_at` column stores it (RFC 3339, UTC).
pub fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("RFC 3339 formatting of a UTC instant cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_database_is_migrated_and_holds_the_code_sets() {
        let store = Store::open_in_memory().await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM vaccines")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(n > 250, "the bundled CVX table has 288 rows, found {n}");
    }

    #[tokio::test]
    async fn a_database_from_a_newer_incompatible_build_is_refused() {
        let dir = std::env::temp_dir().join(format!("shotbook-line-{}", uuid::Uuid::now_v7()));
        let path = dir.join("db.sqlite");
        let key = DatabaseKey::random();
        let store = Store::open(&path, &key).await.unwrap();
        sqlx::query("UPDATE schema_info SET value = '2' WHERE key = 'schema_line'")
            .execute(store.pool())
            .await
            .unwrap();
        store.pool().close().await;
        let err = Store::open(&path, &key).await.unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found: 2 }), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }
}
