-- Matching models trained on this registry's own clients (shotbook train-matcher): m/u
-- probabilities per comparison level, λ and the training summary, as JSON — no client data.
-- The newest is the one Smart search and the deduplication job score with; older ones stay, so
-- which model scored a pair stays known. Never changed or deleted.
CREATE TABLE match_models (
    id          TEXT PRIMARY KEY,
    trained_at  TEXT NOT NULL,
    clients     INTEGER NOT NULL CHECK (clients >= 0),
    model       TEXT NOT NULL CHECK (json_valid(model)),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX match_models_by_time ON match_models (trained_at);
CREATE TRIGGER match_models_are_never_changed BEFORE UPDATE ON match_models
BEGIN SELECT RAISE(ABORT, 'a stored matching model is never changed; train a new one'); END;
CREATE TRIGGER match_models_are_never_deleted BEFORE DELETE ON match_models
BEGIN SELECT RAISE(ABORT, 'stored matching models are never deleted'); END;
