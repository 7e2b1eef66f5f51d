/*
 * maintain_row.c — maintenance of row projections: what one statement on a
 * source or lookup table does to the target (doc/design.md, sections 4-6).
 *
 * Small statements (up to denorm.lock_escalation_threshold rows) are read in
 * C first: unchanged rows are dropped, keys collected and locked one by one,
 * and the statement's plan is cached. Larger statements take coarse locks
 * and hand the transition tables to one statement planned for their size.
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

static uint64 row_apply_keys_how(DenormSpec *spec, KeySet *keys, DenormRole *in_place,
								 const Bitmapset *updated_cols);

static bool
is_small(int64 n)
{
	return n <= denorm_lock_escalation_threshold;
}

/*
 * Share-lock the lookup rows the new source rows read (phase 0), and
 * exclusive-lock the given source keys (phase 1), in one ordered pass.
 */
static void
lock_for_source(DenormSpec *spec, DenormRole *role, Relation rel,
				Tuplestorestate *new_rows, int64 n, KeySet *keys, bool need_keys)
{
	LockRequest *reqs = palloc0(sizeof(LockRequest) * (spec->nlookups + 1));
	int			nreqs = 0;
	int			i;

	for (i = 0; i < spec->nlookups && new_rows; i++)
	{
		DenormLookup *lk = &spec->lookups[i];

		reqs[nreqs].relid = lk->relid;
		reqs[nreqs].mode = KEYLOCK_SHARE;
		reqs[nreqs].phase = 0;
		if (is_small(n))
		{
			reqs[nreqs].keys = keyset_create(role_key(role, &lk->src_key), (int) n);
			transition_collect_keys(rel, new_rows, reqs[nreqs].keys);
			keyset_finish(reqs[nreqs].keys);
			/* The lock is on the lookup's key; its hash equals the source columns' hash. */
		}
		nreqs++;
	}
	if (need_keys)
	{
		reqs[nreqs].relid = spec->source;
		reqs[nreqs].mode = KEYLOCK_EXCLUSIVE;
		reqs[nreqs].phase = 1;
		reqs[nreqs].keys = keys;	/* NULL: escalate */
		nreqs++;
	}
	lock_acquire_all(spec, reqs, nreqs);
}

/* Under REPEATABLE READ / SERIALIZABLE: are the lookup rows we read current? */
static void
check_lookups(DenormSpec *spec, bool cacheable)
{
	int			i;

	if (!isolation_needs_check())
		return;
	for (i = 0; i < spec->nlookups; i++)
	{
		DenormLookup *lk = &spec->lookups[i];
		SPIPlanPtr	plan = engine_plan(spec, &lk->plan_read_new, lk->sql_read_new, 0, cacheable);

		isolation_check_reads(spec, plan, psprintf("lookup table %s", get_rel_name(lk->relid)));
		engine_done_with_plan(plan, cacheable);
	}
}

static void
source_insert(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	int64		n = transition_count(c->new_rows);
	bool		cacheable = role->exact && n <= DENORM_SMALL_STATEMENT;
	EngineState es;

	if (n == 0)
		return;
	/* New keys need no lock: nobody else can see them before we commit. */
	if (spec->nlookups > 0)
		lock_for_source(spec, role, c->rel, c->new_rows, n, NULL, false);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		engine_count_keys(n);
		engine_register(ENR_NEW, RelationGetRelid(c->rel), NULL, c->new_rows);
		check_lookups(spec, cacheable);
		(void) engine_exec(spec, &spec->plans[RP_INSERT], spec->sql[RP_INSERT], n, cacheable,
						   SPI_OK_INSERT);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

static void
source_delete(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	int64		n = transition_count(c->old_rows);
	bool		cacheable = role->exact && n <= DENORM_SMALL_STATEMENT;
	KeySet	   *keys = NULL;
	EngineState es;

	if (n == 0)
		return;
	if (is_small(n))
	{
		keys = keyset_create(role_key(role, &spec->src_key), (int) n);
		transition_collect_keys(c->rel, c->old_rows, keys);
		keyset_finish(keys);
	}
	lock_for_source(spec, role, c->rel, NULL, n, keys, true);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		engine_count_keys(n);
		engine_register(ENR_OLD, RelationGetRelid(c->rel), NULL, c->old_rows);
		(void) engine_exec(spec, &spec->plans[RP_DELETE], spec->sql[RP_DELETE], n, cacheable,
						   SPI_OK_DELETE);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

/*
 * The in-place UPDATE (plan RP_UPDATE_SIMPLE after a source update,
 * RP_UPDATE_KEYS after a lookup update) for a statement that wrote
 * updated_cols of the firing table: over the value outputs that depend on a
 * written column only, since the others cannot have changed (a new invoice
 * total rewrites the amounts of its journal lines, not their accounts or
 * descriptions; a renamed account, the account name). Fewer outputs are
 * fewer expressions to set up and evaluate per row. Each set of outputs
 * gets its statement and kept plan the first time it is needed.
 *
 * A small statement's also leaves out the lookups none of those outputs
 * reads (lookup_prune.c): for a few rows, a lookup's scan node and index
 * probe are much of the cost. A large one keeps them: there the planner
 * reads each lookup once, by hash, and the pruned form, planned apart from
 * the UPDATE, measured slower (W2's item deletes, +11%).
 */
static void
inplace_statement(DenormSpec *spec, DenormRole *role, int plan, const Bitmapset *updated_cols,
				  bool small, SPIPlanPtr **slot, const char **sql)
{
	Bitmapset  *outputs = NULL;
	InplaceVariant *v;
	MemoryContext old;
	ListCell   *lc;
	char	   *text;
	const char *why;
	int			j = 0;

	*slot = &spec->plans[plan];
	*sql = spec->sql[plan];
	foreach(lc, spec->value_outputs)
	{
		ValueOutput *vo = lfirst(lc);
		Bitmapset  *reads = plan == RP_UPDATE_SIMPLE ? vo->source_cols : vo->lookup_cols[role->lookup];

		if (bitmap_overlap_attrs(updated_cols, role_attrs(role, reads)))
			outputs = bms_add_member(outputs, j);
		j++;
	}
	if (outputs == NULL || bms_num_members(outputs) == j)
		return;					/* all of them (none: cannot tell, all too) */
	foreach(lc, spec->inplace_variants)
	{
		v = lfirst(lc);
		if (v->plan == plan && v->small == small && bms_equal(v->outputs, outputs))
		{
			*slot = &v->plan_cached;
			*sql = v->sql;
			return;
		}
	}
	text = sqlgen_inplace_update(spec, plan, outputs, small);
	if (!spec->pin_search_path && (text = qualify_sql(text, &why)) == NULL)
		return;					/* cannot qualify it: the full statement, which could */
	old = MemoryContextSwitchTo(spec->cxt);
	v = palloc0(sizeof(InplaceVariant));
	v->plan = plan;
	v->small = small;
	v->outputs = bms_copy(outputs);
	v->sql = pstrdup(text);
	spec->inplace_variants = lappend(spec->inplace_variants, v);
	MemoryContextSwitchTo(old);
	*slot = &v->plan_cached;
	*sql = v->sql;
}

static void
source_update(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	int64		n = transition_count(c->new_rows);
	Bitmapset  *used = role_attrs(role, spec->src_used);
	Bitmapset  *shape = role_attrs(role, spec->shape_used);
	Tuplestorestate *old_rows = c->old_rows;
	Tuplestorestate *new_rows = c->new_rows;
	bool		key_changed = true;
	bool		shape_changed = true;
	KeySet	   *keys = NULL;
	bool		cacheable;
	int			plan;
	SPIPlanPtr *slot;
	const char *sql;
	EngineState es;

	if (n == 0 || !bitmap_overlap_attrs(c->updated_cols, used))
		return;					/* nothing the projection reads was written */

	if (is_small(n))
	{
		const KeyDesc *kd = role_key(role, &spec->src_key);

		transition_filter_changed(c->rel, c->old_rows, c->new_rows, used, kd, shape,
								  &old_rows, &new_rows, &n, &key_changed, &shape_changed);
		if (n == 0)
			return;				/* the values written were the values there */
		keys = keyset_create(kd, (int) n * 2);
		transition_collect_keys(c->rel, old_rows, keys);
		if (key_changed)
			transition_collect_keys(c->rel, new_rows, keys);
		keyset_finish(keys);
	}
	else if (spec->sql[RP_UPDATE_SIMPLE])
		shape_changed = bitmap_overlap_attrs(c->updated_cols, shape) &&
			transition_attrs_changed(c->rel, old_rows, new_rows, shape);
	lock_for_source(spec, role, c->rel, new_rows, n, keys, true);

	/*
	 * Rows that keep their shape keep their target rows: update those in
	 * place. Otherwise rows may come and go: the upsert-and-delete apply.
	 */
	cacheable = role->exact && n <= DENORM_SMALL_STATEMENT;
	plan = (!shape_changed && spec->sql[RP_UPDATE_SIMPLE]) ? RP_UPDATE_SIMPLE : RP_APPLY_NEW;
	slot = &spec->plans[plan];
	sql = spec->sql[plan];
	if (plan == RP_UPDATE_SIMPLE)
		inplace_statement(spec, role, RP_UPDATE_SIMPLE, c->updated_cols, n <= DENORM_SMALL_STATEMENT,
						  &slot, &sql);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		engine_count_keys(keys ? keys->nkeys : n);
		engine_register(ENR_OLD, RelationGetRelid(c->rel), NULL, old_rows);
		engine_register(ENR_NEW, RelationGetRelid(c->rel), NULL, new_rows);
		check_lookups(spec, cacheable);
		(void) engine_exec(spec, slot, sql, n, cacheable,
						   plan == RP_UPDATE_SIMPLE ? SPI_OK_UPDATE : SPI_OK_SELECT);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

static void
source_truncate(DenormSpec *spec)
{
	EngineState es;

	lock_coarse(spec, spec->source, KEYLOCK_EXCLUSIVE);
	engine_begin(&es, spec, false);
	PG_TRY();
	{
		(void) engine_exec(spec, &spec->plans[RP_TRUNCATE], spec->sql[RP_TRUNCATE], 0, true,
						   SPI_OK_DELETE);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

/*
 * Recompute a set of source keys whose lookup rows we do not know: lock
 * them as maintenance does (every lookup shared, the keys exclusive), then
 * apply the projection to them, read from the source itself. For
 * rebuild(key), repair, batched rebuilds and commit-time flushes; the
 * caller is inside engine_begin.
 */
uint64
row_recompute_keys(DenormSpec *spec, KeySet *keys)
{
	LockRequest *reqs = NULL;
	int			nreqs = lock_recompute_requests(spec, keys, &reqs, 0);

	lock_acquire_all(spec, reqs, nreqs);
	return row_apply_keys_how(spec, keys, NULL, NULL);
}

/*
 * ... in place (RP_UPDATE_KEYS) when the caller, a lookup update that keeps
 * the shape, passes its role and SET list: no row comes or goes.
 */
static uint64
row_apply_keys_how(DenormSpec *spec, KeySet *keys, DenormRole *in_place, const Bitmapset *updated_cols)
{
	TupleDesc	desc;
	Tuplestorestate *ts = keyset_tuplestore(keys, &desc);
	bool		cacheable = keys->nkeys <= DENORM_SMALL_STATEMENT;
	int			plan = in_place && spec->sql[RP_UPDATE_KEYS] ? RP_UPDATE_KEYS : RP_APPLY_KEYS;
	SPIPlanPtr *slot = &spec->plans[plan];
	const char *sql = spec->sql[plan];
	uint64		n;

	if (plan == RP_UPDATE_KEYS)
		inplace_statement(spec, in_place, RP_UPDATE_KEYS, updated_cols, cacheable, &slot, &sql);
	engine_count_keys(keys->nkeys);
	engine_register(ENR_KEYS, InvalidOid, desc, ts);
	n = engine_exec(spec, slot, sql, keys->nkeys, cacheable,
					plan == RP_UPDATE_KEYS ? SPI_OK_UPDATE : SPI_OK_SELECT);
	tuplestore_end(ts);
	return n;
}

/*
 * A lookup row changed: lock it, find the source keys that read it, lock
 * those, and recompute them from the source.
 */
static void
lookup_change(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	DenormLookup *lk = &spec->lookups[role->lookup];
	const KeyDesc *dep_key = role_key(role, &lk->dep_key);
	Tuplestorestate *old_rows = c->old_rows;
	Tuplestorestate *new_rows = c->new_rows;
	int64		n = Max(transition_count(c->old_rows), transition_count(c->new_rows));
	KeySet	   *dep_keys;
	KeySet	   *src_keys;
	LockRequest req;
	TupleDesc	desc;
	Tuplestorestate *ts;
	EngineState es;
	bool		cacheable;
	bool		shape_changed = true;

	if (n == 0)
		return;
	if (TRIGGER_FIRED_BY_UPDATE(c->event))
	{
		Bitmapset  *used = role_attrs(role, lk->used_attrs);
		bool		key_changed;

		if (!bitmap_overlap_attrs(c->updated_cols, used))
			return;
		transition_filter_changed(c->rel, c->old_rows, c->new_rows, used, NULL,
								  role_attrs(role, lk->shape_attrs),
								  &old_rows, &new_rows, &n, &key_changed, &shape_changed);
		if (n == 0)
			return;
	}

	/* The changed lookup keys, old and new, locked exclusively. */
	dep_keys = keyset_create(dep_key, (int) Min(n * 2, 1024));
	transition_collect_keys(c->rel, old_rows, dep_keys);
	transition_collect_keys(c->rel, new_rows, dep_keys);
	keyset_finish(dep_keys);
	if (dep_keys->nkeys == 0)
		return;
	memset(&req, 0, sizeof(req));
	req.relid = lk->relid;
	req.mode = KEYLOCK_EXCLUSIVE;
	req.phase = 0;
	req.keys = dep_keys;
	lock_acquire_all(spec, &req, 1);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		int			ret;
		SPIPlanPtr	plan;

		/* denorm_keys holds lookup keys in the lookup's own types. */
		dep_keys->desc = &lk->dep_key;
		ts = keyset_tuplestore(dep_keys, &desc);
		engine_register(ENR_KEYS, InvalidOid, desc, ts);
		cacheable = dep_keys->nkeys <= DENORM_SMALL_STATEMENT;
		if (isolation_needs_check())
		{
			plan = engine_plan(spec, &lk->plan_read_keys, lk->sql_read_keys, dep_keys->nkeys, cacheable);
			isolation_check_reads(spec, plan, psprintf("source rows of %s", get_rel_name(spec->source)));
			engine_done_with_plan(plan, cacheable);
		}
		plan = engine_plan(spec, &lk->plan_map, lk->sql_map, dep_keys->nkeys, cacheable);
		ret = SPI_execute_plan(plan, NULL, NULL, false, 0);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "lookup mapping of projection \"%s\" returned %s",
				 spec->name, SPI_result_code_string(ret));
		src_keys = keyset_create(&spec->src_key, (int) Max(SPI_processed, 1));
		keyset_add_spi_result(src_keys);
		keyset_finish(src_keys);
		engine_done_with_plan(plan, cacheable);

		if (src_keys->nkeys > 0)
		{
			memset(&req, 0, sizeof(req));
			req.relid = spec->source;
			req.mode = KEYLOCK_EXCLUSIVE;
			req.phase = 1;
			req.keys = src_keys;
			lock_acquire_all(spec, &req, 1);
			/* Lookup values only (a renamed account): the rows stay, in place. */
			(void) row_apply_keys_how(spec, src_keys, shape_changed ? NULL : role, c->updated_cols);
		}
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

/* Everything that depends on a lookup's contents: rebuild the projection. */
static void
lookup_truncate(DenormSpec *spec, DenormRole *role)
{
	LockRequest reqs[2];
	EngineState es;

	memset(reqs, 0, sizeof(reqs));
	reqs[0].relid = spec->lookups[role->lookup].relid;
	reqs[0].mode = KEYLOCK_EXCLUSIVE;
	reqs[0].phase = 0;
	reqs[1].relid = spec->source;
	reqs[1].mode = KEYLOCK_EXCLUSIVE;
	reqs[1].phase = 1;
	lock_acquire_all(spec, reqs, 2);
	engine_begin(&es, spec, false);
	PG_TRY();
	{
		(void) engine_exec(spec, &spec->plans[RP_REBUILD], spec->sql[RP_REBUILD], 0, false,
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

void
maintain_row(MaintainCall *c)
{
	DenormSpec *spec = c->spec;
	DenormRole	role;

	role_find(spec, c->rel, &role);
	if (role.is_target)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("denorm.maintain() fired on %s, the target of row projection \"%s\"",
						RelationGetRelationName(c->rel), spec->name),
				 errhint("A row projection's target takes denorm.guard(), not denorm.maintain().")));
	if (role.is_source && spec->deferred && !TRIGGER_FIRED_BY_TRUNCATE(c->event))
	{
		/* Commit-time mode: note the keys; denorm.flush() maintains them at commit. */
		if (TRIGGER_FIRED_BY_UPDATE(c->event) &&
			!bitmap_overlap_attrs(c->updated_cols, role_attrs(&role, spec->src_used)))
			return;
		deferred_note(spec, c->rel, role_key(&role, &spec->src_key), c->old_rows, c->new_rows);
		deferred_flush_if_due(spec, c->rel);
		return;
	}
	if (role.is_source)
	{
		if (TRIGGER_FIRED_BY_INSERT(c->event))
			source_insert(spec, &role, c);
		else if (TRIGGER_FIRED_BY_DELETE(c->event))
			source_delete(spec, &role, c);
		else if (TRIGGER_FIRED_BY_UPDATE(c->event))
			source_update(spec, &role, c);
		else
			source_truncate(spec);
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(c->event))
		lookup_truncate(spec, &role);
	else
		lookup_change(spec, &role, c);
}
