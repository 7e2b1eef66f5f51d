/*
 * guard.c — refuses direct writes to what a projection owns.
 *
 * Row targets belong wholly to their projections: any INSERT, UPDATE, DELETE
 * or TRUNCATE not made by denorm's maintenance of that target fails. Column
 * targets belong to the application except the owned columns: an INSERT gets
 * the empty values, an UPDATE may write an owned column's current value (ORMs
 * save whole rows), and a different value fails — or, with on_stale_write
 * 'keep', is replaced by the maintained one. denorm.allow_direct_writes
 * (superuser only) lets emergency repairs through.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

/*
 * The SQLSTATEs of PostgreSQL's own analogues: writing a view that is not
 * updatable (55000), and writing a generated column (428C9).
 */
#define ERRCODE_DENORM_ROW_TARGET	ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE
#define ERRCODE_DENORM_OWNED_COLUMN	ERRCODE_GENERATED_ALWAYS

static const char *
event_verb(TriggerEvent ev)
{
	if (TRIGGER_FIRED_BY_INSERT(ev))
		return "insert into";
	if (TRIGGER_FIRED_BY_UPDATE(ev))
		return "update";
	if (TRIGGER_FIRED_BY_DELETE(ev))
		return "delete from";
	return "truncate";
}

static char *
qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/*
 * "projections a, b" and "tables x, y": the row projections writing relid
 * (or the partitioned table it belongs to), for messages. Returns how many.
 */
static int
feeders(Oid relid, StringInfo projections, StringInfo sources)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, spec_all_names())
	{
		DenormSpec *o = spec_lookup(lfirst(lc), true);

		if (o == NULL)
			continue;
		if (o->kind == DENORM_ROW && role_in_tree(relid, o->target))
		{
			appendStringInfo(projections, "%s\"%s\"", n > 0 ? ", " : "", o->name);
			appendStringInfo(sources, "%s%s", n > 0 ? ", " : "", qualified(o->source));
			n++;
		}
		spec_release(o);
	}
	return n;
}

/*
 * BEFORE ... FOR EACH STATEMENT on a row projection's target: denorm_guard,
 * the one guard of all the table's row projections (no argument), or a
 * guard declared by hand for one of them. Maintenance's own statements
 * never get here: denorm_guard lets them through before anything else.
 */
void
guard_row_table(TriggerData *td)
{
	Oid			relid = RelationGetRelid(td->tg_relation);
	StringInfoData projections;
	StringInfoData sources;

	initStringInfo(&projections);
	initStringInfo(&sources);
	if (feeders(relid, &projections, &sources) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table %s: denorm.guard() is on a table that is not the target of any row projection",
						td->tg_trigger->tgname, RelationGetRelationName(td->tg_relation)),
				 errhint("Drop the trigger, or give denorm.guard() the name of the column projection it guards.")));
	if (denorm_allow_direct_writes)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DENORM_ROW_TARGET),
			 errmsg("cannot %s %s: its rows are maintained by projection%s %s",
					event_verb(td->tg_event), qualified(relid),
					strchr(projections.data, ',') ? "s" : "", projections.data),
			 errdetail("Its rows are derived from %s.", sources.data),
			 errhint("Change %s instead. A superuser can SET denorm.allow_direct_writes = on for an emergency repair.",
					 sources.data),
			 errtable(td->tg_relation)));
}

static bool
values_equal(DenormAggColumn *ac, Datum a, bool anull, Datum b, bool bnull)
{
	if (anull || bnull)
		return anull == bnull;
	if (ac->has_eqfn)
		return DatumGetBool(FunctionCall2Coll(&ac->eqfn, InvalidOid, a, b));
	return datumIsEqual(a, b, get_typbyval(ac->type), get_typlen(ac->type));
}

/* Replace the owned columns of tuple with the given values. */
static HeapTuple
set_owned(DenormSpec *spec, TupleDesc desc, HeapTuple tuple, Datum *values, bool *nulls)
{
	int		   *cols = palloc(sizeof(int) * spec->naggs);
	int			i;

	for (i = 0; i < spec->naggs; i++)
		cols[i] = spec->aggs[i].target_attnum;
	return heap_modify_tuple_by_cols(tuple, desc, spec->naggs, cols, values, nulls);
}

/* BEFORE INSERT OR UPDATE ... FOR EACH ROW on a column projection's target. */
static HeapTuple
guard_column_target(DenormSpec *spec, TriggerData *td)
{
	Relation	rel = td->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *values;
	bool	   *nulls;
	int			i;

	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		if (denorm_allow_direct_writes)
			return td->tg_trigtuple;
		/* A new row starts empty, whatever the INSERT said. */
		values = palloc(sizeof(Datum) * spec->naggs);
		nulls = palloc(sizeof(bool) * spec->naggs);
		for (i = 0; i < spec->naggs; i++)
		{
			values[i] = spec->aggs[i].empty_value;
			nulls[i] = spec->aggs[i].empty_isnull;
		}
		return set_owned(spec, desc, td->tg_trigtuple, values, nulls);
	}

	/* UPDATE */
	if (guard_target_is_being_maintained(RelationGetRelid(rel)) || denorm_allow_direct_writes)
		return td->tg_newtuple;

	values = palloc(sizeof(Datum) * spec->naggs);
	nulls = palloc(sizeof(bool) * spec->naggs);

	/* A new key starts empty; the AFTER trigger recomputes it. */
	for (i = 0; i < spec->tgt_key.natts; i++)
	{
		AttrNumber	att = spec->tgt_key.attnums[i];
		bool		on;
		bool		nn;
		Datum		ov = heap_getattr(td->tg_trigtuple, att, desc, &on);
		Datum		nv = heap_getattr(td->tg_newtuple, att, desc, &nn);

		if (on != nn || (!on && !datumIsEqual(ov, nv, spec->tgt_key.typbyvals[i], spec->tgt_key.typlens[i])))
		{
			int			j;

			for (j = 0; j < spec->naggs; j++)
			{
				values[j] = spec->aggs[j].empty_value;
				nulls[j] = spec->aggs[j].empty_isnull;
			}
			return set_owned(spec, desc, td->tg_newtuple, values, nulls);
		}
	}

	for (i = 0; i < spec->naggs; i++)
	{
		DenormAggColumn *ac = &spec->aggs[i];
		bool		on;
		bool		nn;
		Datum		ov = heap_getattr(td->tg_trigtuple, ac->target_attnum, desc, &on);
		Datum		nv = heap_getattr(td->tg_newtuple, ac->target_attnum, desc, &nn);

		if (!values_equal(ac, ov, on, nv, nn) && !spec->keep_stale)
			ereport(ERROR,
					(errcode(ERRCODE_DENORM_OWNED_COLUMN),
					 errmsg("cannot set column %s of %s: it is maintained by projection \"%s\"",
							quote_identifier(ac->name), qualified(RelationGetRelid(rel)), spec->name),
					 errdetail("Projection \"%s\" computes it from %s; an UPDATE may only write its current value.",
							   spec->name, qualified(spec->source)),
					 errhint("Change %s instead, or register the projection with on_stale_write => 'keep' "
							 "to have stale values replaced silently.", qualified(spec->source)),
					 errtablecol(rel, ac->target_attnum)));
		values[i] = ov;			/* keep the maintained value */
		nulls[i] = on;
	}
	if (!spec->keep_stale)
		return td->tg_newtuple;
	return set_owned(spec, desc, td->tg_newtuple, values, nulls);
}

/* Entry from trigger.c once the call has been checked. */
HeapTuple
guard_fire(DenormSpec *spec, TriggerData *td)
{
	if (spec->kind == DENORM_ROW)
	{
		guard_row_table(td);
		return NULL;			/* statement-level BEFORE: value ignored */
	}
	return guard_column_target(spec, td);
}
