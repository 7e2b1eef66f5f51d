-- 02_bad_input: every registration denorm must refuse, with its SQLSTATE and
-- message, and proof that a refused registration leaves nothing behind: no
-- catalog row, no view in denorm_def, no trigger (compared as a whole before
-- and after each attempt).
BEGIN;
SELECT plan(311);
SET LOCAL client_min_messages = warning;

CREATE SCHEMA tap_bad;
SET LOCAL search_path = tap_bad, public;

-- Everything registration could leave behind, as one comparable value.
CREATE FUNCTION tap_bad.state() RETURNS text LANGUAGE sql AS $$
SELECT format('projections: [%s] invariants: [%s] views: [%s] triggers: [%s]',
    (SELECT string_agg(name, ', ' ORDER BY name) FROM denorm.projection),
    (SELECT string_agg(name, ', ' ORDER BY name) FROM denorm.invariant),
    (SELECT string_agg(relname::text, ', ' ORDER BY relname) FROM pg_catalog.pg_class
      WHERE relnamespace = 'denorm_def'::regnamespace),
    (SELECT string_agg(t.tgname || ' ON ' || t.tgrelid::regclass::text, ', ' ORDER BY t.tgname, t.tgrelid::regclass::text)
       FROM pg_catalog.pg_trigger t
      WHERE NOT t.tgisinternal
        AND (t.tgname LIKE 'denorm\_%'
             OR t.tgfoid IN ('denorm.maintain()'::regprocedure, 'denorm.guard()'::regprocedure))))
$$;

-- throws_ok, then "the state did not change".
CREATE FUNCTION tap_bad.refused(q text, code text, msg text, what text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    before text := tap_bad.state();
BEGIN
    RETURN NEXT throws_ok(q, code, msg, what);
    RETURN NEXT is(tap_bad.state(), before, what || ': nothing left behind');
END
$$;

-- 'SQLSTATE: message' of the error q raises, or 'no error'.
CREATE FUNCTION tap_bad.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

CREATE FUNCTION tap_bad.error_detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE q;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d;
END
$$;

-- ---------------------------------------------------------------------------
-- Tables.
-- ---------------------------------------------------------------------------
CREATE TABLE src (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text, acct_id int,
                  region int, code text, nk int NOT NULL, uk int UNIQUE, big bigint);
CREATE TABLE src2 (id int PRIMARY KEY, amount numeric(12,2) NOT NULL);
CREATE TABLE src_big (id bigint PRIMARY KEY);
CREATE TABLE acct (id int PRIMARY KEY, code text UNIQUE, region int, name text, UNIQUE (region, code));
CREATE VIEW v_acct AS SELECT * FROM acct;
CREATE TABLE tgt (canonical_type text, canonical_pk int, amount numeric(12,2), note text, name text,
                  PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE tgt2 (kind text, pk int, canonical_type text, canonical_pk int,
                   PRIMARY KEY (canonical_type, canonical_pk), UNIQUE (kind, pk));
CREATE VIEW v_tgt AS SELECT * FROM tgt;
CREATE MATERIALIZED VIEW mv_tgt AS SELECT * FROM tgt;
CREATE FOREIGN DATA WRAPPER tap_bad_fdw;
CREATE SERVER tap_bad_server FOREIGN DATA WRAPPER tap_bad_fdw;
CREATE FOREIGN TABLE ft_tgt (canonical_type text, canonical_pk int) SERVER tap_bad_server;
CREATE TEMP TABLE tmp_tgt (canonical_type text, canonical_pk int, PRIMARY KEY (canonical_type, canonical_pk));
CREATE TEMP TABLE tmp_src (id int PRIMARY KEY);
CREATE UNLOGGED TABLE unlogged_tgt (canonical_type text, canonical_pk int, PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE gen_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                      doubled numeric GENERATED ALWAYS AS (amount * 2) STORED,
                      PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE ident_tgt (canonical_type text, canonical_pk int, n int GENERATED ALWAYS AS IDENTITY,
                        PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE noidx_tgt (canonical_type text, canonical_pk int);
CREATE TABLE wideidx_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                          UNIQUE (canonical_type, canonical_pk, amount));
CREATE TABLE partial_tgt (canonical_type text, canonical_pk int);
CREATE UNIQUE INDEX ON partial_tgt (canonical_type, canonical_pk) WHERE canonical_pk > 0;
CREATE TABLE deferred_tgt (canonical_type text, canonical_pk int,
                           UNIQUE (canonical_type, canonical_pk) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0,
                      items int NOT NULL DEFAULT 0, biggest numeric(12,2),
                      canonical_type text, canonical_pk int, UNIQUE (canonical_type, canonical_pk));
CREATE TABLE item (id int PRIMARY KEY, invoice_id int, price numeric(12,2));
-- for cycles
CREATE TABLE a (id int PRIMARY KEY, canonical_type text, canonical_pk int, UNIQUE (canonical_type, canonical_pk));
CREATE TABLE b (canonical_type text, canonical_pk int, PRIMARY KEY (canonical_type, canonical_pk), UNIQUE (canonical_pk));
CREATE TABLE c (canonical_type text, canonical_pk int, PRIMARY KEY (canonical_type, canonical_pk), UNIQUE (canonical_pk));
CREATE TABLE selfy (id int PRIMARY KEY, canonical_type text, canonical_pk int, UNIQUE (canonical_type, canonical_pk));
-- row-level security
CREATE TABLE rls_src (id int PRIMARY KEY);
ALTER TABLE rls_src ENABLE ROW LEVEL SECURITY;
CREATE TABLE rls_tgt (canonical_type text, canonical_pk int, PRIMARY KEY (canonical_type, canonical_pk));
ALTER TABLE rls_tgt ENABLE ROW LEVEL SECURITY;
CREATE TABLE rls_acct (id int PRIMARY KEY, name text);
ALTER TABLE rls_acct ENABLE ROW LEVEL SECURITY;
-- inheritance (not partitioning)
CREATE TABLE inh_parent (id int PRIMARY KEY, acct_id int);
CREATE TABLE inh_child (extra int) INHERITS (inh_parent);
ALTER TABLE inh_child ADD PRIMARY KEY (id);
CREATE TABLE inh_acct (id int PRIMARY KEY, name text);
CREATE TABLE inh_acct_child () INHERITS (inh_acct);
-- partitioning
CREATE TABLE part_src (id int PRIMARY KEY, amount numeric(12,2)) PARTITION BY RANGE (id);
CREATE TABLE part_src_1 PARTITION OF part_src FOR VALUES FROM (0) TO (100);

-- ---------------------------------------------------------------------------
-- NULL arguments (22004).
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection(NULL, 'tgt', $q$SELECT 1$q$)$$,
    '22004', 'projection name must not be NULL', 'row projection with a NULL name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection(NULL, 'invoice', $q$SELECT 1$q$)$$,
    '22004', 'projection name must not be NULL', 'column projection with a NULL name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_target', NULL, $q$SELECT 1$q$)$$,
    '22004', 'target of projection "p_null_target" must not be NULL', 'row projection with a NULL target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_null_target', NULL, $q$SELECT 1$q$)$$,
    '22004', 'target of projection "c_null_target" must not be NULL', 'column projection with a NULL target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_query', 'tgt', NULL)$$,
    '22004', 'query of projection "p_null_query" must not be NULL', 'row projection with a NULL query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_null_query', 'invoice', NULL)$$,
    '22004', 'query of projection "c_null_query" must not be NULL', 'column projection with a NULL query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_type_column', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, type_column => NULL)$$,
    '22004', 'type_column, key_column, row_key and create_triggers must not be NULL', 'NULL type_column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_key_column', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, key_column => NULL)$$,
    '22004', 'type_column, key_column, row_key and create_triggers must not be NULL', 'NULL key_column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_row_key', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, row_key => NULL)$$,
    '22004', 'type_column, key_column, row_key and create_triggers must not be NULL', 'NULL row_key');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_null_create_triggers', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, create_triggers => NULL)$$,
    '22004', 'type_column, key_column, row_key and create_triggers must not be NULL', 'NULL create_triggers (row)');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_null_stale', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$,
        on_stale_write => NULL)$$,
    '22004', 'on_stale_write and create_triggers must not be NULL', 'NULL on_stale_write');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_null_create_triggers', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$,
        create_triggers => NULL)$$,
    '22004', 'on_stale_write and create_triggers must not be NULL', 'NULL create_triggers (column)');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_row_key_null', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, row_key => ARRAY[NULL]::name[])$$,
    '22004', 'row_key of projection "p_row_key_null" must not contain NULL', 'row_key containing NULL');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_row_key_null2', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, row_key => ARRAY['note', NULL]::name[])$$,
    '22004', 'row_key of projection "p_row_key_null2" must not contain NULL', 'row_key containing a NULL after a name');

-- ---------------------------------------------------------------------------
-- Names (22023): 1 to 40 of [a-z0-9_], not starting with a digit.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('Upper', 'tgt', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name "Upper"', 'an upper-case name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('1st', 'tgt', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name "1st"', 'a name starting with a digit');
SELECT * FROM tap_bad.refused(
    format($$SELECT denorm.create_row_projection(%L, 'tgt', $q$SELECT 1$q$)$$, repeat('n', 41)),
    '22023', format('invalid projection name "%s"', repeat('n', 41)), 'a name of 41 characters');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('', 'tgt', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name ""', 'an empty name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('has-dash', 'tgt', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name "has-dash"', 'a name with a dash');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('has space', 'tgt', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name "has space"', 'a name with a space');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('Upper', 'invoice', $q$SELECT 1$q$)$$,
    '22023', 'invalid projection name "Upper"', 'an upper-case column projection name');
SELECT is(tap_bad.error_detail($$SELECT denorm.create_row_projection('Upper', 'tgt', $q$SELECT 1$q$)$$),
          'The name of a projection is 1 to 40 lower-case letters, digits and underscores, not starting with a digit; '
          'it names its definition view and its triggers.',
          'the detail of an invalid projection name says what a name is');
-- The boundary: 40 characters, and a leading underscore, are fine.
SELECT lives_ok(
    format($$SELECT denorm.create_row_projection(%L, 'tgt',
        $q$SELECT 'n40'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, create_triggers => false)$$,
        repeat('n', 40)),
    'a name of 40 characters is accepted');
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('_p9', 'tgt',
        $q$SELECT '_p9'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, create_triggers => false)$$,
    'a name starting with an underscore and containing digits is accepted');

-- Invariants follow the same rules.
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant(NULL, $q$SELECT 1$q$)$$,
    '22004', 'invariant name must not be NULL', 'invariant with a NULL name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('i_null_query', NULL)$$,
    '22004', 'query of invariant "i_null_query" must not be NULL', 'invariant with a NULL query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('Upper', $q$SELECT 1$q$)$$,
    '22023', 'invalid invariant name "Upper"', 'invariant with an upper-case name');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('i_two', $q$SELECT 1; SELECT 2$q$)$$,
    '42601', 'query of invariant "i_two" must be exactly one SELECT statement', 'invariant of two statements');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('i_delete', $q$DELETE FROM src$q$)$$,
    '42601', 'query of invariant "i_delete" must be a SELECT statement', 'invariant that is a DELETE');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('i_no_table', $q$SELECT * FROM tap_bad.no_such_table$q$)$$,
    '42P01', 'relation "tap_bad.no_such_table" does not exist', 'invariant reading an unknown table');
SELECT lives_ok($$SELECT denorm.create_invariant('i_ok', $q$SELECT id FROM src WHERE amount < 0$q$)$$,
                'a valid invariant is accepted');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_invariant('i_ok', $q$SELECT 1$q$)$$,
    '42710', 'invariant "i_ok" already exists', 'a duplicate invariant');
-- The detail of a bad invariant name is copied from projections: "A invariant
-- name ... names the triggers and the definition view". Invariants have no
-- triggers, and the article is wrong.
SELECT doesnt_match(coalesce(tap_bad.error_detail($$SELECT denorm.create_invariant('Upper', $q$SELECT 1$q$)$$), ''),
                    'trigger', 'the detail of an invalid invariant name does not speak of triggers (invariants have none)');
SELECT doesnt_match(coalesce(tap_bad.error_detail($$SELECT denorm.create_invariant('Upper', $q$SELECT 1$q$)$$), ''),
                    '^A invariant', 'the detail of an invalid invariant name says "An invariant name"');

-- ---------------------------------------------------------------------------
-- Unknown objects, and queries that are not one SELECT.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_unknown_target', 'tap_bad.no_such_table', $q$SELECT 1$q$)$$,
    '42P01', 'relation "tap_bad.no_such_table" does not exist', 'an unknown target (regclass input)');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_unknown_table', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM tap_bad.no_such_table s$q$)$$,
    '42P01', 'relation "tap_bad.no_such_table" does not exist', 'an unknown table in the query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_unknown_column', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.no_such_column AS note FROM src s$q$)$$,
    '42703', 'column s.no_such_column does not exist', 'an unknown column in the query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_unknown_column', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.no_such_column) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42703', 'column i.no_such_column does not exist', 'an unknown column in a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_two_statements', 'tgt', $q$SELECT 1; SELECT 2$q$)$$,
    '42601', 'query of projection "p_two_statements" must be exactly one SELECT statement', 'two statements');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_select_then_drop', 'tgt', $q$SELECT 1; DROP TABLE src$q$)$$,
    '42601', 'query of projection "p_select_then_drop" must be exactly one SELECT statement',
    'a SELECT followed by a DROP');
SELECT has_table('tap_bad', 'src', 'and src still exists');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_empty_query', 'tgt', '')$$,
    '42601', 'query of projection "p_empty_query" must be exactly one SELECT statement', 'an empty query');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_comment_query', 'tgt', '-- nothing')$$,
    '42601', 'query of projection "p_comment_query" must be exactly one SELECT statement', 'a query that is only a comment');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_insert', 'tgt', $q$INSERT INTO src2 VALUES (1, 1)$q$)$$,
    '42601', 'query of projection "p_insert" must be a SELECT statement', 'an INSERT');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_select_into', 'tgt', $q$SELECT 1 AS x INTO tap_bad.made$q$)$$,
    '42601', 'query of projection "p_select_into" must be a SELECT statement', 'SELECT INTO');
SELECT hasnt_table('tap_bad', 'made', 'and SELECT INTO created no table');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_explain', 'tgt', $q$EXPLAIN SELECT 1$q$)$$,
    '42601', 'query of projection "p_explain" must be a SELECT statement', 'EXPLAIN');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_update', 'invoice', $q$UPDATE item SET price = 0$q$)$$,
    '42601', 'query of projection "c_update" must be a SELECT statement', 'an UPDATE as a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_syntax', 'tgt', $q$SELEC 1$q$)$$,
    '42601', 'syntax error at or near "SELEC"', 'a syntax error');

-- ---------------------------------------------------------------------------
-- Outputs against the target.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_no_column', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount AS no_such FROM src s$q$)$$,
    '42703', 'column "no_such" of projection "p_no_column" does not exist in target tap_bad.tgt',
    'an output column that is not in the target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_type_mismatch', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.note AS amount FROM src s$q$)$$,
    '42804', 'column "amount" of projection "p_type_mismatch" is of type text but target column tap_bad.tgt.amount is of type numeric',
    'an output of another type than its target column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_key_type', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src_big s$q$)$$,
    '42804', 'column "canonical_pk" of projection "p_key_type" is of type bigint but target column tap_bad.tgt.canonical_pk is of type integer',
    'a key of another type than the key column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_no_type', 'tgt',
        $q$SELECT s.id AS canonical_pk FROM src s$q$)$$,
    '42703', 'definition of projection "p_no_type" must produce column "canonical_type"', 'no type column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_no_key', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.amount FROM src s$q$)$$,
    '42703', 'definition of projection "p_no_key" must produce column "canonical_pk"', 'no key column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_custom_type_column', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, type_column => 'kind')$$,
    '42703', 'definition of projection "p_custom_type_column" must produce column "kind"',
    'a type_column the query does not produce');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_row_key_missing', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, row_key => '{line_no}')$$,
    '42703', 'definition of projection "p_row_key_missing" must produce column "line_no"',
    'a row_key column the query does not produce');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_dup_output', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount, s.amount FROM src s$q$)$$,
    '42701', 'column "amount" specified more than once', 'an output column named twice');

-- ---------------------------------------------------------------------------
-- The target.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_view_target', 'v_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42809', 'target tap_bad.v_tgt of projection "p_view_target" is not a table', 'a view as target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_matview_target', 'mv_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42809', 'target tap_bad.mv_tgt of projection "p_matview_target" is not a table', 'a materialized view as target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_foreign_target', 'ft_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42809', 'target tap_bad.ft_tgt of projection "p_foreign_target" is not a table', 'a foreign table as target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_view_target', 'v_tgt',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42809', 'target tap_bad.v_tgt of projection "c_view_target" is not a table', 'a view as column target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_catalog_target', 'denorm.projection',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42809', 'target of projection "p_catalog_target" cannot be one of denorm''s own relations', 'denorm''s catalog as target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_temp_target', 'tmp_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '0A000', format('target %s.tmp_tgt of projection "p_temp_target" is a temporary table', pg_my_temp_schema()::regnamespace),
    'a temporary target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_unlogged_target', 'unlogged_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '0A000', 'target tap_bad.unlogged_tgt of projection "p_unlogged_target" is an unlogged table', 'an unlogged target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_generated', 'gen_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount AS doubled FROM src s$q$)$$,
    '428C9', 'column "doubled" of target tap_bad.gen_tgt is a generated column; projection "p_generated" cannot own it',
    'a generated target column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_identity', 'ident_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.id AS n FROM src s$q$)$$,
    '428C9', 'column "n" of target tap_bad.ident_tgt is an identity column; projection "p_identity" cannot own it',
    'an identity-always target column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_noidx', 'noidx_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P10', 'target tap_bad.noidx_tgt of projection "p_noidx" has no unique index on exactly its identity columns',
    'a target without a unique index');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_wideidx', 'wideidx_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P10', 'target tap_bad.wideidx_tgt of projection "p_wideidx" has no unique index on exactly its identity columns',
    'a target whose unique index has more than the identity columns');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_partialidx', 'partial_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P10', 'target tap_bad.partial_tgt of projection "p_partialidx" has no unique index on exactly its identity columns',
    'a target whose only unique index is partial');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_deferredidx', 'deferred_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P10', 'target tap_bad.deferred_tgt of projection "p_deferredidx" has no unique index on exactly its identity columns',
    'a target whose only unique constraint is deferrable');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_row_key_not_indexed', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.note FROM src s$q$, row_key => '{note}')$$,
    '42P10', 'target tap_bad.tgt of projection "p_row_key_not_indexed" has no unique index on exactly its identity columns',
    'row_key columns not covered by the target''s unique index');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_no_unique', 'invoice',
        $q$SELECT i.price AS total, count(*)::int AS items FROM item i GROUP BY i.price$q$)$$,
    '42P10', 'target tap_bad.invoice of projection "c_no_unique" has no unique index on exactly its GROUP BY columns',
    'GROUP BY columns that are no unique key of the target');

-- ---------------------------------------------------------------------------
-- Key and type columns of a row projection.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_key_not_unique', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.nk AS canonical_pk FROM src s$q$)$$,
    '42P10', 'key column "canonical_pk" of projection "p_key_not_unique" must come from a unique, not-null column of its source',
    'a key column that is not unique in the source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_key_nullable', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.uk AS canonical_pk FROM src s$q$)$$,
    '42P10', 'key column "canonical_pk" of projection "p_key_nullable" must come from a unique, not-null column of its source',
    'a key column that is unique but nullable');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_key_expr', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id + 0 AS canonical_pk FROM src s$q$)$$,
    '42P17', 'key column "canonical_pk" of projection "p_key_expr" must be a column of the source table, unchanged',
    'a key column that is an expression');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_type_var', 'tgt',
        $q$SELECT s.note AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P17', 'type column "canonical_type" of projection "p_type_var" must be a non-null constant',
    'a type column that is not a constant');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_type_null', 'tgt',
        $q$SELECT NULL::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P17', 'type column "canonical_type" of projection "p_type_null" must be a non-null constant',
    'a type column that is NULL');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_type_expr', 'tgt',
        $q$SELECT lower('X') AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '42P17', 'type column "canonical_type" of projection "p_type_expr" must be a non-null constant',
    'a type column that is an (immutable) expression');

-- ---------------------------------------------------------------------------
-- Immutability (42P17).
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_now', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, now()::text AS note FROM src s$q$)$$,
    '42P17', 'definition of projection "p_now" uses a function or operator that is not immutable',
    'a stable function (now()) in the select list');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_random', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s WHERE s.amount < random()$q$)$$,
    '42P17', 'definition of projection "p_random" uses a function or operator that is not immutable',
    'a volatile function (random()) in WHERE');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_stable_join', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s
           JOIN acct a ON a.id = s.acct_id AND a.name <> current_user$q$)$$,
    '42P17', 'definition of projection "p_stable_join" uses a function or operator that is not immutable',
    'a stable function in a join condition');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_random', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price * random())::numeric(12,2) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42P17', 'definition of projection "c_random" uses a function or operator that is not immutable',
    'a volatile function inside an aggregate');

-- ---------------------------------------------------------------------------
-- Shapes denorm cannot maintain (0A000).
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_sublink', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s WHERE s.acct_id IN (SELECT id FROM acct)$q$)$$,
    '0A000', 'definition of projection "p_sublink" uses subqueries', 'a subquery in WHERE');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_from_subquery', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM (SELECT * FROM src) s$q$)$$,
    '0A000', 'definition of projection "p_from_subquery" reads a table in a subquery in FROM', 'a subquery in FROM');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_union', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s
           UNION ALL SELECT 'y'::text, t.id FROM src2 t$q$)$$,
    '0A000', 'definition of projection "p_union" uses UNION, INTERSECT or EXCEPT', 'UNION ALL');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_with', 'tgt',
        $q$WITH w AS (SELECT * FROM src) SELECT 'x'::text AS canonical_type, w.id AS canonical_pk FROM w$q$)$$,
    '0A000', 'definition of projection "p_with" uses WITH', 'WITH');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_window', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, (row_number() OVER ())::text AS note FROM src s$q$)$$,
    '0A000', 'definition of projection "p_window" uses window functions', 'a window function');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_distinct', 'tgt',
        $q$SELECT DISTINCT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '0A000', 'definition of projection "p_distinct" uses DISTINCT', 'DISTINCT');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_limit', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s LIMIT 10$q$)$$,
    '0A000', 'definition of projection "p_limit" uses LIMIT or OFFSET', 'LIMIT');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_offset', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s OFFSET 1$q$)$$,
    '0A000', 'definition of projection "p_offset" uses LIMIT or OFFSET', 'OFFSET');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_for_update', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s FOR UPDATE$q$)$$,
    '0A000', 'definition of projection "p_for_update" uses FOR UPDATE or FOR SHARE', 'FOR UPDATE');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_srf', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, generate_series(1, 2)::numeric(12,2) AS amount FROM src s$q$)$$,
    '0A000', 'definition of projection "p_srf" uses set-returning functions in the select list (use CROSS JOIN LATERAL instead)',
    'a set-returning function in the select list');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_aggregate', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, sum(s.amount)::numeric(12,2) AS amount
             FROM src s GROUP BY s.id$q$)$$,
    '0A000', 'definition of projection "p_aggregate" uses aggregates or GROUP BY (register it with create_column_projection)',
    'aggregates in a row projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_right_join', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s RIGHT JOIN acct a ON a.id = s.acct_id$q$)$$,
    '0A000', 'definition of projection "p_right_join" uses a RIGHT or FULL join', 'RIGHT JOIN');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_full_join', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s FULL JOIN acct a ON a.id = s.acct_id$q$)$$,
    '0A000', 'definition of projection "p_full_join" uses a RIGHT or FULL join', 'FULL JOIN');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_source_nullable', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM acct a LEFT JOIN src s ON s.acct_id = a.id$q$)$$,
    '0A000', 'source tap_bad.src of projection "p_source_nullable" is on the nullable side of an outer join',
    'the source on the nullable side of a LEFT JOIN');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_source_twice', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s JOIN src s2 ON s2.id = s.acct_id$q$)$$,
    '0A000', 'projection "p_source_twice" reads its source tap_bad.src more than once', 'the source read twice');
-- column projections
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_no_group', 'invoice',
        $q$SELECT sum(i.price) AS total FROM item i$q$)$$,
    '0A000', 'definition of projection "c_no_group" uses no GROUP BY (a column projection aggregates its source by the target''s key)',
    'an aggregate without GROUP BY in a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_no_aggregate', 'invoice',
        $q$SELECT i.invoice_id AS id, i.price AS total FROM item i$q$)$$,
    '0A000', 'definition of projection "c_no_aggregate" uses no GROUP BY (a column projection aggregates its source by the target''s key)',
    'no GROUP BY and no aggregate in a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_having', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id HAVING count(*) > 1$q$)$$,
    '0A000', 'definition of projection "c_having" uses HAVING', 'HAVING');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_rollup', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY ROLLUP (i.invoice_id)$q$)$$,
    '0A000', 'definition of projection "c_rollup" uses GROUPING SETS, ROLLUP or CUBE', 'ROLLUP');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_window', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(sum(i.price)) OVER () AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '0A000', 'definition of projection "c_window" uses window functions', 'a window function in a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_expr', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) * 2 AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '0A000', 'column "total" of projection "c_expr" must be one aggregate call (or the GROUP BY column)',
    'an owned column that is an expression over an aggregate');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_join', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i JOIN invoice v ON v.id = i.invoice_id GROUP BY i.invoice_id$q$)$$,
    '0A000', 'column projection "c_join" must aggregate exactly one table', 'a column projection over a join');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_group_expr', 'invoice',
        $q$SELECT i.invoice_id + 0 AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id + 0$q$)$$,
    '0A000', 'projection "c_group_expr" groups by an expression; group by columns of tap_bad.item', 'GROUP BY an expression');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_type', 'invoice',
        $q$SELECT i.invoice_id AS id, count(*) AS items FROM item i GROUP BY i.invoice_id$q$)$$,
    '42804', 'column "items" of projection "c_type" is of type bigint but target column tap_bad.invoice.items is of type integer',
    'an aggregate of another type than its target column');
-- A GROUP BY without any aggregate owns no column. It is refused, but the
-- message must not claim the query has no GROUP BY.
SELECT matches(tap_bad.error_of(
    $$SELECT denorm.create_column_projection('c_group_no_agg', 'invoice',
        $q$SELECT i.invoice_id AS id FROM item i GROUP BY i.invoice_id$q$)$$),
    '^(0A000|42P17): ', 'a column projection with GROUP BY but no aggregate is refused');
SELECT doesnt_match(tap_bad.error_of(
    $$SELECT denorm.create_column_projection('c_group_no_agg', 'invoice',
        $q$SELECT i.invoice_id AS id FROM item i GROUP BY i.invoice_id$q$)$$),
    'uses no GROUP BY', 'the refusal of a GROUP BY without aggregate does not say "uses no GROUP BY"');

-- ---------------------------------------------------------------------------
-- Lookups: joined on a whole unique key, from source columns of its type.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_not_unique', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s JOIN acct a ON a.region = s.region$q$)$$,
    '0A000', 'projection "p_lookup_not_unique" reads tap_bad.acct, which is not joined on a unique key',
    'a lookup joined on a column that is not unique');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_partial', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s
           JOIN acct a ON a.region = s.region AND a.code = 'c'$q$)$$,
    '0A000', 'projection "p_lookup_partial" reads tap_bad.acct, which is not joined on a unique key',
    'a lookup joined on part of a composite key (the rest to a constant)');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_left_partial', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s
           LEFT JOIN acct a ON a.region = s.region$q$)$$,
    '0A000', 'projection "p_lookup_left_partial" reads tap_bad.acct, which is not joined on a unique key',
    'a LEFT JOIN lookup not joined on a unique key');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_cross', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s CROSS JOIN acct a$q$)$$,
    '0A000', 'projection "p_lookup_cross" reads tap_bad.acct, which is not joined on a unique key',
    'a lookup cross-joined');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_types', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s JOIN acct a ON a.id = s.big$q$)$$,
    '0A000', 'projection "p_lookup_types" joins lookup tap_bad.acct on columns of different types (integer and bigint)',
    'a lookup joined on columns of different types');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_twice', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s
           JOIN acct a ON a.id = s.acct_id JOIN acct a2 ON a2.id = s.region$q$)$$,
    '0A000', 'projection "p_lookup_twice" reads lookup tap_bad.acct more than once', 'a lookup read twice');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_view', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s JOIN v_acct a ON a.id = s.acct_id$q$)$$,
    '0A000', 'projection "p_lookup_view" reads tap_bad.v_acct, which is not a table', 'a view as lookup');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_view_source', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, a.id AS canonical_pk FROM v_acct a$q$)$$,
    '0A000', 'projection "p_view_source" reads tap_bad.v_acct, which is not a table', 'a view as source');
-- A temporary source: denorm's own 0A000, not PostgreSQL's complaint about
-- a temporary view in a permanent schema (42P16) that CREATE VIEW raises first.
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_temp_source', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM tmp_src s$q$)$$,
    '0A000', format('projection "p_temp_source" reads temporary table %s.tmp_src', pg_my_temp_schema()::regnamespace),
    'a temporary source');

-- ---------------------------------------------------------------------------
-- Row-level security and inheritance (0A000).
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_rls_source', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM rls_src s$q$)$$,
    '0A000', 'projection "p_rls_source" uses tap_bad.rls_src, which has row-level security enabled',
    'a source with row-level security');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_rls_target', 'rls_tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    '0A000', 'projection "p_rls_target" uses tap_bad.rls_tgt, which has row-level security enabled',
    'a target with row-level security');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_rls_lookup', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s JOIN rls_acct a ON a.id = s.acct_id$q$)$$,
    '0A000', 'projection "p_rls_lookup" uses tap_bad.rls_acct, which has row-level security enabled',
    'a lookup with row-level security');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_inh_parent', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM inh_parent s$q$)$$,
    '0A000', 'projection "p_inh_parent" uses tap_bad.inh_parent, which takes part in table inheritance',
    'an inheritance parent as source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_inh_only', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM ONLY inh_parent s$q$)$$,
    '0A000', 'projection "p_inh_only" uses tap_bad.inh_parent, which takes part in table inheritance',
    'ONLY an inheritance parent as source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_inh_child', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM inh_child s$q$)$$,
    '0A000', 'projection "p_inh_child" uses tap_bad.inh_child, which takes part in table inheritance',
    'an inheritance child as source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_inh_lookup', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, a.name FROM src s JOIN inh_acct a ON a.id = s.acct_id$q$)$$,
    '0A000', 'projection "p_inh_lookup" uses tap_bad.inh_acct, which takes part in table inheritance',
    'an inheritance parent as lookup');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_inh_source', 'invoice',
        $q$SELECT s.acct_id AS id, count(*)::int AS items FROM inh_parent s GROUP BY s.acct_id$q$)$$,
    '0A000', 'projection "c_inh_source" uses tap_bad.inh_parent, which takes part in table inheritance',
    'an inheritance parent as column projection source');
-- A partitioned table is supported as a source (positive control).
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_partitioned_source', 'tgt',
        $q$SELECT 'part'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM part_src s$q$)$$,
    'a partitioned table is accepted as source');

-- ---------------------------------------------------------------------------
-- Options.
-- ---------------------------------------------------------------------------
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_stale_ignore', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$,
        on_stale_write => 'ignore')$$,
    '22023', 'on_stale_write must be ''error'' or ''keep'', not ''ignore''', 'on_stale_write ''ignore''');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_stale_upper', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$,
        on_stale_write => 'KEEP')$$,
    '22023', 'on_stale_write must be ''error'' or ''keep'', not ''KEEP''', 'on_stale_write ''KEEP'' (case matters)');

-- ---------------------------------------------------------------------------
-- Duplicates and overlaps (42710), and mixing kinds on one target.
-- ---------------------------------------------------------------------------
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_income', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src s$q$)$$,
    'a valid row projection is accepted');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_income', 'tgt',
        $q$SELECT 'y'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src2 s$q$)$$,
    '42710', 'projection "p_income" already exists', 'a duplicate registration');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('p_income', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42710', 'projection "p_income" already exists', 'a duplicate name across kinds');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_same_type', 'tgt',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src2 s$q$)$$,
    '42710', 'projection "p_income" already feeds tap_bad.tgt with canonical_type = ''x''',
    'the same canonical type value in one target');
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_tgt2', 'tgt2',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src s$q$)$$,
    'a row projection into tgt2 is accepted');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_other_identity', 'tgt2',
        $q$SELECT 'y'::text AS kind, s.id AS pk FROM src2 s$q$, type_column => 'kind', key_column => 'pk')$$,
    '42P17', 'projection "p_other_identity" identifies rows of tap_bad.tgt2 by (kind, pk), but projection "p_tgt2" uses (canonical_type, canonical_pk)',
    'another identity than the projections already feeding the target');
SELECT lives_ok(
    $$SELECT denorm.create_column_projection('c_totals', 'invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    'a valid column projection is accepted');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_same_column', 'invoice',
        $q$SELECT i.invoice_id AS id, max(i.price) AS biggest, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42710', 'column total of tap_bad.invoice is already owned by projection "c_totals"',
    'two column projections owning the same column');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_into_column_target', 'invoice',
        $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk FROM src2 s$q$)$$,
    '0A000', 'target tap_bad.invoice of projection "p_into_column_target" is already fed by column projection "c_totals"',
    'a row projection into a table with owned columns');

SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_into_row_target', 'tgt2',
        $q$SELECT s.note AS canonical_type, s.id AS canonical_pk, count(*)::int AS pk FROM src s GROUP BY s.note, s.id$q$)$$,
    '0A000', 'target tap_bad.tgt2 of projection "c_into_row_target" is already fed by row projection "p_tgt2"',
    'a column projection into a table owned row by row');
-- A trigger of the name registration wants already exists: PostgreSQL's
-- error, and the half-made registration (view, earlier triggers) rolls back.
CREATE FUNCTION tap_bad.noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER denorm_p_trigger_clash_del AFTER DELETE ON src2 FOR EACH STATEMENT EXECUTE FUNCTION tap_bad.noop();
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_trigger_clash', 'tgt',
        $q$SELECT 'clash'::text AS canonical_type, s.id AS canonical_pk FROM src2 s$q$)$$,
    '42710', 'trigger "denorm_p_trigger_clash_del" for relation "src2" already exists',
    'a trigger name taken by a user trigger');
DROP TRIGGER denorm_p_trigger_clash_del ON src2;

-- ---------------------------------------------------------------------------
-- Cycles (42P17), with the cycle spelled out.
-- ---------------------------------------------------------------------------
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_ab', 'b', $q$SELECT 'a'::text AS canonical_type, a.id AS canonical_pk FROM a$q$)$$,
    'a feeds b');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_ba', 'a', $q$SELECT 'b'::text AS canonical_type, b.canonical_pk FROM b$q$)$$,
    '42P17', 'projection "p_ba" would make a cycle: tap_bad.b -> tap_bad.a -> tap_bad.b', 'a cycle A -> B -> A');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_self', 'selfy',
        $q$SELECT 'a'::text AS canonical_type, s.id AS canonical_pk FROM selfy s$q$)$$,
    '42P17', 'projection "p_self" would make a cycle: tap_bad.selfy -> tap_bad.selfy', 'a row projection feeding its own source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_self', 'item',
        $q$SELECT i.invoice_id AS id, count(*)::int AS invoice_id FROM item i GROUP BY i.invoice_id$q$)$$,
    '42P17', 'projection "c_self" would feed table tap_bad.item from itself', 'a column projection feeding its own source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_reads_target', 'tgt',
        $q$SELECT 'z'::text AS canonical_type, s.id AS canonical_pk, t.note FROM src s
           LEFT JOIN tgt t ON t.canonical_type = s.note AND t.canonical_pk = s.id$q$)$$,
    '42P17', 'projection "p_reads_target" would read its own target tap_bad.tgt', 'a definition reading its own target');
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_bc', 'c', $q$SELECT 'b'::text AS canonical_type, b.canonical_pk FROM b$q$)$$,
    'b feeds c');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_ca', 'a', $q$SELECT 'c'::text AS canonical_type, c.canonical_pk FROM c$q$)$$,
    '42P17', 'projection "p_ca" would make a cycle: tap_bad.c -> tap_bad.a -> tap_bad.b -> tap_bad.c',
    'a cycle A -> B -> C -> A');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_back', 'invoice',
        $q$SELECT i.id AS id, count(*)::int AS items FROM invoice i GROUP BY i.id$q$)$$,
    '42P17', 'projection "c_back" would feed table tap_bad.invoice from itself', 'a column projection of a table onto itself');

-- ---------------------------------------------------------------------------
-- Ownership (42501): the caller must own source and target and read lookups.
-- ---------------------------------------------------------------------------
CREATE ROLE denorm_tap_bad_owner;
CREATE ROLE denorm_tap_bad_other;
GRANT USAGE, CREATE ON SCHEMA tap_bad TO denorm_tap_bad_owner, denorm_tap_bad_other;
GRANT EXECUTE ON FUNCTION
    denorm.create_row_projection(text, regclass, text, name, name, name[], boolean),
    denorm.create_column_projection(text, regclass, text, text, boolean)
  TO denorm_tap_bad_owner, denorm_tap_bad_other;
CREATE TABLE su_lookup (id int PRIMARY KEY, name text);   -- owned by the superuser, no grants
SET LOCAL ROLE denorm_tap_bad_owner;
CREATE TABLE own_src (id int PRIMARY KEY, amount numeric(12,2), lk int);
CREATE TABLE own_tgt (canonical_type text, canonical_pk int, amount numeric(12,2), name text,
                      PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE own_invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0);
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_not_target_owner', 'tgt',
        $q$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk FROM own_src s$q$)$$,
    '42501', 'must be owner of table tap_bad.tgt to make it the target of projection "p_not_target_owner"',
    'a caller who does not own the target');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_not_source_owner', 'own_tgt',
        $q$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk FROM src2 s$q$)$$,
    '42501', 'must be owner of table tap_bad.src2 to register projection "p_not_source_owner" on it',
    'a caller who does not own the source');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_column_projection('c_not_source_owner', 'own_invoice',
        $q$SELECT i.invoice_id AS id, sum(i.price) AS total FROM item i GROUP BY i.invoice_id$q$)$$,
    '42501', 'must be owner of table tap_bad.item to register projection "c_not_source_owner" on it',
    'a caller who does not own the source of a column projection');
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_lookup_denied', 'own_tgt',
        $q$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk, l.name FROM own_src s JOIN su_lookup l ON l.id = s.lk$q$)$$,
    '42501', 'permission denied to read table tap_bad.su_lookup for projection "p_lookup_denied"',
    'a caller who may not read a lookup');
-- A registration failing inside CREATE VIEW (run as the extension owner)
-- must leave the caller who it was.
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_owner_unknown_table', 'own_tgt',
        $q$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk FROM tap_bad.no_such_table s$q$)$$,
    '42P01', 'relation "tap_bad.no_such_table" does not exist', 'an ordinary caller naming an unknown table');
SELECT is(current_user::text, 'denorm_tap_bad_owner', 'after a failed registration the caller is still itself');
-- Positive control: the owner of both tables registers, and owns the result.
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_owned', 'own_tgt',
        $q$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM own_src s$q$)$$,
    'a caller who owns source and target may register');
SELECT is(current_user::text, 'denorm_tap_bad_owner', 'after a registration the caller is still itself');
RESET ROLE;
SELECT is((SELECT owner::text FROM denorm.projection WHERE name = 'p_owned'), 'denorm_tap_bad_owner',
          'the projection is owned by the role that registered it');
SELECT is((SELECT relowner::regrole::text FROM pg_class WHERE oid = 'denorm_def.p_owned'::regclass),
          'denorm_tap_bad_owner', 'its definition view is owned by the role that registered it');
SET LOCAL ROLE denorm_tap_bad_other;
SELECT * FROM tap_bad.refused(
    $$SELECT denorm.create_row_projection('p_other_role', 'own_tgt',
        $q$SELECT 'q'::text AS canonical_type, s.id AS canonical_pk FROM own_src s$q$)$$,
    '42501', 'must be owner of table tap_bad.own_tgt to make it the target of projection "p_other_role"',
    'another role, on tables it does not own');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Shapes that are accepted today but must not be (or must then work).
-- Each test accepts either fix: refusing the registration, or maintaining
-- the projection correctly.
-- ---------------------------------------------------------------------------
-- (1) A partition of a partitioned table as the source. Statement triggers
-- on a partition do not fire for statements on its parent, so a write made
-- through the parent would be missed.
CREATE FUNCTION tap_bad.partition_as_source() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM denorm.create_row_projection('p_partition_source', 'tgt',
            $q$SELECT 'part_1'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM part_src_1 s$q$);
    EXCEPTION WHEN OTHERS THEN
        RETURN 'refused ' || SQLSTATE || ': ' || SQLERRM;
    END;
    INSERT INTO part_src VALUES (1, 10);          -- through the parent, into part_src_1
    IF EXISTS (SELECT 1 FROM tgt WHERE canonical_type = 'part_1' AND canonical_pk = 1) THEN
        RETURN 'maintained';
    END IF;
    RETURN 'accepted, but a row inserted through the parent never reached the target';
END
$$;
SELECT matches(tap_bad.partition_as_source(), '^(refused 0A000: |maintained$)',
               'a partition as source is refused (0A000), or writes through its parent are maintained');

-- (2) A target that is an inheritance parent: rows written into its child
-- table appear in the target without passing the guard.
CREATE TABLE inh_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                      PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE inh_tgt_child () INHERITS (inh_tgt);
CREATE FUNCTION tap_bad.inheritance_target() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM denorm.create_row_projection('p_inh_target', 'inh_tgt',
            $q$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src s$q$);
    EXCEPTION WHEN OTHERS THEN
        RETURN 'refused ' || SQLSTATE || ': ' || SQLERRM;
    END;
    BEGIN
        INSERT INTO inh_tgt_child VALUES ('x', 99, 1);
    EXCEPTION WHEN OTHERS THEN
        RETURN 'direct write refused';
    END;
    RETURN 'accepted, and a row inserted into the child table went around the guard into the target';
END
$$;
SELECT matches(tap_bad.inheritance_target(), '^(refused 0A000: |direct write refused$)',
               'an inheritance parent as target is refused (0A000), or its children are guarded too');

-- (3) A partition as the target: the guard is a statement trigger on the
-- partition, which a write through the parent does not fire.
CREATE TABLE part_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                       PRIMARY KEY (canonical_type, canonical_pk)) PARTITION BY LIST (canonical_type);
CREATE TABLE part_tgt_p PARTITION OF part_tgt FOR VALUES IN ('pt');
CREATE FUNCTION tap_bad.partition_as_target() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM denorm.create_row_projection('p_partition_target', 'part_tgt_p',
            $q$SELECT 'pt'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src2 s$q$);
    EXCEPTION WHEN OTHERS THEN
        RETURN 'refused ' || SQLSTATE || ': ' || SQLERRM;
    END;
    BEGIN
        INSERT INTO part_tgt VALUES ('pt', 99, 1);
    EXCEPTION WHEN OTHERS THEN
        RETURN 'direct write refused';
    END;
    RETURN 'accepted, and a row inserted through the parent went around the guard into the target';
END
$$;
SELECT matches(tap_bad.partition_as_target(), '^(refused 0A000: |direct write refused$)',
               'a partition as target is refused (0A000), or writes through its parent are guarded');

-- (4) Projection and invariant names share denorm_def: projection
-- "invariant_clash" and invariant "clash" both want view
-- denorm_def.invariant_clash. Either the projection name is refused (22023),
-- or both registrations succeed; a raw 42P07 from CREATE VIEW is neither.
CREATE FUNCTION tap_bad.name_clash(projection_first boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    suffix text := CASE WHEN projection_first THEN '1' ELSE '2' END;
    proj text := 'invariant_clash' || suffix;
    inv text := 'clash' || suffix;
    step text;
BEGIN
    FOR i IN 1..2 LOOP
        BEGIN
            IF (i = 1) = projection_first THEN
                step := 'projection';
                PERFORM denorm.create_row_projection(proj, 'tgt',
                    format($q$SELECT %L::text AS canonical_type, s.id AS canonical_pk FROM src s$q$, proj),
                    create_triggers => false);
            ELSE
                step := 'invariant';
                PERFORM denorm.create_invariant(inv, $q$SELECT 1 WHERE false$q$);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RETURN step || ' refused ' || SQLSTATE || ': ' || SQLERRM;
        END;
    END LOOP;
    RETURN 'both registered';
END
$$;
SELECT matches(tap_bad.name_clash(true), '^(projection refused 22023: |both registered$)',
               'projection "invariant_clash1" then invariant "clash1": no clash of their views');
SELECT matches(tap_bad.name_clash(false), '^(projection refused 22023: |both registered$)',
               'invariant "clash2" then projection "invariant_clash2": no clash of their views');

-- (5) The registration checks must hold afterwards too. Dropping the last
-- unique index of a key a projection relies on is refused (42P10), and so
-- are making the source RLS-protected, the target unlogged, or the source an
-- inheritance parent (0A000): each would bring back what the registration
-- checks exist to prevent (maintenance that cannot identify rows, rows hidden
-- by policies copied by the owner's maintenance, a target emptied by a
-- crash, writes to a child firing no trigger).
CREATE TABLE later_src (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE later_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                        PRIMARY KEY (canonical_type, canonical_pk));
SELECT lives_ok(
    $$SELECT denorm.create_row_projection('p_later', 'later_tgt',
        $q$SELECT 'l'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM later_src s$q$)$$,
    'p_later is registered');
SELECT throws_ok($$ALTER TABLE later_src DROP CONSTRAINT later_src_pkey$$, '42P10',
                 'cannot drop index later_src_pkey because projection "p_later" relies on it as the unique key of its source',
                 'later: dropping the source key is refused');
CREATE UNIQUE INDEX later_src_id ON later_src (id);
SELECT lives_ok($$ALTER TABLE later_src DROP CONSTRAINT later_src_pkey$$,
                'later: dropping the source key is allowed while another unique index covers it');
SELECT throws_ok($$DROP INDEX later_src_id$$, '42P10',
                 'cannot drop index later_src_id because projection "p_later" relies on it as the unique key of its source',
                 'later: DROP INDEX of the last unique index of the source key is refused');
SELECT throws_ok($$DROP INDEX later_tgt_pkey$$, '42P10',
                 'cannot drop index later_tgt_pkey because projection "p_later" relies on it as the unique key of its target''s rows',
                 'later: DROP INDEX of the target''s identity index is refused, naming the projection');
SELECT throws_ok($$ALTER TABLE later_tgt DROP CONSTRAINT later_tgt_pkey$$, '42P10',
                 'cannot drop index later_tgt_pkey because projection "p_later" relies on it as the unique key of its target''s rows',
                 'later: dropping the target''s identity key is refused');
SELECT throws_ok($$ALTER TABLE later_src ENABLE ROW LEVEL SECURITY$$, '0A000', NULL,
                 'later: enabling row-level security on a registered source is refused');
SELECT throws_ok($$ALTER TABLE later_tgt SET UNLOGGED$$, '0A000', NULL,
                 'later: making a registered target unlogged is refused');
SELECT throws_ok($$CREATE TABLE later_child () INHERITS (later_src)$$, '0A000', NULL,
                 'later: inheriting from a registered source is refused');

-- ---------------------------------------------------------------------------
-- After all of the above: no orphan anywhere. Every view in denorm_def
-- belongs to a registered projection or invariant, and every denorm trigger
-- names a registered projection.
-- ---------------------------------------------------------------------------
SELECT is((SELECT string_agg(relname::text, ', ') FROM pg_class c
            WHERE c.relnamespace = 'denorm_def'::regnamespace
              AND c.oid NOT IN (SELECT definition FROM denorm.projection UNION ALL
                                SELECT definition FROM denorm.invariant)),
          NULL, 'no view in denorm_def without a registration');
SELECT is((SELECT string_agg(t.tgname || ' ON ' || t.tgrelid::regclass::text, ', ') FROM pg_trigger t
            WHERE t.tgfoid IN ('denorm.maintain()'::regprocedure, 'denorm.guard()'::regprocedure)
              AND CASE WHEN t.tgnargs = 1
                       THEN convert_from(substring(t.tgargs, 1, length(t.tgargs) - 1), 'SQL_ASCII')
                  END NOT IN (SELECT name FROM denorm.projection)),
          NULL, 'no denorm trigger naming an unregistered projection');

SELECT * FROM finish();
ROLLBACK;
