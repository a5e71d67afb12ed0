-- The audit trail and the change log grow without end (every read of a client is audited):
-- both are range-partitioned by month of `at`, so a month is one table that can be indexed,
-- vacuumed, archived and detached on its own, and a query over a period reads only its months.
--
-- PostgreSQL 15 allows no identity column on a partitioned table, so `seq` draws from a
-- sequence of its own; keys include the partition column, as PostgreSQL requires. A DEFAULT
-- partition takes any row whose month has no table yet (a clock far off, a server down for
-- months), so an insert never fails for want of a partition; `shotbook_month_partition`
-- creates months ahead (at migration, and daily by every server process).

-- Creates the partition of `parent` for the month holding `month`, unless it exists. `guard`,
-- when given, is the message of a trigger refusing TRUNCATE of that partition (row triggers on
-- the parent reach every partition; TRUNCATE triggers do not).
CREATE FUNCTION shotbook_month_partition(parent text, month date, guard text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := format('%s_y%sm%s', parent, to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        name, parent,
        first::timestamp AT TIME ZONE 'UTC',
        (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    IF guard IS NOT NULL THEN
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse(%L)',
            name || '_never_truncated', name, guard);
    END IF;
    RETURN true;
END
$$;

-- The months from `from_month` to `ahead` months after today, for both tables; returns how
-- many partitions were created.
CREATE FUNCTION shotbook_month_partitions(from_month date, ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month date;
    created integer := 0;
BEGIN
    FOR month IN
        SELECT generate_series(date_trunc('month', from_month),
                               date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => ahead),
                               interval '1 month')::date
    LOOP
        IF shotbook_month_partition('audit_log', month, 'the audit log is append-only') THEN
            created := created + 1;
        END IF;
        IF shotbook_month_partition('change_log', month, NULL) THEN
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
$$;

-- The audit trail -----------------------------------------------------------------------------
ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER INDEX audit_log_by_client RENAME TO audit_log_unpartitioned_by_client;
ALTER INDEX audit_log_by_user RENAME TO audit_log_unpartitioned_by_user;
ALTER INDEX audit_log_by_organization RENAME TO audit_log_unpartitioned_by_organization;

CREATE SEQUENCE audit_log_seq;
CREATE TABLE audit_log (
    seq              bigint NOT NULL DEFAULT nextval('audit_log_seq'),
    id               uuid NOT NULL,
    at               timestamptz NOT NULL,
    user_id          uuid,
    organization_id  uuid,
    workstation      text NOT NULL,
    action           text NOT NULL,
    client_id        uuid,
    detail           text,
    hash             text NOT NULL,
    PRIMARY KEY (id, at),
    UNIQUE (seq, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE audit_log_seq OWNED BY audit_log.seq;
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
CREATE TRIGGER audit_log_default_never_truncated BEFORE TRUNCATE ON audit_log_default
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('the audit log is append-only');

-- The sync log --------------------------------------------------------------------------------
ALTER TABLE change_log RENAME TO change_log_unpartitioned;
ALTER INDEX change_log_by_entity RENAME TO change_log_unpartitioned_by_entity;

CREATE SEQUENCE change_log_seq;
CREATE TABLE change_log (
    seq        bigint NOT NULL DEFAULT nextval('change_log_seq'),
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'void')),
    source     text NOT NULL CHECK (source IN ('local', 'sync', 'import', 'interface')),
    at         timestamptz NOT NULL,
    node       text NOT NULL DEFAULT '',
    revision   bigint,
    payload    jsonb,
    PRIMARY KEY (seq, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE change_log_seq OWNED BY change_log.seq;
CREATE TABLE change_log_default PARTITION OF change_log DEFAULT;

-- Months from the oldest entry (or this month) to three months ahead, then the rows, in order.
SELECT shotbook_month_partitions(
    least((SELECT min(at) FROM audit_log_unpartitioned),
          (SELECT min(at) FROM change_log_unpartitioned),
          now())::date,
    3);

INSERT INTO audit_log (seq, id, at, user_id, organization_id, workstation, action, client_id, detail, hash)
SELECT seq, id, at, user_id, organization_id, workstation, action, client_id, detail, hash
FROM audit_log_unpartitioned ORDER BY seq;
SELECT setval('audit_log_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false);

INSERT INTO change_log (seq, entity, entity_id, op, source, at, node, revision, payload)
SELECT seq, entity, entity_id, op, source, at, node, revision, payload
FROM change_log_unpartitioned ORDER BY seq;
SELECT setval('change_log_seq', coalesce((SELECT max(seq) FROM change_log), 0) + 1, false);

-- Dropping is neither DELETE nor TRUNCATE: the old tables' guards do not stand in the way.
DROP TABLE audit_log_unpartitioned;
DROP TABLE change_log_unpartitioned;

CREATE INDEX audit_log_by_seq ON audit_log (seq);
CREATE INDEX audit_log_by_client ON audit_log (client_id, at);
CREATE INDEX audit_log_by_user ON audit_log (user_id, at);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, at);
CREATE INDEX change_log_by_seq ON change_log (seq);
CREATE INDEX change_log_by_entity ON change_log (entity, entity_id);

CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION shotbook_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_is_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION shotbook_refuse('the audit log is append-only');
