-- The canonical and target tables of examples/bookkeeping.sql, for the
-- variants that do not use the extension (none, limit, plrow, plstmt).
--
-- The example file is loaded unchanged, so every variant has exactly the same
-- tables, columns and indexes as the denorm variant. Its calls to
-- denorm.create_*_projection / create_invariant go to stand-ins that only
-- record the definition text in bench.definition (the materialized views and
-- the INSERT ... SELECT rebuild of the limit variant are built from it); the
-- stand-in schema is dropped afterwards.
-- Needs the psql variable :top (the repository root).

CREATE SCHEMA bench;
CREATE TABLE bench.definition (
    name   text PRIMARY KEY,
    kind   text NOT NULL,          -- row | column | invariant
    target regclass,
    query  text NOT NULL
);

CREATE SCHEMA denorm;
CREATE FUNCTION denorm.create_row_projection(name text, target regclass, query text,
        type_column name DEFAULT NULL, key_column name DEFAULT NULL,
        row_key name[] DEFAULT NULL, create_triggers boolean DEFAULT true)
    RETURNS void LANGUAGE sql
    AS $$ INSERT INTO bench.definition VALUES (name, 'row', target, query) $$;
CREATE FUNCTION denorm.create_column_projection(name text, target regclass, query text,
        on_stale_write text DEFAULT NULL, create_triggers boolean DEFAULT true)
    RETURNS void LANGUAGE sql
    AS $$ INSERT INTO bench.definition VALUES (name, 'column', target, query) $$;
CREATE FUNCTION denorm.create_invariant(name text, query text)
    RETURNS void LANGUAGE sql
    AS $$ INSERT INTO bench.definition VALUES (name, 'invariant', NULL, query) $$;

\o /dev/null
\i :top/examples/bookkeeping.sql
\o
DROP SCHEMA denorm CASCADE;
