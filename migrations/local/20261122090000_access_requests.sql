-- Organizations' locations and areas, and the electronic access-request workflow. Additive:
-- the schema line stays 1.

-- Where an organization works (clinic sites). The organization's own address is its first.
CREATE TABLE organization_locations (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL,
    address_line1    TEXT NOT NULL,
    city             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (length(state) = 2),
    county           TEXT NOT NULL,
    zip              TEXT NOT NULL,
    vfc_pin          TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX organization_locations_by_organization ON organization_locations (organization_id, name);

-- The counties a health service region or local health department is responsible for: the
-- reach of its Modified Access Sub-state users.
CREATE TABLE organization_service_counties (
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    county           TEXT NOT NULL COLLATE NOCASE,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (organization_id, county)
) STRICT;

-- Access requests. The form is kept as JSON: as typed while a draft (so a half-filled form
-- survives), as validated once submitted. Requests are never deleted.
CREATE TABLE access_requests (
    id                   TEXT PRIMARY KEY,
    sequence             INTEGER NOT NULL UNIQUE,
    request_number       TEXT NOT NULL UNIQUE,
    request_type         TEXT NOT NULL CHECK (request_type IN ('new_access', 'change_employer', 'permissions_change', 'access_deletion')),
    status               TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_agreement', 'awaiting_review', 'approved', 'returned', 'rejected')),
    organization_id      TEXT NOT NULL REFERENCES organizations (id),
    requested_by         TEXT NOT NULL REFERENCES users (id),
    form                 TEXT NOT NULL,
    subject_user_id      TEXT REFERENCES users (id),
    agreement_code_hash  TEXT,
    agreement            TEXT,
    agreement_signed_at  TEXT,
    submitted_at         TEXT,
    decided_at           TEXT,
    decided_by           TEXT REFERENCES users (id),
    decision_reason      TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX access_requests_by_status ON access_requests (status, submitted_at);
CREATE INDEX access_requests_by_organization ON access_requests (organization_id, updated_at);
CREATE TRIGGER access_requests_are_never_deleted BEFORE DELETE ON access_requests
BEGIN
    SELECT RAISE(ABORT, 'access requests are kept for the audit trail, never deleted');
END;
