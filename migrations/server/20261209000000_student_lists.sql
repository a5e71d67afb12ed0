-- The school module: a school's or child-care facility's student lists (ImmTrac2's "manage
-- list") and what the facility keeps about each student beyond the registry's record. The
-- same shape as the workstation's table (migrations/local/20261209000000_student_lists.sql).
--
-- A list is the facility's working list, not a clinical fact: a student taken off it is
-- deleted from it (the audit trail keeps who was added and removed, and when).
CREATE TABLE student_lists (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id),
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    setting            text NOT NULL CHECK (setting IN ('school', 'pre_k', 'child_care')),
    created_by         uuid REFERENCES users (id),
    created_on         date NOT NULL
);
CREATE INDEX student_lists_by_organization ON student_lists (organization_id, name);

CREATE TABLE student_list_members (
    list_id              uuid NOT NULL REFERENCES student_lists (id),
    client_id            uuid NOT NULL REFERENCES clients (id),
    grade                text CHECK (grade IN ('PK', 'K', '1', '2', '3', '4', '5', '6', '7', '8',
                                               '9', '10', '11', '12')),
    exemption_kind       text CHECK (exemption_kind IN ('medical', 'conscience', 'religious',
                                                        'military_duty')),
    exemption_signed_on  date,
    exemption_lifelong   boolean NOT NULL DEFAULT false,
    exemption_vaccines   text NOT NULL DEFAULT '',
    provisional_basis    text CHECK (provisional_basis IN ('standard', 'homeless', 'foster_care',
                                                           'transfer', 'military_family')),
    provisional_since    date,
    added_by             uuid REFERENCES users (id),
    added_on             date NOT NULL,
    PRIMARY KEY (list_id, client_id),
    CHECK ((exemption_kind IS NULL) = (exemption_signed_on IS NULL)),
    CHECK ((provisional_basis IS NULL) = (provisional_since IS NULL))
);
CREATE INDEX student_list_members_by_client ON student_list_members (client_id);
