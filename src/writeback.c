/*
 * writeback.c — the talk's "interface": edits made through a view over a
 * row projection's target go back to the canonical row each target row came
 * from (by its provenance), and are projected forward again from there.
 *
 * denorm.create_writeback_view() makes the view (SELECT * FROM target) with
 * INSTEAD OF triggers calling denorm.writeback(). An UPDATE may change
 * columns the projection copies unchanged from its source; a column it
 * computes (an expression, a constant, a lookup's column) is refused, named.
 * A DELETE deletes the canonical row. Both run as the caller, under the key
 * lock maintenance takes.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_writeback);

/* The table the writeback view shows. */
static Oid
view_target(Relation view)
{
	Query	   *q = get_view_query(view);
	ListCell   *lc;

	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_RELATION && rte->inFromCl)
			return rte->relid;
	}
	elog(ERROR, "writeback view %s reads no table", RelationGetRelationName(view));
	return InvalidOid;
}

/* The row projection into target whose type constant the row carries. */
static DenormSpec *
projection_of_row(Oid target, TupleDesc desc, HeapTuple row, Relation view)
{
	ListCell   *lc;

	foreach(lc, spec_all_names())
	{
		DenormSpec *spec = spec_lookup(lfirst(lc), true);
		int			att;
		bool		isnull;
		Datum		d;
		Oid			outfn;
		bool		varlena;

		if (spec == NULL)
			continue;
		if (spec->kind != DENORM_ROW || spec->target != target ||
			(att = SPI_fnumber(desc, spec->type_column)) <= 0)
		{
			spec_release(spec);
			continue;
		}
		d = heap_getattr(row, att, desc, &isnull);
		if (!isnull)
		{
			getTypeOutputInfo(TupleDescAttr(desc, att - 1)->atttypid, &outfn, &varlena);
			if (strcmp(OidOutputFunctionCall(outfn, d), spec->type_value) == 0)
				return spec;
		}
		spec_release(spec);
	}
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("no projection into %s produced this row of %s", get_rel_name(target),
					RelationGetRelationName(view))));
	return NULL;
}

static CopiedColumn *
copied_column(DenormSpec *spec, const char *name)
{
	ListCell   *lc;

	foreach(lc, spec->copied)
	{
		CopiedColumn *cc = lfirst(lc);

		if (strcmp(cc->name, name) == 0)
			return cc;
	}
	return NULL;
}

static bool
is_identity(DenormSpec *spec, const char *name)
{
	ListCell   *lc;

	if (strcmp(name, spec->type_column) == 0 || strcmp(name, spec->key_column) == 0)
		return true;
	foreach(lc, spec->row_key)
		if (strcmp(name, (char *) lfirst(lc)) == 0)
			return true;
	return false;
}

/* Lock the source key like maintenance of that key does. */
static void
lock_source_key(DenormSpec *spec, Datum key)
{
	KeySet	   *ks = keyset_create(&spec->src_key, 1);
	bool		isnull = false;
	LockRequest req;

	keyset_add(ks, &key, &isnull);
	keyset_finish(ks);
	memset(&req, 0, sizeof(req));
	req.relid = spec->source;
	req.mode = KEYLOCK_EXCLUSIVE;
	req.phase = 1;
	req.keys = ks;
	lock_acquire_all(spec, &req, 1);
}

static void
write_back(DenormSpec *spec, TriggerData *td, TupleDesc desc)
{
	bool		is_update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	HeapTuple	oldrow = td->tg_trigtuple;
	HeapTuple	newrow = td->tg_newtuple;
	StringInfoData sql;
	Datum	   *values = palloc(sizeof(Datum) * (desc->natts + 1));
	char	   *nulls = palloc(desc->natts + 2);
	Oid		   *types = palloc(sizeof(Oid) * (desc->natts + 1));
	int			n = 0;
	int			keyatt = SPI_fnumber(desc, spec->key_column);
	bool		isnull;
	Datum		key = heap_getattr(oldrow, keyatt, desc, &isnull);
	char	   *srckey = pstrdup(quote_identifier(get_attname(spec->source, spec->src_key.attnums[0], false)));
	int			i;
	int			ret;

	initStringInfo(&sql);
	if (is_update)
	{
		appendStringInfo(&sql, "UPDATE %s SET ", spec->source_sql);
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			bool		on;
			bool		nn;
			Datum		ov;
			Datum		nv;
			CopiedColumn *cc;

			if (att->attisdropped)
				continue;
			ov = heap_getattr(oldrow, i + 1, desc, &on);
			nv = heap_getattr(newrow, i + 1, desc, &nn);
			if (on == nn && (on || datumIsEqual(ov, nv, att->attbyval, att->attlen)))
				continue;		/* unchanged */
			if (is_identity(spec, NameStr(att->attname)))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("column %s of %s identifies the row's canonical origin; it cannot be written back",
								quote_identifier(NameStr(att->attname)), RelationGetRelationName(td->tg_relation))));
			cc = copied_column(spec, NameStr(att->attname));
			if (cc == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("column %s of %s is computed by projection \"%s\", not copied from %s; it cannot be written back",
								quote_identifier(NameStr(att->attname)), RelationGetRelationName(td->tg_relation),
								spec->name, spec->source_sql),
						 errhint("Change the canonical columns it is computed from instead.")));
			appendStringInfo(&sql, "%s%s = $%d", n > 0 ? ", " : "",
							 quote_identifier(get_attname(spec->source, cc->source_attnum, false)), n + 1);
			values[n] = nv;
			nulls[n] = nn ? 'n' : ' ';
			types[n] = att->atttypid;
			n++;
		}
		if (n == 0)
			return;				/* nothing changed */
	}
	else
		appendStringInfo(&sql, "DELETE FROM %s", spec->source_sql);
	appendStringInfo(&sql, " WHERE %s %s $%d", srckey,
					 sqlgen_eq_operator(spec->src_key.types[0]), n + 1);
	values[n] = key;
	nulls[n] = ' ';
	nulls[n + 1] = '\0';
	types[n] = spec->src_key.types[0];

	lock_source_key(spec, key);
	ret = SPI_execute_with_args(sql.data, n + 1, types, values, nulls, false, 0);
	if (ret != (is_update ? SPI_OK_UPDATE : SPI_OK_DELETE))
		elog(ERROR, "writeback to %s failed: %s", spec->source_sql, SPI_result_code_string(ret));
}

/* INSTEAD OF INSERT OR UPDATE OR DELETE ... FOR EACH ROW on a writeback view. */
Datum
denorm_writeback(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	view;
	TupleDesc	desc;
	Oid			target;
	DenormSpec *spec;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("denorm.writeback() must be fired INSTEAD OF ... FOR EACH ROW on a view")));
	view = td->tg_relation;
	desc = RelationGetDescr(view);
	target = view_target(view);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot insert into %s: its rows come from canonical tables", RelationGetRelationName(view)),
				 errhint("Insert into the canonical table; the projection adds the row.")));

	SPI_connect();
	spec = projection_of_row(target, desc, td->tg_trigtuple, view);
	PG_TRY();
	{
		write_back(spec, td, desc);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	SPI_finish();

	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
}
