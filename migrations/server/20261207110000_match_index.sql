-- Client search on the registry server, with the workstation's semantics
-- (migrations/local/20261122091000_search.sql, 20261207002000_guardian_search.sql): every
-- client filed under the blocking keys of shotbook_core::matching, so a Smart search scores
-- only the clients sharing a key with the query; and indexes for Basic search's other fields.

-- The inverted index: blocking key → clients. Keys of a client's earlier values stay when it
-- is edited (they only add a candidate, which is then scored on its current values).
CREATE TABLE client_match_keys (
    match_key  text NOT NULL,
    client_id  uuid NOT NULL REFERENCES clients (id),
    PRIMARY KEY (match_key, client_id)
);

-- How many clients carry each folded given name / surname (agreeing on a rare name weighs
-- more), and under ('total', '') how many clients were indexed: counted when a client is
-- first indexed, as on the workstation.
CREATE TABLE client_name_counts (
    kind     text NOT NULL CHECK (kind IN ('given', 'family', 'total')),
    name     text NOT NULL,
    clients  bigint NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Clients added or edited since their keys were computed. SQL cannot compute the keys
-- (Soundex and nicknames live in Rust), so triggers queue the client and the server indexes
-- the queue before each Smart search; several server processes share the queue with
-- FOR UPDATE SKIP LOCKED.
CREATE TABLE client_match_pending (
    client_id  uuid PRIMARY KEY REFERENCES clients (id),
    is_new     boolean NOT NULL
);

-- DO UPDATE (not DO NOTHING): a row an indexer holds locked makes the writer wait until that
-- indexer commits, and the edit is queued again after it, so an edit made while its client is
-- being indexed is never lost. A new client stays new until indexed.
CREATE FUNCTION queue_client_match_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO client_match_pending (client_id, is_new) VALUES (NEW.id, TG_OP = 'INSERT')
    ON CONFLICT (client_id) DO UPDATE SET is_new = client_match_pending.is_new OR excluded.is_new;
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_queue_match_keys_on_insert AFTER INSERT ON clients
    FOR EACH ROW EXECUTE FUNCTION queue_client_match_keys();

CREATE TRIGGER clients_queue_match_keys_on_update
    AFTER UPDATE OF first_name, middle_name, last_name, date_of_birth, gender, mother_maiden_name,
        address_line1, zip, guardian_first_name, guardian_last_name ON clients
    FOR EACH ROW
    WHEN ((OLD.first_name, OLD.middle_name, OLD.last_name, OLD.date_of_birth, OLD.gender,
           OLD.mother_maiden_name, OLD.address_line1, OLD.zip, OLD.guardian_first_name,
           OLD.guardian_last_name)
          IS DISTINCT FROM
          (NEW.first_name, NEW.middle_name, NEW.last_name, NEW.date_of_birth, NEW.gender,
           NEW.mother_maiden_name, NEW.address_line1, NEW.zip, NEW.guardian_first_name,
           NEW.guardian_last_name))
    EXECUTE FUNCTION queue_client_match_keys();

-- Clients that existed before this migration.
INSERT INTO client_match_pending (client_id, is_new) SELECT id, true FROM clients;

-- Basic search. Folded names and ZIPs compare byte-wise (COLLATE "C"), as SQLite's BINARY
-- does, so prefix ranges ('SMITH' ≤ name < 'SMITH~') and the list's order are the
-- workstation's whatever the database's locale.
CREATE INDEX clients_by_folded_name ON clients
    (last_name_folded COLLATE "C", first_name_folded COLLATE "C", date_of_birth);
CREATE INDEX clients_by_phone ON clients (phone) WHERE phone IS NOT NULL;
CREATE INDEX clients_by_zip ON clients (zip COLLATE "C", last_name_folded) WHERE zip IS NOT NULL;
