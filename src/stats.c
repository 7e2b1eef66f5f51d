/*
 * stats.c — counters per projection: statements handled, keys maintained,
 * rows written, time spent, lock waits and their time, escalations,
 * serialization failures, last rebuild, last audit and the drift it found.
 *
 * With denorm in shared_preload_libraries the counters live in shared memory
 * (one entry per database and projection, like pg_stat_statements) and are
 * seen by every session; without it they are kept per session, and the
 * denorm.stats view says so in its scope column.
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "denorm.h"

typedef struct StatsKey
{
	Oid			dbid;
	char		name[NAMEDATALEN];
} StatsKey;

typedef struct StatsEntry
{
	StatsKey	key;			/* hash key: must be first */
	slock_t		mutex;			/* protects the counters (shared memory only) */
	DenormCounters c;
} StatsEntry;

typedef struct StatsShared
{
	LWLock	   *lock;			/* protects the hash table's structure */
} StatsShared;

int			denorm_max_projections = 1000;

static StatsShared *shared = NULL;
static HTAB *shared_hash = NULL;
static HTAB *local_hash = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

PG_FUNCTION_INFO_V1(denorm_stats);
PG_FUNCTION_INFO_V1(denorm_stats_reset);
PG_FUNCTION_INFO_V1(denorm_stats_scope);

static Size
stats_memsize(void)
{
	return MAXALIGN(sizeof(StatsShared)) +
		hash_estimate_size(denorm_max_projections, sizeof(StatsEntry));
}

static void
stats_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(stats_memsize());
	RequestNamedLWLockTranche("denorm", 1);
}

static void
stats_shmem_startup(void)
{
	bool		found;
	HASHCTL		info;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct("denorm stats", sizeof(StatsShared), &found);
	if (!found)
		shared->lock = &(GetNamedLWLockTranche("denorm"))->lock;
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(StatsKey);
	info.entrysize = sizeof(StatsEntry);
	shared_hash = ShmemInitHash("denorm stats hash",
								denorm_max_projections, denorm_max_projections,
								&info, HASH_ELEM | HASH_BLOBS);
	LWLockRelease(AddinShmemInitLock);
}

/* Called from _PG_init when the library is preloaded. */
void
stats_init_shared(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = stats_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = stats_shmem_startup;
}

bool
stats_are_shared(void)
{
	return shared_hash != NULL;
}

static StatsEntry *
local_entry(StatsKey *key)
{
	bool		found;
	StatsEntry *e;

	if (local_hash == NULL)
	{
		HASHCTL		info;

		memset(&info, 0, sizeof(info));
		info.keysize = sizeof(StatsKey);
		info.entrysize = sizeof(StatsEntry);
		info.hcxt = TopMemoryContext;
		local_hash = hash_create("denorm session stats", 64, &info,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(local_hash, key, HASH_ENTER, &found);
	if (!found)
		memset(&e->c, 0, sizeof(e->c));
	return e;
}

/* Add delta to a projection's counters. */
void
stats_add(const char *name, const DenormCounters *delta)
{
	StatsKey	key;
	StatsEntry *e;
	DenormCounters *c;

	memset(&key, 0, sizeof(key));
	key.dbid = MyDatabaseId;
	strlcpy(key.name, name, NAMEDATALEN);

	if (shared_hash == NULL)
	{
		e = local_entry(&key);
		c = &e->c;
	}
	else
	{
		bool		found;

		LWLockAcquire(shared->lock, LW_SHARED);
		e = hash_search(shared_hash, &key, HASH_FIND, NULL);
		if (e == NULL)
		{
			LWLockRelease(shared->lock);
			LWLockAcquire(shared->lock, LW_EXCLUSIVE);
			e = hash_search(shared_hash, &key, HASH_ENTER_NULL, &found);
			if (e == NULL)
			{
				/* Table full: drop the count rather than fail a write. */
				LWLockRelease(shared->lock);
				return;
			}
			if (!found)
			{
				SpinLockInit(&e->mutex);
				memset(&e->c, 0, sizeof(e->c));
			}
		}
		SpinLockAcquire(&e->mutex);
		c = &e->c;
	}

	c->statements += delta->statements;
	c->keys += delta->keys;
	c->rows += delta->rows;
	c->time_us += delta->time_us;
	c->lock_waits += delta->lock_waits;
	c->lock_wait_us += delta->lock_wait_us;
	c->escalations += delta->escalations;
	c->serialization_failures += delta->serialization_failures;
	if (delta->last_rebuild)
		c->last_rebuild = delta->last_rebuild;
	if (delta->last_audit)
	{
		c->last_audit = delta->last_audit;
		c->last_audit_drift = delta->last_audit_drift;
	}

	if (shared_hash != NULL)
	{
		SpinLockRelease(&e->mutex);
		LWLockRelease(shared->lock);
	}
}

/* Shorthands for counters bumped outside a maintenance call. */
void
stats_count(const char *name, DenormCounter what, int64 n)
{
	DenormCounters d;

	memset(&d, 0, sizeof(d));
	switch (what)
	{
		case COUNT_LOCK_WAIT_US:
			d.lock_waits = 1;
			d.lock_wait_us = n;
			break;
		case COUNT_ESCALATION:
			d.escalations = n;
			break;
		case COUNT_SERIALIZATION_FAILURE:
			d.serialization_failures = n;
			break;
		case COUNT_REBUILD:
			d.last_rebuild = GetCurrentTimestamp();
			break;
		case COUNT_AUDIT_DRIFT:
			d.last_audit = GetCurrentTimestamp();
			d.last_audit_drift = n;
			break;
	}
	stats_add(name, &d);
}

static void
emit(ReturnSetInfo *rsinfo, StatsEntry *e)
{
	Datum		v[13];
	bool		n[13];

	memset(n, 0, sizeof(n));
	v[0] = CStringGetTextDatum(e->key.name);
	v[1] = CStringGetTextDatum(shared_hash ? "cluster" : "session");
	v[2] = Int64GetDatum(e->c.statements);
	v[3] = Int64GetDatum(e->c.keys);
	v[4] = Int64GetDatum(e->c.rows);
	v[5] = Float8GetDatum(e->c.time_us / 1000.0);
	v[6] = Int64GetDatum(e->c.lock_waits);
	v[7] = Float8GetDatum(e->c.lock_wait_us / 1000.0);
	v[8] = Int64GetDatum(e->c.escalations);
	v[9] = Int64GetDatum(e->c.serialization_failures);
	v[10] = TimestampTzGetDatum(e->c.last_rebuild);
	n[10] = e->c.last_rebuild == 0;
	v[11] = TimestampTzGetDatum(e->c.last_audit);
	n[11] = e->c.last_audit == 0;
	v[12] = Int64GetDatum(e->c.last_audit_drift);
	n[12] = e->c.last_audit == 0;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
}

/* denorm.stats_raw(): the counters of this database's projections. */
Datum
denorm_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HASH_SEQ_STATUS status;
	StatsEntry *e;
	HTAB	   *h = shared_hash ? shared_hash : local_hash;

	InitMaterializedSRF(fcinfo, 0);
	if (h == NULL)
		return (Datum) 0;
	if (shared_hash)
		LWLockAcquire(shared->lock, LW_SHARED);
	hash_seq_init(&status, h);
	while ((e = hash_seq_search(&status)) != NULL)
	{
		StatsEntry	copy;

		if (e->key.dbid != MyDatabaseId)
			continue;
		if (shared_hash)
		{
			SpinLockAcquire(&e->mutex);
			copy = *e;
			SpinLockRelease(&e->mutex);
		}
		else
			copy = *e;
		emit(rsinfo, &copy);
	}
	if (shared_hash)
		LWLockRelease(shared->lock);
	return (Datum) 0;
}

/* denorm.stats_scope(): 'cluster' when counters are shared, else 'session'. */
Datum
denorm_stats_scope(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(shared_hash ? "cluster" : "session"));
}

/* denorm.stats_reset(name): forget the counters of one projection, or all. */
Datum
denorm_stats_reset(PG_FUNCTION_ARGS)
{
	HASH_SEQ_STATUS status;
	StatsEntry *e;
	HTAB	   *h = shared_hash ? shared_hash : local_hash;
	char	   *only = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (h == NULL)
		PG_RETURN_VOID();
	if (shared_hash)
		LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	hash_seq_init(&status, h);
	while ((e = hash_seq_search(&status)) != NULL)
	{
		if (e->key.dbid != MyDatabaseId || (only && strcmp(only, e->key.name) != 0))
			continue;
		hash_search(h, &e->key, HASH_REMOVE, NULL);
	}
	if (shared_hash)
		LWLockRelease(shared->lock);
	PG_RETURN_VOID();
}
