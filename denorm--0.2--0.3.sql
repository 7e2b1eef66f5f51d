\echo Use "ALTER EXTENSION denorm UPDATE TO '0.3'" to load this file. \quit

-- denorm 0.3: rebuild a whole target at once, by swapping in a new table
-- when nothing but its projections writes it (src/swap.c).

CREATE FUNCTION @extschema@.rebuild_target(target pg_catalog.regclass,
                                           in_place boolean DEFAULT false)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'denorm_rebuild_target' LANGUAGE C STRICT
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.rebuild_target(pg_catalog.regclass, boolean) IS
    'denorm: rebuild every projection writing target, by filling a new table and swapping it in (as REFRESH MATERIALIZED VIEW does) unless in_place or the table has what a swap would bypass; returns rows written';
-- An admin function, like rebuild: not for PUBLIC.
REVOKE ALL ON FUNCTION @extschema@.rebuild_target(pg_catalog.regclass, boolean) FROM PUBLIC;
