-- Smart search (shotbook_core::matching) over the registry: each client's matching fields in a
-- compact row, filed under its blocking keys, so a query scores only the few clients that share
-- a key with it instead of the whole registry. See docs/decisions/20261122T0830-smart-search-index.md.

-- One row per client: the fields the matcher compares, as recorded (the matcher folds them).
-- `client_no` is an INTEGER PRIMARY KEY so VACUUM cannot renumber it (a plain rowid may change).
CREATE TABLE client_match_records (
    client_no           INTEGER PRIMARY KEY,
    client_id           TEXT NOT NULL UNIQUE REFERENCES clients (id),
    first_name          TEXT NOT NULL,
    middle_name         TEXT,
    last_name           TEXT NOT NULL,
    date_of_birth       TEXT NOT NULL,
    gender              TEXT NOT NULL,
    mother_maiden_name  TEXT,
    address_line1       TEXT,
    zip                 TEXT
) STRICT;

-- The inverted index: blocking key → clients. Keys of a client's earlier values are left in
-- place when it is edited (they only add a candidate that is then scored on current values).
CREATE TABLE client_match_keys (
    match_key  TEXT NOT NULL,
    client_no  INTEGER NOT NULL,
    PRIMARY KEY (match_key, client_no)
) STRICT, WITHOUT ROWID;

-- How many clients carry each folded given name / surname: agreeing on a rare name weighs more.
CREATE TABLE client_name_counts (
    kind     TEXT NOT NULL CHECK (kind IN ('given', 'family')),
    name     TEXT NOT NULL,
    clients  INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) STRICT, WITHOUT ROWID;

-- Clients added or edited since their keys were computed. SQL cannot compute the keys (Soundex,
-- nicknames live in Rust), so triggers queue the client and the store indexes the queue: in the
-- writing transaction for its own inserts, and before every Smart search for anyone else's.
CREATE TABLE client_match_pending (
    client_id  TEXT PRIMARY KEY,
    is_new     INTEGER NOT NULL CHECK (is_new IN (0, 1))
) STRICT, WITHOUT ROWID;

CREATE TRIGGER clients_queue_match_keys_on_insert AFTER INSERT ON clients
BEGIN
    INSERT OR REPLACE INTO client_match_pending (client_id, is_new) VALUES (NEW.id, 1);
END;

CREATE TRIGGER clients_queue_match_keys_on_update
AFTER UPDATE OF first_name, middle_name, last_name, date_of_birth, gender, mother_maiden_name,
    address_line1, zip ON clients
BEGIN
    INSERT OR IGNORE INTO client_match_pending (client_id, is_new) VALUES (NEW.id, 0);
END;

-- Clients that existed before this migration.
INSERT INTO client_match_pending (client_id, is_new) SELECT id, 1 FROM clients;

-- Basic search by the fields beyond name and date of birth.
CREATE INDEX clients_by_phone ON clients (phone) WHERE phone IS NOT NULL;
CREATE INDEX clients_by_zip ON clients (zip, last_name_folded) WHERE zip IS NOT NULL;
