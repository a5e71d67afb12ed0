//! A fresh, migrated registry database per test, dropped when the test ends (passed or
//! panicked). The server is `postgres://postgres@127.0.0.1:5432/postgres` unless
//! `SHOTBOOK_TEST_PG_URL` names another (its database is where the test databases are created
//! from), so the tests need no setup on a machine whose PostgreSQL trusts loopback.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::{PgRegistry, ServerStoreResult};

/// The server the tests use when `SHOTBOOK_TEST_PG_URL` is not set.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A test's own database; dropped with it.
#[derive(Debug)]
pub struct TestDatabase {
    registry: PgRegistry,
    name: String,
    admin: PgConnectOptions,
}

impl TestDatabase {
    /// Creates `shotbook_test_<uuid>`, runs the migrations (code sets included) and opens a
    /// registry on it whose change envelopes name `node`.
    pub async fn create(node: &str) -> ServerStoreResult<Self> {
        let url = std::env::var("SHOTBOOK_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_URL.into());
        let admin: PgConnectOptions = url.parse()?;
        let name = format!("shotbook_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = admin.connect().await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect_with(admin.clone().database(&name))
            .await?;
        let registry = PgRegistry::from_pool(pool, node);
        registry.migrate().await?;
        Ok(Self {
            registry,
            name,
            admin,
        })
    }

    /// The registry on it.
    pub fn registry(&self) -> &PgRegistry {
        &self.registry
    }

    /// Its URL (for a server process under test).
    pub fn url(&self) -> String {
        // The options' own query (statement cache size …) is left out: the URL names the
        // server and the database only.
        let mut url = self.admin.to_url_lossy();
        url.set_path(&self.name);
        url.set_query(None);
        url.to_string()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs outside async (and during a panic): the database is dropped from a thread
        // of its own with a runtime of its own. FORCE ends the pool's connections.
        let admin = self.admin.clone();
        let name = std::mem::take(&mut self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("could not drop the test database (drop shotbook_test_* by hand)");
        }
    }
}

/// Waits until every transaction begun before this call has ended, so a sync pull sees all
/// that was committed before it (at most 30 s, then panics). The transaction ids and the
/// pull's horizon are the whole PostgreSQL cluster's: an open transaction in another test's
/// database holds this test's pulls back too, as it would on a registry's own server.
pub async fn settle_sync_horizon(registry: &PgRegistry) {
    use shotbook_usecases::ports::SyncReads;
    let begun: i64 = sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
        .fetch_one(registry.pool())
        .await
        .expect("a transaction id");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while registry
        .sync_horizon()
        .await
        .expect("the horizon")
        .transaction
        <= begun
    {
        assert!(
            std::time::Instant::now() < deadline,
            "transactions of the cluster stayed open for 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
