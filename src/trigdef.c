/*
 * trigdef.c — the CREATE TRIGGER statements a projection needs, table by
 * table: four maintain() triggers on its source and on each lookup, the
 * guard (and for column projections the target-side maintain() triggers) on
 * its target. Partitioned tables get them on every member of the tree, since
 * statement triggers fire only for the table a statement names.
 *
 * A row target has one guard, denorm_guard, shared by every row projection
 * into it (CREATE OR REPLACE, so each registration may declare it): every
 * trigger of a table is fired and copied into each statement's result
 * relation, maintenance's own statements included, so one guard instead of
 * one per projection makes every write to the target cheaper.
 */
#include "postgres.h"

#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "denorm.h"

static char *
qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

static char *
trigger_name(DenormSpec *spec, const char *role)
{
	return pstrdup(quote_identifier(psprintf("denorm_%s_%s", spec->name, role)));
}

/* A relation and, if it is partitioned, every member of its tree. */
static List *
tree(Oid relid)
{
	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		return find_all_inheritors(relid, NoLock, NULL);
	return list_make1_oid(relid);
}

/*
 * The deferred constraint trigger of a commit-time projection, on a table
 * with storage (PostgreSQL clones row triggers of partitioned tables, and
 * each leaf needs exactly one).
 */
static void
for_table_flush(List **out, DenormSpec *spec, Oid table)
{
	if (get_rel_relkind(table) != RELKIND_RELATION)
		return;
	*out = lappend(*out, psprintf("CREATE CONSTRAINT TRIGGER %s AFTER INSERT OR UPDATE OR DELETE ON %s "
								  "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION denorm.flush(%s)",
								  trigger_name(spec, "flush"), qualified(table), quote_literal_cstr(spec->name)));
}

/* The deferred constraint triggers alone, for denorm.set_deferred(). */
List *
trigdef_flush(DenormSpec *spec)
{
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, tree(spec->source))
		for_table_flush(&out, spec, lfirst_oid(lc));
	return out;
}

/*
 * SQL: trigger alias t (of pg_trigger) calls one of denorm's trigger
 * functions with the projection named by parameter $param as its argument.
 */
char *
trigdef_serves_sql(int param)
{
	return psprintf("t.tgfoid IN (SELECT f.oid FROM pg_catalog.pg_proc f "
					"              WHERE f.pronamespace OPERATOR(pg_catalog.=) 'denorm'::pg_catalog.regnamespace "
					"                AND f.prorettype OPERATOR(pg_catalog.=) 'pg_catalog.trigger'::pg_catalog.regtype) "
					"AND t.tgnargs OPERATOR(pg_catalog.=) 1 "
					"AND pg_catalog.convert_from(pg_catalog.substring(t.tgargs, 1, "
					"      pg_catalog.length(t.tgargs) OPERATOR(pg_catalog.-) 1), 'SQL_ASCII') OPERATOR(pg_catalog.=) $%d",
					param);
}

/* The guard of a row target (one table, not its partitions). */
static char *
trigdef_row_guard(Oid table)
{
	return psprintf("CREATE OR REPLACE TRIGGER %s BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s "
					"FOR EACH STATEMENT EXECUTE FUNCTION denorm.guard()",
					ROW_GUARD_TRIGGER, qualified(table));
}

/*
 * A statement that drops every denorm_guard left on a table no row projection
 * writes any more (its last one was dropped, or it was detached from the
 * partitioned table they write). pg_partition_tree() of a table that is not
 * partitioned is empty, hence the first test.
 */
char *
trigdef_drop_unused_row_guards(void)
{
	return psprintf("DO $denorm$ DECLARE t record; BEGIN "
					"FOR t IN SELECT g.tgrelid::pg_catalog.regclass AS rel FROM pg_catalog.pg_trigger g "
					" WHERE g.tgname OPERATOR(pg_catalog.=) %s AND g.tgnargs OPERATOR(pg_catalog.=) 0 "
					"   AND g.tgfoid OPERATOR(pg_catalog.=) 'denorm.guard()'::pg_catalog.regprocedure "
					"   AND NOT g.tgisinternal "
					"   AND NOT EXISTS (SELECT 1 FROM denorm.projection p "
					"                    WHERE p.kind OPERATOR(pg_catalog.=) 'row' "
					"                      AND (g.tgrelid OPERATOR(pg_catalog.=) p.target "
					"                           OR g.tgrelid IN (SELECT relid FROM pg_catalog.pg_partition_tree(p.target)))) LOOP "
					"  EXECUTE pg_catalog.format('DROP TRIGGER %%I ON %%s', %s, t.rel); "
					"END LOOP; END $denorm$",
					quote_literal_cstr(ROW_GUARD_TRIGGER), quote_literal_cstr(ROW_GUARD_TRIGGER));
}

/* The statements for one table (not its partitions). */
static void
for_table(List **out, DenormSpec *spec, Oid table)
{
	char	   *rel = qualified(table);
	char	   *maintain = psprintf("denorm.maintain(%s)", quote_literal_cstr(spec->name));
	bool		reads = role_in_tree(table, spec->source);
	int			i;

	for (i = 0; i < spec->nlookups && !reads; i++)
		reads = role_in_tree(table, spec->lookups[i].relid);
	if (reads)
	{
		*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER INSERT ON %s REFERENCING NEW TABLE AS %s "
									  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
									  trigger_name(spec, "ins"), rel, ENR_NEW, maintain));
		*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER UPDATE ON %s REFERENCING OLD TABLE AS %s NEW TABLE AS %s "
									  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
									  trigger_name(spec, "upd"), rel, ENR_OLD, ENR_NEW, maintain));
		*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER DELETE ON %s REFERENCING OLD TABLE AS %s "
									  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
									  trigger_name(spec, "del"), rel, ENR_OLD, maintain));
		*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER TRUNCATE ON %s "
									  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
									  trigger_name(spec, "trunc"), rel, maintain));
	}
	if (spec->deferred && role_in_tree(table, spec->source))
		for_table_flush(out, spec, table);
	if (!role_in_tree(table, spec->target))
		return;
	if (spec->kind == DENORM_ROW)
	{
		/* One trigger for all four events, and for all the table's projections. */
		*out = lappend(*out, trigdef_row_guard(table));
		return;
	}
	/* A row trigger on a partitioned table is cloned to its partitions by PostgreSQL. */
	if (table == spec->target)
		*out = lappend(*out, psprintf("CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s "
									  "FOR EACH ROW EXECUTE FUNCTION denorm.guard(%s)",
									  trigger_name(spec, "guard"), rel, quote_literal_cstr(spec->name)));
	*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER UPDATE ON %s REFERENCING OLD TABLE AS %s NEW TABLE AS %s "
								  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
								  trigger_name(spec, "tgt_upd"), rel, ENR_OLD, ENR_NEW, maintain));
	/* Always there: a foreign key that orders inserts today may be dropped tomorrow. */
	*out = lappend(*out, psprintf("CREATE TRIGGER %s AFTER INSERT ON %s REFERENCING NEW TABLE AS %s "
								  "FOR EACH STATEMENT EXECUTE FUNCTION %s",
								  trigger_name(spec, "tgt_ins"), rel, ENR_NEW, maintain));
}

/* Every statement the projection needs, for all the tables it uses. */
List *
trigdef_all(DenormSpec *spec)
{
	List	   *out = NIL;
	ListCell   *lc;
	int			i;

	foreach(lc, tree(spec->source))
		for_table(&out, spec, lfirst_oid(lc));
	for (i = 0; i < spec->nlookups; i++)
		foreach(lc, tree(spec->lookups[i].relid))
			for_table(&out, spec, lfirst_oid(lc));
	foreach(lc, tree(spec->target))
		for_table(&out, spec, lfirst_oid(lc));
	return out;
}

/*
 * The statements for a table newly attached somewhere under a table the
 * projection uses (and for its own partitions); NIL if it is not.
 */
List *
trigdef_for_tree(DenormSpec *spec, Oid top)
{
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, tree(top))
		for_table(&out, spec, lfirst_oid(lc));
	return out;
}

/* Does the projection use table (or a table whose partition it is)? */
bool
trigdef_uses(DenormSpec *spec, Oid table)
{
	int			i;

	if (role_in_tree(table, spec->source) || role_in_tree(table, spec->target))
		return true;
	for (i = 0; i < spec->nlookups; i++)
		if (role_in_tree(table, spec->lookups[i].relid))
			return true;
	return false;
}
