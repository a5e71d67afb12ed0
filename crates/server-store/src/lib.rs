//! # shotbook-server-store
//!
//! The registry server's PostgreSQL database: the schema (`migrations/server`), the CDC code
//! sets, and the use-case ports ([`shotbook_usecases::ports`]) on PostgreSQL, so the server runs
//! the same use cases and rules as the desktop. [`PgRegistry`] is the registry (a pool and the
//! node name written into every change envelope), [`PgWork`] its unit of work (one transaction,
//! the actor's origin and the use case's time).
//!
//! Only this crate talks SQL to PostgreSQL. It depends on core, protocol and usecases, never
//! on the desktop host (`shotbook-api`), Tauri or SQLite (`scripts/test.sh` checks).
//!
//! Every write appends a change envelope to `change_log` in its transaction
//! ([`change_log`]); the audit trail is append-only and hash-chained ([`audit`]). Semantics
//! follow the SQLite store (`crates/store/src/ports*.rs`), and both pass the same port
//! contract (`tests/contract_postgres.rs`).
//!
//! Adding a port method: implement it in `src/ports*.rs` with its SQL next to it, log the
//! change through [`change_log::append`] with the entity of `shotbook_protocol`, and run the
//! contract function that covers it. Adding a table: a new file in `migrations/server/`
//! (never edit a released one).

#![deny(missing_docs)]

pub mod api_sessions;
pub mod audit;
pub mod change_log;
pub mod codes;
pub mod forecast_input;
pub mod mail_courier;
pub mod partitions;
mod ports;
pub mod search;
pub mod setup;
mod sync;
#[cfg(feature = "test-database")]
pub mod test_database;

use std::sync::Arc;

use shotbook_protocol::{ChangeSource, Origin};
use shotbook_usecases::PortError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use time::OffsetDateTime;

pub use sqlx;

/// The schema line this build reads (`schema_info.schema_line`), as on the workstation.
pub const SCHEMA_LINE: u32 = 1;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/server");

/// What can go wrong opening or preparing the database (the ports report [`PortError`]).
#[derive(Debug, thiserror::Error)]
pub enum ServerStoreError {
    /// The database refused or failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A migration failed (or the database holds migrations this build does not know).
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A bundled code set or stored row could not be read.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Result of the operations outside the ports.
pub type ServerStoreResult<T> = Result<T, ServerStoreError>;

/// The registry database on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgRegistry {
    pool: PgPool,
    node: Arc<str>,
}

impl PgRegistry {
    /// Connects to `url` (`postgres://…`); `node` names this server in change envelopes.
    pub async fn connect(url: &str, node: &str) -> ServerStoreResult<Self> {
        let options: PgConnectOptions = url.parse()?;
        // A database that does not answer fails a request (and /ready) in seconds, not after
        // sqlx's default 30 s, so a load balancer takes the process out instead of timing out.
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Self::from_pool(pool, node))
    }

    /// Creates the database `url` names unless it exists (connecting to the same server's
    /// `postgres` database to do so). Returns whether it created it.
    pub async fn create_database_if_missing(url: &str) -> ServerStoreResult<bool> {
        use sqlx::{ConnectOptions, Connection};
        let options: PgConnectOptions = url.parse()?;
        let name = options
            .get_database()
            .ok_or_else(|| anyhow::anyhow!("DATABASE_URL names no database"))?
            .to_string();
        let mut conn = options.clone().database("postgres").connect().await?;
        let (exists,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&name)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            // An identifier cannot be a bind parameter: quoted, with its quotes doubled.
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            sqlx::query(&format!("CREATE DATABASE {quoted}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(!exists)
    }

    /// A registry over an open pool.
    pub fn from_pool(pool: PgPool, node: &str) -> Self {
        Self {
            pool,
            node: Arc::from(node),
        }
    }

    /// The pool (for the server's readiness check and for tests).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies the migrations this build carries and loads the CDC code sets when missing.
    /// Safe to run again: applied migrations are skipped, loaded code sets kept.
    pub async fn migrate(&self) -> ServerStoreResult<()> {
        MIGRATOR.run(&self.pool).await?;
        partitions::ensure_ahead(self).await?;
        codes::load_bundled_if_missing(self).await
    }

    /// Whether every migration of this build is applied (and none failed): the server is ready
    /// only then.
    pub async fn migrations_current(&self) -> ServerStoreResult<bool> {
        let applied: Vec<(i64,)> = match sqlx::query_as(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        {
            Ok(rows) => rows,
            // No migration table yet: nothing applied.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        Ok(MIGRATOR
            .iter()
            .all(|m| applied.iter().any(|(v,)| *v == m.version)))
    }

    /// Starts a unit of work for writes that no actor makes (seeding, loading), with `source`
    /// (usually [`ChangeSource::Import`]) and this server's node.
    pub async fn begin_as(
        &self,
        source: ChangeSource,
        at: OffsetDateTime,
    ) -> ServerStoreResult<PgWork> {
        let origin = Origin {
            source,
            node: self.node.to_string(),
        };
        Ok(self.begin_with(origin, at).await?)
    }

    async fn begin_with(&self, origin: Origin, at: OffsetDateTime) -> sqlx::Result<PgWork> {
        Ok(PgWork {
            tx: self.pool.begin().await?,
            origin,
            at: to_microseconds(at),
        })
    }
}

/// One write transaction with the origin and time of every change it logs.
#[derive(Debug)]
pub struct PgWork {
    tx: Transaction<'static, Postgres>,
    origin: Origin,
    at: OffsetDateTime,
}

impl PgWork {
    /// Who the changes come from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// When they happen (the use case's clock, to PostgreSQL's microseconds).
    pub fn now(&self) -> OffsetDateTime {
        self.at
    }

    /// The transaction's connection.
    pub fn connection(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Commits every write.
    pub async fn commit(self) -> ServerStoreResult<()> {
        Ok(self.tx.commit().await?)
    }
}

/// PostgreSQL keeps microseconds: an instant is cut to them once, so what is stored, hashed
/// and logged is the same value.
pub(crate) fn to_microseconds(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

/// A database failure, as the ports report it (the message names operations, never values).
pub(crate) fn failed(e: sqlx::Error) -> PortError {
    PortError::Failed(Box::new(e))
}

/// A stored value that does not read back: the database is damaged (never quotes the value,
/// which may be a date of birth).
pub(crate) fn damaged(what: &'static str) -> PortError {
    PortError::Failed(format!("a stored {what} does not parse").into())
}

impl From<ServerStoreError> for PortError {
    fn from(e: ServerStoreError) -> Self {
        PortError::Failed(Box::new(e))
    }
}
