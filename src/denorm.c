/*
 * denorm.c — module magic and _PG_init: the settings, and the callbacks that
 * keep cached projection specs and per-transaction lock state honest.
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/inval.h"

#include "denorm.h"

PG_MODULE_MAGIC;

int			denorm_lock_escalation_threshold = 1000;
int			denorm_lock_timeout = 0;
bool		denorm_allow_direct_writes = false;

static void denorm_relcache_callback(Datum arg, Oid relid);
static void denorm_xact_callback(XactEvent event, void *arg);

void
_PG_init(void)
{
	DefineCustomIntVariable("denorm.lock_escalation_threshold",
							"Keys one statement may lock one by one before denorm takes one coarse lock instead.",
							"Also caps the key locks one transaction holds per relation, so that bulk statements "
							"never exhaust the lock table (max_locks_per_transaction).",
							&denorm_lock_escalation_threshold,
							1000, 1, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("denorm.lock_timeout",
							"Longest wait for one of denorm's locks; 0 waits as long as it takes.",
							"A wait that times out fails with SQLSTATE 55P03 naming the projection and key.",
							&denorm_lock_timeout,
							0, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("denorm.allow_direct_writes",
							 "Lets this session write projection targets directly, for emergency repair.",
							 "Superuser only. Writes made this way are drift that denorm.audit reports "
							 "and denorm.repair undoes.",
							 &denorm_allow_direct_writes,
							 false,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);

	if (process_shared_preload_libraries_in_progress)
	{
		DefineCustomIntVariable("denorm.max_projections",
								"Projections (per cluster) whose counters shared memory holds.",
								NULL,
								&denorm_max_projections,
								1000, 10, 100000,
								PGC_POSTMASTER, 0,
								NULL, NULL, NULL);
		stats_init_shared();
	}

	MarkGUCPrefixReserved("denorm");

	CacheRegisterRelcacheCallback(denorm_relcache_callback, (Datum) 0);
	RegisterXactCallback(denorm_xact_callback, NULL);
}

/*
 * Any change to a relation a projection uses (or to the catalog) may change
 * its spec or invalidate its plans; mark affected specs for rebuilding.
 */
static void
denorm_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid)
		spec_invalidate_all();
	else
		spec_invalidate_relation(relid);
}

/* Per-transaction lock bookkeeping ends with the transaction. */
static void
denorm_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			deferred_check_commit();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			lock_reset_xact();
			deferred_reset_xact();
			break;
		default:
			break;
	}
}
