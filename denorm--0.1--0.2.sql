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
