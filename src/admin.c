/*
 * admin.c — rebuild, audit, repair, and the lock functions an application
 * may call (lock_key, key_lock_tag).
 *
 * rebuild and repair are maintainers like the triggers: they take the same
 * locks and write through the same statements, as the projection's owner.
 * audit only reads, as the caller, in one statement per projection, all
 * under one snapshot.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_rebuild);
PG_FUNCTION_INFO_V1(denorm_rebuild_key);
PG_FUNCTION_INFO_V1(denorm_rebuild_target);
PG_FUNCTION_INFO_V1(denorm_audit);
PG_FUNCTION_INFO_V1(denorm_repair);
PG_FUNCTION_INFO_V1(denorm_lock_key);
PG_FUNCTION_INFO_V1(denorm_key_lock_tag);

static void
check_owner(DenormSpec *spec, const char *action)
{
	if (!has_privs_of_role(GetUserId(), spec->owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of projection \"%s\" to %s it", spec->name, action)));
}

/*
 * The key single-key functions take: the source key of a row projection, the
 * group (whose columns have the target key's types) of a column projection.
 */
static const KeyDesc *
spec_key(DenormSpec *spec)
{
	return &spec->src_key;
}

/* Build a one-key set from an anyelement argument, checking its type. */
static KeySet *
key_argument(DenormSpec *spec, FunctionCallInfo fcinfo, int argno)
{
	const KeyDesc *kd = spec_key(spec);
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, argno);
	KeySet	   *ks;
	Datum		v = PG_GETARG_DATUM(argno);
	bool		isnull = false;

	if (kd->natts != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" has a key of %d columns; single-key functions take one-column keys",
						spec->name, kd->natts)));
	if (argtype != kd->types[0])
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("key of projection \"%s\" is of type %s, not %s",
						spec->name, format_type_be(kd->types[0]), format_type_be(argtype)),
				 errhint("Cast the key: '...'::%s.", format_type_be(kd->types[0]))));
	ks = keyset_create(kd, 1);
	keyset_add(ks, &v, &isnull);
	keyset_finish(ks);
	return ks;
}

static void
lock_whole(DenormSpec *spec)
{
	LockRequest *reqs = NULL;
	int			nreqs = lock_recompute_requests(spec, NULL, &reqs, 0);

	lock_acquire_all(spec, reqs, nreqs);
}

/* Rebuild a whole projection in place: its rows that differ, in the live target. */
static uint64
rebuild_in_place(DenormSpec *spec)
{
	EngineState es;
	uint64		n;

	lock_whole(spec);
	engine_begin(&es, spec, true);
	PG_TRY();
	{
		if (spec->kind == DENORM_ROW)
		{
			/*
			 * A target holding none of the projection's rows (a first fill,
			 * a rebuild from scratch) takes a plain INSERT ... SELECT: the
			 * three-CTE apply would compare every row against nothing.
			 */
			n = engine_exec(spec, NULL, spec->sql[RP_FILL_EMPTY], 0, false, SPI_OK_INSERT);
			if (n == 0)
				n = engine_exec(spec, NULL, spec->sql[RP_REBUILD], 0, false, SPI_OK_SELECT);
		}
		else
			n = engine_exec(spec, NULL, spec->sql[CP_REBUILD], 0, false, SPI_OK_UPDATE);
		stats_count(spec->name, COUNT_REBUILD, 0);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
	return n;
}

Datum
denorm_rebuild(PG_FUNCTION_ARGS)
{
	DenormSpec *spec = spec_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)), false);
	uint64		n = 0;

	PG_TRY();
	{
		check_owner(spec, "rebuild");
		n = rebuild_in_place(spec);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	PG_RETURN_INT64((int64) n);
}

/*
 * Why target cannot be swapped, checked under a lock taken only for the
 * check: the swap's own AccessExclusiveLock comes after the projections'
 * locks, in the order every maintainer takes them.
 */
static const char *
swap_precheck(Oid target, List *specs)
{
	Relation	rel = table_open(target, AccessShareLock);
	const char *why = swap_blocker(rel, specs);

	table_close(rel, AccessShareLock);
	return why;
}

/*
 * denorm.rebuild_target(target): rebuild every projection writing target.
 * By a swap when swap_blocker allows it (readers of the target wait, as for
 * REFRESH MATERIALIZED VIEW); otherwise in place, one projection after the
 * other, with a NOTICE saying why.
 */
Datum
denorm_rebuild_target(PG_FUNCTION_ARGS)
{
	Oid			target = PG_GETARG_OID(0);
	bool		in_place = PG_GETARG_BOOL(1);
	List	   *names = spec_names_writing(target);
	List	   *volatile specs = NIL;	/* released in PG_FINALLY */
	uint64		n = 0;
	ListCell   *lc;

	if (names == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("no projection writes into table \"%s\"", get_rel_name(target)),
				 errhint("denorm.projections lists each projection's target.")));
	PG_TRY();
	{
		const char *why = NULL;

		foreach(lc, names)
		{
			DenormSpec *spec = spec_lookup(lfirst(lc), false);

			specs = lappend(specs, spec);
			check_owner(spec, "rebuild");
		}
		if (!in_place)
		{
			why = swap_precheck(target, specs);
			if (why == NULL)
			{
				LockRequest *reqs = NULL;
				int			nreqs = 0;

				foreach(lc, specs)
					nreqs = lock_recompute_requests(lfirst(lc), NULL, &reqs, nreqs);
				lock_acquire_all(linitial(specs), reqs, nreqs);
				LockRelationOid(target, AccessExclusiveLock);
				why = swap_precheck(target, specs);		/* it may have changed meanwhile */
			}
			if (why)
				ereport(NOTICE,
						(errmsg("rebuilding table \"%s\" in place: %s", get_rel_name(target), why)));
		}
		if (in_place || why)
			foreach(lc, specs)
				n += rebuild_in_place(lfirst(lc));
		else
			n = swap_rebuild(target, specs);
	}
	PG_FINALLY();
	{
		foreach(lc, specs)
			spec_release(lfirst(lc));
	}
	PG_END_TRY();
	PG_RETURN_INT64((int64) n);
}

Datum
denorm_rebuild_key(PG_FUNCTION_ARGS)
{
	DenormSpec *spec = spec_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)), false);
	EngineState es;
	uint64		n = 0;

	PG_TRY();
	{
		KeySet	   *keys;

		check_owner(spec, "rebuild");
		keys = key_argument(spec, fcinfo, 1);
		engine_begin(&es, spec, true);
		PG_TRY();
		{
			n = recompute_keys(spec, keys);
		}
		PG_CATCH();
		{
			engine_abort_cleanup(&es);
			PG_RE_THROW();
		}
		PG_END_TRY();
		engine_end(&es);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	PG_RETURN_INT64((int64) n);
}

/* Projections (or the one named) to work on. */
static List *
projections_named(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		return spec_all_names();
	return list_make1(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

/* Invariants, by name and view, when auditing everything (or the one named). */
static void
audit_invariants(ReturnSetInfo *rsinfo, const char *only)
{
	int			ret;
	uint64		i;
	List	   *names = NIL;
	List	   *views = NIL;
	ListCell   *ln;
	ListCell   *lv;

	ret = SPI_execute("SELECT name, definition::pg_catalog.text FROM denorm.invariant ORDER BY name", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "invariant lookup failed: %s", SPI_result_code_string(ret));
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		if (only && strcmp(only, name) != 0)
			continue;
		names = lappend(names, name);
		views = lappend(views, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
	}
	forboth(ln, names, lv, views)
	{
		ret = SPI_execute(psprintf("SELECT pg_catalog.to_jsonb(v) FROM %s v", (char *) lfirst(lv)), true, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "invariant query failed: %s", SPI_result_code_string(ret));
		for (i = 0; i < SPI_processed; i++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, true, false, true, false};
			bool		isnull;

			values[0] = CStringGetTextDatum((char *) lfirst(ln));
			values[1] = (Datum) 0;
			values[2] = CStringGetTextDatum("invariant");
			values[3] = (Datum) 0;
			values[4] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
			nulls[4] = isnull;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
}

/* Append the drift report of one projection to the result. Inside SPI. */
static void
audit_one(const char *name, ReturnSetInfo *rsinfo)
{
	DenormSpec *spec = spec_lookup(name, false);

	PG_TRY();
	{
		int			ret;
		uint64		i;

		ret = SPI_execute(spec->sql[spec->kind == DENORM_ROW ? RP_AUDIT : CP_AUDIT], true, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "audit of projection \"%s\" returned %s", spec->name,
				 SPI_result_code_string(ret));
		stats_count(spec->name, COUNT_AUDIT_DRIFT, (int64) SPI_processed);
		for (i = 0; i < SPI_processed; i++)
		{
			Datum		values[5];
			bool		nulls[5];
			int			j;

			values[0] = CStringGetTextDatum(spec->name);
			nulls[0] = false;
			for (j = 1; j <= 4; j++)
				values[j] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, j, &nulls[j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
}

static bool
is_invariant(const char *name)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	int			ret;

	ret = SPI_execute_with_args("SELECT 1 FROM denorm.invariant WHERE name OPERATOR(pg_catalog.=) $1",
								1, &argtype, &arg, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "invariant lookup failed: %s", SPI_result_code_string(ret));
	return SPI_processed > 0;
}

Datum
denorm_audit(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *only = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	if (only == NULL)
	{
		foreach(lc, spec_all_names())
			audit_one(lfirst(lc), rsinfo);
		audit_invariants(rsinfo, NULL);
	}
	else if (is_invariant(only))
		audit_invariants(rsinfo, only);
	else
		audit_one(only, rsinfo);
	SPI_finish();
	return (Datum) 0;
}

/* Keys audit finds drifted, as a key set. Inside the engine. */
static KeySet *
drifted_keys(DenormSpec *spec)
{
	int			ret;
	KeySet	   *keys = keyset_create(spec_key(spec), 16);

	ret = SPI_execute(spec->sql[spec->kind == DENORM_ROW ? RP_AUDIT_KEYS : CP_AUDIT_KEYS], false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "audit of projection \"%s\" returned %s", spec->name, SPI_result_code_string(ret));
	keyset_add_spi_result(keys);
	keyset_finish(keys);
	return keys;
}

/* Rebuild the drifted keys of one projection; returns how many. */
static int64
repair_one(const char *name)
{
	DenormSpec *spec = spec_lookup(name, false);
	EngineState es;
	int64		repaired = 0;

	PG_TRY();
	{
		check_owner(spec, "repair");
		engine_begin(&es, spec, true);
		PG_TRY();
		{
			KeySet	   *keys = drifted_keys(spec);

			if (keys->nkeys > 0)
				(void) recompute_keys(spec, keys);
			repaired = keys->nkeys;
		}
		PG_CATCH();
		{
			engine_abort_cleanup(&es);
			PG_RE_THROW();
		}
		PG_END_TRY();
		engine_end(&es);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	return repaired;
}

Datum
denorm_repair(PG_FUNCTION_ARGS)
{
	ListCell   *lc;
	int64		repaired = 0;

	foreach(lc, projections_named(fcinfo))
		repaired += repair_one(lfirst(lc));
	PG_RETURN_INT64(repaired);
}

Datum
denorm_lock_key(PG_FUNCTION_ARGS)
{
	DenormSpec *spec = spec_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)), false);

	PG_TRY();
	{
		KeySet	   *keys = key_argument(spec, fcinfo, 1);
		Oid			relid = spec->kind == DENORM_ROW ? spec->source : spec->target;
		LockRequest req;

		if (pg_class_aclcheck(relid, GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to lock keys of projection \"%s\"", spec->name),
					 errdetail("Taking a key's lock needs UPDATE on %s.", get_rel_name(relid))));
		memset(&req, 0, sizeof(req));
		req.relid = relid;
		req.mode = KEYLOCK_EXCLUSIVE;
		req.phase = 1;
		req.keys = keys;
		lock_acquire_all(spec, &req, 1);
		if (spec->kind == DENORM_COLUMN)
		{
			EngineState es;

			/* A column projection's key lock is the target row's lock. */
			engine_begin(&es, spec, true);
			PG_TRY();
			{
				TupleDesc	desc;
				Tuplestorestate *ts = keyset_tuplestore(keys, &desc);

				engine_register(ENR_KEYS, InvalidOid, desc, ts);
				(void) engine_exec(spec, &spec->plans[CP_LOCK_KEYS], spec->sql[CP_LOCK_KEYS], 1, true,
								   SPI_OK_SELECT);
			}
			PG_CATCH();
			{
				engine_abort_cleanup(&es);
				PG_RE_THROW();
			}
			PG_END_TRY();
			engine_end(&es);
		}
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	PG_RETURN_VOID();
}

Datum
denorm_key_lock_tag(PG_FUNCTION_ARGS)
{
	DenormSpec *spec = spec_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)), false);
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	HeapTuple	tup;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_TRY();
	{
		KeySet	   *keys = key_argument(spec, fcinfo, 1);
		LOCKTAG		tag;

		lock_set_tag(&tag, spec->kind == DENORM_ROW ? spec->source : spec->target,
					 keys->hashes[0], false);
		values[0] = ObjectIdGetDatum(tag.locktag_field2);
		values[1] = ObjectIdGetDatum(tag.locktag_field3);
		values[2] = Int32GetDatum(tag.locktag_field4);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	tup = heap_form_tuple(BlessTupleDesc(desc), values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(tup));
}
