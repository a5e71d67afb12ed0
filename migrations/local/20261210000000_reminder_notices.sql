-- Reminder/recall notices an organization sent: a log, one row per client per run. A client's
-- "last notice" from an organization is the latest `sent_on`; a rerun within 30 days leaves the
-- client out unless forced. Kept on this database only (like student lists): see
-- docs/decisions/20261210T2100-reminder-recall.md.
CREATE TABLE reminder_notices (
    id               INTEGER PRIMARY KEY,
    run_id           TEXT NOT NULL,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    sent_on          TEXT NOT NULL,                 -- ISO date
    method           TEXT NOT NULL CHECK (method IN ('mail', 'phone')),
    outputs          TEXT NOT NULL,                 -- letters,postcards,labels,phone_list,csv
    sent_by          TEXT NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX reminder_notices_last ON reminder_notices (organization_id, client_id, sent_on);

-- A notice is history: never changed or removed.
CREATE TRIGGER reminder_notices_no_update BEFORE UPDATE ON reminder_notices
BEGIN SELECT RAISE(ABORT, 'reminder notices are a log'); END;
CREATE TRIGGER reminder_notices_no_delete BEFORE DELETE ON reminder_notices
BEGIN SELECT RAISE(ABORT, 'reminder notices are a log'); END;
