//! One sync round: connect the replica (first time), finish the first download (resuming where
//! it stopped), push what waits, pull until current, and read whole the clients who joined the
//! scope or whose changes the registry refused.

use shotbook_protocol::{
    Entity, Handshake, PullRequest, PushBatch, SnapshotRequest, SyncStatus, PROTOCOL_VERSION,
    REPLICATED,
};
use shotbook_store::replica::{self, PullHeld};
use shotbook_store::{Store, SCHEMA_LINE};
use time::OffsetDateTime;

use crate::client::DeviceSession;
use crate::SyncError;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Records applied by the first download in this round.
    pub downloaded: i64,
    /// Changes pushed and settled.
    pub pushed: usize,
    /// Of which answered by a conflict.
    pub conflicts: usize,
    /// Changes pulled and applied.
    pub pulled: usize,
    /// Clients read whole (joined the scope, or refused changes).
    pub clients_read: usize,
    /// Time spent waiting for the registry's pages during the first download.
    pub download_wait: std::time::Duration,
    /// Time spent applying them to the replica.
    pub download_apply: std::time::Duration,
}

/// The sync engine of one workstation's replica.
pub struct SyncEngine {
    store: Store,
    session: DeviceSession,
    node: String,
    page: u32,
    /// Where the last empty pull page said to go on from. Not written to the replica: an idle
    /// round writes nothing (a write would queue the clinic's dose entry behind an fsync), and
    /// after a restart the pull simply starts from the last page that held changes.
    idle_cursor: std::sync::Mutex<Option<shotbook_protocol::Cursor>>,
}

impl SyncEngine {
    /// An engine for `store`, signed in as `session`, naming itself `node` to the registry.
    pub fn new(store: Store, session: DeviceSession, node: &str) -> Self {
        Self {
            store,
            session,
            node: node.to_string(),
            page: 1_000,
            idle_cursor: std::sync::Mutex::new(None),
        }
    }

    /// Pages of at most `page` records or changes (the registry caps them at its own maximum).
    pub fn with_page_size(mut self, page: u32) -> Self {
        self.page = page.max(1);
        self
    }

    /// The replica.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The signed-in session.
    pub fn session(&self) -> &DeviceSession {
        &self.session
    }

    /// Keeps the signed-in user on this workstation for offline sign-in, with a verifier of
    /// `password` (the one they just signed in with) hashed here on the blocking pool.
    pub async fn remember_user(&self, password: &str) -> Result<(), SyncError> {
        let password = zeroize::Zeroizing::new(password.to_string());
        let hash =
            tokio::task::spawn_blocking(move || shotbook_core::password::hash_password(&password))
                .await
                .map_err(|_| SyncError::Configuration("hashing the password failed"))?;
        let user = self.session.user();
        replica::cache_account(
            &self.store,
            &replica::CachedAccount {
                user_id: user.user_id.clone(),
                username: user.username.clone(),
                organization_id: user.organization_id.clone(),
                role: user.role.clone(),
                password_hash: hash,
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
        Ok(())
    }

    fn handshake(&self) -> Handshake {
        Handshake {
            protocol: PROTOCOL_VERSION,
            schema_line: SCHEMA_LINE,
            node: self.node.clone(),
        }
    }

    /// One round. A failed contact is recorded (offline since …, last error) and returned;
    /// everything settled before it stays settled.
    pub async fn sync_once(&self) -> Result<RoundReport, SyncError> {
        let mut result = self.round().await;
        if matches!(&result, Err(SyncError::Unauthenticated(code)) if code != "refresh_token_invalid" && code != "refresh_token_replayed" && code != "device_proof_invalid")
        {
            // The access token was refused (the registry's key changed, or it restarted with a
            // new one): refresh it with the device's proof and try the round once more.
            self.session.invalidate().await;
            result = self.round().await;
        }
        let now = OffsetDateTime::now_utc();
        match &result {
            Ok(_) => replica::record_contact_if_stale(&self.store, now).await?,
            Err(SyncError::Storage(_)) => {}
            Err(e) => replica::record_contact(&self.store, Err(e.code()), now).await?,
        }
        result
    }

    /// The registry's status, checked against this workstation's protocol, and the replica
    /// connected to it (the first time) or found connected to it.
    async fn connect(&self) -> Result<(SyncStatus, replica::ReplicaState), SyncError> {
        let token = self.session.access_token().await?;
        let status = self.session.registry().status(&token).await?;
        self.handshake()
            .check(&status.handshake)
            .map_err(|e| SyncError::VersionMismatch(e.to_string()))?;
        let state = match replica::connect(
            &self.store,
            self.session.registry().base(),
            &status.organization_id,
            status.horizon,
            status.entities[0],
            OffsetDateTime::now_utc(),
        )
        .await?
        {
            Ok(state) => state,
            Err(refused) => return Err(SyncError::ConnectRefused(refused)),
        };
        Ok((status, state))
    }

    /// Connects the replica and downloads the reference data a sign-in needs here (the
    /// registry's organizations and their locations), leaving the clients to the rounds that
    /// follow in the background.
    pub async fn prepare(&self) -> Result<(), SyncError> {
        let (status, state) = self.connect().await?;
        if !state.snapshot_complete {
            self.first_download(&status, true).await?;
        }
        Ok(())
    }

    async fn round(&self) -> Result<RoundReport, SyncError> {
        let mut report = RoundReport::default();
        let (status, state) = self.connect().await?;
        if !state.snapshot_complete {
            let (downloaded, wait, apply) = self.first_download(&status, false).await?;
            report.downloaded = downloaded;
            report.download_wait = wait;
            report.download_apply = apply;
        }
        self.push_all(&mut report).await?;
        // A page is held while local changes wait (one written since the push): push again.
        for _ in 0..10 {
            match self.pull_all(&mut report).await? {
                Ok(()) => break,
                Err(PullHeld::UnsettledChanges) => self.push_all(&mut report).await?,
            }
        }
        // Queued by the pulls and pushes above, or by a round killed before it read them.
        for client in replica::pending_client_reads(&self.store).await? {
            self.read_client(&client).await?;
            replica::client_read(&self.store, &client).await?;
            report.clients_read += 1;
        }
        Ok(report)
    }

    /// Pages through every entity of the scope from where the download stands; each page is
    /// applied with its mark in one transaction, so a kill resumes at the next page.
    /// With `reference_only`, stops once the organizations and their locations are in.
    async fn first_download(
        &self,
        status: &SyncStatus,
        reference_only: bool,
    ) -> Result<(i64, std::time::Duration, std::time::Duration), SyncError> {
        let mut applied = 0;
        let (mut wait, mut apply) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
        loop {
            let state = replica::state(&self.store)
                .await?
                .ok_or(SyncError::Configuration("the replica is not connected"))?;
            let Some(entity) = state.snapshot_entity else {
                return Ok((applied, wait, apply));
            };
            if reference_only
                && !matches!(entity, Entity::Organization | Entity::OrganizationLocation)
            {
                return Ok((applied, wait, apply));
            }
            let asked = std::time::Instant::now();
            let page = self
                .snapshot(entity, state.snapshot_after.clone(), None)
                .await?;
            let next_entity = status
                .entities
                .iter()
                .skip_while(|e| **e != entity)
                .nth(1)
                .copied();
            let received = std::time::Instant::now();
            wait += received - asked;
            replica::apply_snapshot_page(
                &self.store,
                entity,
                &page.records,
                page.next_after.as_deref(),
                page.more,
                next_entity,
            )
            .await?;
            apply += received.elapsed();
            applied += page.records.len() as i64;
        }
    }

    /// Pushes every unsettled change, a batch at a time; the clients of conflicts are queued,
    /// with the answer, to be read again (the registry's copy replaces what it refused; the
    /// conflict keeps what was sent).
    async fn push_all(&self, report: &mut RoundReport) -> Result<(), SyncError> {
        loop {
            let changes = replica::unsettled_changes(&self.store, 500).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                return Ok(());
            };
            let token = self.session.access_token().await?;
            let outcome = self
                .session
                .registry()
                .push(
                    &token,
                    &PushBatch {
                        handshake: self.handshake(),
                        changes: changes.clone(),
                    },
                )
                .await?;
            replica::settle_push(&self.store, &changes, &outcome, OffsetDateTime::now_utc())
                .await?;
            report.pushed += changes
                .iter()
                .filter(|c| c.seq <= outcome.acknowledged_through)
                .count();
            report.conflicts += outcome.conflicts.len();
            if outcome.acknowledged_through < last {
                // The registry stopped part-way (its storage failed): the rest goes next round.
                return Err(SyncError::Registry {
                    status: 200,
                    code: "push_incomplete".into(),
                });
            }
        }
    }

    async fn pull_all(&self, report: &mut RoundReport) -> Result<Result<(), PullHeld>, SyncError> {
        loop {
            let state = replica::state(&self.store)
                .await?
                .ok_or(SyncError::Configuration("the replica is not connected"))?;
            let idle = self.idle_cursor.lock().ok().and_then(|c| *c);
            let cursor = idle.map_or(state.cursor, |c| c.max(state.cursor));
            let token = self.session.access_token().await?;
            let page = self
                .session
                .registry()
                .pull(
                    &token,
                    &PullRequest {
                        handshake: self.handshake(),
                        cursor,
                        limit: self.page,
                    },
                )
                .await?;
            if page.changes.is_empty() {
                if let Ok(mut idle) = self.idle_cursor.lock() {
                    *idle = Some(page.next_cursor);
                }
                return Ok(Ok(()));
            }
            match replica::apply_pull_page(&self.store, &page, OffsetDateTime::now_utc()).await? {
                Ok(applied) => report.pulled += applied.applied,
                Err(held) => return Ok(Err(held)),
            }
            if !page.more {
                return Ok(Ok(()));
            }
        }
    }

    /// One snapshot page of `entity` after `after` (of one client's records when given).
    async fn snapshot(
        &self,
        entity: Entity,
        after: Option<String>,
        client: Option<String>,
    ) -> Result<shotbook_protocol::SnapshotPage, SyncError> {
        let token = self.session.access_token().await?;
        self.session
            .registry()
            .snapshot(
                &token,
                &SnapshotRequest {
                    handshake: self.handshake(),
                    entity,
                    after,
                    client,
                    limit: self.page,
                },
            )
            .await
    }

    /// Reads one client's records whole (history from before it joined the scope, or the
    /// registry's copy of what it refused).
    async fn read_client(&self, client: &str) -> Result<(), SyncError> {
        for entity in REPLICATED.into_iter().filter(|e| e.is_part_of_client()) {
            let mut after = None;
            loop {
                let page = match self
                    .snapshot(entity, after.clone(), Some(client.to_string()))
                    .await
                {
                    Ok(page) => page,
                    // Not (or no longer) in this organization's scope: nothing to read.
                    Err(SyncError::Forbidden(_)) => return Ok(()),
                    Err(e) => return Err(e),
                };
                replica::apply_records(&self.store, entity, &page.records).await?;
                if !page.more {
                    break;
                }
                after = page.next_after;
            }
        }
        Ok(())
    }
}
