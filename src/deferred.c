/*
 * deferred.c — commit-time maintenance, per projection (denorm.set_deferred).
 *
 * A deferred projection's statement triggers only note which keys changed;
 * a deferrable constraint trigger, fired at commit (or at SET CONSTRAINTS
 * ... IMMEDIATE), maintains each noted key once, with the same locks and
 * snapshot checks as immediate maintenance. A transaction that touches one
 * invoice a thousand times recomputes it once.
 *
 * The constraint trigger is row-level (PostgreSQL has no deferred statement
 * triggers): its first event at commit maintains everything pending, the
 * others find nothing left. Keys noted in a subtransaction that rolled back
 * stay noted: recomputing a key from the current data is always right, just
 * sometimes unnecessary.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_flush);

typedef struct Pending
{
	char		name[NAMEDATALEN];	/* hash key: projection */
	KeySet	   *keys;
	bool		fired_empty;	/* a flush event found nothing noted yet */
} Pending;

static HTAB *pending = NULL;

void
deferred_reset_xact(void)
{
	pending = NULL;				/* it lived in TopTransactionContext */
}

/* Note the keys the rows of ts (if any) touch, to maintain them at commit. */
static Pending *
pending_entry(const char *name)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	Pending    *p;
	bool		found;

	if (pending == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(Pending);
		ctl.hcxt = TopTransactionContext;
		pending = hash_create("denorm pending keys", 8, &ctl,
							  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	p = hash_search(pending, name, HASH_ENTER, &found);
	if (!found)
	{
		p->keys = NULL;
		p->fired_empty = false;
	}
	MemoryContextSwitchTo(old);
	return p;
}

void
deferred_note(DenormSpec *spec, Relation rel, const KeyDesc *kd,
			  Tuplestorestate *old_rows, Tuplestorestate *new_rows)
{
	Pending    *p = pending_entry(spec->name);
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

	if (p->keys == NULL)
		p->keys = keyset_create(&spec->src_key, 64);

	/*
	 * The set's descriptor is the canonical one; the rows may come from a
	 * partition, whose column numbers kd gives.
	 */
	{
		const KeyDesc *canonical = p->keys->desc;

		p->keys->desc = kd;
		transition_collect_keys(rel, old_rows, p->keys);
		transition_collect_keys(rel, new_rows, p->keys);
		p->keys->desc = canonical;
	}
	MemoryContextSwitchTo(old);
}

/*
 * Called by the statement trigger after noting keys. Under SET CONSTRAINTS
 * ... IMMEDIATE the flush trigger's events fire at the end of the
 * statement, before statement triggers, and so found nothing noted: flush
 * now instead.
 */
void
deferred_flush_if_due(DenormSpec *spec, Relation rel)
{
	Pending    *p = pending_entry(spec->name);

	if (p->fired_empty)
	{
		p->fired_empty = false;
		deferred_flush(spec);
	}
}

/*
 * At commit nothing may be left noted: if it were (a flush trigger disabled
 * by hand, say), fail the commit rather than leave the projection stale.
 */
void
deferred_check_commit(void)
{
	HASH_SEQ_STATUS status;
	Pending    *p;

	if (pending == NULL)
		return;
	hash_seq_init(&status, pending);
	while ((p = hash_seq_search(&status)) != NULL)
		if (p->keys != NULL && p->keys->nkeys > 0)
		{
			hash_seq_term(&status);
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("commit-time maintenance of projection \"%s\" did not run", p->name),
					 errhint("Its trigger denorm_%s_flush must exist and be enabled; "
							 "denorm.set_deferred('%s', true) creates it.", p->name, p->name)));
		}
}

/* Maintain every key noted for spec; called from the flush trigger. */
void
deferred_flush(DenormSpec *spec)
{
	Pending    *p;
	KeySet	   *keys;
	EngineState es;

	p = pending_entry(spec->name);
	if (p->keys == NULL || p->keys->nkeys == 0)
	{
		p->fired_empty = true;
		return;
	}
	keys = p->keys;
	p->keys = NULL;				/* maintenance below may note new keys */
	keyset_finish(keys);

	engine_begin(&es, spec, false);
	PG_TRY();
	{
		(void) recompute_keys(spec, keys);
	}
	PG_CATCH();
	{
		engine_abort_cleanup(&es);
		PG_RE_THROW();
	}
	PG_END_TRY();
	engine_end(&es);
}

/* CONSTRAINT TRIGGER ... DEFERRABLE INITIALLY DEFERRED FOR EACH ROW on the source. */
Datum
denorm_flush(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	DenormSpec *spec;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		td->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("denorm.flush() must be fired by denorm's deferred constraint trigger")));
	{
		/* The common case after the first event at commit: nothing left. */
		Pending    *p = pending_entry(td->tg_trigger->tgargs[0]);

		if (p->keys == NULL || p->keys->nkeys == 0)
		{
			p->fired_empty = true;
			return PointerGetDatum(NULL);
		}
	}
	spec = spec_lookup(td->tg_trigger->tgargs[0], false);
	PG_TRY();
	{
		deferred_flush(spec);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	return PointerGetDatum(NULL);
}
