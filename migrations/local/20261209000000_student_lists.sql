-- The school module: a school's or child-care facility's student lists (ImmTrac2's "manage
-- list") and what the facility keeps about each student beyond the registry's record.
--
-- A list is the facility's working list, not a clinical fact: a student taken off it is
-- deleted from it (the audit trail keeps who was added and removed, and when). The lists are
-- kept where they are made (the registry server, or a workstation's own database) and are not
-- replicated by sync.
CREATE TABLE student_lists (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    setting            TEXT NOT NULL CHECK (setting IN ('school', 'pre_k', 'child_care')),
    created_by         TEXT REFERENCES users (id),
    created_on         TEXT NOT NULL                -- ISO 8601
) STRICT;
CREATE INDEX student_lists_by_organization ON student_lists (organization_id, name);

CREATE TABLE student_list_members (
    list_id              TEXT NOT NULL REFERENCES student_lists (id),
    client_id            TEXT NOT NULL REFERENCES clients (id),
    grade                TEXT CHECK (grade IN ('PK', 'K', '1', '2', '3', '4', '5', '6', '7', '8',
                                               '9', '10', '11', '12')),
    exemption_kind       TEXT CHECK (exemption_kind IN ('medical', 'conscience', 'religious',
                                                        'military_duty')),
    exemption_signed_on  TEXT,                      -- ISO 8601
    exemption_lifelong   INTEGER NOT NULL DEFAULT 0 CHECK (exemption_lifelong IN (0, 1)),
    exemption_vaccines   TEXT NOT NULL DEFAULT '',  -- vaccine-group codes, comma-separated
    provisional_basis    TEXT CHECK (provisional_basis IN ('standard', 'homeless', 'foster_care',
                                                           'transfer', 'military_family')),
    provisional_since    TEXT,                      -- ISO 8601
    added_by             TEXT REFERENCES users (id),
    added_on             TEXT NOT NULL,             -- ISO 8601
    PRIMARY KEY (list_id, client_id),
    CHECK ((exemption_kind IS NULL) = (exemption_signed_on IS NULL)),
    CHECK ((provisional_basis IS NULL) = (provisional_since IS NULL))
) STRICT;
CREATE INDEX student_list_members_by_client ON student_list_members (client_id);
