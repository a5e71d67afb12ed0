-- Sessions, so a "remembered" workstation can resume a session after a restart within the idle
-- limit. Only a hash of the token is stored; the token itself lives in the OS keyring.
CREATE TABLE sessions (
    token_hash       TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id),
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    started_at       TEXT NOT NULL,
    last_active_at   TEXT NOT NULL,
    ended_at         TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
