/*
 * lock.c — denorm's key locks: transaction-scoped advisory locks in a lock
 * space of denorm's own, taken in one global order, escalated to one coarse
 * lock per relation before they could fill the lock table.
 *
 * Tags: (database, relation OID, 32-bit key hash, DENORM_LOCKCLASS_KEY) for a
 * key and (database, relation OID, 0, DENORM_LOCKCLASS_COARSE) for the whole
 * relation. pg_advisory_lock() and friends only ever use classes 1 and 2, so
 * no user lock can collide with these. See doc/design.md, section 5.
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "denorm.h"

#define DENORM_LOCKCLASS_KEY	20036	/* pg_locks.objsubid of a key lock */
#define DENORM_LOCKCLASS_COARSE	20037	/* ... and of a relation's coarse lock */

/* Per transaction: how many key locks we hold per relation, and escalations. */
typedef struct XactLockState
{
	Oid			relid;			/* hash key */
	int			nkeys;			/* key locks taken (an upper bound) */
	bool		escalated_excl;
	bool		escalated_share;
} XactLockState;

static HTAB *xact_locks = NULL;

/* One lock to take, in the order they sort. */
typedef struct LockItem
{
	int			phase;
	Oid			relid;
	bool		coarse;
	uint32		hash;
	LOCKMODE	mode;
	int			req;			/* index of the request it came from */
	int			key;			/* index of the key in the request, or -1 */
} LockItem;

void
lock_set_tag(LOCKTAG *tag, Oid relid, uint32 hash, bool coarse)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, relid, coarse ? 0 : hash,
						 coarse ? DENORM_LOCKCLASS_COARSE : DENORM_LOCKCLASS_KEY);
}

void
lock_reset_xact(void)
{
	/* The table lives in TopTransactionContext and goes with it. */
	xact_locks = NULL;
}

static XactLockState *
xact_state(Oid relid)
{
	bool		found;
	XactLockState *st;

	if (xact_locks == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(XactLockState);
		ctl.hcxt = TopTransactionContext;
		xact_locks = hash_create("denorm transaction locks", 16, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	st = hash_search(xact_locks, &relid, HASH_ENTER, &found);
	if (!found)
	{
		st->nkeys = 0;
		st->escalated_excl = false;
		st->escalated_share = false;
	}
	return st;
}

static int
lock_item_cmp(const void *a, const void *b)
{
	const LockItem *x = a;
	const LockItem *y = b;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->relid != y->relid)
		return x->relid < y->relid ? -1 : 1;
	if (x->coarse != y->coarse)
		return x->coarse ? -1 : 1;	/* coarse (intention) lock first */
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->mode != y->mode)
		return x->mode > y->mode ? -1 : 1;	/* stronger first */
	return 0;
}

static char *
describe_key(LockRequest *reqs, LockItem *it)
{
	LockRequest *r = &reqs[it->req];
	char	   *relname = get_rel_name(it->relid);

	if (it->coarse || r->keys == NULL || it->key < 0)
		return psprintf("all keys of %s", relname ? relname : "?");
	return psprintf("key %s of %s",
					keyset_key_text(r->keys->desc,
									&r->keys->values[it->key * r->keys->desc->natts],
									&r->keys->nulls[it->key * r->keys->desc->natts]),
					relname ? relname : "?");
}

/*
 * Bound the lock waits of what follows by denorm.lock_timeout, when it is
 * set, as the session's lock_timeout. Returns the GUC nest level to pass to
 * lock_timeout_end(), or -1.
 */
int
lock_timeout_begin(void)
{
	char		buf[32];
	int			nest;

	if (denorm_lock_timeout <= 0)
		return -1;
	snprintf(buf, sizeof(buf), "%dms", denorm_lock_timeout);
	nest = NewGUCNestLevel();
	(void) set_config_option("lock_timeout", buf, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

void
lock_timeout_end(int nest)
{
	if (nest >= 0)
		AtEOXact_GUC(true, nest);
}

/*
 * In the PG_CATCH of a bounded wait (cxt: the memory context before the
 * PG_TRY): rethrow any error but a lock timeout, and forget that one, so
 * that the caller raises its own 55P03 naming what it waited for.
 */
void
lock_timeout_caught(MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
	{
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	FreeErrorData(edata);
	FlushErrorState();
}

/*
 * Take one lock, waiting at most denorm.lock_timeout; a timeout becomes a
 * 55P03 error that names the projection and the key.
 */
static void
acquire_one(DenormSpec *spec, LockRequest *reqs, LockItem *it)
{
	LOCKTAG		tag;
	LockAcquireResult res;

	lock_set_tag(&tag, it->relid, it->hash, it->coarse);
	res = LockAcquire(&tag, it->mode, false, true);
	if (res != LOCKACQUIRE_NOT_AVAIL)
		return;

	/* We have to wait. */
	{
		MemoryContext cxt = CurrentMemoryContext;
		instr_time	start;
		instr_time	waited;
		int			nest;

		INSTR_TIME_SET_CURRENT(start);
		nest = lock_timeout_begin();
		PG_TRY();
		{
			(void) LockAcquire(&tag, it->mode, false, false);
		}
		PG_CATCH();
		{
			lock_timeout_caught(cxt);
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("timed out waiting for the lock on %s of projection \"%s\"",
							describe_key(reqs, it), spec ? spec->name : "?"),
					 errdetail("Another transaction is maintaining the same key and has not finished."),
					 errhint("Retry the transaction, or raise denorm.lock_timeout.")));
		}
		PG_END_TRY();
		lock_timeout_end(nest);
		INSTR_TIME_SET_CURRENT(waited);
		INSTR_TIME_SUBTRACT(waited, start);
		if (spec)
			stats_count(spec->name, COUNT_LOCK_WAIT_US, INSTR_TIME_GET_MICROSEC(waited));
	}
}

/*
 * Append to *reqs (nreqs long) the locks of recomputing a projection's keys
 * (its source keys for a row projection, its groups for a column one; NULL:
 * all of them, as a rebuild does): every lookup shared, then the keys
 * exclusive. Returns the new length.
 */
int
lock_recompute_requests(DenormSpec *spec, KeySet *keys, LockRequest **reqs, int nreqs)
{
	LockRequest *r;
	int			i;

	*reqs = *reqs ? repalloc(*reqs, sizeof(LockRequest) * (nreqs + spec->nlookups + 1))
		: palloc(sizeof(LockRequest) * (spec->nlookups + 1));
	r = *reqs + nreqs;
	memset(r, 0, sizeof(LockRequest) * (spec->nlookups + 1));
	for (i = 0; i < spec->nlookups; i++)
	{
		r[i].relid = spec->lookups[i].relid;
		r[i].mode = KEYLOCK_SHARE;
		r[i].phase = 0;
	}
	r[spec->nlookups].relid = spec->kind == DENORM_ROW ? spec->source : spec->target;
	r[spec->nlookups].mode = KEYLOCK_EXCLUSIVE;
	r[spec->nlookups].phase = 1;
	r[spec->nlookups].keys = keys;
	return nreqs + spec->nlookups + 1;
}

/*
 * Take every lock of the requests in one global order: by phase, then
 * relation, coarse before keys, then key hash. A request whose key count,
 * with what this transaction already holds on the relation, passes
 * denorm.lock_escalation_threshold takes the relation's coarse lock in a
 * strong mode instead.
 */
void
lock_acquire_all(DenormSpec *spec, LockRequest *reqs, int nreqs)
{
	LockItem   *items;
	int			nitems = 0;
	int			maxitems = 0;
	int			r;
	int			i;

	for (r = 0; r < nreqs; r++)
		maxitems += 1 + (reqs[r].keys ? reqs[r].keys->nkeys : 0);
	if (maxitems == 0)
		return;
	items = palloc(sizeof(LockItem) * maxitems);

	for (r = 0; r < nreqs; r++)
	{
		LockRequest *req = &reqs[r];
		XactLockState *st = xact_state(req->relid);
		bool		excl = (req->mode == KEYLOCK_EXCLUSIVE);
		bool		escalate;
		int			nkeys = req->keys ? req->keys->nkeys : 0;

		if (req->keys && nkeys == 0 && !req->intention_only)
			continue;
		escalate = !req->intention_only &&
			(req->keys == NULL ||
			 (excl ? st->escalated_excl : (st->escalated_share || st->escalated_excl)) ||
			 nkeys > denorm_lock_escalation_threshold ||
			 st->nkeys + nkeys > denorm_lock_escalation_threshold);

		items[nitems].phase = req->phase;
		items[nitems].relid = req->relid;
		items[nitems].coarse = true;
		items[nitems].hash = 0;
		items[nitems].req = r;
		items[nitems].key = -1;
		if (escalate)
		{
			if (spec)
				stats_count(spec->name, COUNT_ESCALATION, 1);
			items[nitems].mode = excl ? ExclusiveLock : ShareLock;
			if (excl)
				st->escalated_excl = true;
			else
				st->escalated_share = true;
			nitems++;
			continue;
		}
		items[nitems].mode = excl ? RowExclusiveLock : RowShareLock;
		nitems++;
		for (i = 0; i < nkeys; i++)
		{
			items[nitems].phase = req->phase;
			items[nitems].relid = req->relid;
			items[nitems].coarse = false;
			items[nitems].hash = req->keys->hashes[i];
			items[nitems].mode = excl ? ExclusiveLock : ShareLock;
			items[nitems].req = r;
			items[nitems].key = i;
			nitems++;
		}
		st->nkeys += nkeys;
	}

	qsort(items, nitems, sizeof(LockItem), lock_item_cmp);
	for (i = 0; i < nitems; i++)
	{
		/* The same tag twice (hash collision, or two requests): once is enough. */
		if (i > 0 && items[i].phase == items[i - 1].phase &&
			items[i].relid == items[i - 1].relid &&
			items[i].coarse == items[i - 1].coarse &&
			items[i].hash == items[i - 1].hash &&
			items[i].mode == items[i - 1].mode)
			continue;
		CHECK_FOR_INTERRUPTS();
		acquire_one(spec, reqs, &items[i]);
	}
	pfree(items);
}

/* Take a relation's coarse lock in the strong mode (rebuild, TRUNCATE). */
void
lock_coarse(DenormSpec *spec, Oid relid, KeyLockMode mode)
{
	LockRequest req;

	memset(&req, 0, sizeof(req));
	req.relid = relid;
	req.mode = mode;
	req.keys = NULL;
	lock_acquire_all(spec, &req, 1);
}
