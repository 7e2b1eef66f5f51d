\echo Use "CREATE EXTENSION denorm" to load this file. \quit

-- denorm 0.1: catalog, registration API, trigger entry points, rebuild /
-- audit / repair. See doc/design.md for how the pieces fit together.

-- Definitions of projections live here as views, one per projection
-- (denorm_def.<projection>). They are ordinary views owned by whoever
-- registered the projection; pg_dump dumps them with the user's objects.
-- Every role that writes a canonical table runs denorm's triggers, which
-- read the catalog: the schema must be usable by all.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

CREATE SCHEMA denorm_def;
COMMENT ON SCHEMA denorm_def IS 'denorm: one view per projection holding its definition';
GRANT USAGE ON SCHEMA denorm_def TO PUBLIC;

CREATE TABLE @extschema@.projection (
    name            text PRIMARY KEY
                    CHECK (name OPERATOR(pg_catalog.~) '^[a-z_][a-z0-9_]{0,39}$'),
    kind            text NOT NULL CHECK (kind IN ('row', 'column')),
    source          pg_catalog.regclass NOT NULL,
    target          pg_catalog.regclass NOT NULL,
    definition      pg_catalog.regclass NOT NULL UNIQUE,
    type_column     name,
    key_column      name,
    row_key         name[] NOT NULL DEFAULT '{}',
    on_stale_write  text NOT NULL DEFAULT 'error'
                    CHECK (on_stale_write IN ('error', 'keep')),
    owner           pg_catalog.regrole NOT NULL,
    search_path     text NOT NULL DEFAULT 'pg_catalog, pg_temp',
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK ((kind = 'row') = (type_column IS NOT NULL AND key_column IS NOT NULL))
);
COMMENT ON TABLE @extschema@.projection IS
    'denorm: registered projections (one row each); write it only through create_*_projection / drop_projection';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.projection', '');

CREATE TABLE @extschema@.invariant (
    name        text PRIMARY KEY
                CHECK (name OPERATOR(pg_catalog.~) '^[a-z_][a-z0-9_]{0,39}$'),
    definition  pg_catalog.regclass NOT NULL UNIQUE,
    owner       pg_catalog.regrole NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.invariant IS
    'denorm: invariants checked by audit; each is a view whose rows are violations';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.invariant', '');

REVOKE ALL ON @extschema@.projection, @extschema@.invariant FROM PUBLIC;
GRANT SELECT ON @extschema@.projection, @extschema@.invariant TO PUBLIC;

-- ---------------------------------------------------------------------------
-- Trigger entry points. Both check how they were called (39P01) and take the
-- projection name as their only argument.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.maintain() RETURNS trigger
    AS 'MODULE_PATHNAME', 'denorm_maintain' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.maintain() IS
    'denorm: AFTER ... FOR EACH STATEMENT trigger that maintains the projection named by its argument';

CREATE FUNCTION @extschema@.guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'denorm_guard' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.guard() IS
    'denorm: BEFORE trigger that refuses direct writes to what the projection named by its argument owns';

-- ---------------------------------------------------------------------------
-- Registration.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_row_projection(
        name            text,
        target          pg_catalog.regclass,
        query           text,
        type_column     name DEFAULT 'canonical_type',
        key_column      name DEFAULT 'canonical_pk',
        row_key         name[] DEFAULT '{}',
        create_triggers boolean DEFAULT true)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_create_row_projection' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.create_row_projection(text, pg_catalog.regclass, text, name, name, name[], boolean) IS
    'denorm: register a projection that owns whole rows of target, one or more per source row';

CREATE FUNCTION @extschema@.create_column_projection(
        name            text,
        target          pg_catalog.regclass,
        query           text,
        on_stale_write  text DEFAULT 'error',
        create_triggers boolean DEFAULT true)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_create_column_projection' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.create_column_projection(text, pg_catalog.regclass, text, text, boolean) IS
    'denorm: register a projection that owns aggregate columns of target rows, keyed by the query''s GROUP BY';

CREATE FUNCTION @extschema@.drop_projection(name text, if_exists boolean DEFAULT false)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_drop_projection' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.drop_projection(text, boolean) IS
    'denorm: unregister a projection, dropping its triggers and definition view (target rows are kept)';

CREATE FUNCTION @extschema@.trigger_ddl(name text)
    RETURNS SETOF text
    AS 'MODULE_PATHNAME', 'denorm_trigger_ddl' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION @extschema@.trigger_ddl(text) IS
    'denorm: the CREATE TRIGGER statements that make a projection work, for declaring them by hand';

CREATE FUNCTION @extschema@.create_invariant(name text, query text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_create_invariant' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.create_invariant(text, text) IS
    'denorm: register a query whose rows are violations of a rule (e.g. unbalanced journal entries); audit reports them';

CREATE FUNCTION @extschema@.drop_invariant(name text, if_exists boolean DEFAULT false)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_drop_invariant' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.drop_invariant(text, boolean) IS
    'denorm: unregister an invariant and drop its view';

-- ---------------------------------------------------------------------------
-- Rebuild, audit, repair.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rebuild(name text)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'denorm_rebuild' LANGUAGE C STRICT
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.rebuild(text) IS
    'denorm: make the whole projection equal to its definition; returns rows written';

CREATE FUNCTION @extschema@.rebuild(name text, key anyelement)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'denorm_rebuild_key' LANGUAGE C STRICT
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.rebuild(text, anyelement) IS
    'denorm: make one key of the projection equal to its definition; returns rows written';

CREATE FUNCTION @extschema@.audit(name text DEFAULT NULL)
    RETURNS TABLE (projection text, key text, problem text, expected jsonb, actual jsonb)
    AS 'MODULE_PATHNAME', 'denorm_audit' LANGUAGE C
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.audit(text) IS
    'denorm: one row per drifted key (missing, extra, different) or invariant violation, from one snapshot; read-only';

CREATE FUNCTION @extschema@.repair(name text DEFAULT NULL)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'denorm_repair' LANGUAGE C
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.repair(text) IS
    'denorm: rebuild exactly the keys audit reports as drifted; returns how many keys were repaired';

-- ---------------------------------------------------------------------------
-- Locks.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.lock_key(name text, key anyelement)
    RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_lock_key' LANGUAGE C STRICT;
COMMENT ON FUNCTION @extschema@.lock_key(text, anyelement) IS
    'denorm: take, until the end of the transaction, the lock maintenance of this key of the projection takes';

CREATE FUNCTION @extschema@.key_lock_tag(name text, key anyelement,
        OUT classid oid, OUT objid oid, OUT objsubid integer)
    AS 'MODULE_PATHNAME', 'denorm_key_lock_tag' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION @extschema@.key_lock_tag(text, anyelement) IS
    'denorm: the pg_locks fields (locktype advisory) of the lock denorm takes for this key';

-- ---------------------------------------------------------------------------
-- Counters.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.stats_raw(
        OUT projection text, OUT scope text,
        OUT statements bigint, OUT keys bigint, OUT rows_written bigint, OUT time_ms float8,
        OUT lock_waits bigint, OUT lock_wait_ms float8, OUT escalations bigint,
        OUT serialization_failures bigint,
        OUT last_rebuild timestamptz, OUT last_audit timestamptz, OUT last_audit_drift bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'denorm_stats' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.stats_raw() IS
    'denorm: the counters of this database''s projections (see the view denorm.stats)';

CREATE FUNCTION @extschema@.stats_scope() RETURNS text
    AS 'MODULE_PATHNAME', 'denorm_stats_scope' LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.stats_scope() IS
    'denorm: cluster when the counters are in shared memory (denorm in shared_preload_libraries), else session';

CREATE FUNCTION @extschema@.stats_reset(name text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'denorm_stats_reset' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.stats_reset(text) IS
    'denorm: reset the counters of one projection, or of all of this database''s';
REVOKE ALL ON FUNCTION @extschema@.stats_reset(text) FROM PUBLIC;

CREATE VIEW @extschema@.stats AS
SELECT p.name AS projection,
       COALESCE(s.scope, @extschema@.stats_scope()) AS scope,
       COALESCE(s.statements, 0) AS statements,
       COALESCE(s.keys, 0) AS keys,
       COALESCE(s.rows_written, 0) AS rows_written,
       COALESCE(s.time_ms, 0) AS time_ms,
       COALESCE(s.lock_waits, 0) AS lock_waits,
       COALESCE(s.lock_wait_ms, 0) AS lock_wait_ms,
       COALESCE(s.escalations, 0) AS escalations,
       COALESCE(s.serialization_failures, 0) AS serialization_failures,
       s.last_rebuild, s.last_audit, s.last_audit_drift
  FROM @extschema@.projection p
  LEFT JOIN @extschema@.stats_raw() s ON s.projection OPERATOR(pg_catalog.=) p.name;
COMMENT ON VIEW @extschema@.stats IS
    'denorm: counters per projection; scope says whether they cover the cluster or this session only';
GRANT SELECT ON @extschema@.stats TO PUBLIC;

-- ---------------------------------------------------------------------------
-- Introspection.
-- ---------------------------------------------------------------------------

CREATE VIEW @extschema@.projections AS
SELECT p.name, p.kind, p.source, p.target, p.definition,
       p.type_column, p.key_column, p.row_key, p.on_stale_write, p.owner, p.search_path,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger t
         WHERE t.tgfoid IN (SELECT f.oid FROM pg_catalog.pg_proc f
                             WHERE f.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                               AND f.prorettype OPERATOR(pg_catalog.=) 'pg_catalog.trigger'::pg_catalog.regtype)
           AND t.tgnargs = 1
           AND pg_catalog.convert_from(pg_catalog.substring(t.tgargs, 1,
                   pg_catalog.length(t.tgargs) - 1), 'SQL_ASCII') = p.name
       ) AS triggers,
       p.created_at
  FROM @extschema@.projection p;
COMMENT ON VIEW @extschema@.projections IS 'denorm: registered projections and how many triggers serve each';
GRANT SELECT ON @extschema@.projections TO PUBLIC;

-- ---------------------------------------------------------------------------
-- Schema changes: when a table, view or column a projection uses is dropped
-- (with CASCADE, or a target dropped outright), unregister the projection,
-- saying so, and drop what is left of it.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.on_sql_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    dropped oid[];
    p record;
    t record;
BEGIN
    SELECT pg_catalog.array_agg(d.objid) INTO dropped
      FROM pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.objsubid OPERATOR(pg_catalog.=) 0;
    IF dropped IS NULL THEN
        RETURN;
    END IF;
    FOR p IN
        SELECT pr.name, pr.definition::pg_catalog.oid AS view,
               CASE WHEN pr.definition::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
                    THEN 'its definition view (or a column it reads)'
                    WHEN pr.target::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped) THEN 'its target'
                    ELSE 'its source' END AS what
          FROM @extschema@.projection pr
         WHERE pr.definition::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
            OR pr.target::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
            OR pr.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
         ORDER BY pr.name
    LOOP
        RAISE NOTICE 'projection "%" is unregistered: % was dropped', p.name, p.what;
        -- The catalog row first: dropping the view below fires this trigger again.
        DELETE FROM @extschema@.projection WHERE name OPERATOR(pg_catalog.=) p.name;
        FOR t IN
            SELECT tg.tgname, tg.tgrelid::pg_catalog.regclass AS rel
              FROM pg_catalog.pg_trigger tg
             WHERE tg.tgfoid IN (SELECT f.oid FROM pg_catalog.pg_proc f
                                  WHERE f.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                                    AND f.prorettype OPERATOR(pg_catalog.=) 'pg_catalog.trigger'::pg_catalog.regtype)
               AND tg.tgnargs OPERATOR(pg_catalog.=) 1
               AND pg_catalog.convert_from(pg_catalog.substring(tg.tgargs, 1,
                       pg_catalog.length(tg.tgargs) OPERATOR(pg_catalog.-) 1), 'SQL_ASCII')
                   OPERATOR(pg_catalog.=) p.name
               AND NOT tg.tgrelid OPERATOR(pg_catalog.=) ANY (dropped)
        LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
        END LOOP;
        IF NOT p.view OPERATOR(pg_catalog.=) ANY (dropped) THEN
            EXECUTE pg_catalog.format('DROP VIEW IF EXISTS %s', p.view::pg_catalog.regclass);
        END IF;
    END LOOP;
    DELETE FROM @extschema@.invariant
     WHERE definition::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
END
$$;
COMMENT ON FUNCTION @extschema@.on_sql_drop() IS
    'denorm: event trigger that unregisters projections whose tables, columns or views were dropped';
REVOKE ALL ON FUNCTION @extschema@.on_sql_drop() FROM PUBLIC;

CREATE EVENT TRIGGER denorm_sql_drop ON sql_drop
    EXECUTE FUNCTION @extschema@.on_sql_drop();

-- Admin functions: not for PUBLIC. Owners of tables grant them as needed.
REVOKE ALL ON FUNCTION
    @extschema@.create_row_projection(text, pg_catalog.regclass, text, name, name, name[], boolean),
    @extschema@.create_column_projection(text, pg_catalog.regclass, text, text, boolean),
    @extschema@.drop_projection(text, boolean),
    @extschema@.create_invariant(text, text),
    @extschema@.drop_invariant(text, boolean),
    @extschema@.rebuild(text),
    @extschema@.rebuild(text, anyelement),
    @extschema@.repair(text),
    @extschema@.lock_key(text, anyelement)
  FROM PUBLIC;
