-- Immunization entry: vaccine lot inventory, the HL7 v2.5.1 RXA/OBX fields still missing on a
-- dose (NDC, VIS, who recorded it), the edit history of doses, and CDC's NDC and VIS tables.
-- Additive: the schema line stays 1.

-- A lot of vaccine held by one organization. The count on hand never goes below zero; it is
-- changed only together with a row in vaccine_lot_movements (same transaction).
CREATE TABLE vaccine_lots (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    cvx                TEXT NOT NULL,
    mvx                TEXT NOT NULL,
    ndc                TEXT,                      -- as CDC prints it, e.g. 00006-4681-01
    trade_name         TEXT,
    lot_number         TEXT NOT NULL,
    expiration_date    TEXT NOT NULL,             -- ISO 8601
    funding_source     TEXT NOT NULL CHECK (funding_source IN ('vfc', 'state', 'private')),
    quantity_on_hand   INTEGER NOT NULL CHECK (quantity_on_hand >= 0),
    created_by         TEXT REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (organization_id, cvx, mvx, lot_number, funding_source)
) STRICT;
CREATE INDEX vaccine_lots_by_organization ON vaccine_lots (organization_id, expiration_date);
CREATE TRIGGER vaccine_lots_are_never_deleted BEFORE DELETE ON vaccine_lots
BEGIN
    SELECT RAISE(ABORT, 'vaccine lots are kept; adjust their count instead');
END;

-- Every change of a lot's count, signed (+ received / restored, - given / wasted …). The sum of
-- a lot's movements is its quantity on hand; the reconciliation report is built from these.
CREATE TABLE vaccine_lot_movements (
    id               TEXT PRIMARY KEY,
    lot_id           TEXT NOT NULL REFERENCES vaccine_lots (id),
    kind             TEXT NOT NULL CHECK (kind IN ('received', 'administered', 'dose_voided', 'adjusted')),
    quantity         INTEGER NOT NULL CHECK (quantity <> 0),
    reason           TEXT CHECK (reason IS NULL OR reason IN ('wastage', 'expired', 'returned', 'transfer', 'count_correction')),
    note             TEXT,
    immunization_id  TEXT REFERENCES immunizations (id),
    user_id          TEXT REFERENCES users (id),
    at               TEXT NOT NULL,
    CHECK ((kind = 'adjusted') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX vaccine_lot_movements_by_lot ON vaccine_lot_movements (lot_id, at);
CREATE TRIGGER vaccine_lot_movements_are_append_only_update BEFORE UPDATE ON vaccine_lot_movements
BEGIN
    SELECT RAISE(ABORT, 'lot movements are append-only');
END;
CREATE TRIGGER vaccine_lot_movements_are_append_only_delete BEFORE DELETE ON vaccine_lot_movements
BEGIN
    SELECT RAISE(ABORT, 'lot movements are append-only');
END;

-- RXA-5 may carry the NDC; OBX 69764-9 / 29768-9 / 29769-7 the VIS given; who recorded the dose
-- decides who may edit it (providers change only their own organization's entries).
ALTER TABLE immunizations ADD COLUMN lot_id TEXT REFERENCES vaccine_lots (id);
ALTER TABLE immunizations ADD COLUMN ndc TEXT;
ALTER TABLE immunizations ADD COLUMN vis_document TEXT;          -- GS1 VIS string (253088698300…)
ALTER TABLE immunizations ADD COLUMN vis_edition_date TEXT;      -- ISO
ALTER TABLE immunizations ADD COLUMN vis_given_on TEXT;          -- ISO
ALTER TABLE immunizations ADD COLUMN historical_provider TEXT;   -- "given by", from a shot card
ALTER TABLE immunizations ADD COLUMN recorded_by TEXT REFERENCES users (id);
ALTER TABLE immunizations ADD COLUMN recorded_by_organization_id TEXT REFERENCES organizations (id);
ALTER TABLE immunizations ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
CREATE INDEX immunizations_by_lot ON immunizations (lot_id) WHERE lot_id IS NOT NULL;

-- The values a dose had before each edit, so no change loses history.
CREATE TABLE immunization_revisions (
    id               TEXT PRIMARY KEY,
    immunization_id  TEXT NOT NULL REFERENCES immunizations (id),
    revision         INTEGER NOT NULL,            -- the revision these values were
    previous_values  TEXT NOT NULL,               -- JSON object of the changed columns' old values
    reason           TEXT NOT NULL,
    changed_by       TEXT REFERENCES users (id),
    changed_at       TEXT NOT NULL,
    UNIQUE (immunization_id, revision)
) STRICT;
CREATE TRIGGER immunization_revisions_are_append_only_update BEFORE UPDATE ON immunization_revisions
BEGIN
    SELECT RAISE(ABORT, 'immunization revisions are append-only');
END;
CREATE TRIGGER immunization_revisions_are_append_only_delete BEFORE DELETE ON immunization_revisions
BEGIN
    SELECT RAISE(ABORT, 'immunization revisions are append-only');
END;

-- CDC NDC tables (unit of use = the vial or syringe, unit of sale = the carton), keyed by the 10
-- digits a GS1 GTIN carries. Reference data, replaced wholesale on a refresh.
CREATE TABLE ndc_products (
    ndc10               TEXT NOT NULL,            -- labeler + product + package digits
    ndc                 TEXT NOT NULL,            -- 11-digit 5-4-2 form with hyphens
    unit                TEXT NOT NULL CHECK (unit IN ('use', 'sale')),
    trade_name          TEXT NOT NULL,
    labeler             TEXT NOT NULL,
    package_description TEXT,
    cvx                 TEXT NOT NULL,
    mvx                 TEXT,
    start_date          TEXT,
    end_date            TEXT,
    PRIMARY KEY (ndc10, unit)
) STRICT;

-- CDC Vaccine Information Statements: one row per edition, and which CVX each covers.
CREATE TABLE vis_documents (
    encoded_string  TEXT PRIMARY KEY,             -- GS1 string printed on the VIS
    document_name   TEXT NOT NULL,
    edition_date    TEXT NOT NULL,                -- ISO
    status          TEXT NOT NULL,                -- Current / Historic
    gdti            TEXT
) STRICT;
CREATE TABLE vis_vaccines (
    cvx             TEXT NOT NULL,
    encoded_string  TEXT NOT NULL,
    PRIMARY KEY (cvx, encoded_string)
) STRICT;
