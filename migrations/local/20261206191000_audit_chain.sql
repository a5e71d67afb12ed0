-- Tamper evidence for the audit log: each entry appended from now on gets a link whose hash
-- covers the entry and the previous link (a hash chain). Deleting, changing or reordering
-- entries — with the append-only triggers dropped by someone holding the file — breaks the
-- chain, which the app verifies when it opens the database. The links are append-only too.
CREATE TABLE audit_chain (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    audit_id   TEXT NOT NULL UNIQUE REFERENCES audit_log (id),
    hash       TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_chain_is_append_only_update BEFORE UPDATE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain is append-only');
END;
CREATE TRIGGER audit_chain_is_append_only_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain is append-only');
END;
