//! A registry server on a free loopback port over HTTPS against the test's own PostgreSQL
//! database (demo organizations and users), and workstations: an encrypted SQLite replica in a
//! temporary folder with the sync engine signed in as a demo user — the same code the app runs.

#![allow(dead_code)] // each test binary uses its own part

use std::path::PathBuf;
use std::sync::Arc;

use axum_server::tls_rustls::RustlsConfig;
use ed25519_dalek::SigningKey;
use shotbook_core::clock::SystemClock;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::immunization::dose::{HistoricalDose, HistoricalDoseInput};
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_protocol::{ChangeSource, Origin};
use shotbook_server::tokens::TokenKeys;
use shotbook_server::AppState;
use shotbook_server_store::setup::{self, NewClient};
use shotbook_server_store::test_database::{settle_sync_horizon, TestDatabase};
use shotbook_server_store::PgRegistry;
use shotbook_store::{DatabaseKey, Store};
use shotbook_sync::{DeviceSession, RegistryClient, SyncEngine};
use shotbook_usecases::ports::{AccessReads, Registry as _};
use shotbook_usecases::{immunizations, need, Actor, Permit, Via};
use time::macros::date;
use time::OffsetDateTime;

pub use shotbook_synth::demo::DEMO_PASSWORD;

/// A registry server on loopback.
pub struct Registry {
    pub db: TestDatabase,
    pub base: String,
    pub certificate_pem: String,
    config: RustlsConfig,
    handle: Option<axum_server::Handle<std::net::SocketAddr>>,
    port: u16,
    keys: Arc<TokenKeys>,
}

impl Registry {
    /// A fresh registry with the demo organizations and users, serving.
    pub async fn start(name: &str) -> Self {
        shotbook_server::tls::install_crypto_provider();
        let db = TestDatabase::create(name).await.unwrap();
        shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
            .await
            .unwrap();
        let certificate = shotbook_server::tls::dev_certificate(None).await.unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let keys = Arc::new(TokenKeys::ephemeral());
        let mut registry = Self {
            db,
            base: format!("https://127.0.0.1:{port}"),
            certificate_pem: certificate.certificate_pem.clone(),
            config: certificate.config,
            handle: None,
            port,
            keys,
        };
        registry.serve(listener);
        registry
    }

    fn serve(&mut self, listener: std::net::TcpListener) {
        let state = AppState {
            registry: self.db.registry().clone(),
            keys: self.keys.clone(),
            clock: Arc::new(SystemClock),
        };
        let handle = axum_server::Handle::new();
        self.handle = Some(handle.clone());
        listener.set_nonblocking(true).unwrap();
        let server = axum_server::from_tcp_rustls(listener, self.config.clone())
            .unwrap()
            .handle(handle);
        tokio::spawn(async move {
            let _ = server
                .serve(shotbook_server::router(state).into_make_service())
                .await;
        });
    }

    /// Stops answering at once, open connections closed (the registry is unreachable).
    pub async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
            // The listener is released when the serving task ends.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Answers again on the same address with the same certificate.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = loop {
            match std::net::TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        };
        self.serve(listener);
    }

    /// Answers again with a new access-token key (a restart without a shared key, or a
    /// rotation): every access token issued before is refused, refresh tokens still work.
    pub async fn restart_with_new_token_key(&mut self) {
        self.keys = Arc::new(TokenKeys::ephemeral());
        self.restart().await;
    }

    pub fn pg(&self) -> &PgRegistry {
        self.db.registry()
    }

    /// Waits until every committed change is below the pull horizon (the test cluster is
    /// shared with other tests' transactions).
    pub async fn settle(&self) {
        settle_sync_horizon(self.pg()).await;
    }

    pub async fn organization(&self, code: &str) -> OrganizationId {
        self.pg()
            .organization_by_code(code)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// A client at home at `home`, written at the registry.
    pub async fn add_client(&self, home: &str, first: &str, last: &str) -> ClientId {
        let home = self.organization(home).await;
        let client = ClientId::new();
        let mut work = self
            .pg()
            .begin(
                Origin {
                    source: ChangeSource::Local,
                    node: "registry-test".into(),
                },
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        setup::insert_client(
            &mut work,
            &NewClient {
                id: client,
                registry_id: None,
                first_name: first.into(),
                last_name: last.into(),
                date_of_birth: date!(2022 - 08 - 19),
                gender: "F".into(),
                consent: ConsentStatus::Granted,
                home_organization: Some(home),
            },
        )
        .await
        .unwrap();
        work.commit().await.unwrap();
        client
    }
}

/// A workstation: its replica and its engine, signed in as a demo user.
pub struct Workstation {
    pub name: String,
    pub path: PathBuf,
    pub engine: SyncEngine,
    pub actor: Actor,
    pub dir: TempDir,
}

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "shotbook-sync-{tag}-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens (or reopens) the replica at `path`.
pub async fn open_replica(path: &std::path::Path, name: &str) -> Store {
    Store::open(path, &DatabaseKey::demo())
        .await
        .unwrap()
        .with_node(name)
}

/// Signs `username` of `org` in at `registry` from a new device.
pub async fn sign_in(registry: &Registry, name: &str, org: &str, username: &str) -> DeviceSession {
    let client = RegistryClient::new(&registry.base, Some(&registry.certificate_pem)).unwrap();
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    DeviceSession::sign_in(
        client,
        SigningKey::from_bytes(&seed),
        name,
        org,
        username,
        DEMO_PASSWORD,
    )
    .await
    .unwrap()
}

impl Workstation {
    /// A new workstation `name` whose user `username` of `org` signs in, with a fresh replica.
    pub async fn new(registry: &Registry, name: &str, org: &str, username: &str) -> Self {
        let dir = TempDir::new(name);
        let path = dir.0.join("replica.db");
        let store = open_replica(&path, name).await;
        let session = sign_in(registry, name, org, username).await;
        let user = session.user().clone();
        let engine = SyncEngine::new(store, session, name).with_page_size(50);
        engine.remember_user(DEMO_PASSWORD).await.unwrap();
        let organization: OrganizationId = user.organization_id.parse().unwrap();
        let state = registry
            .pg()
            .organization_by_code(org)
            .await
            .unwrap()
            .unwrap()
            .state;
        let actor = Actor {
            user_id: user.user_id.parse::<UserId>().unwrap(),
            organization_id: organization,
            role: Role::from_code(&user.role).unwrap(),
            state,
            organization_kind: OrganizationKind::Provider,
            via: Via::Workstation { name: name.into() },
        };
        Self {
            name: name.into(),
            path,
            engine,
            actor,
            dir,
        }
    }

    pub fn store(&self) -> &Store {
        self.engine.store()
    }

    /// Records a shot card's dose on this workstation (through the use case, as the app does).
    pub async fn record_historical(&self, client: ClientId, cvx: &str, on: &str) {
        let permit = Permit::<need::AddImmunizations>::check(self.actor.clone()).unwrap();
        let doses = HistoricalDose::parse_all(&[HistoricalDoseInput {
            cvx,
            administered_on: on,
            provider: "",
        }])
        .unwrap();
        immunizations::record_historical(self.store(), &permit, &SystemClock, client, doses, true)
            .await
            .unwrap();
    }

    /// The client's doses in this replica that are not voided: (id, cvx, date).
    pub async fn doses(&self, client: ClientId) -> Vec<(String, String, String)> {
        shotbook_store::sqlx::query_as(
            "SELECT id, cvx, administered_on FROM immunizations
             WHERE client_id = ? AND status = 'completed' ORDER BY id",
        )
        .bind(client.to_string())
        .fetch_all(self.store().pool())
        .await
        .unwrap()
    }
}
