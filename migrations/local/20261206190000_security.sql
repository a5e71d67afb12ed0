-- Security hardening (docs/security.md).

-- Forgot Password emails a single-use code instead of replacing the password: the current
-- password keeps working until the code is used (a stranger who knows a colleague's org code,
-- username and email can no longer lock them out or take the account over). Only the code's
-- hash is kept; a code expires, allows a few wrong tries, and is spent once used.
CREATE TABLE password_resets (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id),
    code_hash        TEXT NOT NULL UNIQUE,
    requested_at     TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    workstation      TEXT NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    used_at          TEXT,
    revoked_at       TEXT
) STRICT;
CREATE INDEX password_resets_by_user ON password_resets (user_id, requested_at);

-- Mail is queued inside the unit of work of its change and sent after the commit by the host
-- (never inside a write transaction, never lost when the relay is down: it is retried). The
-- message (which may carry a code or a temporary password) is erased once sent.
CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    queued_at   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT CHECK (payload IS NULL OR json_valid(payload)),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    sent_at     TEXT
) STRICT;
CREATE INDEX mail_outbox_unsent ON mail_outbox (sent_at, id);

-- Why a session ended (sign-out, password changed, access ended, lifetime reached).
ALTER TABLE sessions ADD COLUMN ended_reason TEXT;
