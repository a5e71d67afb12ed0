-- The whole-registry forecast (shotbook forecast-registry): the latest CDC CDSi forecast of
-- every client and vaccine group, for reminder/recall and coverage reports to read without
-- running the engine. Derived data, not clinical facts: a run replaces a client's rows
-- (no change_log entries; each database computes its own).

-- One row per run of the job.
CREATE TABLE registry_forecast_runs (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT NOT NULL,                  -- RFC 3339
    finished_at      TEXT,                           -- RFC 3339; NULL while running
    assessment_date  TEXT NOT NULL,                  -- ISO date the forecast is "as of"
    data_release     TEXT NOT NULL,                  -- CDSi supporting-data release, e.g. 4.64
    clients_total    INTEGER NOT NULL,               -- clients to forecast when it started
    clients_done     INTEGER NOT NULL DEFAULT 0,     -- clients whose rows are committed
    status           TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),
    CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;

-- The latest forecast per client and vaccine group: the row the engine shows for the group
-- (`Assessment::rows`, the series that applies to the client now).
CREATE TABLE client_forecasts (
    client_id        TEXT NOT NULL REFERENCES clients (id),
    vaccine_group    TEXT NOT NULL,                  -- supporting-data name, e.g. MMR
    status           TEXT NOT NULL CHECK (status IN (
        'overdue', 'due', 'allowed', 'upcoming', 'not_yet_eligible', 'complete', 'immune',
        'contraindicated', 'aged_out', 'not_recommended')),
    cdsi_status      TEXT NOT NULL,                  -- the engine's series status, CDC wording
    series_type      TEXT NOT NULL,                  -- Standard, Risk …
    shared_decision  INTEGER NOT NULL CHECK (shared_decision IN (0, 1)),
    dose_number      INTEGER,                        -- the next dose's number
    earliest         TEXT,                           -- ISO dates of the next dose
    recommended      TEXT,
    past_due         TEXT,
    latest           TEXT,                           -- last date it may be given (maximum age)
    assessment_date  TEXT NOT NULL,                  -- ISO
    data_release     TEXT NOT NULL,
    computed_at      TEXT NOT NULL,                  -- RFC 3339
    run_id           INTEGER REFERENCES registry_forecast_runs (id),
    PRIMARY KEY (client_id, vaccine_group)
) STRICT, WITHOUT ROWID;
-- No secondary index: every extra index is maintained for each of ~16 rows a client on every
-- run (the job's cost is its writes), and reminder/recall and coverage are batch reports that
-- scan the table; they add the index their queries prove they need.
