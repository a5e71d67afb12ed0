-- Positions and scopes of the sync log (docs/decisions/20261207T1400-sync-pull-and-snapshot.md).
--
-- * `xid`: the writing transaction (pg_current_xact_id). A pull reads
--   `(xid, seq) > cursor AND xid < pg_snapshot_xmin(pg_current_snapshot())` in that order, so a
--   transaction that commits after a later-numbered one holds the readers back instead of being
--   skipped (a sequence number is taken at insert, not at commit).
-- * `client_id`, `organization_id`: whose scope the change is in, written with the change
--   (shotbook-server-store's change_log::append): the client whose record it is part of, the
--   organization that owns it (a lot, a lot movement). Rows written before this migration have
--   neither and are in no organization's scope: a replica starts from a snapshot, not from them.
ALTER TABLE change_log ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE change_log ADD COLUMN client_id uuid;
ALTER TABLE change_log ADD COLUMN organization_id uuid;

CREATE INDEX change_log_by_position ON change_log (xid, seq);
CREATE INDEX change_log_by_client ON change_log (client_id, xid, seq) WHERE client_id IS NOT NULL;
CREATE INDEX change_log_by_organization ON change_log (organization_id, xid, seq)
    WHERE organization_id IS NOT NULL;
