/*
 * engine.c — the context maintenance statements run in: as the projection's
 * owner, with a pinned search_path, inside SPI, with the transition rows
 * registered as ephemeral relations, and with the guard told which target
 * is being written. Also runs (and caches) the prepared statements.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/queryenvironment.h"

#include "denorm.h"

#define MAX_MAINTENANCE_DEPTH 64

/* Which target each maintenance level is writing: the guard reads the top. */
static Oid	writing_target[MAX_MAINTENANCE_DEPTH];
static int	writing_depth = 0;

bool
guard_target_is_being_maintained(Oid relid)
{
	return writing_depth > 0 && writing_target[writing_depth - 1] == relid;
}

/* Error context: which projection was being maintained. */
static void
engine_error_callback(void *arg)
{
	DenormSpec *spec = (DenormSpec *) arg;

	errcontext("maintenance of projection \"%s\"", spec->name);
}

static ErrorContextCallback engine_errcallbacks[MAX_MAINTENANCE_DEPTH];
static EngineState *engine_states[MAX_MAINTENANCE_DEPTH];

static void
engine_count_rows(uint64 n)
{
	if (writing_depth > 0)
		engine_states[writing_depth - 1]->counters.rows += n;
}

/* Keys the current maintenance call works on, for the counters. */
void
engine_count_keys(int64 n)
{
	if (writing_depth > 0)
		engine_states[writing_depth - 1]->counters.keys += n;
}

/*
 * Enter maintenance of spec: switch to its owner, pin search_path if needed, connect
 * SPI and tell the guard. Every engine_begin is paired with engine_end on
 * success; on error, transaction (or subtransaction) abort restores the
 * user, GUCs and SPI, and engine_abort_cleanup() the guard's stack.
 */
void
engine_begin(EngineState *es, DenormSpec *spec, bool admin)
{
	int			ret;

	memset(es, 0, sizeof(*es));
	es->spec = spec;
	es->guc_nestlevel = -1;
	INSTR_TIME_SET_CURRENT(es->start);

	if (writing_depth >= MAX_MAINTENANCE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("projection maintenance nested more than %d levels deep at projection \"%s\"",
						MAX_MAINTENANCE_DEPTH, spec->name)));

	/*
	 * As the owner, like RI triggers do. Not a security-restricted operation:
	 * that would forbid the deferred constraint triggers our writes may queue.
	 */
	GetUserIdAndSecContext(&es->save_userid, &es->save_sec_context);
	SetUserIdAndSecContext(spec->owner,
						   es->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_NOFORCE_RLS);

	/*
	 * Pin the search_path recorded at registration (pg_catalog first, pg_temp
	 * last), unless nothing maintenance runs resolves names by it (qualify.c);
	 * either way nothing the writing session sets can change what maintenance,
	 * or a trigger it fires, resolves names to. Admin calls (rebuild, audit,
	 * repair) run unqualified audit statements: they always pin.
	 */
	qualify_spec_statements(spec);
	if ((admin || spec->pin_search_path) &&
		(namespace_search_path == NULL ||
		 strcmp(namespace_search_path, spec->search_path) != 0))
	{
		es->guc_nestlevel = NewGUCNestLevel();
		(void) set_config_option("search_path", spec->search_path,
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}

	ret = SPI_connect();
	if (ret != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	es->connected = true;

	engine_errcallbacks[writing_depth].callback = engine_error_callback;
	engine_errcallbacks[writing_depth].arg = spec;
	engine_errcallbacks[writing_depth].previous = error_context_stack;
	error_context_stack = &engine_errcallbacks[writing_depth];

	engine_states[writing_depth] = es;
	writing_target[writing_depth++] = spec->target;
	es->pushed = true;
}

void
engine_end(EngineState *es)
{
	int			ret;

	if (es->pushed)
	{
		writing_depth--;
		error_context_stack = engine_errcallbacks[writing_depth].previous;
		es->pushed = false;
	}
	if (es->connected)
	{
		ret = SPI_finish();
		if (ret != SPI_OK_FINISH)
			elog(ERROR, "SPI_finish failed: %s", SPI_result_code_string(ret));
		es->connected = false;
	}
	if (es->guc_nestlevel >= 0)
		AtEOXact_GUC(true, es->guc_nestlevel);
	SetUserIdAndSecContext(es->save_userid, es->save_sec_context);

	{
		instr_time	now;

		INSTR_TIME_SET_CURRENT(now);
		INSTR_TIME_SUBTRACT(now, es->start);
		es->counters.time_us = INSTR_TIME_GET_MICROSEC(now);
		es->counters.statements = 1;
		stats_add(es->spec->name, &es->counters);
	}
}

/*
 * Called on the error path of a trigger: pop what engine_begin pushed. The
 * rest (SPI, GUC, user) is restored by (sub)transaction abort.
 */
void
engine_abort_cleanup(EngineState *es)
{
	if (es->pushed)
	{
		writing_depth--;
		error_context_stack = engine_errcallbacks[writing_depth].previous;
		es->pushed = false;
	}
}

/* Register a tuplestore as an ephemeral relation for the next statements. */
void
engine_register(const char *name, Oid reliddesc, TupleDesc tupdesc, Tuplestorestate *ts)
{
	EphemeralNamedRelation enr = palloc0(sizeof(EphemeralNamedRelationData));
	int			ret;

	/* A name may be registered once per SPI connection: replace it. */
	(void) SPI_unregister_relation(name);
	enr->md.name = pstrdup(name);
	enr->md.reliddesc = reliddesc;
	enr->md.tupdesc = OidIsValid(reliddesc) ? NULL : tupdesc;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = ts ? tuplestore_tuple_count(ts) : 0;
	enr->reldata = ts;
	ret = SPI_register_relation(enr);
	if (ret != SPI_OK_REL_REGISTER)
		elog(ERROR, "SPI_register_relation failed: %s", SPI_result_code_string(ret));
}

/*
 * Statements whose every join goes from a few rows (transition rows, or
 * denorm_keys) to a unique key: a lookup's, the source key, the target's
 * identity or group key. For those a nested loop over index probes is the
 * right plan at any size up to DENORM_SMALL_STATEMENT rows, but the planner,
 * costing whole runs, picks hash joins against small tables (a 10-row
 * lookup, a 3-row VALUES list) whose hash tables cost more to build than
 * the probes they replace. Planning them for a fast start (the cost of the
 * first rows) picks the nested loops. Statements that may scan a source by
 * a column without an index (a lookup's mapping, a group recompute) keep
 * the default, and so do the lock and read-check statements of recomputed
 * groups, whose plans decide which SERIALIZABLE predicate locks they take.
 */
static bool
plan_is_keyed(DenormSpec *spec, SPIPlanPtr *slot)
{
	ListCell   *lc;
	int			i;

	if (slot == NULL)
		return false;
	foreach(lc, spec->inplace_variants)
		if (slot == &((InplaceVariant *) lfirst(lc))->plan_cached)
			return true;		/* an in-place update over fewer outputs */
	if (slot < spec->plans || slot >= spec->plans + DENORM_NPLANS)
		return false;
	i = (int) (slot - spec->plans);
	if (spec->kind == DENORM_ROW)
		return i == RP_INSERT || i == RP_DELETE || i == RP_UPDATE_SIMPLE || i == RP_APPLY_NEW ||
			i == RP_APPLY_KEYS || i == RP_UPDATE_KEYS;
	return i == CP_DELTA_INS || i == CP_DELTA_DEL || i == CP_DELTA_UPD ||
		i == CP_DELTA1_INS || i == CP_DELTA1_DEL || i == CP_DELTA1_UPD;
}

/*
 * Prepare sql, or reuse the plan cached in *slot. Only statements over a
 * small number of rows use the cache: a bulk statement is planned for its
 * real size, and its plan is thrown away.
 */
SPIPlanPtr
engine_plan(DenormSpec *spec, SPIPlanPtr *slot, const char *sql, int64 nrows, bool cacheable)
{
	SPIPlanPtr	plan;

	if (cacheable && slot && *slot)
		return *slot;
	plan = SPI_prepare_cursor(sql, 0, NULL,
							  cacheable && plan_is_keyed(spec, slot) ? CURSOR_OPT_FAST_PLAN : 0);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for projection \"%s\": %s",
			 spec->name, SPI_result_code_string(SPI_result));
	if (cacheable && slot)
	{
		MemoryContext old = MemoryContextSwitchTo(spec->cxt);

		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		MemoryContextSwitchTo(old);
		*slot = plan;
	}
	return plan;
}

void
engine_done_with_plan(SPIPlanPtr plan, bool cacheable)
{
	if (!cacheable)
		SPI_freeplan(plan);
}

/*
 * Run one maintenance statement and check its result code. Returns the
 * number of rows it processed (for the apply statements, the count they
 * select).
 */
uint64
engine_exec(DenormSpec *spec, SPIPlanPtr *slot, const char *sql,
			int64 nrows, bool cacheable, int expect)
{
	SPIPlanPtr	plan = engine_plan(spec, slot, sql, nrows, cacheable);
	volatile int ret = 0;
	uint64		processed;
	MemoryContext cxt = CurrentMemoryContext;

	/* Count serialization failures PostgreSQL raises on our target writes. */
	PG_TRY();
	{
		ret = SPI_execute_plan(plan, NULL, NULL, false, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode == ERRCODE_T_R_SERIALIZATION_FAILURE)
			stats_count(spec->name, COUNT_SERIALIZATION_FAILURE, 1);
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (ret != expect)
		elog(ERROR, "maintenance statement of projection \"%s\" returned %s, expected %s",
			 spec->name, SPI_result_code_string(ret), SPI_result_code_string(expect));
	processed = SPI_processed;
	if (ret == SPI_OK_SELECT && SPI_processed == 1 && SPI_tuptable->tupdesc->natts == 1 &&
		TupleDescAttr(SPI_tuptable->tupdesc, 0)->atttypid == INT8OID)
	{
		/* An apply statement: it selects the number of rows it wrote. */
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		processed = isnull ? 0 : DatumGetInt64(d);
		engine_count_rows(processed);
	}
	else if (ret != SPI_OK_SELECT)
		engine_count_rows(processed);
	engine_done_with_plan(plan, cacheable);
	return processed;
}
