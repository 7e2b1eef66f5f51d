/*
 * maintain_column.c — maintenance of column projections (aggregates owned by
 * rows of the target), from statements on the source and on the target.
 *
 * The key lock of a group is the target row's own lock, so an application
 * that locks the invoice row before changing its items and denorm's
 * maintenance wait on the same lock instead of deadlocking on two. Sums and
 * counts are kept by delta; every other aggregate recomputes the touched
 * groups after locking them. See doc/design.md, sections 4-6.
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "commands/trigger.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

static bool
is_small(int64 n)
{
	return n <= denorm_lock_escalation_threshold;
}

/*
 * Run a statement that writes or locks target rows, its waits bounded by
 * denorm.lock_timeout: a timeout fails naming the projection and the group
 * (the first of groups, when there are several; "all" when unknown).
 */
static uint64
exec_bounded(DenormSpec *spec, int plan, KeySet *groups, int64 nrows, bool cacheable, int expect)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			nest = lock_timeout_begin();
	uint64		n = 0;

	PG_TRY();
	{
		n = engine_exec(spec, &spec->plans[plan], spec->sql[plan], nrows, cacheable, expect);
	}
	PG_CATCH();
	{
		lock_timeout_caught(cxt);
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("timed out waiting for the lock on %s of projection \"%s\"",
						groups == NULL ? "keys" :
						psprintf("%s %s", groups->nkeys == 1 ? "key" : "keys starting with",
								 keyset_key_text(groups->desc, &groups->values[0], &groups->nulls[0])),
						spec->name),
				 errdetail("Another transaction holds the target row of this group of %s.",
						   get_rel_name(spec->target)),
				 errhint("Retry the transaction, or raise denorm.lock_timeout.")));
	}
	PG_END_TRY();
	lock_timeout_end(nest);
	return n;
}

/*
 * Lock the target rows of groups in key order. Requires engine_begin and
 * denorm_keys registered.
 */
static void
lock_group_rows(DenormSpec *spec, KeySet *groups)
{
	(void) exec_bounded(spec, CP_LOCK_KEYS, groups, groups->nkeys,
						groups->nkeys <= DENORM_SMALL_STATEMENT, SPI_OK_SELECT);
}

/*
 * Under REPEATABLE READ / SERIALIZABLE, prove the target rows of the groups
 * are the ones our snapshot sees: a target row inserted (or changed) by a
 * transaction that committed after ours began would make the maintenance
 * UPDATE miss it, silently.
 */
static void
check_target_rows(DenormSpec *spec, KeySet *groups)
{
	bool		cacheable = groups->nkeys <= DENORM_SMALL_STATEMENT;
	SPIPlanPtr	plan;

	if (!isolation_needs_check())
		return;
	plan = engine_plan(spec, &spec->plans[CP_CHECK_TARGET], spec->sql[CP_CHECK_TARGET],
					   groups->nkeys, cacheable);
	isolation_check_reads(spec, plan, psprintf("rows of %s", get_rel_name(spec->target)));
	engine_done_with_plan(plan, cacheable);
}

/*
 * Recompute the groups in denorm_keys (already registered and locked).
 */
static void
recompute_groups(DenormSpec *spec, KeySet *groups)
{
	bool		cacheable = groups->nkeys <= DENORM_SMALL_STATEMENT;

	if (isolation_needs_check())
	{
		SPIPlanPtr	plan = engine_plan(spec, &spec->plans[CP_CHECK_KEYS], spec->sql[CP_CHECK_KEYS],
									   groups->nkeys, cacheable);

		isolation_check_reads(spec, plan, psprintf("rows of %s", get_rel_name(spec->source)));
		engine_done_with_plan(plan, cacheable);
		check_target_rows(spec, groups);
	}
	(void) exec_bounded(spec, CP_RECOMPUTE_KEYS, groups, groups->nkeys, cacheable, SPI_OK_UPDATE);
}

/* Lock set for touched groups: coarse intention (or escalation), plus the
 * advisory key locks when no foreign key orders inserts of a new group. */
static void
lock_groups_advisory(DenormSpec *spec, KeySet *groups, bool escalate)
{
	LockRequest req;

	memset(&req, 0, sizeof(req));
	req.relid = spec->target;
	req.mode = KEYLOCK_EXCLUSIVE;
	req.phase = 1;
	if (escalate)
		req.keys = NULL;
	else if (!spec->has_fk)
		req.keys = groups;
	else
		req.intention_only = true;
	lock_acquire_all(spec, &req, 1);
}

/*
 * Recompute the given groups: lock them like maintenance does, then
 * recompute them from the source. For rebuild(key) and repair. The caller
 * is inside engine_begin.
 */
uint64
column_recompute_keys(DenormSpec *spec, KeySet *groups)
{
	TupleDesc	desc;
	Tuplestorestate *ts;
	uint64		n;

	if (groups->nkeys == 0)
		return 0;
	lock_groups_advisory(spec, groups, !is_small(groups->nkeys));
	engine_count_keys(groups->nkeys);
	ts = keyset_tuplestore(groups, &desc);
	engine_register(ENR_KEYS, InvalidOid, desc, ts);
	if (is_small(groups->nkeys))
		lock_group_rows(spec, groups);
	recompute_groups(spec, groups);
	n = SPI_processed;
	tuplestore_end(ts);
	return n;
}

static void
source_change(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	Tuplestorestate *old_rows = TRIGGER_FIRED_BY_INSERT(c->event) ? NULL : c->old_rows;
	Tuplestorestate *new_rows = TRIGGER_FIRED_BY_DELETE(c->event) ? NULL : c->new_rows;
	int64		n = Max(transition_count(old_rows), transition_count(new_rows));
	const KeyDesc *group_key = role_key(role, &spec->src_key);
	Bitmapset  *used = role_attrs(role, spec->src_used);
	KeySet	   *groups = NULL;
	bool		small;
	bool		single_group = false;
	EngineState es;

	if (n == 0)
		return;
	if (TRIGGER_FIRED_BY_UPDATE(c->event))
	{
		bool		key_changed;

		if (!bitmap_overlap_attrs(c->updated_cols, used))
			return;
		if (is_small(n))
		{
			transition_filter_changed(c->rel, c->old_rows, c->new_rows, used, NULL, NULL,
									  &old_rows, &new_rows, &n, &key_changed, NULL);
			if (n == 0)
				return;
		}
	}

	small = is_small(n);
	if (small || spec->recompute || isolation_needs_check())
	{
		int			new_keys;

		groups = keyset_create(group_key, (int) Min(n * 2, 4096));
		transition_collect_keys(c->rel, new_rows, groups);
		new_keys = groups->nkeys;
		transition_collect_keys(c->rel, old_rows, groups);
		/* Keys with a NULL column are not collected: count each side's before dedup. */
		single_group = n == 1 && !spec->recompute &&
			(old_rows == NULL || groups->nkeys - new_keys == 1) &&
			(new_rows == NULL || new_keys == 1);
		keyset_finish(groups);
		if (groups->nkeys == 0)
			return;				/* only rows of no group */
		single_group = single_group && groups->nkeys == 1;
		small = is_small(groups->nkeys);
	}
	lock_groups_advisory(spec, groups, !small);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		TupleDesc	desc;
		bool		cacheable = small && role->exact && n <= DENORM_SMALL_STATEMENT;
		bool		need_keys = groups && (spec->recompute || groups->nkeys > 1 || isolation_needs_check());

		engine_count_keys(groups ? groups->nkeys : n);
		if (need_keys)
		{
			Tuplestorestate *ts = keyset_tuplestore(groups, &desc);

			engine_register(ENR_KEYS, InvalidOid, desc, ts);
		}
		/* Lock the group rows in key order (one row needs no ordering for a delta). */
		if (small && (spec->recompute || groups->nkeys > 1))
			lock_group_rows(spec, groups);

		if (spec->recompute)
			recompute_groups(spec, groups);
		else
		{
			int			plan;

			/*
			 * One row (or one old and one new row in the same group) needs no
			 * GROUP BY: the single-row statement starts fewer plan nodes.
			 */
			if (single_group)
				plan = old_rows == NULL ? CP_DELTA1_INS
					: new_rows == NULL ? CP_DELTA1_DEL : CP_DELTA1_UPD;
			else
				plan = old_rows == NULL ? CP_DELTA_INS
					: new_rows == NULL ? CP_DELTA_DEL : CP_DELTA_UPD;
			if (new_rows)
				engine_register(ENR_NEW, RelationGetRelid(c->rel), NULL, new_rows);
			if (old_rows)
				engine_register(ENR_OLD, RelationGetRelid(c->rel), NULL, old_rows);
			if (groups)
				check_target_rows(spec, groups);
			(void) exec_bounded(spec, plan, groups, n, cacheable, SPI_OK_UPDATE);
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

static void
source_truncate(DenormSpec *spec)
{
	EngineState es;

	lock_coarse(spec, spec->target, KEYLOCK_EXCLUSIVE);
	engine_begin(&es, spec, false);
	PG_TRY();
	{
		(void) engine_exec(spec, &spec->plans[CP_TRUNCATE], spec->sql[CP_TRUNCATE], 0, true,
						   SPI_OK_UPDATE);
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
 * New target rows (no foreign key: source rows may already name them), or
 * target rows whose key changed: compute their groups from the source.
 */
static void
target_change(DenormSpec *spec, DenormRole *role, MaintainCall *c)
{
	Tuplestorestate *new_rows = c->new_rows;
	Tuplestorestate *old_rows = c->old_rows;
	int64		n = transition_count(new_rows);
	KeySet	   *groups;
	EngineState es;
	Bitmapset  *keycols = NULL;
	int			i;

	if (n == 0)
		return;
	if (TRIGGER_FIRED_BY_UPDATE(c->event))
	{
		bool		key_changed;

		for (i = 0; i < spec->tgt_key.natts; i++)
			keycols = bms_add_member(keycols, spec->tgt_key.attnums[i] - FirstLowInvalidHeapAttributeNumber);
		keycols = role_attrs(role, keycols);
		if (!bitmap_overlap_attrs(c->updated_cols, keycols))
			return;				/* the common case: the key was not written */
		transition_filter_changed(c->rel, c->old_rows, c->new_rows, keycols, NULL, NULL,
								  &old_rows, &new_rows, &n, &key_changed, NULL);
		if (n == 0)
			return;
	}
	groups = keyset_create(role_key(role, &spec->tgt_key), (int) Min(n, 4096));
	transition_collect_keys(c->rel, new_rows, groups);
	keyset_finish(groups);
	if (groups->nkeys == 0)
		return;
	lock_groups_advisory(spec, groups, !is_small(groups->nkeys));

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		TupleDesc	desc;
		Tuplestorestate *ts = keyset_tuplestore(groups, &desc);

		engine_register(ENR_KEYS, InvalidOid, desc, ts);
		recompute_groups(spec, groups);
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
maintain_column(MaintainCall *c)
{
	DenormSpec *spec = c->spec;
	DenormRole	role;

	role_find(spec, c->rel, &role);
	if (role.is_target)
	{
		/* With a validated foreign key, no source row can name a new target row. */
		if ((TRIGGER_FIRED_BY_INSERT(c->event) && !spec->has_fk) || TRIGGER_FIRED_BY_UPDATE(c->event))
			target_change(spec, &role, c);
		return;
	}
	if (!role.is_source)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("projection \"%s\" does not read table %s, so it cannot be maintained from a trigger on it",
						spec->name, RelationGetRelationName(c->rel))));
	if (TRIGGER_FIRED_BY_TRUNCATE(c->event))
		source_truncate(spec);
	else if (spec->deferred)
	{
		/* Commit-time mode: note the groups; denorm.flush() recomputes them at commit. */
		if (TRIGGER_FIRED_BY_UPDATE(c->event) &&
			!bitmap_overlap_attrs(c->updated_cols, role_attrs(&role, spec->src_used)))
			return;
		deferred_note(spec, c->rel, role_key(&role, &spec->src_key),
					  TRIGGER_FIRED_BY_INSERT(c->event) ? NULL : c->old_rows,
					  TRIGGER_FIRED_BY_DELETE(c->event) ? NULL : c->new_rows);
		deferred_flush_if_due(spec, c->rel);
	}
	else
		source_change(spec, &role, c);
}
