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
    WHEN TAG IN ('DROP TABLE', 'ALTER TABLE', 'CREATE TABLE')
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
