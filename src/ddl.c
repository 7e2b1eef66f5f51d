/*
 * ddl.c — keeps projections working through schema changes, from two event
 * triggers:
 *
 *  ddl_command_start: refuses (without CASCADE) dropping a target or a
 *    column a projection writes, and with CASCADE unregisters the projection
 *    first, saying so; refuses retyping a column a projection writes, and
 *    dropping the last unique index of a key a projection relies on; warns
 *    when a denorm trigger is disabled. (Dropping or retyping what a
 *    definition reads is refused by PostgreSQL itself: the definition view
 *    depends on it; with CASCADE the sql_drop trigger unregisters.)
 *  ddl_command_end: follows a renamed target column (the definition view's
 *    output column and the catalog's identity names are renamed with it),
 *    and gives partitions created or attached under a table a projection
 *    uses their triggers (and takes them off detached ones).
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/index.h"
#include "catalog/partition.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_on_ddl_start);
PG_FUNCTION_INFO_V1(denorm_on_ddl_end);

static char *
qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* Run sql as the extension's owner (denorm's views and triggers need it). */
static void
run_as_owner(const char *sql)
{
	Oid			save_userid;
	int			save_sec;
	int			ret;

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(denorm_extension_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	SPI_connect();
	ret = SPI_execute(sql, false, 0);
	if (ret < 0)
		elog(ERROR, "\"%s\" failed: %s", sql, SPI_result_code_string(ret));
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
}

/* A registration as the catalog has it: enough for DDL checks, which must
 * work even when a projection's spec could not be built any more. */
typedef struct Registration
{
	char	   *name;
	Oid			source;
	Oid			target;
	Oid			view;
} Registration;

static List *
registrations(void)
{
	List	   *out = NIL;
	MemoryContext caller = CurrentMemoryContext;
	uint64		i;

	if (!OidIsValid(denorm_catalog_relid()))
		return NIL;
	SPI_connect();
	if (SPI_execute("SELECT name, source::pg_catalog.oid, target::pg_catalog.oid, "
					"definition::pg_catalog.oid FROM denorm.projection ORDER BY name",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read denorm.projection");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(caller);
		Registration *r = palloc(sizeof(Registration));

		r->name = pstrdup(SPI_getvalue(tup, desc, 1));
		r->source = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		r->target = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		r->view = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
		out = lappend(out, r);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return out;
}

/* Does the projection read table relid (its definition view depends on it)? */
static bool
reads_table(Registration *r, Oid relid)
{
	Datum		args[2];
	Oid			types[2] = {OIDOID, OIDOID};
	bool		found;

	if (r->source == relid)
		return true;
	args[0] = ObjectIdGetDatum(r->view);
	args[1] = ObjectIdGetDatum(relid);
	SPI_connect();
	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite w "
							  "ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
							  "AND d.objid OPERATOR(pg_catalog.=) w.oid "
							  "WHERE w.ev_class OPERATOR(pg_catalog.=) $1 "
							  "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
							  "AND d.refobjid OPERATOR(pg_catalog.=) $2",
							  2, types, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_depend");
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/* Does the projection use table relid at all (reads it, or writes it)? */
static bool
uses_table(Registration *r, Oid relid)
{
	return r->target == relid || reads_table(r, relid);
}

/* Refuse a change that would make a table a projection uses unmaintainable. */
static void
refuse_for(List *regs, Oid relid, const char *change, const char *why)
{
	ListCell   *ls;

	foreach(ls, regs)
	{
		Registration *r = lfirst(ls);

		if (OidIsValid(relid) && uses_table(r, relid))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot %s %s because projection \"%s\" uses it", change, qualified(relid), r->name),
					 errdetail("%s", why),
					 errhint("Drop the projection first if you mean it.")));
	}
}

/* Does the projection write column name of its target (is it an output of its view)? */
static bool
writes_column(Registration *r, const char *name)
{
	Relation	view = try_relation_open(r->view, AccessShareLock);
	bool		found = false;
	int			i;

	if (view == NULL)
		return false;
	for (i = 0; i < RelationGetDescr(view)->natts && !found; i++)
		if (strcmp(NameStr(TupleDescAttr(RelationGetDescr(view), i)->attname), name) == 0)
			found = true;
	relation_close(view, AccessShareLock);
	return found;
}

/* The specs of all registered projections (released by the caller). */
static pg_noinline List *
all_specs(void)
{
	List	   *specs = NIL;
	ListCell   *lc;

	foreach(lc, registrations())
	{
		DenormSpec *s = spec_lookup(((Registration *) lfirst(lc))->name, true);

		if (s)
			specs = lappend(specs, s);
	}
	return specs;
}

static void
release_all(List *specs)
{
	ListCell   *lc;

	foreach(lc, specs)
		spec_release(lfirst(lc));
}

static Oid
relid_of(RangeVar *rv)
{
	return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
}

/*
 * Would dropping indexoid leave a key a projection relies on without a
 * unique index (a row projection's source key and target identity, a column
 * projection's target key, a lookup's join key)? Then maintenance could not
 * run any more: refuse, like registration would have.
 */
static void
refuse_key_index_drop(DenormSpec *spec, Oid indexoid, Oid table, Oid relid,
					  int natts, const AttrNumber *attnums, bool exact, const char *what)
{
	if (relid != table || natts == 0 ||
		!OidIsValid(definition_unique_index(relid, natts, attnums, exact, InvalidOid)) ||
		OidIsValid(definition_unique_index(relid, natts, attnums, exact, indexoid)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
			 errmsg("cannot drop index %s because projection \"%s\" relies on it as the unique key of %s",
					get_rel_name(indexoid), spec->name, what),
			 errdetail("It is the only unique index of %s on those columns.", qualified(table)),
			 errhint("Create another unique index on the same columns first, or drop the projection.")));
}

static void
check_key_index_drop(List *regs, Oid indexoid)
{
	Oid			table = OidIsValid(indexoid) ? IndexGetRelation(indexoid, true) : InvalidOid;
	ListCell   *lc;

	if (!OidIsValid(table))
		return;
	foreach(lc, regs)
	{
		Registration *r = lfirst(lc);
		DenormSpec *spec;
		AttrNumber	atts[DENORM_MAX_KEY_COLS + 2];
		int			n = 0;
		ListCell   *rk;
		int			i;

		if (!uses_table(r, table))
			continue;
		spec = spec_lookup(r->name, true);
		if (spec == NULL)
			continue;
		if (spec->kind == DENORM_ROW)
		{
			refuse_key_index_drop(spec, indexoid, table, spec->source, spec->src_key.natts,
								  spec->src_key.attnums, true, "its source");
			atts[n++] = get_attnum(spec->target, spec->type_column);
			atts[n++] = get_attnum(spec->target, spec->key_column);
			foreach(rk, spec->row_key)
				atts[n++] = get_attnum(spec->target, (char *) lfirst(rk));
			refuse_key_index_drop(spec, indexoid, table, spec->target, n, atts, true,
								  "its target's rows");
			for (i = 0; i < spec->nlookups; i++)
				refuse_key_index_drop(spec, indexoid, table, spec->lookups[i].relid,
									  spec->lookups[i].dep_key.natts, spec->lookups[i].dep_key.attnums,
									  false, "a lookup table");
		}
		else
			refuse_key_index_drop(spec, indexoid, table, spec->target, spec->tgt_key.natts,
								  spec->tgt_key.attnums, true, "its target's groups");
		spec_release(spec);
	}
}

/* DROP TABLE of a target without CASCADE: refuse, naming the projection. DROP INDEX: see above. */
static void
check_drop(List *regs, DropStmt *stmt)
{
	ListCell   *lo;

	if (stmt->removeType == OBJECT_INDEX)
	{
		foreach(lo, stmt->objects)
			check_key_index_drop(regs, relid_of(makeRangeVarFromNameList(lfirst(lo))));
		return;
	}
	if (stmt->removeType != OBJECT_TABLE)
		return;
	foreach(lo, stmt->objects)
	{
		Oid			relid = relid_of(makeRangeVarFromNameList(lfirst(lo)));
		ListCell   *ls;

		if (!OidIsValid(relid))
			continue;
		foreach(ls, regs)
		{
			Registration *r = lfirst(ls);

			if (r->target != relid || stmt->behavior == DROP_CASCADE)
				continue;
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot drop table %s because projection \"%s\" writes it",
							qualified(relid), r->name),
					 errhint("Drop the projection first (denorm.drop_projection('%s')), "
							 "or use DROP ... CASCADE to unregister it too.", r->name)));
		}
	}
}

static void
warn_disabled(Registration *r, Oid relid)
{
	ereport(WARNING,
			(errmsg("projection \"%s\" is no longer maintained from %s while its triggers are disabled",
					r->name, qualified(relid)),
			 errhint("Enable them again, then run denorm.repair('%s'); denorm.audit() reports the drift meanwhile.",
					 r->name)));
}

/*
 * Does a trigger on table relid (named name, if given) call one of denorm's
 * trigger functions for projection r? By its argument, not its name: a
 * trigger declared by hand may have any name, and "denorm_a_" is also the
 * start of projection a_b's trigger names.
 */
static bool
has_trigger(Registration *r, Oid relid, const char *name)
{
	Datum		args[3];
	Oid			types[3] = {OIDOID, TEXTOID, TEXTOID};
	char		nulls[3] = {' ', name ? ' ' : 'n', ' '};
	bool		found;

	args[0] = ObjectIdGetDatum(relid);
	args[1] = name ? CStringGetTextDatum(name) : (Datum) 0;
	args[2] = CStringGetTextDatum(r->name);
	SPI_connect();
	if (SPI_execute_with_args(psprintf("SELECT 1 FROM pg_catalog.pg_trigger t "
									   " WHERE t.tgrelid OPERATOR(pg_catalog.=) $1 "
									   "   AND ($2 IS NULL OR t.tgname OPERATOR(pg_catalog.=) $2) AND %s",
									   trigdef_serves_sql(3)),
							  3, types, args, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_trigger");
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/* Disabling a row target's shared guard lets direct writes through. */
static void
warn_guard_disabled(Oid relid, const char *name)
{
	bool		found;

	if (strcmp(name, ROW_GUARD_TRIGGER) != 0)
		return;
	SPI_connect();
	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_trigger t "
							  " WHERE t.tgrelid OPERATOR(pg_catalog.=) $1 AND t.tgname OPERATOR(pg_catalog.=) $2 "
							  "   AND t.tgfoid OPERATOR(pg_catalog.=) 'denorm.guard()'::pg_catalog.regprocedure",
							  2, (Oid[]) {OIDOID, TEXTOID},
							  (Datum[]) {ObjectIdGetDatum(relid), CStringGetTextDatum(name)},
							  NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_trigger");
	found = SPI_processed > 0;
	SPI_finish();
	if (found)
		ereport(WARNING,
				(errmsg("direct writes to %s are no longer refused while trigger %s is disabled",
						qualified(relid), ROW_GUARD_TRIGGER),
				 errhint("Enable it again; denorm.audit() reports the drift such writes cause, and denorm.repair() undoes it.")));
}

/* ALTER TABLE on a table projections use. */
static void
check_alter(List *regs, AlterTableStmt *stmt)
{
	Oid			relid = relid_of(stmt->relation);
	ListCell   *lc;

	if (!OidIsValid(relid))
		return;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst(lc);
		ListCell   *ls;

		/* What registration refuses, refused later too. */
		switch (cmd->subtype)
		{
			case AT_EnableRowSecurity:
			case AT_ForceRowSecurity:
				refuse_for(regs, relid, "enable row-level security on",
						   "Maintenance runs as the projection's owner and would copy rows the policies hide into the projection.");
				break;
			case AT_SetUnLogged:
				refuse_for(regs, relid, "make unlogged",
						   "A crash would empty it but not the tables it feeds or is fed by.");
				break;
			case AT_DropConstraint:
				{
					Oid			con = get_relation_constraint_oid(relid, cmd->name, true);

					if (OidIsValid(con))
						check_key_index_drop(regs, get_constraint_index(con));
				}
				break;
			case AT_AddInherit:
				refuse_for(regs, relid, "make an inheritance child of", "Inheritance would hide writes from denorm's triggers.");
				refuse_for(regs, relid_of((RangeVar *) cmd->def), "add an inheritance child to",
						   "Inheritance would hide writes from denorm's triggers.");
				break;
			case AT_DisableTrig:
				warn_guard_disabled(relid, cmd->name);
				break;
			default:
				break;
		}

		foreach(ls, regs)
		{
			Registration *r = lfirst(ls);

			switch (cmd->subtype)
			{
				case AT_DropColumn:
					if (r->target != relid || !writes_column(r, cmd->name))
						break;
					if (cmd->behavior != DROP_CASCADE)
						ereport(ERROR,
								(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
								 errmsg("cannot drop column %s of table %s because projection \"%s\" writes it",
										quote_identifier(cmd->name), qualified(relid), r->name),
								 errhint("Drop the projection first, or use DROP COLUMN ... CASCADE to unregister it too.")));
					ereport(NOTICE,
							(errmsg("projection \"%s\" is unregistered: column %s of %s, which it writes, is dropped",
									r->name, quote_identifier(cmd->name), qualified(relid))));
					run_as_owner(psprintf("SELECT denorm.drop_projection(%s)", quote_literal_cstr(r->name)));
					break;
				case AT_AlterColumnType:
					if (r->target != relid || !writes_column(r, cmd->name))
						break;
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("cannot alter type of column %s of table %s because projection \"%s\" writes it",
									quote_identifier(cmd->name), qualified(relid), r->name),
							 errhint("Drop the projection, alter the column, and register the projection again.")));
					break;
				case AT_DisableTrig:
					if (has_trigger(r, relid, cmd->name))
						warn_disabled(r, relid);
					break;
				case AT_DisableTrigAll:
				case AT_DisableTrigUser:
					if (has_trigger(r, relid, NULL))
						warn_disabled(r, relid);
					break;
				default:
					break;
			}
		}
	}
}

Datum
denorm_on_ddl_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trig;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("denorm.on_ddl_start() was not called by the event trigger manager")));
	trig = (EventTriggerData *) fcinfo->context;
	if (!IsA(trig->parsetree, DropStmt) && !IsA(trig->parsetree, AlterTableStmt) &&
		!IsA(trig->parsetree, CreateStmt))
		PG_RETURN_VOID();
	if (IsA(trig->parsetree, DropStmt))
		check_drop(registrations(), (DropStmt *) trig->parsetree);
	else if (IsA(trig->parsetree, AlterTableStmt))
		check_alter(registrations(), (AlterTableStmt *) trig->parsetree);
	else
	{
		/* CREATE TABLE ... INHERITS (a table a projection uses) */
		CreateStmt *cs = (CreateStmt *) trig->parsetree;
		ListCell   *lc;

		if (cs->partbound == NULL)
			foreach(lc, cs->inhRelations)
				refuse_for(registrations(), relid_of(lfirst(lc)), "add an inheritance child to",
						   "Inheritance would hide writes from denorm's triggers.");
	}
	PG_RETURN_VOID();
}

/* A target column was renamed: rename it in the view and the catalog too. */
static void
follow_rename(List *regs, RenameStmt *stmt)
{
	Oid			relid;
	ListCell   *ls;
	bool		changed = false;

	if (stmt->renameType != OBJECT_COLUMN || stmt->relationType != OBJECT_TABLE)
		return;
	relid = relid_of(stmt->relation);
	if (!OidIsValid(relid))
		return;
	foreach(ls, regs)
	{
		Registration *r = lfirst(ls);
		char	   *old = quote_literal_cstr(stmt->subname);
		char	   *new = quote_literal_cstr(stmt->newname);

		if (r->target != relid || !writes_column(r, stmt->subname))
			continue;
		run_as_owner(psprintf("ALTER VIEW denorm_def.%s RENAME COLUMN %s TO %s",
							  quote_identifier(r->name), quote_identifier(stmt->subname),
							  quote_identifier(stmt->newname)));
		run_as_owner(psprintf("UPDATE denorm.projection SET "
							  "type_column = CASE WHEN type_column OPERATOR(pg_catalog.=) %s THEN %s ELSE type_column END, "
							  "key_column = CASE WHEN key_column OPERATOR(pg_catalog.=) %s THEN %s ELSE key_column END, "
							  "row_key = pg_catalog.array_replace(row_key, %s::name, %s::name) "
							  "WHERE name OPERATOR(pg_catalog.=) %s",
							  old, new, old, new, old, new, quote_literal_cstr(r->name)));
		changed = true;
	}
	if (changed)
		CacheInvalidateRelcacheByRelid(denorm_catalog_relid());
}

/* Does projection name have a trigger on table? */
static bool
has_trigger_on(const char *name, Oid table)
{
	Registration r;

	r.name = (char *) name;
	return has_trigger(&r, table, NULL);
}

/* A table was attached (or created) as a partition: give it its triggers. */
static void
follow_attach(List *specs, Oid partition)
{
	ListCell   *ls;

	if (!OidIsValid(partition) || !get_rel_relispartition(partition))
		return;
	foreach(ls, specs)
	{
		DenormSpec *spec = lfirst(ls);
		ListCell   *lc;

		if (!trigdef_uses(spec, partition))
			continue;
		foreach(lc, trigdef_for_tree(spec, partition))
			run_as_owner(lfirst(lc));
		/* Rows that came with the partition reached the table without DML. */
		if (!role_in_tree(partition, spec->target))
			run_as_owner(psprintf("SELECT denorm.rebuild(%s)", quote_literal_cstr(spec->name)));
	}
}

/* Does the projection use table itself (not as a partition of another)? */
static bool
uses_directly(DenormSpec *spec, Oid table)
{
	int			i;

	if (spec->source == table || spec->target == table)
		return true;
	for (i = 0; i < spec->nlookups; i++)
		if (spec->lookups[i].relid == table)
			return true;
	return false;
}

/*
 * A partition was detached: take off it the triggers of projections that
 * used it only as a partition of another table.
 */
static void
follow_detach(List *specs, Oid partition, Oid former_parent)
{
	List	   *tables;
	ListCell   *lc;

	if (!OidIsValid(partition))
		return;
	tables = get_rel_relkind(partition) == RELKIND_PARTITIONED_TABLE
		? find_all_inheritors(partition, NoLock, NULL) : list_make1_oid(partition);
	foreach(lc, tables)
	{
		Oid			table = lfirst_oid(lc);
		ListCell   *ls;

		foreach(ls, specs)
		{
			DenormSpec *spec = lfirst(ls);

			if (uses_directly(spec, table) || !has_trigger_on(spec->name, table))
				continue;
			run_as_owner(psprintf("DO $denorm$ DECLARE t record; BEGIN "
								  "FOR t IN SELECT tgname FROM pg_catalog.pg_trigger "
								  " WHERE tgrelid OPERATOR(pg_catalog.=) %u AND NOT tgisinternal "
								  "   AND tgparentid OPERATOR(pg_catalog.=) 0 "
								  "   AND tgname OPERATOR(pg_catalog.~~) %s LOOP "
								  "  EXECUTE pg_catalog.format('DROP TRIGGER %%I ON %%s', t.tgname, %s); "
								  "END LOOP; END $denorm$",
								  table,
								  quote_literal_cstr(psprintf("denorm\\_%s\\_%%", spec->name)),
								  quote_literal_cstr(qualified(table))));
			/* Its rows left the table without DML. */
			if (table == partition && spec->target != former_parent)
				run_as_owner(psprintf("SELECT denorm.rebuild(%s)", quote_literal_cstr(spec->name)));
		}
	}
	/* The detached tables that no row projection targets any more. */
	run_as_owner(trigdef_drop_unused_row_guards());
}

Datum
denorm_on_ddl_end(PG_FUNCTION_ARGS)
{
	EventTriggerData *trig;
	Node	   *tree;
	List	   *specs;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("denorm.on_ddl_end() was not called by the event trigger manager")));
	trig = (EventTriggerData *) fcinfo->context;
	tree = trig->parsetree;
	if (!IsA(tree, RenameStmt) && !IsA(tree, CreateStmt) && !IsA(tree, AlterTableStmt))
		PG_RETURN_VOID();

	if (IsA(tree, RenameStmt))
	{
		follow_rename(registrations(), (RenameStmt *) tree);
		PG_RETURN_VOID();
	}

	/*
	 * Only partitioning needs the specs. Loading them for any other ALTER
	 * TABLE would break statements like those pg_restore runs while a
	 * projection's keys are still missing.
	 */
	if (IsA(tree, CreateStmt) && ((CreateStmt *) tree)->partbound == NULL)
		PG_RETURN_VOID();
	if (IsA(tree, AlterTableStmt))
	{
		ListCell   *lc;
		bool		partitioning = false;

		foreach(lc, ((AlterTableStmt *) tree)->cmds)
		{
			AlterTableCmd *cmd = lfirst(lc);

			if (cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartition)
				partitioning = true;
		}
		if (!partitioning)
			PG_RETURN_VOID();
	}
	specs = all_specs();
	PG_TRY();
	{
		if (IsA(tree, CreateStmt) && ((CreateStmt *) tree)->partbound)
			follow_attach(specs, relid_of(((CreateStmt *) tree)->relation));
		else if (IsA(tree, AlterTableStmt))
		{
			ListCell   *lc;

			foreach(lc, ((AlterTableStmt *) tree)->cmds)
			{
				AlterTableCmd *cmd = lfirst(lc);

				if (cmd->subtype == AT_AttachPartition)
					follow_attach(specs, relid_of(((PartitionCmd *) cmd->def)->name));
				else if (cmd->subtype == AT_DetachPartition)
					follow_detach(specs, relid_of(((PartitionCmd *) cmd->def)->name),
								  relid_of(((AlterTableStmt *) tree)->relation));
			}
		}
	}
	PG_FINALLY();
	{
		release_all(specs);
	}
	PG_END_TRY();
	PG_RETURN_VOID();
}
