-- Shotbook registry server schema (PostgreSQL), line 1.
--
-- The same tables and columns as the workstation's SQLite schema (migrations/local), so a row
-- and its change envelope mean the same on both sides, with PostgreSQL's types: uuid ids
-- (UUIDv7, made by the application), date for calendar days, timestamptz for instants, jsonb
-- for documents, boolean for flags, and CHECKs on every coded text column.
--
-- Conventions sync depends on:
--   * every row has created_at / updated_at;
--   * clinical facts are voided with a reason, never deleted (triggers refuse DELETE and
--     TRUNCATE);
--   * every write appends to change_log in the same transaction (shotbook-server-store);
--   * audit_log is append-only and hash-chained (each row carries its link).
--
-- Left for later slices: the sign-in tables (sessions, password resets, devices), the search
-- match index, CDC's NDC tables, and monthly partitions of change_log and audit_log.

CREATE TABLE schema_info (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
-- Raised only for changes an older server or workstation cannot read.
INSERT INTO schema_info (key, value) VALUES ('schema_line', '1');

-- Raises the trigger's first argument: the protective triggers below name what they protect.
CREATE FUNCTION shotbook_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Organizations, users, roles

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    code        text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('provider', 'school', 'child_care', 'health_department', 'registry')),
    state       text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
    county      text NOT NULL,
    city        text NOT NULL,
    vfc_pin     text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
-- Org codes are typed at sign-in in any case (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX organizations_by_code ON organizations (lower(code));

CREATE TABLE organization_locations (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    name             text NOT NULL,
    address_line1    text NOT NULL,
    city             text NOT NULL,
    state            text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
    county           text NOT NULL,
    zip              text NOT NULL,
    vfc_pin          text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX organization_locations_by_organization ON organization_locations (organization_id, name);

-- The counties a health service region or health department is responsible for.
CREATE TABLE organization_service_counties (
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    county           text NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (organization_id, county)
);

CREATE TABLE users (
    id                            uuid PRIMARY KEY,
    username                      text NOT NULL,
    password_hash                 text NOT NULL,
    first_name                    text NOT NULL,
    last_name                     text NOT NULL,
    email                         text NOT NULL,
    phone                         text,
    active                        boolean NOT NULL DEFAULT true,
    failed_attempts               integer NOT NULL DEFAULT 0,
    locked_at                     timestamptz,
    must_change_password          boolean NOT NULL DEFAULT false,
    temporary_password_issued_at  timestamptz,
    last_sign_in_at               timestamptz,
    inactivated_at                timestamptz,
    inactivation_reason           text,
    created_at                    timestamptz NOT NULL,
    updated_at                    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_by_username ON users (lower(username));

-- A user may work for several organizations, with one role at each; access stops on
-- access_end_date.
CREATE TABLE user_roles (
    user_id          uuid NOT NULL REFERENCES users (id),
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    role             text NOT NULL,
    access_end_date  date,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX user_roles_by_organization ON user_roles (organization_id);

-- Previous password hashes, to refuse reuse of the last five.
CREATE TABLE password_history (
    user_id        uuid NOT NULL REFERENCES users (id),
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, created_at);

-- ---------------------------------------------------------------------------------------------
-- Clients and their demographics

CREATE TABLE clients (
    id                     uuid PRIMARY KEY,
    registry_id            text UNIQUE,          -- the registry's client number ("Client ID")
    first_name             text NOT NULL,
    middle_name            text,
    last_name              text NOT NULL,
    suffix                 text,
    first_name_folded      text NOT NULL,        -- normalize::fold_name, for search
    last_name_folded       text NOT NULL,
    date_of_birth          date NOT NULL,
    gender                 text NOT NULL CHECK (gender IN ('F', 'M', 'X', 'U')),
    mother_maiden_name     text,
    address_line1          text,
    address_line2          text,
    city                   text,
    state                  text,
    county                 text,
    zip                    text,
    phone                  text,
    guardian_first_name    text,
    guardian_last_name     text,
    guardian_relationship  text,
    -- The workstation's older consent column, kept in step for replicas that still read it.
    consent                text NOT NULL DEFAULT 'granted' CHECK (consent IN ('granted', 'refused', 'unknown')),
    consent_status         text NOT NULL DEFAULT 'granted' CHECK (consent_status IN ('granted', 'not_granted', 'withdrawn')),
    home_organization_id   uuid REFERENCES organizations (id),
    status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'deceased')),
    multiple_birth         boolean,
    birth_order            smallint CHECK (birth_order BETWEEN 1 AND 9),
    birth_state            text,
    birth_country          text,
    race                   text,
    ethnicity              text,
    language               text,
    merged_into            uuid REFERENCES clients (id),
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX clients_by_name ON clients (last_name_folded, first_name_folded, date_of_birth);
CREATE INDEX clients_by_dob ON clients (date_of_birth, last_name_folded, first_name_folded);
CREATE INDEX clients_by_home_organization ON clients (home_organization_id);

CREATE TABLE client_consents (
    id               uuid PRIMARY KEY,
    client_id        uuid NOT NULL REFERENCES clients (id),
    status           text NOT NULL CHECK (status IN ('granted', 'not_granted', 'withdrawn')),
    effective_on     date NOT NULL,
    method           text NOT NULL CHECK (method IN ('verbal', 'written')),
    given_by         text,
    recorded_by      uuid REFERENCES users (id),
    organization_id  uuid REFERENCES organizations (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX client_consents_by_client ON client_consents (client_id, created_at);

CREATE TABLE client_names (
    id                 uuid PRIMARY KEY,
    client_id          uuid NOT NULL REFERENCES clients (id),
    first_name         text NOT NULL,
    middle_name        text,
    last_name          text NOT NULL,
    first_name_folded  text NOT NULL,
    last_name_folded   text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('previous', 'alias', 'birth', 'merged')),
    voided_at          timestamptz,
    void_reason        text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX client_names_by_client ON client_names (client_id);
CREATE INDEX client_names_by_name ON client_names (last_name_folded, first_name_folded);

CREATE TABLE client_organizations (
    client_id        uuid NOT NULL REFERENCES clients (id),
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    status           text NOT NULL CHECK (status IN ('active', 'inactive', 'lost_to_follow_up', 'moved',
                                                     'permanently_inactive', 'deceased', 'unknown')),
    status_on        date NOT NULL,
    voided_at        timestamptz,
    void_reason      text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (client_id, organization_id)
);
CREATE INDEX client_organizations_by_organization ON client_organizations (organization_id, client_id);

CREATE TABLE client_addresses (
    id             uuid PRIMARY KEY,
    client_id      uuid NOT NULL REFERENCES clients (id),
    address_line1  text,
    address_line2  text,
    city           text,
    state          text,
    county         text,
    zip            text,
    ended_on       date NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX client_addresses_by_client ON client_addresses (client_id, ended_on);

CREATE TABLE client_responsible_persons (
    id            uuid PRIMARY KEY,
    client_id     uuid NOT NULL REFERENCES clients (id),
    first_name    text NOT NULL,
    middle_name   text,
    last_name     text NOT NULL,
    relationship  text NOT NULL,
    phone         text,
    is_primary    boolean NOT NULL DEFAULT false,
    voided_at     timestamptz,
    void_reason   text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX client_responsible_persons_by_client ON client_responsible_persons (client_id);

CREATE TABLE client_comments (
    id               uuid PRIMARY KEY,
    client_id        uuid NOT NULL REFERENCES clients (id),
    code             text NOT NULL,
    applies_from     date NOT NULL,
    applies_until    date,
    text             text,
    recorded_by      uuid REFERENCES users (id),
    organization_id  uuid REFERENCES organizations (id),
    voided_at        timestamptz,
    void_reason      text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX client_comments_by_client ON client_comments (client_id, applies_from);

CREATE TABLE client_notes (
    id               uuid PRIMARY KEY,
    client_id        uuid NOT NULL REFERENCES clients (id),
    text             text NOT NULL,
    author_id        uuid REFERENCES users (id),
    organization_id  uuid REFERENCES organizations (id),
    voided_at        timestamptz,
    void_reason      text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((voided_at IS NULL) = (void_reason IS NULL))
);
CREATE INDEX client_notes_by_client ON client_notes (client_id, created_at);

-- Likely duplicate pairs (client_a < client_b).
CREATE TABLE duplicate_pairs (
    id           uuid PRIMARY KEY,
    client_a     uuid NOT NULL REFERENCES clients (id),
    client_b     uuid NOT NULL REFERENCES clients (id),
    score        double precision NOT NULL,
    reasons      text NOT NULL,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'not_duplicate')),
    resolved_at  timestamptz,
    resolved_by  uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CHECK (client_a < client_b),
    UNIQUE (client_a, client_b)
);
CREATE INDEX duplicate_pairs_open ON duplicate_pairs (status, score);

CREATE TABLE client_merges (
    id           uuid PRIMARY KEY,
    survivor_id  uuid NOT NULL REFERENCES clients (id),
    merged_id    uuid NOT NULL REFERENCES clients (id),
    pair_id      uuid REFERENCES duplicate_pairs (id),
    merged_at    timestamptz NOT NULL,
    merged_by    uuid REFERENCES users (id),
    undone_at    timestamptz,
    undone_by    uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX client_merges_by_survivor ON client_merges (survivor_id);
CREATE INDEX client_merges_by_merged ON client_merges (merged_id);

-- What a merge moved, so an undo moves exactly that back; in the order it moved.
CREATE TABLE client_merge_moves (
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    merge_id   uuid NOT NULL REFERENCES client_merges (id),
    entity     text NOT NULL CHECK (entity IN ('immunization', 'name', 'organization')),
    entity_id  uuid NOT NULL,
    PRIMARY KEY (merge_id, entity, entity_id)
);

-- ---------------------------------------------------------------------------------------------
-- Vaccine lots and doses

CREATE TABLE vaccine_lots (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id),
    cvx                text NOT NULL,
    mvx                text NOT NULL,
    ndc                text,
    trade_name         text,
    lot_number         text NOT NULL,
    expiration_date    date NOT NULL,
    funding_source     text NOT NULL CHECK (funding_source IN ('vfc', 'state', 'private')),
    quantity_on_hand   bigint NOT NULL CHECK (quantity_on_hand >= 0),
    created_by         uuid REFERENCES users (id),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    UNIQUE (organization_id, cvx, mvx, lot_number, funding_source)
);
CREATE INDEX vaccine_lots_by_organization ON vaccine_lots (organization_id, expiration_date);

CREATE TABLE immunizations (
    id                           uuid PRIMARY KEY,
    client_id                    uuid NOT NULL REFERENCES clients (id),
    cvx                          text NOT NULL,
    mvx                          text,
    administered_on              date NOT NULL,
    lot_number                   text,
    expiration_date              date,
    dose_volume_ml               double precision,
    route                        text,                 -- HL7 table 0162
    site                         text,                 -- HL7 table 0163
    source                       text NOT NULL CHECK (source IN ('administered', 'historical')),
    organization_id              uuid REFERENCES organizations (id),
    clinician                    text,
    funding_source               text,
    vfc_eligibility              text,
    status                       text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'entered_in_error')),
    void_reason                  text,
    voided_at                    timestamptz,
    voided_by                    uuid REFERENCES users (id),
    lot_id                       uuid REFERENCES vaccine_lots (id),
    ndc                          text,
    vis_document                 text,
    vis_edition_date             date,
    vis_given_on                 date,
    historical_provider          text,
    recorded_by                  uuid REFERENCES users (id),
    recorded_by_organization_id  uuid REFERENCES organizations (id),
    revision                     bigint NOT NULL DEFAULT 1,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    CHECK ((status = 'entered_in_error') = (void_reason IS NOT NULL))
);
CREATE INDEX immunizations_by_client ON immunizations (client_id, administered_on);
CREATE INDEX immunizations_by_lot ON immunizations (lot_id) WHERE lot_id IS NOT NULL;

-- The values a dose had before each edit.
CREATE TABLE immunization_revisions (
    id               uuid PRIMARY KEY,
    immunization_id  uuid NOT NULL REFERENCES immunizations (id),
    revision         bigint NOT NULL,
    previous_values  jsonb NOT NULL,
    reason           text NOT NULL,
    changed_by       uuid REFERENCES users (id),
    changed_at       timestamptz NOT NULL,
    UNIQUE (immunization_id, revision)
);

-- Every change of a lot's count; a lot's movements add up to its count on hand.
CREATE TABLE vaccine_lot_movements (
    id               uuid PRIMARY KEY,
    lot_id           uuid NOT NULL REFERENCES vaccine_lots (id),
    kind             text NOT NULL CHECK (kind IN ('received', 'administered', 'dose_voided', 'adjusted')),
    quantity         bigint NOT NULL CHECK (quantity <> 0),
    reason           text CHECK (reason IS NULL OR reason IN ('wastage', 'expired', 'returned', 'transfer', 'count_correction')),
    note             text,
    immunization_id  uuid REFERENCES immunizations (id),
    user_id          uuid REFERENCES users (id),
    at               timestamptz NOT NULL,
    CHECK ((kind = 'adjusted') = (reason IS NOT NULL))
);
CREATE INDEX vaccine_lot_movements_by_lot ON vaccine_lot_movements (lot_id, at);

-- ---------------------------------------------------------------------------------------------
-- CDC code sets (reference data, loaded from data/codes/ by `shotbook-server migrate`)

CREATE TABLE vaccines (
    cvx                text PRIMARY KEY,
    short_description  text NOT NULL,
    full_name          text NOT NULL,
    notes              text,
    status             text NOT NULL,
    last_updated       date
);
CREATE TABLE manufacturers (
    mvx           text PRIMARY KEY,
    name          text NOT NULL,
    notes         text,
    status        text NOT NULL,
    last_updated  date
);
CREATE TABLE trade_names (
    product_name       text NOT NULL,
    short_description  text NOT NULL,
    cvx                text NOT NULL,
    manufacturer       text NOT NULL,
    mvx                text NOT NULL,
    mvx_status         text NOT NULL,
    product_status     text NOT NULL,
    last_updated       date,
    PRIMARY KEY (product_name, cvx, mvx)
);
CREATE TABLE vaccine_group_members (
    cvx                text NOT NULL,
    vaccine_group      text NOT NULL,
    group_cvx          text NOT NULL,
    short_description  text NOT NULL,
    status             text NOT NULL,
    PRIMARY KEY (cvx, vaccine_group)
);
CREATE TABLE vis_documents (
    encoded_string  text PRIMARY KEY,
    document_name   text NOT NULL,
    edition_date    date NOT NULL,
    status          text NOT NULL,
    gdti            text
);
CREATE TABLE vis_vaccines (
    cvx             text NOT NULL,
    encoded_string  text NOT NULL,
    PRIMARY KEY (cvx, encoded_string)
);

-- ---------------------------------------------------------------------------------------------
-- Access requests

CREATE SEQUENCE access_request_numbers;
CREATE TABLE access_requests (
    id                   uuid PRIMARY KEY,
    sequence             bigint NOT NULL UNIQUE,
    request_number       text NOT NULL UNIQUE,
    request_type         text NOT NULL CHECK (request_type IN ('new_access', 'change_employer', 'permissions_change', 'access_deletion')),
    status               text NOT NULL CHECK (status IN ('draft', 'awaiting_agreement', 'awaiting_review', 'approved', 'returned', 'rejected')),
    organization_id      uuid NOT NULL REFERENCES organizations (id),
    requested_by         uuid NOT NULL REFERENCES users (id),
    form                 jsonb NOT NULL,
    subject_user_id      uuid REFERENCES users (id),
    agreement_code_hash  text,
    agreement            jsonb,
    agreement_signed_at  timestamptz,
    submitted_at         timestamptz,
    decided_at           timestamptz,
    decided_by           uuid REFERENCES users (id),
    decision_reason      text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX access_requests_by_status ON access_requests (status, submitted_at);
CREATE INDEX access_requests_by_organization ON access_requests (organization_id, updated_at);

-- ---------------------------------------------------------------------------------------------
-- The audit trail, the sync log and the mail queue

-- Append-only, hash-chained: `hash` links each entry to the one before it (by seq), BLAKE2s
-- over the previous hash and the entry's columns as the workstation computes them, so one
-- verifier reads both. Writers serialize on an advisory lock while they link.
CREATE TABLE audit_log (
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id               uuid PRIMARY KEY,
    at               timestamptz NOT NULL,
    user_id          uuid,
    organization_id  uuid,
    workstation      text NOT NULL,
    action           text NOT NULL,
    client_id        uuid,
    detail           text,
    hash             text NOT NULL
);
CREATE INDEX audit_log_by_client ON audit_log (client_id, at);
CREATE INDEX audit_log_by_user ON audit_log (user_id, at);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, at);

-- One row per written entity, in the writing transaction: the registry's sync log, read by seq.
CREATE TABLE change_log (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'void')),
    source     text NOT NULL CHECK (source IN ('local', 'sync', 'import', 'interface')),
    at         timestamptz NOT NULL,
    node       text NOT NULL DEFAULT '',
    revision   bigint,
    payload    jsonb
);
CREATE INDEX change_log_by_entity ON change_log (entity, entity_id);

-- Mail queued in the unit of work of its change, sent after the commit; erased once sent.
CREATE TABLE mail_outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queued_at   timestamptz NOT NULL,
    kind        text NOT NULL,
    payload     jsonb,
    attempts    bigint NOT NULL DEFAULT 0,
    last_error  text,
    sent_at     timestamptz
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (id) WHERE sent_at IS NULL;

-- ---------------------------------------------------------------------------------------------
-- Protective triggers: what is never deleted, what is append-only.

CREATE TRIGGER clients_are_never_deleted BEFORE DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('clients are inactivated, never deleted');
CREATE TRIGGER immunizations_are_never_deleted BEFORE DELETE ON immunizations
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('immunizations are voided with a reason, never deleted');
CREATE TRIGGER immunization_revisions_are_append_only BEFORE UPDATE OR DELETE ON immunization_revisions
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('immunization revisions are append-only');
CREATE TRIGGER vaccine_lots_are_never_deleted BEFORE DELETE ON vaccine_lots
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('vaccine lots are kept; adjust their count instead');
CREATE TRIGGER vaccine_lot_movements_are_append_only BEFORE UPDATE OR DELETE ON vaccine_lot_movements
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('lot movements are append-only');
CREATE TRIGGER client_consents_are_never_deleted BEFORE DELETE ON client_consents
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('consent history is never deleted');
CREATE TRIGGER client_names_are_never_deleted BEFORE DELETE ON client_names
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('client names are voided, never deleted');
CREATE TRIGGER client_organizations_are_never_deleted BEFORE DELETE ON client_organizations
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('provider-client relationships are inactivated, never deleted');
CREATE TRIGGER client_addresses_are_never_deleted BEFORE DELETE ON client_addresses
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('address history is never deleted');
CREATE TRIGGER client_responsible_persons_are_never_deleted BEFORE DELETE ON client_responsible_persons
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('responsible persons are voided, never deleted');
CREATE TRIGGER client_comments_are_never_deleted BEFORE DELETE ON client_comments
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('client comments are voided, never deleted');
CREATE TRIGGER client_notes_are_never_deleted BEFORE DELETE ON client_notes
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('client notes are voided, never deleted');
CREATE TRIGGER duplicate_pairs_are_never_deleted BEFORE DELETE ON duplicate_pairs
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('duplicate pairs are resolved, never deleted');
CREATE TRIGGER client_merges_are_never_deleted BEFORE DELETE ON client_merges
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('merges are undone, never deleted');
CREATE TRIGGER client_merge_moves_are_append_only BEFORE UPDATE OR DELETE ON client_merge_moves
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('merge records are never changed or deleted');
CREATE TRIGGER access_requests_are_never_deleted BEFORE DELETE ON access_requests
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('access requests are kept for the audit trail, never deleted');
CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('the audit log is append-only');

-- TRUNCATE skips row triggers: refuse it on every protected table too.
CREATE TRIGGER clients_are_never_truncated BEFORE TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('clients are never truncated');
CREATE TRIGGER immunizations_are_never_truncated BEFORE TRUNCATE ON immunizations
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('immunizations are never truncated');
CREATE TRIGGER immunization_revisions_are_never_truncated BEFORE TRUNCATE ON immunization_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('immunization revisions are never truncated');
CREATE TRIGGER vaccine_lot_movements_are_never_truncated BEFORE TRUNCATE ON vaccine_lot_movements
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('lot movements are never truncated');
CREATE TRIGGER client_consents_are_never_truncated BEFORE TRUNCATE ON client_consents
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('consent history is never truncated');
CREATE TRIGGER access_requests_are_never_truncated BEFORE TRUNCATE ON access_requests
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('access requests are never truncated');
CREATE TRIGGER audit_log_is_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('the audit log is append-only');
CREATE TRIGGER vaccine_lots_are_never_truncated BEFORE TRUNCATE ON vaccine_lots
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('vaccine lots are never truncated');
CREATE TRIGGER client_names_are_never_truncated BEFORE TRUNCATE ON client_names
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client names are never truncated');
CREATE TRIGGER client_organizations_are_never_truncated BEFORE TRUNCATE ON client_organizations
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client organizations are never truncated');
CREATE TRIGGER client_addresses_are_never_truncated BEFORE TRUNCATE ON client_addresses
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client addresses are never truncated');
CREATE TRIGGER client_responsible_persons_are_never_truncated BEFORE TRUNCATE ON client_responsible_persons
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client responsible persons are never truncated');
CREATE TRIGGER client_comments_are_never_truncated BEFORE TRUNCATE ON client_comments
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client comments are never truncated');
CREATE TRIGGER client_notes_are_never_truncated BEFORE TRUNCATE ON client_notes
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client notes are never truncated');
CREATE TRIGGER duplicate_pairs_are_never_truncated BEFORE TRUNCATE ON duplicate_pairs
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('duplicate pairs are never truncated');
CREATE TRIGGER client_merges_are_never_truncated BEFORE TRUNCATE ON client_merges
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client merges are never truncated');
CREATE TRIGGER client_merge_moves_are_never_truncated BEFORE TRUNCATE ON client_merge_moves
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('client merge moves are never truncated');
