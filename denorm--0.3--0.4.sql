\echo Use "ALTER EXTENSION denorm UPDATE TO '0.4'" to load this file. \quit

-- denorm 0.4: a row target has one statement guard, denorm_guard (calling
-- denorm.guard() without an argument), shared by every row projection
-- writing it, instead of one denorm_<projection>_guard each. Every trigger
-- of a table is fired and copied into each statement on it, maintenance's
-- own statements included, so one guard makes every write cheaper.
--
-- The guards registration made are replaced; guards declared by hand (other
-- names, one argument) keep working as they are.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::pg_catalog.regclass AS rel
          FROM pg_catalog.pg_trigger tg
          JOIN @extschema@.projection p
            ON p.kind = 'row'
           AND tg.tgname = pg_catalog.format('denorm_%s_guard', p.name)
           AND (tg.tgrelid = p.target
                OR tg.tgrelid IN (SELECT relid FROM pg_catalog.pg_partition_tree(p.target)))
         WHERE tg.tgfoid = '@extschema@.guard()'::pg_catalog.regprocedure
           AND NOT tg.tgisinternal
         ORDER BY 2, 1
    LOOP
        EXECUTE pg_catalog.format(
            'CREATE OR REPLACE TRIGGER denorm_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
            'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.guard()', t.rel);
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    END LOOP;
END
$$;

-- A row projection's triggers include the shared guard of its target (and
-- of each partition of it; pg_partition_tree() of a table that is not
-- partitioned is empty).
CREATE OR REPLACE VIEW @extschema@.projections AS
SELECT p.name, p.kind, p.source, p.target, p.definition,
       p.type_column, p.key_column, p.row_key, p.on_stale_write, p.owner, p.search_path,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_trigger t
         WHERE t.tgfoid IN (SELECT f.oid FROM pg_catalog.pg_proc f
                             WHERE f.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                               AND f.prorettype OPERATOR(pg_catalog.=) 'pg_catalog.trigger'::pg_catalog.regtype)
           AND ((t.tgnargs = 1
                 AND pg_catalog.convert_from(pg_catalog.substring(t.tgargs, 1,
                         pg_catalog.length(t.tgargs) - 1), 'SQL_ASCII') = p.name)
             OR (t.tgnargs = 0 AND t.tgname = 'denorm_guard' AND p.kind = 'row'
                 AND (t.tgrelid = p.target
                      OR t.tgrelid IN (SELECT relid FROM pg_catalog.pg_partition_tree(p.target)))))
       ) AS triggers,
       p.created_at
  FROM @extschema@.projection p;
COMMENT ON VIEW @extschema@.projections IS
    'denorm: registered projections and how many triggers serve each (a row target''s one guard counts for each of its projections)';
