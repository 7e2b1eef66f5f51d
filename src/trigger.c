/*
 * trigger.c — the SQL-visible trigger functions denorm.maintain() and
 * denorm.guard(). Each checks how it was called (39P01 for any misuse),
 * finds the projection its argument names (42704), and delegates.
 */
#include "postgres.h"

#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_maintain);
PG_FUNCTION_INFO_V1(denorm_guard);

static void
protocol_error(const char *fn, const char *what, TriggerData *td)
{
	if (td)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s: %s() %s",
						td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation), fn, what),
				 errhint("denorm.trigger_ddl('<projection>') prints the triggers a projection needs.")));
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("%s() %s", fn, what)));
}

/* The projection named by the trigger's only argument. */
static DenormSpec *
trigger_spec(const char *fn, const char *arguments, TriggerData *td)
{
	DenormSpec *spec;

	if (td->tg_trigger->tgnargs != 1)
		protocol_error(fn, arguments, td);
	spec = spec_lookup(td->tg_trigger->tgargs[0], true);
	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("trigger \"%s\" on table %s names projection \"%s\", which does not exist",
						td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation),
						td->tg_trigger->tgargs[0]),
				 errhint("Register the projection first, or drop the trigger.")));
	return spec;
}

/*
 * Can an UPDATE's SET list (tg_updatedcols) be trusted to name every column
 * it changed? Not when a BEFORE ROW trigger may change others in the new
 * row: PostgreSQL does not add them. denorm's own guard is the exception:
 * it changes only owned columns, and only when the statement wrote them or
 * the key. A partitioned table's partitions may have triggers of their own,
 * which its descriptor does not show: not trusted either.
 */
static bool
set_list_is_complete(Relation rel)
{
	TriggerDesc *trigdesc = rel->trigdesc;
	Oid			guard;
	int			i;

	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
		return false;
	if (trigdesc == NULL || !trigdesc->trig_update_before_row)
		return true;
	guard = denorm_guard_function();
	for (i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_ROW, TRIGGER_TYPE_BEFORE, TRIGGER_TYPE_UPDATE) &&
			t->tgenabled != TRIGGER_DISABLED && t->tgfoid != guard)
			return false;
	}
	return true;
}

Datum
denorm_maintain(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	DenormSpec *spec;
	MaintainCall call;
	TriggerEvent ev;

	if (!CALLED_AS_TRIGGER(fcinfo))
		protocol_error("denorm.maintain", "was not called by the trigger manager", NULL);
	ev = td->tg_event;
	if (!TRIGGER_FIRED_AFTER(ev))
		protocol_error("denorm.maintain", "must be fired AFTER ... FOR EACH STATEMENT", td);
	if (TRIGGER_FIRED_FOR_ROW(ev))
	{
		/*
		 * Logical replication's apply worker fires only row triggers. A row
		 * trigger enabled for replica (denorm.set_replica_maintenance) lets
		 * a subscriber maintain its own projections, one row at a time.
		 */
		if (td->tg_trigger->tgenabled != TRIGGER_FIRES_ON_REPLICA)
			protocol_error("denorm.maintain",
						   "must be fired AFTER ... FOR EACH STATEMENT (FOR EACH ROW only when enabled for replica, "
						   "see denorm.set_replica_maintenance)", td);
	}
	else if ((TRIGGER_FIRED_BY_INSERT(ev) && td->tg_newtable == NULL) ||
			 (TRIGGER_FIRED_BY_DELETE(ev) && td->tg_oldtable == NULL) ||
			 (TRIGGER_FIRED_BY_UPDATE(ev) && (td->tg_oldtable == NULL || td->tg_newtable == NULL)))
		protocol_error("denorm.maintain",
					   "needs its transition tables: REFERENCING NEW TABLE for INSERT, OLD TABLE for DELETE, both for UPDATE",
					   td);

	spec = trigger_spec("denorm.maintain", "takes exactly one argument, the name of a projection", td);
	memset(&call, 0, sizeof(call));
	call.spec = spec;
	call.rel = td->tg_relation;
	call.event = ev;
	call.old_rows = td->tg_oldtable;
	call.new_rows = td->tg_newtable;
	/* NULL: not known, every column may have changed. */
	call.updated_cols = TRIGGER_FIRED_BY_UPDATE(ev) && set_list_is_complete(td->tg_relation)
		? td->tg_updatedcols : NULL;
	if (TRIGGER_FIRED_FOR_ROW(ev))
	{
		/* One row as a one-row statement. */
		Tuplestorestate *trig = tuplestore_begin_heap(false, false, work_mem);

		tuplestore_puttupleslot(trig, td->tg_trigslot);
		if (TRIGGER_FIRED_BY_UPDATE(ev))
		{
			call.old_rows = trig;
			call.new_rows = tuplestore_begin_heap(false, false, work_mem);
			tuplestore_puttupleslot(call.new_rows, td->tg_newslot);
		}
		else if (TRIGGER_FIRED_BY_DELETE(ev))
			call.old_rows = trig;
		else
			call.new_rows = trig;
	}

	PG_TRY();
	{
		if (spec->kind == DENORM_ROW)
			maintain_row(&call);
		else
			maintain_column(&call);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();

	return PointerGetDatum(NULL);
}

Datum
denorm_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	DenormSpec *spec;
	TriggerEvent ev;
	HeapTuple volatile result = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo))
		protocol_error("denorm.guard", "was not called by the trigger manager", NULL);
	ev = td->tg_event;
	if (!TRIGGER_FIRED_BEFORE(ev))
		protocol_error("denorm.guard", "must be fired BEFORE", td);

	/*
	 * A statement of maintenance on its own target: the guard fires for each
	 * one. Let it through before looking anything up.
	 */
	if (TRIGGER_FIRED_FOR_STATEMENT(ev) &&
		guard_target_is_being_maintained(RelationGetRelid(td->tg_relation)))
		return PointerGetDatum(NULL);
	if (td->tg_trigger->tgnargs == 0)
	{
		/* denorm_guard: the one guard of a row target, for all its projections. */
		if (!TRIGGER_FIRED_FOR_STATEMENT(ev))
			protocol_error("denorm.guard",
						   "without an argument guards a row projection's target, and must be fired FOR EACH STATEMENT",
						   td);
		guard_row_table(td);
		return PointerGetDatum(NULL);
	}
	spec = trigger_spec("denorm.guard",
						"takes one argument, the name of a projection (none on a row projection's target)", td);
	PG_TRY();
	{
		if (!role_in_tree(RelationGetRelid(td->tg_relation), spec->target))
			protocol_error("denorm.guard", psprintf("is on a table that is not the target of projection \"%s\"",
													spec->name), td);
		if (spec->kind == DENORM_ROW && !TRIGGER_FIRED_FOR_STATEMENT(ev))
			protocol_error("denorm.guard", "must be fired FOR EACH STATEMENT on a row projection's target", td);
		if (spec->kind == DENORM_COLUMN &&
			(!TRIGGER_FIRED_FOR_ROW(ev) ||
			 !(TRIGGER_FIRED_BY_INSERT(ev) || TRIGGER_FIRED_BY_UPDATE(ev))))
			protocol_error("denorm.guard",
						   "must be fired BEFORE INSERT OR UPDATE ... FOR EACH ROW on a column projection's target", td);
		result = guard_fire(spec, td);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();

	return PointerGetDatum(result);
}
