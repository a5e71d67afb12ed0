-- Reminder/recall notices an organization sent (the workstation's table, same meaning): one
-- row per client per run; a client's "last notice" from an organization is the latest.
CREATE TABLE reminder_notices (
    id               bigserial PRIMARY KEY,
    run_id           uuid NOT NULL,
    client_id        uuid NOT NULL REFERENCES clients (id),
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    sent_on          date NOT NULL,
    method           text NOT NULL CHECK (method IN ('mail', 'phone')),
    outputs          text NOT NULL,
    sent_by          uuid NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL
);
CREATE INDEX reminder_notices_last ON reminder_notices (organization_id, client_id, sent_on);
