//! The application context every command receives: database, clock, workstation and the
//! current session.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use shotbook_core::clock::{Clock, SystemClock};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::permission::Permission;
use shotbook_core::session::{Grant, Session};
use shotbook_store::Store;
use shotbook_usecases::{Actor, Need, Permit};
use time::Duration;

use crate::auth::PendingSignIn;
use crate::captcha::Captchas;
use crate::database_key::OpenError;
use crate::dto::AppInfo;
use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::remember::{KeyringStore, MemoryStore, SecretStore};

async fn check_pages(store: Store) -> Result<(), String> {
    store.check_pages().await.map_err(|e| e.to_string())
}

/// How to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Database file.
    pub database_path: PathBuf,
    /// Seed the demo registry (organizations, users, synthetic clients) into an empty database.
    pub demo: bool,
    /// Number of synthetic clients for the demo registry.
    pub demo_clients: usize,
    /// Sessions lock after this long without activity.
    pub idle_limit: Duration,
    /// Where emails go on the demo registry when no SMTP relay is configured (a real install
    /// without SMTP sends no mail at all).
    pub outbox_dir: PathBuf,
    /// The registry this installation serves (role templates, registry name, agreement
    /// wording). `None`: taken from each organization's state (the two-state demo registry).
    pub jurisdiction: Option<Jurisdiction>,
    /// The credential store: the database key, "remember me", the session token.
    pub secrets: Arc<dyn SecretStore>,
    /// The registry server this workstation replicates (`None`: standalone, the embedded
    /// registry).
    pub registry: Option<crate::sync::RegistrySettings>,
}

impl AppConfig {
    /// Defaults for `database_path`: a 15-minute idle limit and 5,000 demo clients.
    pub fn new(database_path: PathBuf, demo: bool) -> Self {
        let outbox_dir = database_path
            .parent()
            .map_or_else(|| PathBuf::from("outbox"), |dir| dir.join("outbox"));
        Self {
            database_path,
            demo,
            demo_clients: 5_000,
            idle_limit: Duration::minutes(15),
            outbox_dir,
            jurisdiction: None,
            secrets: Arc::new(KeyringStore),
            registry: None,
        }
    }
}

/// Everything a command needs. One per running app (one signed-in user per workstation window).
#[derive(Debug)]
pub struct AppContext {
    store: Store,
    clock: Arc<dyn Clock>,
    workstation: String,
    idle_limit: Duration,
    demo: bool,
    database_path: Option<PathBuf>,
    session: RwLock<Option<Session>>,
    pending: RwLock<Option<PendingSignIn>>,
    captchas: Captchas,
    mailer: Mailer,
    secrets: Arc<dyn SecretStore>,
    session_token: RwLock<Option<(String, time::OffsetDateTime)>>,
    kept_records: crate::records::KeptRecords,
    demo_record_key: std::sync::atomic::AtomicBool,
    jurisdiction: Option<Jurisdiction>,
    mail_delivery: Arc<tokio::sync::Mutex<()>>,
    deliver_in_background: bool,
    guards: crate::guards::SignInGuards,
    session_checked_at: RwLock<Option<time::OffsetDateTime>>,
    /// The outcome of the database's page check ([`AppContext::pages_checked`]).
    pages: Arc<tokio::sync::OnceCell<Result<(), String>>>,
    registry: Option<crate::sync::RegistrySettings>,
    sync: crate::sync::SyncLink,
    recall_jobs: crate::recall::RecallJobs,
}

impl AppContext {
    /// Opens the encrypted database (creating and migrating it) with the key
    /// [`crate::database_key`] chooses. The composition root seeds a demo registry into it, when
    /// asked, before [`AppContext::with_store`] (the desktop host never links the demo
    /// generator).
    pub async fn open_store(config: &AppConfig) -> Result<Store, OpenError> {
        // The folder and the database files hold client data: the user's own (0700/0600).
        if let Some(dir) = config
            .database_path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            crate::files::private_dir(dir)?;
        }
        let (key, source) = crate::database_key::resolve_from_env(
            &config.database_path,
            config.demo,
            config.secrets.as_ref(),
        )?;
        tracing::info!(key = ?source, "database key chosen");
        let store = Store::open(&config.database_path, &key)
            .await?
            .with_node(&workstation_name());
        crate::files::make_private(&config.database_path)?;
        Ok(store)
    }

    /// Opens the database and the context over it (no demo seeding: see
    /// [`AppContext::open_store`]).
    pub async fn open(config: &AppConfig) -> Result<Self, OpenError> {
        let store = Self::open_store(config).await?;
        Self::with_store(store, config)
            .await
            .map_err(|e| OpenError::Other(anyhow::anyhow!("{e}")))
    }

    /// The context over an opened `store`, configured by `config`.
    pub async fn with_store(store: Store, config: &AppConfig) -> AppResult<Self> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        crate::auth::inactivate_dormant_accounts(&store, clock.now()).await?;
        let mut ctx = Self::new(store, clock).with_secrets(config.secrets.clone());
        ctx.mailer = Mailer::from_env(&config.outbox_dir, config.demo);
        ctx.deliver_in_background = true;
        ctx.idle_limit = shotbook_core::account::clamp_idle_limit(config.idle_limit);
        ctx.demo = config.demo;
        ctx.database_path = Some(config.database_path.clone());
        ctx.jurisdiction = config.jurisdiction;
        ctx.registry = config.registry.clone();
        ctx.start_page_check();
        Ok(ctx)
    }

    /// Starts the database's page check in the background, so the sign-in screen shows at
    /// once whatever the size of the file (see [`AppContext::pages_checked`]).
    pub fn start_page_check(&self) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.store.clone();
            let pages = self.pages.clone();
            runtime.spawn(async move {
                pages.get_or_init(|| check_pages(store)).await;
            });
        }
    }

    /// Whether the database passed its page check (`quick_check`: every page read, decrypted
    /// and authenticated). Waits for the check when it is still running, runs it when nobody
    /// started it. No client data is read or written before it has passed: every permission
    /// grant asks ([`AppContext::require`]).
    pub async fn pages_checked(&self) -> Result<(), String> {
        let store = self.store.clone();
        self.pages.get_or_init(|| check_pages(store)).await.clone()
    }

    /// A context over an open store (tests, CLI).
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            workstation: workstation_name(),
            idle_limit: Duration::minutes(15),
            demo: false,
            database_path: None,
            session: RwLock::new(None),
            pending: RwLock::new(None),
            captchas: Captchas::default(),
            mailer: Mailer::Disabled,
            secrets: Arc::new(MemoryStore::default()),
            session_token: RwLock::new(None),
            kept_records: crate::records::KeptRecords::default(),
            recall_jobs: crate::recall::RecallJobs::default(),
            demo_record_key: std::sync::atomic::AtomicBool::new(false),
            jurisdiction: None,
            mail_delivery: Arc::new(tokio::sync::Mutex::new(())),
            deliver_in_background: false,
            guards: crate::guards::SignInGuards::default(),
            session_checked_at: RwLock::new(None),
            pages: Arc::new(tokio::sync::OnceCell::new()),
            registry: None,
            sync: crate::sync::SyncLink::default(),
        }
    }

    /// Connects this context to a registry server (sign-in goes there first; see
    /// [`crate::sync`]).
    pub fn with_registry(mut self, registry: Option<crate::sync::RegistrySettings>) -> Self {
        self.registry = registry;
        self
    }

    /// The registry server, when this workstation replicates one.
    pub fn registry_settings(&self) -> Option<crate::sync::RegistrySettings> {
        self.registry.clone()
    }

    pub(crate) fn sync_link(&self) -> &crate::sync::SyncLink {
        &self.sync
    }

    pub(crate) fn guards(&self) -> &crate::guards::SignInGuards {
        &self.guards
    }

    /// Delivers queued mail after a commit: in the background in the app (the command answers
    /// at once; a slow relay holds nothing), awaited in tests and the CLI. A delivery failure
    /// leaves the mail queued and is logged, never the command's error: its change is committed.
    pub(crate) async fn deliver_mail_after_commit(&self) {
        if !self.mailer.available() {
            return;
        }
        if self.deliver_in_background {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let store = self.store.clone();
                let mailer = self.mailer.clone();
                let lock = self.mail_delivery.clone();
                let clock = self.clock.clone();
                runtime.spawn(async move {
                    if let Err(e) =
                        crate::mail::deliver_queued(&store, &mailer, &lock, || clock.now()).await
                    {
                        tracing::warn!(error = %e, "queued mail not delivered");
                    }
                });
                return;
            }
        }
        if let Err(e) = self.deliver_mail().await {
            tracing::warn!(error = %e, "queued mail not delivered");
        }
    }

    /// Delivers the queued mail now and says how many messages left.
    pub async fn deliver_mail(&self) -> AppResult<usize> {
        crate::mail::deliver_queued(&self.store, &self.mailer, &self.mail_delivery, || {
            self.clock.now()
        })
        .await
    }

    /// Delivers mail in the background after each change, as the app does (tests of a slow
    /// relay).
    pub fn with_background_mail(mut self) -> Self {
        self.deliver_in_background = true;
        self
    }

    /// Serves one registry's profile instead of choosing it by organization state.
    pub fn with_jurisdiction(mut self, jurisdiction: Option<Jurisdiction>) -> Self {
        self.jurisdiction = jurisdiction;
        self
    }

    /// The profile for an organization in `state`: the configured one, or the state's own.
    pub fn jurisdiction_for(&self, state: &str) -> AppResult<Jurisdiction> {
        self.jurisdiction
            .or_else(|| Jurisdiction::of_state(state))
            .ok_or_else(|| AppError::Conflict {
                reason: format!("Shotbook has no registry profile for the state {state}."),
            })
    }

    /// Signs printed records with the public demo key from now on (demo and synthetic
    /// databases: the CLI's `--demo-key`, tests). The app does so on the demo registry.
    pub fn sign_records_with_demo_key(&self) {
        self.demo_record_key
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn signs_with_demo_key(&self) -> bool {
        self.demo
            || self
                .demo_record_key
                .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn recall_jobs(&self) -> &crate::recall::RecallJobs {
        &self.recall_jobs
    }

    pub(crate) fn kept_records(&self) -> &crate::records::KeptRecords {
        &self.kept_records
    }

    /// Keeps remembered sign-ins and session tokens in `secrets`.
    pub fn with_secrets(mut self, secrets: Arc<dyn SecretStore>) -> Self {
        self.secrets = secrets;
        self
    }

    pub(crate) fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// Hash of the current session's token and when its activity was last persisted.
    pub(crate) fn session_token(&self) -> Option<(String, time::OffsetDateTime)> {
        self.session_token.read().ok().and_then(|t| t.clone())
    }

    pub(crate) fn set_session_token(&self, token: Option<(String, time::OffsetDateTime)>) {
        if let Ok(mut guard) = self.session_token.write() {
            *guard = token;
        }
    }

    /// Sends mail through `mailer` instead (tests point it at a temporary outbox).
    pub fn with_mailer(mut self, mailer: Mailer) -> Self {
        self.mailer = mailer;
        self
    }

    /// Locks after `limit` without activity (clamped to what HIPAA's automatic logoff allows:
    /// [`shotbook_core::account::IDLE_LIMIT_RANGE`]).
    pub fn with_idle_limit(mut self, limit: Duration) -> Self {
        self.idle_limit = shotbook_core::account::clamp_idle_limit(limit);
        self
    }

    pub(crate) fn idle_limit(&self) -> Duration {
        self.idle_limit
    }

    pub(crate) fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    pub(crate) fn captchas(&self) -> &Captchas {
        &self.captchas
    }

    /// The outstanding CAPTCHA challenges (tests read answers from it).
    #[doc(hidden)]
    pub fn captchas_for_tests(&self) -> &Captchas {
        &self.captchas
    }

    pub(crate) fn pending(&self) -> Option<PendingSignIn> {
        self.pending.read().ok().and_then(|p| p.clone())
    }

    pub(crate) fn set_pending(&self, pending: Option<PendingSignIn>) {
        if let Ok(mut guard) = self.pending.write() {
            *guard = pending;
        }
    }

    /// Marks the session active even when it is idle past the limit: only for unlocking, after
    /// the password was checked.
    pub(crate) fn touch_session(&self) -> AppResult<()> {
        let now = self.clock.now();
        {
            let mut guard = self
                .session
                .write()
                .map_err(|_| AppError::internal("session lock poisoned"))?;
            let session = guard.as_mut().ok_or(AppError::NotSignedIn)?;
            session.last_active_at = now;
        }
        self.persist_activity(now);
        Ok(())
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// This machine's name, recorded in the audit log.
    pub fn workstation(&self) -> &str {
        &self.workstation
    }

    /// Checks that someone is signed in, that the session is neither idle past the limit nor
    /// past its 12-hour lifetime, that it still stands (not ended by a password change, the
    /// account or its access still open — re-read at most once a minute), and that the role
    /// grants `permission`; marks the session active. Every command touching client data starts
    /// here.
    pub async fn require(&self, permission: Permission) -> AppResult<(Grant, Session)> {
        if let Err(why) = self.pages_checked().await {
            return Err(AppError::internal(format!(
                "the database cannot be trusted: {why}"
            )));
        }
        let now = self.clock.now();
        let session = self.current_session().ok_or(AppError::NotSignedIn)?;
        match session.require(permission, now, self.idle_limit) {
            Err(shotbook_core::session::SessionError::LifetimeReached) => {
                return Err(
                    crate::auth::end_session(self, &session, "lifetime_reached", now).await,
                );
            }
            Err(shotbook_core::session::SessionError::Forbidden(p)) => {
                // A refusal by role is audited like any denial: someone tried.
                crate::auth::audit_denial(self, &session, p.code(), now).await?;
                return Err(shotbook_core::session::SessionError::Forbidden(p).into());
            }
            Err(other) => return Err(other.into()),
            Ok(_) => {}
        }
        if self.session_check_due(now) {
            crate::auth::check_session_stands(self, &session, now).await?;
            if let Ok(mut at) = self.session_checked_at.write() {
                *at = Some(now);
            }
        }
        let grant = {
            let mut guard = self
                .session
                .write()
                .map_err(|_| AppError::internal("session lock poisoned"))?;
            let live = guard.as_mut().ok_or(AppError::NotSignedIn)?;
            let grant = live.require(permission, now, self.idle_limit)?;
            live.last_active_at = now;
            grant
        };
        self.persist_activity(now);
        Ok((grant, self.current_session().ok_or(AppError::NotSignedIn)?))
    }

    fn session_check_due(&self, now: time::OffsetDateTime) -> bool {
        self.session_checked_at
            .read()
            .ok()
            .and_then(|at| *at)
            .is_none_or(|at| now - at >= Duration::minutes(1) || now < at)
    }

    /// Makes the next [`AppContext::require`] re-read the session's standing (after a change
    /// that may end it).
    pub(crate) fn recheck_session(&self) {
        if let Ok(mut at) = self.session_checked_at.write() {
            *at = None;
        }
    }

    /// [`AppContext::require`] as a use-case permit: the signed-in user at this workstation,
    /// checked for `P`'s permission (and the idle limit).
    pub async fn permit<P: Need>(&self) -> AppResult<(Permit<P>, Session)> {
        let (_, session) = self.require(P::PERMISSION).await?;
        let actor = Actor::at_workstation(&session, &self.workstation);
        Ok((Permit::check(actor)?, session))
    }

    /// Records activity in the sessions table at most once a minute, so a remembered session can
    /// be resumed after a restart while it is not idle.
    fn persist_activity(&self, now: time::OffsetDateTime) {
        let Some((hash, persisted)) = self.session_token() else {
            return;
        };
        if now - persisted < Duration::minutes(1) {
            return;
        }
        self.set_session_token(Some((hash.clone(), now)));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.store.clone();
            runtime.spawn(async move {
                if let Err(e) = shotbook_store::sessions::touch(&store, &hash, now).await {
                    tracing::warn!(error = %e, "could not record session activity");
                }
            });
        }
    }

    /// The current session, if any, without touching its activity time.
    pub fn current_session(&self) -> Option<Session> {
        self.session.read().ok().and_then(|s| s.clone())
    }

    pub(crate) fn set_session(&self, session: Option<Session>) {
        // Whatever the last session rendered (printed records, the batch folder) is not the
        // next one's to save or print.
        self.kept_records.clear();
        if let Ok(mut guard) = self.session.write() {
            *guard = session;
        }
        self.recheck_session();
    }

    pub(crate) fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            demo: self.demo,
            workstation: self.workstation.clone(),
            database_path: self.database_path.as_ref().map(|p| p.display().to_string()),
            idle_seconds: i32::try_from(self.idle_limit.whole_seconds()).unwrap_or(i32::MAX),
        }
    }
}

fn workstation_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "workstation".to_string())
}
