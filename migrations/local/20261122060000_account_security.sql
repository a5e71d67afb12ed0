-- Account security (sign-in ladder, temporary passwords, inactivity, end dates). Additive:
-- the schema line stays 1.

ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_at TEXT;
-- Set when a temporary password is issued; the next sign-in must choose a new password.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN temporary_password_issued_at TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;
ALTER TABLE users ADD COLUMN inactivated_at TEXT;
ALTER TABLE users ADD COLUMN inactivation_reason TEXT;

-- Access ends on this date (inclusive of the day: access stops that day).
ALTER TABLE user_roles ADD COLUMN access_end_date TEXT;

-- Previous password hashes, newest first by created_at, to refuse reuse of the last five.
CREATE TABLE password_history (
    user_id        TEXT NOT NULL REFERENCES users (id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX password_history_by_user ON password_history (user_id, created_at);
