/*
 * batch.c — rebuild of a large projection in batches, one transaction each,
 * with its progress recorded in denorm.rebuild_progress so that it can be
 * watched from other sessions, interrupted, and resumed.
 *
 * denorm.rebuild_step(name, batch_size) does one batch: the next keys in key
 * order, locked and applied like maintenance does, so writers wait only for
 * the keys of the batch in flight. A row projection walks the source's keys
 * (phase 'source'), then the keys only the target still has (phase
 * 'target'); a column projection walks the target's keys. The procedure
 * denorm.rebuild_batched and the pg_denorm command call it in a loop,
 * committing after each batch.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_rebuild_step);

typedef struct Progress
{
	bool		exists;
	char	   *phase;
	char	   *last_key;		/* NULL: start of the phase */
	int64		done;
	int64		total;
	int64		rows;
} Progress;

static void
run_as_extension_owner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	Oid			save_userid;
	int			save_sec;
	int			ret;

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(denorm_extension_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	ret = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	SetUserIdAndSecContext(save_userid, save_sec);
	if (ret < 0)
		elog(ERROR, "rebuild progress update failed: %s", SPI_result_code_string(ret));
}

static Progress
read_progress(DenormSpec *spec)
{
	Progress	p;
	Datum		arg = CStringGetTextDatum(spec->name);
	Oid			argtype = TEXTOID;

	memset(&p, 0, sizeof(p));
	if (SPI_execute_with_args("SELECT phase, last_key, done, total, rows_written "
							  "FROM denorm.rebuild_progress WHERE projection OPERATOR(pg_catalog.=) $1",
							  1, &argtype, &arg, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read denorm.rebuild_progress");
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		p.exists = true;
		p.phase = SPI_getvalue(tup, desc, 1);
		p.last_key = SPI_getvalue(tup, desc, 2);
		p.done = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
		p.total = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		p.rows = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
	}
	return p;
}

static void
write_progress(DenormSpec *spec, Progress *p)
{
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, BOOLOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};

	values[0] = CStringGetTextDatum(spec->name);
	values[1] = CStringGetTextDatum(p->phase);
	if (p->last_key)
		values[2] = CStringGetTextDatum(p->last_key);
	else
		nulls[2] = 'n';
	values[3] = Int64GetDatum(p->done);
	values[4] = Int64GetDatum(p->total);
	values[5] = Int64GetDatum(p->rows);
	values[6] = BoolGetDatum(strcmp(p->phase, "done") == 0);
	run_as_extension_owner("INSERT INTO denorm.rebuild_progress AS r "
						   "(projection, phase, last_key, done, total, rows_written, finished_at) "
						   "VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN pg_catalog.now() END) "
						   "ON CONFLICT (projection) DO UPDATE SET phase = excluded.phase, "
						   "last_key = excluded.last_key, done = excluded.done, total = excluded.total, "
						   "rows_written = excluded.rows_written, updated_at = pg_catalog.now(), "
						   "finished_at = excluded.finished_at, "
						   "started_at = CASE WHEN r.phase = 'done' THEN pg_catalog.now() ELSE r.started_at END",
						   7, types, values, nulls);
}

static int64
count_rows(const char *sql)
{
	bool		isnull;

	if (SPI_execute(sql, false, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not count rows to rebuild");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* The next keys of a phase, after last_key, in key order. */
static KeySet *
next_keys(DenormSpec *spec, const char *sql, const char *last_key, int batch_size, char **new_last)
{
	const KeyDesc *kd = &spec->src_key;
	Oid			types[2] = {TEXTOID, INT4OID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	KeySet	   *ks;
	uint64		i;

	if (last_key)
		values[0] = CStringGetTextDatum(last_key);
	else
		nulls[0] = 'n';
	values[1] = Int32GetDatum(batch_size);
	if (SPI_execute_with_args(sql, 2, types, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the next keys of projection \"%s\"", spec->name);
	ks = keyset_create(kd, (int) Max(SPI_processed, 1));
	*new_last = NULL;
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		v = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		keyset_add(ks, &v, &isnull);
		if (i == SPI_processed - 1)
			*new_last = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	}
	keyset_finish(ks);
	return ks;
}

/* The SQL that lists a phase's keys: "$1" the last key as text, "$2" the batch size. */
static char *
keys_sql(DenormSpec *spec, const char *phase)
{
	const char *type = sqlgen_type_name(spec->src_key.types[0], -1);
	const char *eq = sqlgen_eq_operator(spec->src_key.types[0]);

	if (spec->kind == DENORM_COLUMN)
	{
		char	   *k = pstrdup(quote_identifier(get_attname(spec->target, spec->tgt_key.attnums[0], false)));

		return psprintf("SELECT t.%s FROM %s t WHERE $1 IS NULL OR t.%s OPERATOR(pg_catalog.>) CAST($1 AS %s) "
						"ORDER BY t.%s LIMIT $2", k, spec->target_sql, k, type, k);
	}
	if (strcmp(phase, "source") == 0)
	{
		char	   *k = pstrdup(quote_identifier(get_attname(spec->source, spec->src_key.attnums[0], false)));

		return psprintf("SELECT s.%s FROM %s s WHERE $1 IS NULL OR s.%s OPERATOR(pg_catalog.>) CAST($1 AS %s) "
						"ORDER BY s.%s LIMIT $2", k, spec->source_sql, k, type, k);
	}
	/* Keys the target still has but the source no longer does. */
	{
		char	   *tk = pstrdup(quote_identifier(spec->key_column));
		char	   *ty = pstrdup(quote_identifier(spec->type_column));
		char	   *sk = pstrdup(quote_identifier(get_attname(spec->source, spec->src_key.attnums[0], false)));

		return psprintf("SELECT DISTINCT t.%s FROM %s t WHERE CAST(t.%s AS pg_catalog.text) OPERATOR(pg_catalog.=) %s "
						"AND ($1 IS NULL OR t.%s OPERATOR(pg_catalog.>) CAST($1 AS %s)) "
						"AND NOT EXISTS (SELECT 1 FROM %s s WHERE s.%s %s t.%s) ORDER BY 1 LIMIT $2",
						tk, spec->target_sql, ty, quote_literal_cstr(spec->type_value),
						tk, type, spec->source_sql, sk, eq ? eq : "OPERATOR(pg_catalog.=)", tk);
	}
}

/*
 * denorm.rebuild_step(name, batch_size, restart) -> (phase, done, total,
 * rows_written, finished): rebuild the next batch of keys.
 */
Datum
denorm_rebuild_step(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int			batch_size = PG_ARGISNULL(1) ? 1000 : PG_GETARG_INT32(1);
	bool		restart = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	DenormSpec *spec = spec_lookup(name, false);
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	Progress	p;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_TRY();
	{
		EngineState es;

		if (!has_privs_of_role(GetUserId(), spec->owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be owner of projection \"%s\" to rebuild it", spec->name)));
		if (batch_size < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("batch size must be at least 1, not %d", batch_size)));
		if (spec->src_key.natts != 1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("projection \"%s\" has a key of %d columns; rebuild it whole with denorm.rebuild()",
							spec->name, spec->src_key.natts)));

		engine_begin(&es, spec, true);
		PG_TRY();
		{
			char	   *new_last;
			KeySet	   *keys;

			p = read_progress(spec);
			if (!p.exists || restart || strcmp(p.phase, "done") == 0)
			{
				p.phase = spec->kind == DENORM_ROW ? "source" : "target";
				p.last_key = NULL;
				p.done = 0;
				p.rows = 0;
				p.total = count_rows(psprintf("SELECT pg_catalog.count(*) FROM %s",
											  spec->kind == DENORM_ROW ? spec->source_sql : spec->target_sql));
			}
			keys = next_keys(spec, keys_sql(spec, p.phase), p.last_key, batch_size, &new_last);
			if (keys->nkeys > 0)
			{
				p.rows += recompute_keys(spec, keys);
				if (strcmp(p.phase, "source") == 0 || spec->kind == DENORM_COLUMN)
					p.done += keys->nkeys;
				p.last_key = new_last;
			}
			if (keys->nkeys < batch_size)
			{
				/* This phase is through. */
				if (strcmp(p.phase, "source") == 0)
					p.phase = "target";
				else
				{
					p.phase = "done";
					stats_count(spec->name, COUNT_REBUILD, 0);
				}
				p.last_key = NULL;
			}
			write_progress(spec, &p);
		}
		PG_CATCH();
		{
			engine_abort_cleanup(&es);
			PG_RE_THROW();
		}
		PG_END_TRY();
		engine_end(&es);

		values[0] = CStringGetTextDatum(p.phase);
		values[1] = Int64GetDatum(p.done);
		values[2] = Int64GetDatum(p.total);
		values[3] = Int64GetDatum(p.rows);
		values[4] = BoolGetDatum(strcmp(p.phase, "done") == 0);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
