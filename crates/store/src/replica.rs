//! This database as a replica of a registry server (issue 15): where the first download and
//! the pull stand (`replica_state`), applying the registry's records and changes, the outbox's
//! settled mark, and the conflicts a push met (`sync_conflicts`).
//!
//! Records from the registry are applied as they are: the registry ran the rules when it
//! accepted them, and the replica mirrors it. They are written without a change-log entry (the
//! outbox holds only this workstation's own changes, so nothing echoes) and with foreign keys
//! off for the transaction: a dose recorded at another clinic names its recorder and lot,
//! which are outside this organization's scope and never replicated.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use shotbook_protocol::{
    ChangeEnvelope, Conflict, ConflictKind, Cursor, Entity, PullPage, PushOutcome, SnapshotRecord,
};
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection};
use time::OffsetDateTime;

use crate::{change_log, timestamp, Store, StoreError, StoreResult};

/// Where this replica stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaState {
    /// The registry's base URL.
    pub registry: String,
    /// Whose scope this replica holds.
    pub organization_id: String,
    /// The registry's horizon when the first download began: the pull starts there.
    pub horizon: Cursor,
    /// The entity the first download is paging through (`None` once complete).
    pub snapshot_entity: Option<Entity>,
    /// The last id of it applied.
    pub snapshot_after: Option<String>,
    /// Every entity is in.
    pub snapshot_complete: bool,
    /// The last position pulled.
    pub cursor: Cursor,
    /// Every change-log row up to here is settled by the registry.
    pub pushed_through: i64,
    /// Records applied by the first download (progress).
    pub records_downloaded: i64,
    /// Last successful pull, push and answer of any kind (RFC 3339).
    pub last_pull_at: Option<String>,
    /// Last successful push.
    pub last_push_at: Option<String>,
    /// Last answer from the registry.
    pub last_contact_at: Option<String>,
    /// First failed contact since the last answer: offline since then.
    pub offline_since: Option<String>,
    /// Stable code of the last failure.
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StateRow {
    registry: String,
    organization_id: String,
    horizon_transaction: i64,
    horizon_seq: i64,
    snapshot_entity: Option<String>,
    snapshot_after: Option<String>,
    snapshot_complete: i64,
    cursor_transaction: i64,
    cursor_seq: i64,
    pushed_through: i64,
    records_downloaded: i64,
    last_pull_at: Option<String>,
    last_push_at: Option<String>,
    last_contact_at: Option<String>,
    offline_since: Option<String>,
    last_error: Option<String>,
}

impl StateRow {
    fn into_state(self) -> StoreResult<ReplicaState> {
        let snapshot_entity = match self.snapshot_entity {
            Some(code) => Some(Entity::from_code(&code).ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("replica_state names entity {code}"))
            })?),
            None => None,
        };
        Ok(ReplicaState {
            registry: self.registry,
            organization_id: self.organization_id,
            horizon: Cursor {
                transaction: self.horizon_transaction,
                seq: self.horizon_seq,
            },
            snapshot_entity,
            snapshot_after: self.snapshot_after,
            snapshot_complete: self.snapshot_complete == 1,
            cursor: Cursor {
                transaction: self.cursor_transaction,
                seq: self.cursor_seq,
            },
            pushed_through: self.pushed_through,
            records_downloaded: self.records_downloaded,
            last_pull_at: self.last_pull_at,
            last_push_at: self.last_push_at,
            last_contact_at: self.last_contact_at,
            offline_since: self.offline_since,
            last_error: self.last_error,
        })
    }
}

/// Where the replica stands, or `None` in standalone mode.
pub async fn state(store: &Store) -> StoreResult<Option<ReplicaState>> {
    let row: Option<StateRow> = sqlx::query_as("SELECT * FROM replica_state WHERE id = 1")
        .fetch_optional(store.pool())
        .await?;
    row.map(StateRow::into_state).transpose()
}

/// Why a database cannot become a replica.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectRefused {
    /// It already replicates another registry or organization.
    #[error("this database already replicates {registry} for organization {organization_id}")]
    AlreadyConnected {
        /// Its registry.
        registry: String,
        /// Its organization.
        organization_id: String,
    },
    /// It holds clients of its own (an embedded, standalone registry): they would never reach
    /// the registry, and the registry's copies would sit beside them as duplicates.
    #[error(
        "this database holds {clients} clients of its own; a replica starts from an empty database"
    )]
    NotEmpty {
        /// How many.
        clients: i64,
    },
}

/// Makes this database a replica of `registry` for `organization_id`, its first download to
/// start at `first_entity` and its pull at `horizon`. Reconnecting to the same registry and
/// organization keeps where it stood (a restart, a new sign-in).
pub async fn connect(
    store: &Store,
    registry: &str,
    organization_id: &str,
    horizon: Cursor,
    first_entity: Entity,
    now: OffsetDateTime,
) -> StoreResult<Result<ReplicaState, ConnectRefused>> {
    if let Some(current) = state(store).await? {
        if current.registry == registry && current.organization_id == organization_id {
            return Ok(Ok(current));
        }
        return Ok(Err(ConnectRefused::AlreadyConnected {
            registry: current.registry,
            organization_id: current.organization_id,
        }));
    }
    let (clients,): (i64,) = sqlx::query_as("SELECT count(*) FROM clients")
        .fetch_one(store.pool())
        .await?;
    if clients > 0 {
        return Ok(Err(ConnectRefused::NotEmpty { clients }));
    }
    // Changes written before the connection (code tables, the embedded registry's setup) are
    // not this workstation's to push.
    sqlx::query(
        "INSERT INTO replica_state (id, registry, organization_id, horizon_transaction, horizon_seq,
                                    snapshot_entity, cursor_transaction, cursor_seq, pushed_through,
                                    connected_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?3, ?4, (SELECT coalesce(max(seq), 0) FROM change_log), ?6)",
    )
    .bind(registry)
    .bind(organization_id)
    .bind(horizon.transaction)
    .bind(horizon.seq)
    .bind(first_entity.code())
    .bind(timestamp(now))
    .execute(store.pool())
    .await?;
    Ok(Ok(state(store)
        .await?
        .expect("the row was inserted just now")))
}

/// A write transaction for records from the registry: `BEGIN IMMEDIATE` (it queues behind a
/// local write instead of failing on upgrade) with foreign keys off; both restored by
/// [`ApplyTx::commit`], and the connection closed (rolling back) if dropped before.
struct ApplyTx {
    conn: Option<PoolConnection<Sqlite>>,
}

impl ApplyTx {
    async fn begin(store: &Store) -> StoreResult<Self> {
        let mut conn = store.pool().acquire().await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        let mut tx = Self { conn: Some(conn) };
        sqlx::query("BEGIN IMMEDIATE").execute(tx.conn()).await?;
        Ok(tx)
    }

    fn conn(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("open until commit")
    }

    async fn commit(mut self) -> StoreResult<()> {
        sqlx::query("COMMIT").execute(self.conn()).await?;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(self.conn())
            .await?;
        self.conn = None;
        Ok(())
    }

    async fn rollback(mut self) -> StoreResult<()> {
        sqlx::query("ROLLBACK").execute(self.conn()).await?;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(self.conn())
            .await?;
        self.conn = None;
        Ok(())
    }
}

impl Drop for ApplyTx {
    fn drop(&mut self) {
        // Not committed: close the connection rather than return it to the pool with an open
        // transaction and foreign keys off; closing rolls the transaction back.
        if let Some(mut conn) = self.conn.take() {
            conn.close_on_drop();
        }
    }
}

/// Tables whose rows are never changed once written: a record seen again is the same fact.
fn is_append_only(entity: Entity) -> bool {
    matches!(entity, Entity::VaccineLotMovement)
}

/// The local table and conflict target of a replicated entity.
fn target(entity: Entity) -> Option<(&'static str, &'static str)> {
    match entity {
        Entity::ClientOrganization => Some(("client_organizations", "client_id, organization_id")),
        e => e.table().map(|t| (t, "id")),
    }
}

/// The columns of `table` in this database, read once per table.
async fn local_columns(
    conn: &mut SqliteConnection,
    table: &'static str,
) -> StoreResult<Arc<BTreeSet<String>>> {
    type Columns = Arc<BTreeSet<String>>;
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Columns>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(columns) = cache.lock().ok().and_then(|c| c.get(table).cloned()) {
        return Ok(columns);
    }
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?)")
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
    let columns: Arc<BTreeSet<String>> = Arc::new(names.into_iter().map(|(n,)| n).collect());
    if let Ok(mut c) = cache.lock() {
        c.insert(table, columns.clone());
    }
    Ok(columns)
}

/// Writes one record from the registry: inserted, or its columns replaced when it exists
/// (append-only records: kept as they are). Columns this database does not have are left out
/// (the registry's search columns); returns `false` when the entity is not kept here.
async fn upsert(
    conn: &mut SqliteConnection,
    entity: Entity,
    payload: &serde_json::Value,
    likely_new: bool,
) -> StoreResult<bool> {
    let Some((table, key)) = target(entity) else {
        return Ok(false);
    };
    let Some(object) = payload.as_object() else {
        return Err(StoreError::Unexpected(anyhow::anyhow!(
            "a {entity} record from the registry is not an object"
        )));
    };
    let local = local_columns(conn, table).await?;
    let columns: Vec<(&String, &serde_json::Value)> =
        object.iter().filter(|(k, _)| local.contains(*k)).collect();
    if columns.is_empty() {
        return Ok(false);
    }
    let keys: Vec<&str> = key.split(", ").collect();
    // A record without its key is refused as damaged (indexing a map would panic).
    let key_values: Vec<&serde_json::Value> = keys
        .iter()
        .map(|k| object.get(*k).unwrap_or(&serde_json::Value::Null))
        .collect();
    if key_values.iter().any(|v| v.is_null()) {
        return Err(StoreError::Unexpected(anyhow::anyhow!(
            "a {entity} record from the registry has no {key}"
        )));
    }
    let key_match = keys
        .iter()
        .map(|k| format!("\"{k}\" = ?"))
        .collect::<Vec<_>>()
        .join(" AND ");
    // Not an UPSERT: its conflict policy would override the `OR IGNORE` of the triggers that
    // queue a client for re-indexing. A record likely new (the first download) is inserted and
    // updated only if it was there; others are updated and inserted only if they were not.
    let names: Vec<String> = columns.iter().map(|(k, _)| format!("\"{k}\"")).collect();
    let insert_sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        vec!["?"; columns.len()].join(", ")
    );
    if likely_new {
        match insert_row(conn, &insert_sql, &columns).await {
            Ok(_) => return Ok(true),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let found = if is_append_only(entity) {
        let sql = format!("SELECT 1 FROM {table} WHERE {key_match}");
        let mut query = sqlx::query(&sql);
        for value in &key_values {
            query = bind_json(query, value);
        }
        query.fetch_optional(&mut *conn).await?.is_some()
    } else {
        let sets: Vec<(&String, &serde_json::Value)> = columns
            .iter()
            .filter(|(k, _)| !keys.contains(&k.as_str()))
            .copied()
            .collect();
        let sql = format!(
            "UPDATE {table} SET {} WHERE {key_match}",
            sets.iter()
                .map(|(k, _)| format!("\"{k}\" = ?"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if sets.is_empty() {
            false
        } else {
            let mut query = sqlx::query(&sql);
            for (_, value) in &sets {
                query = bind_json(query, value);
            }
            for value in &key_values {
                query = bind_json(query, value);
            }
            query.execute(&mut *conn).await?.rows_affected() > 0
        }
    };
    if !found && !likely_new {
        insert_row(conn, &insert_sql, &columns).await?;
    }
    Ok(true)
}

async fn insert_row(
    conn: &mut SqliteConnection,
    sql: &str,
    columns: &[(&String, &serde_json::Value)],
) -> Result<(), sqlx::Error> {
    let mut query = sqlx::query(sql);
    for (_, value) in columns {
        query = bind_json(query, value);
    }
    query.execute(conn).await.map(|_| ())
}

type Query<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds a JSON value as the SQLite value a column stores (booleans as 0/1, objects as JSON).
fn bind_json<'q>(query: Query<'q>, value: &'q serde_json::Value) -> Query<'q> {
    match value {
        serde_json::Value::Null => query.bind(None::<String>),
        serde_json::Value::Bool(b) => query.bind(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => query.bind(i),
            None => query.bind(n.as_f64()),
        },
        serde_json::Value::String(s) => query.bind(s.as_str()),
        other => query.bind(other.to_string()),
    }
}

/// Applies one page of the first download and moves its mark: to the page's last id when more
/// follow, else to `next_entity` (or complete). One transaction: a kill leaves the page either
/// applied with its mark or not at all.
pub async fn apply_snapshot_page(
    store: &Store,
    entity: Entity,
    records: &[SnapshotRecord],
    next_after: Option<&str>,
    more: bool,
    next_entity: Option<Entity>,
) -> StoreResult<()> {
    let mut tx = ApplyTx::begin(store).await?;
    let mut applied = 0i64;
    for record in records {
        if let Some(payload) = &record.payload {
            if upsert(tx.conn(), entity, payload, true).await? {
                applied += 1;
            }
        }
    }
    let (entity_code, after, complete) = if more {
        (Some(entity.code()), next_after, 0)
    } else {
        (
            next_entity.map(Entity::code),
            None,
            i64::from(next_entity.is_none()),
        )
    };
    sqlx::query(
        "UPDATE replica_state SET snapshot_entity = ?, snapshot_after = ?, snapshot_complete = ?,
                records_downloaded = records_downloaded + ? WHERE id = 1",
    )
    .bind(entity_code)
    .bind(after)
    .bind(complete)
    .bind(applied)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// Applies records of `entity` outside the first download (one client's history when it joins
/// the scope, a record re-read after a refusal).
pub async fn apply_records(
    store: &Store,
    entity: Entity,
    records: &[SnapshotRecord],
) -> StoreResult<()> {
    let mut tx = ApplyTx::begin(store).await?;
    for record in records {
        if let Some(payload) = &record.payload {
            upsert(tx.conn(), entity, payload, false).await?;
        }
    }
    tx.commit().await
}

/// What applying a pulled page did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullApplied {
    /// Changes written.
    pub applied: usize,
    /// Clients whose first change in this replica was not their creation: they joined the
    /// organization's scope (a new link, a new home). Queued in the page's transaction for a
    /// whole read ([`pending_client_reads`]).
    pub joined_clients: BTreeSet<String>,
}

/// Why a pulled page was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullHeld {
    /// This workstation has changes the registry has not settled yet: push them first, so a
    /// record changed here is never overwritten by the registry's older copy.
    UnsettledChanges,
}

/// The client a change belongs to (its own id for a client record).
pub fn client_of(change: &ChangeEnvelope) -> Option<String> {
    match change.entity {
        Entity::Client => Some(change.entity_id.clone()),
        _ => change
            .payload
            .as_ref()
            .and_then(|p| p["client_id"].as_str())
            .map(str::to_string),
    }
}

/// Applies one pulled page and moves the cursor to its `next_cursor`, in one transaction;
/// held (nothing written) while this workstation has unsettled changes.
pub async fn apply_pull_page(
    store: &Store,
    page: &PullPage,
    now: OffsetDateTime,
) -> StoreResult<Result<PullApplied, PullHeld>> {
    let mut tx = ApplyTx::begin(store).await?;
    let unsettled: Option<(i64,)> = sqlx::query_as(
        &format!(
            "SELECT seq FROM change_log WHERE seq > (SELECT pushed_through FROM replica_state WHERE id = 1)
                 AND source IN ('local', 'interface') AND entity IN {} LIMIT 1",
            replicated_codes()
        ),
    )
    .fetch_optional(tx.conn())
    .await?;
    if unsettled.is_some() {
        tx.rollback().await?;
        return Ok(Err(PullHeld::UnsettledChanges));
    }
    let mut outcome = PullApplied::default();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for change in &page.changes {
        if let Some(client) = client_of(change) {
            if !known.contains(&client) {
                let present: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM clients WHERE id = ?")
                    .bind(&client)
                    .fetch_optional(tx.conn())
                    .await?;
                let created_here = change.entity == Entity::Client
                    && change.op == shotbook_protocol::ChangeOp::Insert;
                if present.is_none() && !created_here {
                    outcome.joined_clients.insert(client.clone());
                }
                known.insert(client);
            }
        }
        if let Some(payload) = &change.payload {
            if upsert(tx.conn(), change.entity, payload, false).await? {
                outcome.applied += 1;
            }
        }
    }
    for client in &outcome.joined_clients {
        queue_client_read(tx.conn(), client).await?;
    }
    sqlx::query(
        "UPDATE replica_state SET cursor_transaction = ?, cursor_seq = ?, last_pull_at = ?
         WHERE id = 1",
    )
    .bind(page.next_cursor.transaction)
    .bind(page.next_cursor.seq)
    .bind(timestamp(now))
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(Ok(outcome))
}

/// `('organization', 'client', …)`: the entities a replica pushes. Local bookkeeping of
/// accounts, sessions and access requests is the registry's business, never pushed.
fn replicated_codes() -> String {
    let codes: Vec<String> = shotbook_protocol::REPLICATED
        .iter()
        .map(|e| format!("'{}'", e.code()))
        .collect();
    format!("({})", codes.join(", "))
}

/// This workstation's changes of replicated records the registry has not settled, oldest
/// first.
pub async fn unsettled_changes(store: &Store, limit: u32) -> StoreResult<Vec<ChangeEnvelope>> {
    let Some(state) = state(store).await? else {
        return Ok(Vec::new());
    };
    let mut changes = Vec::new();
    let mut after = state.pushed_through;
    // The outbox interleaves bookkeeping rows; read on until `limit` replicated ones.
    loop {
        let page = change_log::outbox(store, after, limit).await?;
        let Some(last) = page.last().map(|c| c.seq) else {
            return Ok(changes);
        };
        let full = page.len() >= limit as usize;
        changes.extend(page.into_iter().filter(|c| c.entity.is_replicated()));
        if changes.len() >= limit as usize || !full {
            changes.truncate(limit as usize);
            return Ok(changes);
        }
        after = last;
    }
}

/// How many changes wait for the registry.
pub async fn unsettled_count(store: &Store) -> StoreResult<i64> {
    let (count,): (i64,) = sqlx::query_as(&format!(
        "SELECT count(*) FROM change_log WHERE source IN ('local', 'interface') AND entity IN {}
             AND seq > coalesce((SELECT pushed_through FROM replica_state WHERE id = 1), 9223372036854775807)",
        replicated_codes()
    ))
    .fetch_one(store.pool())
    .await?;
    Ok(count)
}

/// Records the registry's answer to a push of `sent`: its conflicts kept for people to review
/// (with the change as sent), and the settled mark moved, in one transaction.
pub async fn settle_push(
    store: &Store,
    sent: &[ChangeEnvelope],
    outcome: &PushOutcome,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut work = store.pool().begin().await?;
    for Conflict {
        seq,
        entity,
        entity_id,
        server_revision,
        kind,
        reason,
    } in &outcome.conflicts
    {
        let change = sent.iter().find(|c| c.seq == *seq);
        let client = change.and_then(client_of);
        if let Some(client) = &client {
            queue_client_read(&mut work, client).await?;
        }
        let sent_payload = change
            .and_then(|c| c.payload.as_ref())
            .map(|p| p.to_string());
        sqlx::query(
            "INSERT INTO sync_conflicts (seq, entity, entity_id, client_id, kind, reason,
                                         server_revision, sent, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING",
        )
        .bind(seq)
        .bind(entity.code())
        .bind(entity_id)
        .bind(client)
        .bind(conflict_kind_code(*kind))
        .bind(reason)
        .bind(server_revision)
        .bind(sent_payload)
        .bind(timestamp(now))
        .execute(&mut *work)
        .await?;
    }
    sqlx::query(
        "UPDATE replica_state SET pushed_through = max(pushed_through, ?), last_push_at = ?
         WHERE id = 1",
    )
    .bind(outcome.acknowledged_through)
    .bind(timestamp(now))
    .execute(&mut *work)
    .await?;
    work.commit().await?;
    Ok(())
}

fn conflict_kind_code(kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::StaleRevision => "stale_revision",
        ConflictKind::Voided => "voided",
        ConflictKind::MovedToSurvivor => "moved_to_survivor",
        ConflictKind::Refused => "refused",
    }
}

/// A change the registry did not apply as sent, waiting for a person.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SyncConflict {
    /// The change's outbox seq.
    pub seq: i64,
    /// Entity code.
    pub entity: String,
    /// Record id.
    pub entity_id: String,
    /// The client whose record it is.
    pub client_id: Option<String>,
    /// `stale_revision`, `voided`, `moved_to_survivor`, `refused`.
    pub kind: String,
    /// Why (stable code), for a refusal.
    pub reason: Option<String>,
    /// The change as sent (JSON).
    pub sent: Option<String>,
    /// When the answer came.
    pub received_at: String,
}

/// Conflicts nobody has resolved yet, oldest first.
pub async fn open_conflicts(store: &Store) -> StoreResult<Vec<SyncConflict>> {
    Ok(sqlx::query_as(
        "SELECT seq, entity, entity_id, client_id, kind, reason, sent, received_at
         FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await?)
}

/// Records an answer from the registry (`Ok`) or a failed contact with its stable code.
pub async fn record_contact(
    store: &Store,
    outcome: Result<(), &str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let at = timestamp(now);
    match outcome {
        Ok(()) => {
            sqlx::query(
                "UPDATE replica_state SET last_contact_at = ?, offline_since = NULL,
                        last_error = NULL WHERE id = 1",
            )
            .bind(at)
            .execute(store.pool())
            .await?
        }
        Err(code) => sqlx::query(
            "UPDATE replica_state SET offline_since = coalesce(offline_since, ?), last_error = ?
                 WHERE id = 1",
        )
        .bind(at)
        .bind(code)
        .execute(store.pool())
        .await?,
    };
    Ok(())
}

/// A user who signed in at the registry from this workstation, as the replica keeps them for
/// offline sign-in: the account, the role at the organization, and a verifier of the password
/// they just signed in with (an Argon2id hash made here; the registry's never leaves it).
#[derive(Debug, Clone)]
pub struct CachedAccount {
    /// The registry's user id.
    pub user_id: String,
    /// Username.
    pub username: String,
    /// Organization id.
    pub organization_id: String,
    /// Role code at that organization.
    pub role: String,
    /// Argon2id hash of the password, made on this workstation.
    pub password_hash: String,
}

/// Keeps `account` for offline sign-in (inserted, or its verifier, role and last sign-in
/// refreshed). Written as a record from the registry: no outbox entry.
pub async fn cache_account(
    store: &Store,
    account: &CachedAccount,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let at = timestamp(now);
    let mut tx = ApplyTx::begin(store).await?;
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, first_name, last_name, email,
                            registry_verified_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, '', ?2, '', ?4, ?4, ?4)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username,
             password_hash = excluded.password_hash,
             registry_verified_at = excluded.registry_verified_at,
             failed_attempts = 0, locked_at = NULL, updated_at = excluded.updated_at",
    )
    .bind(&account.user_id)
    .bind(&account.username)
    .bind(&account.password_hash)
    .bind(&at)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO user_roles (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, organization_id) DO UPDATE SET role = excluded.role",
    )
    .bind(&account.user_id)
    .bind(&account.organization_id)
    .bind(&account.role)
    .bind(&at)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// Whether `username` of the organization with `organization_code` may sign in on this
/// replica while the registry does not answer: they signed in here through the registry (so
/// a verifier is cached) no longer ago than `window`.
pub async fn offline_sign_in_allowed(
    store: &Store,
    organization_code: &str,
    username: &str,
    window: time::Duration,
    now: OffsetDateTime,
) -> StoreResult<OfflineSignIn> {
    let last: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT u.registry_verified_at FROM users u
         JOIN user_roles r ON r.user_id = u.id
         JOIN organizations o ON o.id = r.organization_id
         WHERE u.username = ? COLLATE NOCASE AND o.code = ? COLLATE NOCASE",
    )
    .bind(username.trim())
    .bind(organization_code.trim())
    .fetch_optional(store.pool())
    .await?;
    let Some((Some(last),)) = last else {
        return Ok(OfflineSignIn::NeverHere);
    };
    let last = OffsetDateTime::parse(&last, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            StoreError::Unexpected(anyhow::anyhow!("users.registry_verified_at does not read"))
        })?;
    Ok(if now - last <= window {
        OfflineSignIn::Allowed { last_online: last }
    } else {
        OfflineSignIn::TooLongAgo { last_online: last }
    })
}

/// The answer of [`offline_sign_in_allowed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineSignIn {
    /// Signed in here recently enough.
    Allowed {
        /// Their last sign-in here.
        last_online: OffsetDateTime,
    },
    /// Signed in here, but longer ago than the window: the registry must answer first.
    TooLongAgo {
        /// Their last sign-in here.
        last_online: OffsetDateTime,
    },
    /// Never signed in on this workstation (no verifier here).
    NeverHere,
}

/// Marks conflict `seq` reviewed by `user`; `false` when there is no such open conflict.
pub async fn resolve_conflict(
    store: &Store,
    seq: i64,
    user: &str,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?, resolution = 'reviewed'
         WHERE seq = ? AND resolved_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(user)
    .bind(seq)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a successful contact only when the replica says otherwise (offline, an error) or
/// its last contact is over a minute old: an idle round writes nothing, so the clinic's dose
/// entry never waits behind it.
pub async fn record_contact_if_stale(store: &Store, now: OffsetDateTime) -> StoreResult<()> {
    let Some(current) = state(store).await? else {
        return Ok(());
    };
    let fresh = current
        .last_contact_at
        .as_deref()
        .and_then(|at| {
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .is_some_and(|at| now - at < time::Duration::minutes(1));
    if fresh && current.offline_since.is_none() && current.last_error.is_none() {
        return Ok(());
    }
    record_contact(store, Ok(()), now).await
}

async fn queue_client_read(conn: &mut SqliteConnection, client: &str) -> StoreResult<()> {
    sqlx::query("INSERT OR IGNORE INTO replica_pending_clients (client_id) VALUES (?)")
        .bind(client)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clients queued to be read whole from the registry (see `replica_pending_clients`).
pub async fn pending_client_reads(store: &Store) -> StoreResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT client_id FROM replica_pending_clients ORDER BY client_id")
            .fetch_all(store.pool())
            .await?,
    )
}

/// Marks `client` read: removed from the queue once its records are applied.
pub async fn client_read(store: &Store, client: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM replica_pending_clients WHERE client_id = ?")
        .bind(client)
        .execute(store.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shotbook_protocol::{ChangeOp, ChangeSource, Origin, PullPage};

    /// A pulled change about a client this replica does not hold (she joined the scope) is
    /// queued for a whole read in the page's own transaction, and stays queued until read.
    #[tokio::test]
    async fn a_client_who_joined_is_queued_with_the_page_and_kept_until_read() {
        // A file, not `:memory:`: a refused page closes its connection (rolling back), and an
        // in-memory database would go with it.
        let dir = std::env::temp_dir().join(format!("shotbook-replica-{}", uuid::Uuid::now_v7()));
        let store = Store::open(&dir.join("replica.db"), &crate::DatabaseKey::demo())
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        connect(
            &store,
            "https://registry.test",
            "org",
            Cursor::default(),
            Entity::Organization,
            now,
        )
        .await
        .unwrap()
        .unwrap();
        sqlx::query("UPDATE replica_state SET snapshot_complete = 1, snapshot_entity = NULL")
            .execute(store.pool())
            .await
            .unwrap();
        let link = ChangeEnvelope {
            seq: 9,
            entity: Entity::ClientOrganization,
            entity_id: "c1/org".into(),
            op: ChangeOp::Insert,
            revision: None,
            origin: Origin {
                source: ChangeSource::Local,
                node: "registry".into(),
            },
            at: now,
            payload: None,
        };
        let page = PullPage {
            changes: vec![ChangeEnvelope {
                payload: Some(serde_json::json!({
                    "client_id": "c1", "organization_id": "org", "status": "active",
                    "status_on": "2026-02-01", "created_at": "2026-02-01T10:00:00Z",
                    "updated_at": "2026-02-01T10:00:00Z"
                })),
                ..link
            }],
            next_cursor: Cursor {
                transaction: 5,
                seq: 9,
            },
            more: false,
        };
        // A link without its organization is refused as damaged, not a panic.
        let mut damaged = page.clone();
        damaged.changes[0].payload = Some(serde_json::json!({ "client_id": "c1" }));
        assert!(apply_pull_page(&store, &damaged, now).await.is_err());
        apply_pull_page(&store, &page, now).await.unwrap().unwrap();
        assert_eq!(pending_client_reads(&store).await.unwrap(), vec!["c1"]);
        assert_eq!(
            state(&store).await.unwrap().unwrap().cursor,
            page.next_cursor
        );
        client_read(&store, "c1").await.unwrap();
        assert!(pending_client_reads(&store).await.unwrap().is_empty());
        store.pool().close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
