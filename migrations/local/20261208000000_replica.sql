-- This database as a replica of a registry server (issue 15). One row while the workstation is
-- connected; none in standalone mode (the embedded registry, `--demo`).
CREATE TABLE replica_state (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    registry              TEXT NOT NULL,               -- the registry's base URL
    organization_id       TEXT NOT NULL,               -- whose scope this replica holds
    -- Where the first download stands: the registry's horizon when it began (the pull starts
    -- there once every entity is in), the entity being paged and the last id applied. A kill at
    -- any point resumes at the next page, never from the start.
    horizon_transaction   INTEGER NOT NULL,
    horizon_seq           INTEGER NOT NULL,
    snapshot_entity       TEXT,                        -- NULL once the snapshot is complete
    snapshot_after        TEXT,
    snapshot_complete     INTEGER NOT NULL DEFAULT 0 CHECK (snapshot_complete IN (0, 1)),
    -- The last pulled position, written in the transaction that applied the page.
    cursor_transaction    INTEGER NOT NULL,
    cursor_seq            INTEGER NOT NULL,
    -- Every change_log row up to this seq is settled by the registry (applied or answered by
    -- a conflict below).
    pushed_through        INTEGER NOT NULL,
    records_downloaded    INTEGER NOT NULL DEFAULT 0,
    last_pull_at          TEXT,
    last_push_at          TEXT,
    last_contact_at       TEXT,                        -- last answer from the registry
    offline_since         TEXT,                        -- first failed contact after the last answer
    last_error            TEXT,                        -- stable code of the last failure
    connected_at          TEXT NOT NULL
) STRICT;

-- Changes the registry did not apply as sent: shown to people ("Needs review"), never dropped.
-- The change as it was sent is kept whole, so what the user typed survives the refusal.
CREATE TABLE sync_conflicts (
    seq              INTEGER PRIMARY KEY,              -- the change_log seq of the change
    entity           TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    client_id        TEXT,                              -- the client whose record it is
    kind             TEXT NOT NULL CHECK (kind IN ('stale_revision', 'voided', 'moved_to_survivor', 'refused')),
    reason           TEXT,                              -- stable code, for 'refused'
    server_revision  INTEGER,
    sent             TEXT CHECK (sent IS NULL OR json_valid(sent)),
    received_at      TEXT NOT NULL,
    resolved_at      TEXT,
    resolved_by      TEXT,
    resolution       TEXT
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts (received_at) WHERE resolved_at IS NULL;

-- When the registry last confirmed this user's password on this workstation (a sign-in through
-- the registry). Offline sign-in is allowed for a window after it; a sign-in made offline does
-- not move it.
ALTER TABLE users ADD COLUMN registry_verified_at TEXT;

-- Clients to read whole from the registry: one who joined the scope (their earlier history was
-- never in the scope's log), or one whose change the registry refused (its copy replaces what
-- it did not take). Queued in the transaction that learned of them (the pulled page, the push's
-- answer) and removed once read, so a kill in between loses no read.
CREATE TABLE replica_pending_clients (
    client_id  TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;
