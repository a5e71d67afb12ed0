-- The mail courier: any server process claims a queued message for a while (a lease, so a
-- process that dies mid-send leaves it to another), retries failures later and later, and is
-- woken by a notification sent when a queuing transaction commits.
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at timestamptz;

DROP INDEX mail_outbox_unsent;
CREATE INDEX mail_outbox_unsent ON mail_outbox (next_attempt_at NULLS FIRST, id)
WHERE sent_at IS NULL;

-- NOTIFY is delivered when the inserting transaction commits, never before: the courier wakes
-- for mail whose change is durable.
CREATE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mail_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify();
