-- Demographics tabs, opt-in consent with history, duplicate prevention (merge / unmerge).
-- Additive: the schema line stays 1.
--
-- Every new table holds facts about a client that are never deleted: rows are voided (voided_at
-- + void_reason) or ended, and the triggers at the end refuse DELETE.

-- Current consent status (granted / not_granted / withdrawn). The older `consent` column
-- (granted / refused / unknown) is kept in step by the store for builds that still read it:
-- granted -> granted, not_granted -> unknown, withdrawn -> refused.
ALTER TABLE clients ADD COLUMN consent_status TEXT NOT NULL DEFAULT 'granted'
    CHECK (consent_status IN ('granted', 'not_granted', 'withdrawn'));
UPDATE clients SET consent_status = 'not_granted' WHERE consent <> 'granted';

-- Personal information beyond the legal name.
ALTER TABLE clients ADD COLUMN multiple_birth INTEGER CHECK (multiple_birth IN (0, 1));
ALTER TABLE clients ADD COLUMN birth_order INTEGER CHECK (birth_order BETWEEN 1 AND 9);
ALTER TABLE clients ADD COLUMN birth_state TEXT;            -- USPS code, e.g. MT
ALTER TABLE clients ADD COLUMN birth_country TEXT;          -- ISO 3166-1 alpha-3, e.g. USA
ALTER TABLE clients ADD COLUMN race TEXT;                   -- CDC race code, e.g. 2106-3
ALTER TABLE clients ADD COLUMN ethnicity TEXT;              -- CDC ethnicity code, 2135-2 / 2186-5
ALTER TABLE clients ADD COLUMN language TEXT;               -- ISO 639-2, e.g. eng, spa
-- Set when this record was merged into another (the survivor); cleared by unmerge. Search and
-- the duplicates queue skip merged records; the record itself stays.
ALTER TABLE clients ADD COLUMN merged_into TEXT REFERENCES clients (id);

-- Consent history, newest last. clients.consent_status is the status of the latest entry.
CREATE TABLE client_consents (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    status           TEXT NOT NULL CHECK (status IN ('granted', 'not_granted', 'withdrawn')),
    effective_on     TEXT NOT NULL,                  -- ISO date given or withdrawn
    method           TEXT NOT NULL CHECK (method IN ('verbal', 'written')),
    given_by         TEXT,                           -- who gave or withdrew it (client, guardian)
    recorded_by      TEXT REFERENCES users (id),
    organization_id  TEXT REFERENCES organizations (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX client_consents_by_client ON client_consents (client_id, created_at);

-- Names also known as (AKA): previous legal names, aliases, and every name a merge brought in.
CREATE TABLE client_names (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES clients (id),
    first_name         TEXT NOT NULL,
    middle_name        TEXT,
    last_name          TEXT NOT NULL,
    first_name_folded  TEXT NOT NULL,
    last_name_folded   TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('previous', 'alias', 'birth', 'merged')),
    voided_at          TEXT,
    void_reason        TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX client_names_by_client ON client_names (client_id);
CREATE INDEX client_names_by_name ON client_names (last_name_folded, first_name_folded);

-- Provider-client relationships beyond the registering organization (clients.home_organization_id,
-- which is always one of the client's organizations, active unless a row here says otherwise).
-- Status follows HL7 table 0441 (registry status) plus deceased.
CREATE TABLE client_organizations (
    client_id        TEXT NOT NULL REFERENCES clients (id),
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    status           TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'lost_to_follow_up', 'moved',
                                                     'permanently_inactive', 'deceased', 'unknown')),
    status_on        TEXT NOT NULL,                  -- ISO date the status took effect
    voided_at        TEXT,                           -- set when an unmerge takes back what a merge added
    void_reason      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (client_id, organization_id)
) STRICT;
CREATE INDEX client_organizations_by_organization ON client_organizations (organization_id, client_id);

-- Previous addresses (the current one is on the client row, where search reads it).
CREATE TABLE client_addresses (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients (id),
    address_line1  TEXT,
    address_line2  TEXT,
    city           TEXT,
    state          TEXT,
    county         TEXT,
    zip            TEXT,
    ended_on       TEXT NOT NULL,                    -- ISO date the client stopped living there
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX client_addresses_by_client ON client_addresses (client_id, ended_on);

-- Responsible persons (parents, guardians). The primary one is mirrored into
-- clients.guardian_* for search and the result list.
CREATE TABLE client_responsible_persons (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients (id),
    first_name    TEXT NOT NULL,
    middle_name   TEXT,
    last_name     TEXT NOT NULL,
    relationship  TEXT NOT NULL,                    -- HL7 table 0063 word: mother, father, guardian …
    phone         TEXT,                             -- 406-444-4444
    is_primary    INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    voided_at     TEXT,
    void_reason   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX client_responsible_persons_by_client ON client_responsible_persons (client_id);

-- Coded client comments (immunity, exemption, contraindication …) with the dates they apply.
CREATE TABLE client_comments (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    code             TEXT NOT NULL,
    applies_from     TEXT NOT NULL,                  -- ISO date
    applies_until    TEXT,                           -- ISO date, open-ended when NULL
    text             TEXT,
    recorded_by      TEXT REFERENCES users (id),
    organization_id  TEXT REFERENCES organizations (id),
    voided_at        TEXT,
    void_reason      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX client_comments_by_client ON client_comments (client_id, applies_from);

-- Free-text client notes with their author.
CREATE TABLE client_notes (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    text             TEXT NOT NULL,
    author_id        TEXT REFERENCES users (id),
    organization_id  TEXT REFERENCES organizations (id),
    voided_at        TEXT,
    void_reason      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX client_notes_by_client ON client_notes (client_id, created_at);

-- Likely duplicate pairs (client_a < client_b), found by a scan or when a user added a client
-- despite the warning. Resolved by merging or by marking them different people.
CREATE TABLE duplicate_pairs (
    id           TEXT PRIMARY KEY,
    client_a     TEXT NOT NULL REFERENCES clients (id),
    client_b     TEXT NOT NULL REFERENCES clients (id),
    score        REAL NOT NULL,
    reasons      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'not_duplicate')),
    resolved_at  TEXT,
    resolved_by  TEXT REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (client_a < client_b),
    UNIQUE (client_a, client_b)
) STRICT;
CREATE INDEX duplicate_pairs_open ON duplicate_pairs (status, score);

-- Merges: the merged record's doses, names and organizations move to the survivor; what moved
-- is listed in client_merge_moves so unmerge moves exactly that back.
CREATE TABLE client_merges (
    id           TEXT PRIMARY KEY,
    survivor_id  TEXT NOT NULL REFERENCES clients (id),
    merged_id    TEXT NOT NULL REFERENCES clients (id),
    pair_id      TEXT REFERENCES duplicate_pairs (id),
    merged_at    TEXT NOT NULL,
    merged_by    TEXT REFERENCES users (id),
    undone_at    TEXT,
    undone_by    TEXT REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX client_merges_by_survivor ON client_merges (survivor_id);
CREATE INDEX client_merges_by_merged ON client_merges (merged_id);

CREATE TABLE client_merge_moves (
    merge_id   TEXT NOT NULL REFERENCES client_merges (id),
    entity     TEXT NOT NULL CHECK (entity IN ('immunization', 'name', 'organization')),
    entity_id  TEXT NOT NULL,                        -- immunization id, client_names id, organization id
    PRIMARY KEY (merge_id, entity, entity_id)
) STRICT;

CREATE TRIGGER client_consents_are_never_deleted BEFORE DELETE ON client_consents
BEGIN SELECT RAISE(ABORT, 'consent history is never deleted'); END;
CREATE TRIGGER client_names_are_never_deleted BEFORE DELETE ON client_names
BEGIN SELECT RAISE(ABORT, 'client names are voided, never deleted'); END;
CREATE TRIGGER client_organizations_are_never_deleted BEFORE DELETE ON client_organizations
BEGIN SELECT RAISE(ABORT, 'provider-client relationships are inactivated, never deleted'); END;
CREATE TRIGGER client_addresses_are_never_deleted BEFORE DELETE ON client_addresses
BEGIN SELECT RAISE(ABORT, 'address history is never deleted'); END;
CREATE TRIGGER client_responsible_persons_are_never_deleted BEFORE DELETE ON client_responsible_persons
BEGIN SELECT RAISE(ABORT, 'responsible persons are voided, never deleted'); END;
CREATE TRIGGER client_comments_are_never_deleted BEFORE DELETE ON client_comments
BEGIN SELECT RAISE(ABORT, 'client comments are voided, never deleted'); END;
CREATE TRIGGER client_notes_are_never_deleted BEFORE DELETE ON client_notes
BEGIN SELECT RAISE(ABORT, 'client notes are voided, never deleted'); END;
CREATE TRIGGER duplicate_pairs_are_never_deleted BEFORE DELETE ON duplicate_pairs
BEGIN SELECT RAISE(ABORT, 'duplicate pairs are resolved, never deleted'); END;
CREATE TRIGGER client_merges_are_never_deleted BEFORE DELETE ON client_merges
BEGIN SELECT RAISE(ABORT, 'merges are undone, never deleted'); END;
CREATE TRIGGER client_merge_moves_are_never_deleted BEFORE DELETE ON client_merge_moves
BEGIN SELECT RAISE(ABORT, 'merge records are never deleted'); END;
