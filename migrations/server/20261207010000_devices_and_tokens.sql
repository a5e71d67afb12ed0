-- Sign-in state the registry server keeps for its API: enrolled devices, refresh tokens,
-- CAPTCHA challenges and the failure counts of names that match no account. None of it is a
-- clinical fact or synced to workstations.
--
-- Any number of server processes share these rows, so a refresh token rotated by one process
-- is spent for all, and a CAPTCHA issued by one is solved at another.

-- A workstation (or another API client) that signed in: its Ed25519 public key proves each
-- refresh. Enrolled at its first sign-in; revoked devices refresh nothing.
CREATE TABLE devices (
    id              uuid PRIMARY KEY,
    public_key      bytea NOT NULL CHECK (length(public_key) = 32),
    name            text NOT NULL,
    enrolled_by     uuid NOT NULL REFERENCES users (id),
    enrolled_at     timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_reason  text
);
CREATE UNIQUE INDEX devices_by_key ON devices (public_key);

-- Refresh tokens, kept as SHA-256 hashes. Each is spent once: refreshing spends it and issues
-- its successor in the same family; presenting a spent one again revokes the family (a copy
-- is in someone else's hands).
CREATE TABLE refresh_tokens (
    token_hash       bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    family           uuid NOT NULL,
    device_id        uuid NOT NULL REFERENCES devices (id),
    user_id          uuid NOT NULL REFERENCES users (id),
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    issued_at        timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    spent_at         timestamptz,
    revoked_at       timestamptz
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_by_device ON refresh_tokens (device_id) WHERE revoked_at IS NULL;

-- Outstanding CAPTCHA challenges: the answer's SHA-256 only; single use, ten minutes.
CREATE TABLE captcha_challenges (
    id           uuid PRIMARY KEY,
    answer_hash  bytea NOT NULL,
    issued_at    timestamptz NOT NULL,
    solved_at    timestamptz
);

-- Failed sign-ins of org code + username pairs that match no account, by the SHA-256 of the
-- pair (a mistyped name is not kept in clear), so such names climb the same ladder.
CREATE TABLE unknown_sign_in_failures (
    key_hash   bytea PRIMARY KEY,
    failures   integer NOT NULL,
    last_at    timestamptz NOT NULL
);
