\echo Use "ALTER EXTENSION denorm UPDATE TO '0.2'" to load this file. \quit

-- denorm 0.2: schema changes followed (event triggers), ...

-- ---------------------------------------------------------------------------
-- Schema changes. ddl_command_start refuses dropping a target or a column a
-- projection writes (CASCADE unregisters it instead) and retyping such a
-- column, and warns when a denorm trigger is disabled; ddl_command_end
-- follows renamed target columns and gives new partitions their triggers.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.on_ddl_start() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'denorm_on_ddl_start' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.on_ddl_start() IS
    'denorm: event trigger refusing drops and type changes of what projections write';
REVOKE ALL ON FUNCTION @extschema@.on_ddl_start() FROM PUBLIC;

CREATE FUNCTION @extschema@.on_ddl_end() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'denorm_on_ddl_end' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.on_ddl_end() IS
    'denorm: event trigger following renamed target columns and new partitions';
REVOKE ALL ON FUNCTION @extschema@.on_ddl_end() FROM PUBLIC;

CREATE EVENT TRIGGER denorm_ddl_start ON ddl_command_start
    WHEN TAG IN ('DROP TABLE', 'DROP INDEX', 'ALTER TABLE', 'CREATE TABLE')
    EXECUTE FUNCTION @extschema@.on_ddl_start();

CREATE EVENT TRIGGER denorm_ddl_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE')
    EXECUTE FUNCTION @extschema@.on_ddl_end();

-- ---------------------------------------------------------------------------
-- Logical replication. A subscriber applies changes with
-- session_replication_role = replica, where ordinary triggers do not fire:
-- replicated projections are not maintained twice there. To maintain a
-- projection on the subscriber instead (replicating canonical tables only),
-- give it row triggers that fire for replicated changes only (the apply
-- worker fires row triggers, never statement triggers), and let its
-- TRUNCATE trigger fire always.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.set_replica_maintenance(name text, enabled boolean DEFAULT true)
    RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t record;
    n integer := 0;
    ev text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM @extschema@.projection p WHERE p.name = set_replica_maintenance.name) THEN
        RAISE EXCEPTION 'projection "%" does not exist', set_replica_maintenance.name
            USING ERRCODE = 'undefined_object';
    END IF;
    -- Every table carrying the projection's statement-level maintain() triggers.
    FOR t IN
        SELECT DISTINCT tg.tgrelid::regclass AS rel
          FROM pg_catalog.pg_trigger tg
         WHERE tg.tgfoid = '@extschema@.maintain()'::regprocedure
           AND tg.tgname IN (format('denorm_%s_ins', set_replica_maintenance.name),
                             format('denorm_%s_tgt_ins', set_replica_maintenance.name))
         ORDER BY 1
    LOOP
        FOREACH ev IN ARRAY ARRAY['ins', 'upd', 'del'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s',
                           format('denorm_%s_rep_%s', set_replica_maintenance.name, ev), t.rel);
            IF enabled THEN
                EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s FOR EACH ROW EXECUTE FUNCTION @extschema@.maintain(%L)',
                               format('denorm_%s_rep_%s', set_replica_maintenance.name, ev),
                               CASE ev WHEN 'ins' THEN 'INSERT' WHEN 'upd' THEN 'UPDATE' ELSE 'DELETE' END,
                               t.rel, set_replica_maintenance.name);
                EXECUTE format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', t.rel,
                               format('denorm_%s_rep_%s', set_replica_maintenance.name, ev));
                n := n + 1;
            END IF;
        END LOOP;
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                    WHERE tgrelid = t.rel AND tgname = format('denorm_%s_trunc', set_replica_maintenance.name)) THEN
            EXECUTE format('ALTER TABLE %s ENABLE %s TRIGGER %I', t.rel,
                           CASE WHEN enabled THEN 'ALWAYS' ELSE '' END,
                           format('denorm_%s_trunc', set_replica_maintenance.name));
        END IF;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.set_replica_maintenance(text, boolean) IS
    'denorm: on a logical replication subscriber, make (or stop making) replicated changes maintain this projection';
REVOKE ALL ON FUNCTION @extschema@.set_replica_maintenance(text, boolean) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Batched rebuild: one transaction per batch of keys, progress recorded, can
-- be interrupted and resumed; writers wait only for the batch in flight.
-- ---------------------------------------------------------------------------

CREATE TABLE @extschema@.rebuild_progress (
    projection   text PRIMARY KEY,
    phase        text NOT NULL CHECK (phase IN ('source', 'target', 'done')),
    last_key     text,
    done         bigint NOT NULL DEFAULT 0,
    total        bigint NOT NULL DEFAULT 0,
    rows_written bigint NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    finished_at  timestamptz
);
COMMENT ON TABLE @extschema@.rebuild_progress IS
    'denorm: where each batched rebuild stands (phase source: source keys; target: keys only the target has)';
REVOKE ALL ON @extschema@.rebuild_progress FROM PUBLIC;
GRANT SELECT ON @extschema@.rebuild_progress TO PUBLIC;

CREATE FUNCTION @extschema@.rebuild_step(name text, batch_size integer DEFAULT 1000, restart boolean DEFAULT false,
        OUT phase text, OUT done bigint, OUT total bigint, OUT rows_written bigint, OUT finished boolean)
    AS 'MODULE_PATHNAME', 'denorm_rebuild_step' LANGUAGE C
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.rebuild_step(text, integer, boolean) IS
    'denorm: rebuild the next batch of keys of a projection (resuming where the last step stopped); commit after each call';
REVOKE ALL ON FUNCTION @extschema@.rebuild_step(text, integer, boolean) FROM PUBLIC;

CREATE PROCEDURE @extschema@.rebuild_batched(name text, batch_size integer DEFAULT 1000, restart boolean DEFAULT false)
    LANGUAGE plpgsql AS $$
DECLARE
    s record;
    first boolean := true;
    t0 timestamptz := pg_catalog.clock_timestamp();
    rate float8;
BEGIN
    LOOP
        SELECT * INTO s FROM @extschema@.rebuild_step(name, batch_size, restart AND first);
        first := false;
        rate := s.done / GREATEST(EXTRACT(epoch FROM pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) t0), 0.001);
        RAISE NOTICE '%: % % of % keys (% rows written), % keys/s, % left', name, s.phase, s.done, s.total,
            s.rows_written, round(rate::numeric), CASE WHEN rate > 0 AND s.total > s.done
                THEN pg_catalog.make_interval(secs => round(((s.total - s.done) / rate)::numeric))::text
                ELSE '-' END;
        COMMIT;
        EXIT WHEN s.finished;
    END LOOP;
END
$$;
COMMENT ON PROCEDURE @extschema@.rebuild_batched(text, integer, boolean) IS
    'denorm: rebuild a projection in batches, committing after each, with progress notices; resumes an interrupted rebuild';
REVOKE ALL ON PROCEDURE @extschema@.rebuild_batched(text, integer, boolean) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Writeback (the talk's "interface"): a view over a row projection's target
-- whose UPDATE and DELETE go to the canonical row each row came from.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.writeback() RETURNS trigger
    AS 'MODULE_PATHNAME', 'denorm_writeback' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.writeback() IS
    'denorm: INSTEAD OF trigger routing edits of a writeback view to the canonical rows';

CREATE FUNCTION @extschema@.create_writeback_view(view_name text, target pg_catalog.regclass)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    parts text[] := pg_catalog.parse_ident(view_name);
    qualified text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM @extschema@.projection p
                    WHERE p.target OPERATOR(pg_catalog.=) create_writeback_view.target
                      AND p.kind OPERATOR(pg_catalog.=) 'row') THEN
        RAISE EXCEPTION 'table % is not the target of a row projection', target
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'A writeback view routes edits of a row projection''s rows to their canonical rows.';
    END IF;
    IF pg_catalog.array_length(parts, 1) > 2 THEN
        RAISE EXCEPTION 'invalid view name "%"', view_name USING ERRCODE = 'invalid_name';
    END IF;
    qualified := CASE WHEN pg_catalog.array_length(parts, 1) = 2
                      THEN pg_catalog.format('%I.%I', parts[1], parts[2])
                      ELSE pg_catalog.format('%I', parts[1]) END;
    EXECUTE pg_catalog.format('CREATE VIEW %s AS SELECT * FROM %s', qualified, target);
    EXECUTE pg_catalog.format('CREATE TRIGGER denorm_writeback INSTEAD OF INSERT OR UPDATE OR DELETE ON %s '
                              'FOR EACH ROW EXECUTE FUNCTION @extschema@.writeback()', qualified);
END
$$;
COMMENT ON FUNCTION @extschema@.create_writeback_view(text, pg_catalog.regclass) IS
    'denorm: create a view over a row projection''s target whose UPDATE and DELETE edit the canonical rows';

-- ---------------------------------------------------------------------------
-- Commit-time mode: a projection's source changes noted in each statement,
-- maintained once per key at commit by a deferred constraint trigger.
-- ---------------------------------------------------------------------------

ALTER TABLE @extschema@.projection ADD COLUMN deferred boolean NOT NULL DEFAULT false;

CREATE FUNCTION @extschema@.flush() RETURNS trigger
    AS 'MODULE_PATHNAME', 'denorm_flush' LANGUAGE C;
COMMENT ON FUNCTION @extschema@.flush() IS
    'denorm: deferred constraint trigger maintaining, at commit, the keys a commit-time projection noted';

CREATE FUNCTION @extschema@.set_deferred(name text, deferred boolean)
    RETURNS void AS 'MODULE_PATHNAME', 'denorm_set_deferred' LANGUAGE C STRICT;
COMMENT ON FUNCTION @extschema@.set_deferred(text, boolean) IS
    'denorm: maintain a projection''s source changes at commit (true: once per key per transaction) or per statement (false)';
REVOKE ALL ON FUNCTION @extschema@.set_deferred(text, boolean) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Introspection: the statements maintenance runs.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.statements(name text)
    RETURNS TABLE (purpose text, statement text)
    AS 'MODULE_PATHNAME', 'denorm_statements' LANGUAGE C STRICT;
COMMENT ON FUNCTION @extschema@.statements(text) IS
    'denorm: the SQL a projection''s maintenance runs, and the search_path it runs under';
