-- Smart search finds a child by a guardian's name and the child's date of birth: the compact
-- matching rows carry the primary responsible person's name (mirrored in clients.guardian_*),
-- and the child is filed under a guardian key (see shotbook_core::matching::Prepared::
-- guardian_key). Editing the guardian re-indexes the client; clients with a guardian are
-- queued once here so their keys exist.
ALTER TABLE client_match_records ADD COLUMN guardian_first_name TEXT;
ALTER TABLE client_match_records ADD COLUMN guardian_last_name TEXT;

CREATE TRIGGER clients_queue_match_keys_on_guardian_update
AFTER UPDATE OF guardian_first_name, guardian_last_name ON clients
BEGIN
    INSERT OR IGNORE INTO client_match_pending (client_id, is_new) VALUES (NEW.id, 0);
END;

INSERT OR IGNORE INTO client_match_pending (client_id, is_new)
SELECT id, 0 FROM clients WHERE guardian_last_name IS NOT NULL;
