-- The change log becomes the outbox of typed change envelopes (crates/protocol): each row also
-- says which node wrote it, the record's revision after the change, and the record's columns
-- (JSON) so the sync engine can send it without reading the table again. 'interface' joins the
-- sources (a write made by an EHR's message). SQLite cannot change a CHECK constraint in place,
-- so the table is rebuilt; seq values are kept.
CREATE TABLE change_log_v2 (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'void')),
    source     TEXT NOT NULL CHECK (source IN ('local', 'sync', 'import', 'interface')),
    at         TEXT NOT NULL,
    node       TEXT NOT NULL DEFAULT '',
    revision   INTEGER,
    payload    TEXT CHECK (payload IS NULL OR json_valid(payload))
) STRICT;

INSERT INTO change_log_v2 (seq, entity, entity_id, op, source, at)
SELECT seq, entity, entity_id, op, source, at FROM change_log;

DROP TABLE change_log;
ALTER TABLE change_log_v2 RENAME TO change_log;
