-- 01_api: the SQL-visible contract of denorm 0.3 — functions and their
-- signatures, catalog tables and views, who may execute and write what, and
-- the settings with their defaults and who may change them.
BEGIN;
SELECT plan(148);

CREATE ROLE denorm_tap_api_app;     -- an ordinary role: no grants beyond PUBLIC's

-- ---------------------------------------------------------------------------
-- Settings, before the module is loaded. This file starts in a fresh backend
-- and nothing above has called into denorm, so (unless the cluster preloads
-- the library) denorm.allow_direct_writes is only a placeholder here. An
-- ordinary role that sets the placeholder must not get the guard switched
-- off once the library loads: PostgreSQL re-applies the value with the
-- privileges of the role that set it, and refuses it (WARNING). If the
-- library is already loaded the SET itself is refused; either way the
-- setting must read "off" afterwards.
-- ---------------------------------------------------------------------------
SET LOCAL ROLE denorm_tap_api_app;
DO $$
BEGIN
    PERFORM pg_catalog.set_config('denorm.allow_direct_writes', 'on', true);
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
RESET ROLE;
SET LOCAL client_min_messages = error;   -- the WARNING that discards the placeholder
LOAD 'denorm';
RESET client_min_messages;
SELECT is(current_setting('denorm.allow_direct_writes'), 'off',
          'allow_direct_writes set by an ordinary role before the library loaded is not in effect after it loads');

-- ---------------------------------------------------------------------------
-- Schemas, tables, views, event trigger.
-- ---------------------------------------------------------------------------
SELECT has_schema('denorm');
SELECT has_schema('denorm_def');
SELECT has_table('denorm', 'projection', 'catalog table denorm.projection exists');
SELECT has_table('denorm', 'invariant', 'catalog table denorm.invariant exists');
SELECT has_view('denorm', 'projections', 'view denorm.projections exists');
SELECT has_view('denorm', 'stats', 'view denorm.stats exists');
SELECT results_eq(
    $$SELECT e.extversion COLLATE "default" FROM pg_extension e WHERE e.extname = 'denorm'$$,
    $$SELECT a.default_version::text COLLATE "default" FROM pg_available_extensions a WHERE a.name = 'denorm'$$,
    'the installed version of denorm is the default version of its control file');
SELECT columns_are('denorm', 'projection',
    ARRAY['name', 'kind', 'source', 'target', 'definition', 'type_column', 'key_column', 'row_key',
          'on_stale_write', 'owner', 'search_path', 'created_at', 'deferred']);
SELECT col_is_pk('denorm', 'projection', 'name', 'name is the primary key of denorm.projection');
SELECT col_type_is('denorm', 'projection', 'source', 'regclass', 'denorm.projection.source is regclass');
SELECT col_type_is('denorm', 'projection', 'target', 'regclass', 'denorm.projection.target is regclass');
SELECT col_type_is('denorm', 'projection', 'definition', 'regclass', 'denorm.projection.definition is regclass');
SELECT col_type_is('denorm', 'projection', 'owner', 'regrole', 'denorm.projection.owner is regrole');
SELECT col_type_is('denorm', 'projection', 'row_key', 'name[]', 'denorm.projection.row_key is name[]');
SELECT columns_are('denorm', 'invariant', ARRAY['name', 'definition', 'owner', 'created_at']);
SELECT col_is_pk('denorm', 'invariant', 'name', 'name is the primary key of denorm.invariant');
SELECT columns_are('denorm', 'projections',
    ARRAY['name', 'kind', 'source', 'target', 'definition', 'type_column', 'key_column', 'row_key',
          'on_stale_write', 'owner', 'search_path', 'triggers', 'created_at']);
SELECT columns_are('denorm', 'stats',
    ARRAY['projection', 'scope', 'statements', 'keys', 'rows_written', 'time_ms', 'lock_waits', 'lock_wait_ms',
          'escalations', 'serialization_failures', 'last_rebuild', 'last_audit', 'last_audit_drift']);
SELECT results_eq(
    $$SELECT evtname::text COLLATE "default", evtevent::text COLLATE "default", evtfoid::regprocedure::text,
             evtenabled::text, coalesce(array_to_string(evttags, ', '), '') COLLATE "default"
        FROM pg_event_trigger WHERE evtfoid::regprocedure::text LIKE 'denorm.%' ORDER BY evtname$$,
    $$VALUES ('denorm_ddl_end', 'ddl_command_end', 'denorm.on_ddl_end()', 'O', 'ALTER TABLE, CREATE TABLE'),
             ('denorm_ddl_start', 'ddl_command_start', 'denorm.on_ddl_start()', 'O', 'DROP TABLE, DROP INDEX, ALTER TABLE, CREATE TABLE'),
             ('denorm_sql_drop', 'sql_drop', 'denorm.on_sql_drop()', 'O', '')$$,
    'the event triggers denorm_sql_drop, denorm_ddl_start and denorm_ddl_end exist, are enabled, and call denorm''s functions');
SELECT results_eq(
    $$SELECT c.relname::text COLLATE "default" FROM pg_extension e, unnest(e.extconfig) AS x(oid)
        JOIN pg_class c ON c.oid = x.oid WHERE e.extname = 'denorm' ORDER BY 1$$,
    $$VALUES ('invariant'), ('projection')$$,
    'both catalog tables are dumped with pg_dump (pg_extension_config_dump)');

-- ---------------------------------------------------------------------------
-- Functions: existence, signature (names, defaults, OUT parameters), return
-- type, and nothing else in the schema.
-- ---------------------------------------------------------------------------
SELECT has_function('denorm', 'maintain', ARRAY[]::text[]);
SELECT function_returns('denorm', 'maintain', ARRAY[]::text[], 'trigger');
SELECT has_function('denorm', 'guard', ARRAY[]::text[]);
SELECT function_returns('denorm', 'guard', ARRAY[]::text[], 'trigger');
SELECT has_function('denorm', 'create_row_projection',
                    ARRAY['text', 'regclass', 'text', 'name', 'name', 'name[]', 'boolean']);
SELECT function_returns('denorm', 'create_row_projection',
                        ARRAY['text', 'regclass', 'text', 'name', 'name', 'name[]', 'boolean'], 'void');
SELECT has_function('denorm', 'create_column_projection', ARRAY['text', 'regclass', 'text', 'text', 'boolean']);
SELECT function_returns('denorm', 'create_column_projection',
                        ARRAY['text', 'regclass', 'text', 'text', 'boolean'], 'void');
SELECT has_function('denorm', 'drop_projection', ARRAY['text', 'boolean']);
SELECT function_returns('denorm', 'drop_projection', ARRAY['text', 'boolean'], 'void');
SELECT has_function('denorm', 'trigger_ddl', ARRAY['text']);
SELECT function_returns('denorm', 'trigger_ddl', ARRAY['text'], 'setof text');
SELECT has_function('denorm', 'create_invariant', ARRAY['text', 'text']);
SELECT function_returns('denorm', 'create_invariant', ARRAY['text', 'text'], 'void');
SELECT has_function('denorm', 'drop_invariant', ARRAY['text', 'boolean']);
SELECT function_returns('denorm', 'drop_invariant', ARRAY['text', 'boolean'], 'void');
SELECT has_function('denorm', 'rebuild', ARRAY['text']);
SELECT function_returns('denorm', 'rebuild', ARRAY['text'], 'bigint');
SELECT has_function('denorm', 'rebuild', ARRAY['text', 'anyelement']);
SELECT function_returns('denorm', 'rebuild', ARRAY['text', 'anyelement'], 'bigint');
SELECT has_function('denorm', 'rebuild_target', ARRAY['regclass', 'boolean']);
SELECT function_returns('denorm', 'rebuild_target', ARRAY['regclass', 'boolean'], 'bigint');
SELECT has_function('denorm', 'audit', ARRAY['text']);
SELECT function_returns('denorm', 'audit', ARRAY['text'], 'setof record');
SELECT has_function('denorm', 'repair', ARRAY['text']);
SELECT function_returns('denorm', 'repair', ARRAY['text'], 'bigint');
SELECT has_function('denorm', 'lock_key', ARRAY['text', 'anyelement']);
SELECT function_returns('denorm', 'lock_key', ARRAY['text', 'anyelement'], 'void');
SELECT has_function('denorm', 'key_lock_tag', ARRAY['text', 'anyelement']);
SELECT function_returns('denorm', 'key_lock_tag', ARRAY['text', 'anyelement'], 'record');
SELECT has_function('denorm', 'on_sql_drop', ARRAY[]::text[]);
SELECT function_returns('denorm', 'on_sql_drop', ARRAY[]::text[], 'event_trigger');
SELECT has_function('denorm', 'on_ddl_start', ARRAY[]::text[]);
SELECT function_returns('denorm', 'on_ddl_start', ARRAY[]::text[], 'event_trigger');
SELECT has_function('denorm', 'on_ddl_end', ARRAY[]::text[]);
SELECT function_returns('denorm', 'on_ddl_end', ARRAY[]::text[], 'event_trigger');
SELECT has_function('denorm', 'stats_raw', ARRAY[]::text[]);
SELECT function_returns('denorm', 'stats_raw', ARRAY[]::text[], 'setof record');
SELECT has_function('denorm', 'stats_scope', ARRAY[]::text[]);
SELECT function_returns('denorm', 'stats_scope', ARRAY[]::text[], 'text');
SELECT has_function('denorm', 'stats_reset', ARRAY['text']);
SELECT function_returns('denorm', 'stats_reset', ARRAY['text'], 'void');

-- The full contract in one place: every function of the schema, with its
-- parameter names and defaults (callers use named notation such as
-- create_triggers => false) and its result. A function added, removed or
-- changed shows up here.
SELECT results_eq(
    $$SELECT p.oid::regprocedure::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid)
        FROM pg_proc p WHERE p.pronamespace = 'denorm'::regnamespace ORDER BY 1, 2$$,
    $$VALUES
      ('denorm.audit(text)', 'name text DEFAULT NULL::text',
       'TABLE(projection text, key text, problem text, expected jsonb, actual jsonb)'),
      ('denorm.create_column_projection(text,regclass,text,text,boolean)',
       'name text, target regclass, query text, on_stale_write text DEFAULT ''error''::text, create_triggers boolean DEFAULT true',
       'void'),
      ('denorm.create_invariant(text,text)', 'name text, query text', 'void'),
      ('denorm.create_row_projection(text,regclass,text,name,name,name[],boolean)',
       'name text, target regclass, query text, type_column name DEFAULT ''canonical_type''::name, key_column name DEFAULT ''canonical_pk''::name, row_key name[] DEFAULT ''{}''::name[], create_triggers boolean DEFAULT true',
       'void'),
      ('denorm.create_writeback_view(text,regclass)', 'view_name text, target regclass', 'void'),
      ('denorm.drop_invariant(text,boolean)', 'name text, if_exists boolean DEFAULT false', 'void'),
      ('denorm.drop_projection(text,boolean)', 'name text, if_exists boolean DEFAULT false', 'void'),
      ('denorm.flush()', '', 'trigger'),
      ('denorm.guard()', '', 'trigger'),
      ('denorm.key_lock_tag(text,anyelement)',
       'name text, key anyelement, OUT classid oid, OUT objid oid, OUT objsubid integer', 'record'),
      ('denorm.lock_key(text,anyelement)', 'name text, key anyelement', 'void'),
      ('denorm.maintain()', '', 'trigger'),
      ('denorm.on_ddl_end()', '', 'event_trigger'),
      ('denorm.on_ddl_start()', '', 'event_trigger'),
      ('denorm.on_sql_drop()', '', 'event_trigger'),
      ('denorm.rebuild(text)', 'name text', 'bigint'),
      ('denorm.rebuild(text,anyelement)', 'name text, key anyelement', 'bigint'),
      ('denorm.rebuild_batched(text,integer,boolean)',
       'IN name text, IN batch_size integer DEFAULT 1000, IN restart boolean DEFAULT false', NULL),
      ('denorm.rebuild_step(text,integer,boolean)',
       'name text, batch_size integer DEFAULT 1000, restart boolean DEFAULT false, OUT phase text, OUT done bigint, OUT total bigint, OUT rows_written bigint, OUT finished boolean',
       'record'),
      ('denorm.rebuild_target(regclass,boolean)', 'target regclass, in_place boolean DEFAULT false', 'bigint'),
      ('denorm.repair(text)', 'name text DEFAULT NULL::text', 'bigint'),
      ('denorm.set_deferred(text,boolean)', 'name text, deferred boolean', 'void'),
      ('denorm.set_replica_maintenance(text,boolean)', 'name text, enabled boolean DEFAULT true', 'integer'),
      ('denorm.statements(text)', 'name text', 'TABLE(purpose text, statement text)'),
      ('denorm.stats_raw()',
       'OUT projection text, OUT scope text, OUT statements bigint, OUT keys bigint, OUT rows_written bigint, OUT time_ms double precision, OUT lock_waits bigint, OUT lock_wait_ms double precision, OUT escalations bigint, OUT serialization_failures bigint, OUT last_rebuild timestamp with time zone, OUT last_audit timestamp with time zone, OUT last_audit_drift bigint',
       'SETOF record'),
      ('denorm.stats_reset(text)', 'name text DEFAULT NULL::text', 'void'),
      ('denorm.stats_scope()', '', 'text'),
      ('denorm.trigger_ddl(text)', 'name text', 'SETOF text'),
      ('denorm.writeback()', '', 'trigger')
    $$,
    'the functions of schema denorm, with parameter names, defaults and results, are exactly the documented API');

-- Functions that run maintenance or read user data pin their search_path.
SELECT results_eq(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'denorm'::regnamespace
         AND 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig) ORDER BY 1$$,
    $$VALUES ('denorm.audit(text)'), ('denorm.on_sql_drop()'), ('denorm.rebuild(text)'),
             ('denorm.rebuild(text,anyelement)'), ('denorm.rebuild_step(text,integer,boolean)'),
             ('denorm.rebuild_target(regclass,boolean)'),
             ('denorm.repair(text)'), ('denorm.set_replica_maintenance(text,boolean)')$$,
    'audit, rebuild, repair, set_replica_maintenance and on_sql_drop run with search_path = pg_catalog, pg_temp');
SELECT is_definer('denorm', 'on_sql_drop', ARRAY[]::text[], 'on_sql_drop is SECURITY DEFINER');
SELECT results_eq(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'denorm'::regnamespace AND p.prosecdef ORDER BY 1$$,
    $$VALUES ('denorm.on_sql_drop()')$$,
    'no function but on_sql_drop is SECURITY DEFINER');

-- ---------------------------------------------------------------------------
-- Privileges on functions: the admin functions are not PUBLIC's.
-- ---------------------------------------------------------------------------
SELECT function_privs_are('denorm', 'create_row_projection',
    ARRAY['text', 'regclass', 'text', 'name', 'name', 'name[]', 'boolean'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'create_column_projection',
    ARRAY['text', 'regclass', 'text', 'text', 'boolean'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'drop_projection', ARRAY['text', 'boolean'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'create_invariant', ARRAY['text', 'text'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'drop_invariant', ARRAY['text', 'boolean'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'rebuild', ARRAY['text'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'rebuild', ARRAY['text', 'anyelement'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'rebuild_target', ARRAY['regclass', 'boolean'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'repair', ARRAY['text'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'lock_key', ARRAY['text', 'anyelement'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'on_sql_drop', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'on_ddl_start', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'on_ddl_end', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('denorm', 'stats_reset', ARRAY['text'], 'public', ARRAY[]::text[]);
-- The read-only functions and the trigger entry points stay PUBLIC's.
SELECT function_privs_are('denorm', 'audit', ARRAY['text'], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'trigger_ddl', ARRAY['text'], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'key_lock_tag', ARRAY['text', 'anyelement'], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'maintain', ARRAY[]::text[], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'guard', ARRAY[]::text[], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'stats_raw', ARRAY[]::text[], 'public', ARRAY['EXECUTE']);
SELECT function_privs_are('denorm', 'stats_scope', ARRAY[]::text[], 'public', ARRAY['EXECUTE']);

-- ...and an ordinary role, which has only PUBLIC's privileges, is refused
-- when it calls them (the check happens before the function runs, so the
-- arguments need not make sense).
SET LOCAL ROLE denorm_tap_api_app;
SELECT throws_ok($$SELECT denorm.create_row_projection('x', 'pg_class', 'SELECT 1')$$,
                 '42501', 'permission denied for function create_row_projection',
                 'an ordinary role cannot execute create_row_projection');
SELECT throws_ok($$SELECT denorm.create_column_projection('x', 'pg_class', 'SELECT 1')$$,
                 '42501', 'permission denied for function create_column_projection',
                 'an ordinary role cannot execute create_column_projection');
SELECT throws_ok($$SELECT denorm.drop_projection('x')$$,
                 '42501', 'permission denied for function drop_projection',
                 'an ordinary role cannot execute drop_projection');
SELECT throws_ok($$SELECT denorm.create_invariant('x', 'SELECT 1')$$,
                 '42501', 'permission denied for function create_invariant',
                 'an ordinary role cannot execute create_invariant');
SELECT throws_ok($$SELECT denorm.drop_invariant('x')$$,
                 '42501', 'permission denied for function drop_invariant',
                 'an ordinary role cannot execute drop_invariant');
SELECT throws_ok($$SELECT denorm.rebuild('x')$$,
                 '42501', 'permission denied for function rebuild',
                 'an ordinary role cannot execute rebuild(text)');
SELECT throws_ok($$SELECT denorm.rebuild('x', 1)$$,
                 '42501', 'permission denied for function rebuild',
                 'an ordinary role cannot execute rebuild(text, anyelement)');
SELECT throws_ok($$SELECT denorm.rebuild_target('pg_class')$$,
                 '42501', 'permission denied for function rebuild_target',
                 'an ordinary role cannot execute rebuild_target');
SELECT throws_ok($$SELECT denorm.repair('x')$$,
                 '42501', 'permission denied for function repair',
                 'an ordinary role cannot execute repair');
SELECT throws_ok($$SELECT denorm.lock_key('x', 1)$$,
                 '42501', 'permission denied for function lock_key',
                 'an ordinary role cannot execute lock_key');
SELECT throws_ok($$SELECT denorm.on_sql_drop()$$,
                 '42501', 'permission denied for function on_sql_drop',
                 'an ordinary role cannot execute on_sql_drop');
SELECT throws_ok($$SELECT denorm.on_ddl_start()$$,
                 '42501', 'permission denied for function on_ddl_start',
                 'an ordinary role cannot execute on_ddl_start');
SELECT throws_ok($$SELECT denorm.on_ddl_end()$$,
                 '42501', 'permission denied for function on_ddl_end',
                 'an ordinary role cannot execute on_ddl_end');
SELECT throws_ok($$SELECT denorm.stats_reset()$$,
                 '42501', 'permission denied for function stats_reset',
                 'an ordinary role cannot execute stats_reset');
SELECT lives_ok($$SELECT * FROM denorm.stats$$, 'an ordinary role can read denorm.stats');
RESET ROLE;
SELECT ok(NOT has_function_privilege('denorm_tap_api_app',
          'denorm.create_row_projection(text,regclass,text,name,name,name[],boolean)', 'EXECUTE'),
          'has_function_privilege: an ordinary role may not execute create_row_projection');
SELECT ok(NOT has_function_privilege('denorm_tap_api_app', 'denorm.rebuild(text,anyelement)', 'EXECUTE'),
          'has_function_privilege: an ordinary role may not execute rebuild(text, anyelement)');
SELECT ok(NOT has_function_privilege('denorm_tap_api_app', 'denorm.rebuild_target(regclass,boolean)', 'EXECUTE'),
          'has_function_privilege: an ordinary role may not execute rebuild_target');
SELECT ok(has_function_privilege('denorm_tap_api_app', 'denorm.audit(text)', 'EXECUTE'),
          'has_function_privilege: an ordinary role may execute audit');

-- ---------------------------------------------------------------------------
-- Privileges on the catalog: PUBLIC reads, never writes.
-- ---------------------------------------------------------------------------
SELECT table_privs_are('denorm', 'projection', 'public', ARRAY['SELECT']);
SELECT table_privs_are('denorm', 'invariant', 'public', ARRAY['SELECT']);
SELECT table_privs_are('denorm', 'projections', 'public', ARRAY['SELECT']);
SELECT table_privs_are('denorm', 'stats', 'public', ARRAY['SELECT']);
SELECT schema_privs_are('denorm', 'public', ARRAY['USAGE']);
SELECT schema_privs_are('denorm_def', 'public', ARRAY['USAGE']);

SET LOCAL ROLE denorm_tap_api_app;
SELECT lives_ok($$SELECT * FROM denorm.projection$$, 'an ordinary role can SELECT denorm.projection');
SELECT lives_ok($$SELECT * FROM denorm.invariant$$, 'an ordinary role can SELECT denorm.invariant');
SELECT lives_ok($$SELECT * FROM denorm.projections$$, 'an ordinary role can SELECT denorm.projections');
SELECT throws_ok($$INSERT INTO denorm.projection (name, kind, source, target, definition, owner)
                   VALUES ('x', 'column', 'pg_class', 'pg_class', 'pg_class', current_user::regrole)$$,
                 '42501', 'permission denied for table projection',
                 'an ordinary role cannot INSERT into denorm.projection');
SELECT throws_ok($$UPDATE denorm.projection SET on_stale_write = 'keep'$$,
                 '42501', 'permission denied for table projection',
                 'an ordinary role cannot UPDATE denorm.projection');
SELECT throws_ok($$DELETE FROM denorm.projection$$,
                 '42501', 'permission denied for table projection',
                 'an ordinary role cannot DELETE from denorm.projection');
SELECT throws_ok($$TRUNCATE denorm.projection$$,
                 '42501', 'permission denied for table projection',
                 'an ordinary role cannot TRUNCATE denorm.projection');
SELECT throws_ok($$INSERT INTO denorm.invariant (name, definition, owner)
                   VALUES ('x', 'pg_class', current_user::regrole)$$,
                 '42501', 'permission denied for table invariant',
                 'an ordinary role cannot INSERT into denorm.invariant');
SELECT throws_ok($$UPDATE denorm.invariant SET name = 'y'$$,
                 '42501', 'permission denied for table invariant',
                 'an ordinary role cannot UPDATE denorm.invariant');
SELECT throws_ok($$DELETE FROM denorm.invariant$$,
                 '42501', 'permission denied for table invariant',
                 'an ordinary role cannot DELETE from denorm.invariant');
SELECT throws_ok($$INSERT INTO denorm.projections (name) VALUES ('x')$$,
                 '42501', 'permission denied for view projections',
                 'an ordinary role cannot write through denorm.projections');
SELECT throws_ok($$CREATE VIEW denorm_def.x AS SELECT 1$$,
                 '42501', 'permission denied for schema denorm_def',
                 'an ordinary role cannot create (or replace) definition views in denorm_def');
SELECT throws_ok($$CREATE TABLE denorm.x (i int)$$,
                 '42501', 'permission denied for schema denorm',
                 'an ordinary role cannot create objects in schema denorm');
RESET ROLE;
SELECT table_privs_are('denorm', 'projection', 'denorm_tap_api_app', ARRAY['SELECT'],
                       'an ordinary role has exactly SELECT on denorm.projection');
SELECT table_privs_are('denorm', 'invariant', 'denorm_tap_api_app', ARRAY['SELECT'],
                       'an ordinary role has exactly SELECT on denorm.invariant');

-- ---------------------------------------------------------------------------
-- Settings: they exist (library loaded above), have their defaults, their
-- contexts and ranges; an ordinary role cannot turn the guard off, by SET,
-- set_config or session_replication_role.
-- ---------------------------------------------------------------------------
SELECT results_eq(
    $$SELECT name::text, setting, coalesce(unit, ''), context::text, vartype::text,
             coalesce(min_val, ''), coalesce(max_val, ''), boot_val
        FROM pg_settings
       WHERE name IN ('denorm.allow_direct_writes', 'denorm.lock_escalation_threshold', 'denorm.lock_timeout')
       ORDER BY name$$,
    $$VALUES ('denorm.allow_direct_writes', 'off', '', 'superuser', 'bool', '', '', 'off'),
             ('denorm.lock_escalation_threshold', '1000', '', 'user', 'integer', '1', '1000000', '1000'),
             ('denorm.lock_timeout', '0', 'ms', 'user', 'integer', '0', '2147483647', '0')$$,
    'the three settings exist with their defaults, units, contexts and ranges');
SELECT is(current_setting('denorm.lock_escalation_threshold'), '1000', 'denorm.lock_escalation_threshold defaults to 1000');
SELECT is(current_setting('denorm.lock_timeout'), '0', 'denorm.lock_timeout defaults to 0');
SELECT is(current_setting('denorm.allow_direct_writes'), 'off', 'denorm.allow_direct_writes defaults to off');
SELECT throws_ok($$SET LOCAL denorm.lock_escalation_threshold = 0$$, '22023',
                 '0 is outside the valid range for parameter "denorm.lock_escalation_threshold" (1 .. 1000000)',
                 'lock_escalation_threshold below 1 is refused');
SELECT throws_ok($$SET LOCAL denorm.lock_timeout = -1$$, '22023',
                 '-1 ms is outside the valid range for parameter "denorm.lock_timeout" (0 .. 2147483647)',
                 'a negative lock_timeout is refused');
SELECT throws_ok($$SET LOCAL denorm.allow_direct_writes = maybe$$, '22023',
                 'parameter "denorm.allow_direct_writes" requires a Boolean value',
                 'allow_direct_writes takes a Boolean');
SELECT throws_ok($$SET LOCAL denorm.no_such_setting = 1$$, '42602',
                 'invalid configuration parameter name "denorm.no_such_setting"',
                 'the denorm. prefix is reserved: a misspelt setting is an error, not a placeholder');

SET LOCAL ROLE denorm_tap_api_app;
SELECT throws_ok($$SET denorm.allow_direct_writes = on$$, '42501',
                 'permission denied to set parameter "denorm.allow_direct_writes"',
                 'an ordinary role cannot SET denorm.allow_direct_writes');
SELECT throws_ok($$SET LOCAL denorm.allow_direct_writes = on$$, '42501',
                 'permission denied to set parameter "denorm.allow_direct_writes"',
                 'an ordinary role cannot SET LOCAL denorm.allow_direct_writes');
SELECT throws_ok($$SELECT set_config('denorm.allow_direct_writes', 'on', true)$$, '42501',
                 'permission denied to set parameter "denorm.allow_direct_writes"',
                 'an ordinary role cannot set_config denorm.allow_direct_writes');
SELECT throws_ok($$SET session_replication_role = replica$$, '42501',
                 'permission denied to set parameter "session_replication_role"',
                 'an ordinary role cannot SET session_replication_role (which would skip the triggers)');
SELECT is(current_setting('denorm.allow_direct_writes'), 'off', 'allow_direct_writes is still off for the ordinary role');
SELECT lives_ok($$SET LOCAL denorm.lock_timeout = 250$$, 'an ordinary role may SET denorm.lock_timeout');
SELECT is(current_setting('denorm.lock_timeout'), '250ms', 'and it takes effect, in milliseconds');
SELECT lives_ok($$SET LOCAL denorm.lock_escalation_threshold = 10$$,
                'an ordinary role may SET denorm.lock_escalation_threshold');
RESET ROLE;
SELECT lives_ok($$SET LOCAL denorm.allow_direct_writes = on$$, 'a superuser may SET denorm.allow_direct_writes');
SELECT is(current_setting('denorm.allow_direct_writes'), 'on', 'and it takes effect');
SET LOCAL denorm.allow_direct_writes = off;

-- ---------------------------------------------------------------------------
-- Comments: every object of the API says what it is.
-- ---------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'denorm'::regnamespace
              AND coalesce(obj_description(p.oid, 'pg_proc'), '') NOT LIKE 'denorm: %'), 0,
          'every function of schema denorm has a "denorm: ..." comment');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'denorm'::regnamespace AND c.relkind IN ('r', 'v')
              AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'denorm: %'), 0,
          'every table and view of schema denorm has a "denorm: ..." comment');

SELECT * FROM finish();
ROLLBACK;
