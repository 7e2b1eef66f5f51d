/*
 * keyset.c — reads transition tables in C: counts rows, keeps only the rows
 * whose used columns changed, and collects the distinct keys a statement
 * touches (with the hashes their locks are keyed on).
 *
 * Only small statements are read here; a statement past the escalation
 * threshold is handed to the executor whole (see doc/design.md, section 9).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "denorm.h"

void
keydesc_init(KeyDesc *kd, Relation rel, int natts, const AttrNumber *attnums)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	if (natts > DENORM_MAX_KEY_COLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("keys of more than %d columns are not supported", DENORM_MAX_KEY_COLS)));
	memset(kd, 0, sizeof(KeyDesc));
	kd->natts = natts;
	for (i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, attnums[i] - 1);
		TypeCacheEntry *tc;

		kd->attnums[i] = attnums[i];
		kd->types[i] = att->atttypid;
		kd->typmods[i] = att->atttypmod;
		kd->collations[i] = att->attcollation;
		kd->typlens[i] = att->attlen;
		kd->typbyvals[i] = att->attbyval;
		tc = lookup_type_cache(att->atttypid, TYPECACHE_HASH_PROC_FINFO);
		if (OidIsValid(tc->hash_proc_finfo.fn_oid))
			fmgr_info_cxt(tc->hash_proc_finfo.fn_oid, &kd->hashfns[i], CurrentMemoryContext);
		else
			kd->hashfns[i].fn_oid = InvalidOid; /* hash the binary image */
	}
}

/*
 * The lock hash of a key. It uses the type's own hash function, so that
 * values the type calls equal (1.0 and 1.00) get the same lock.
 */
uint32
keydesc_hash(const KeyDesc *kd, Datum *values, bool *nulls)
{
	uint32		h = 0;
	int			i;

	for (i = 0; i < kd->natts; i++)
	{
		uint32		v;

		if (nulls[i])
			v = 0x5bd1e995;
		else if (OidIsValid(kd->hashfns[i].fn_oid))
			v = DatumGetUInt32(FunctionCall1Coll((FmgrInfo *) &kd->hashfns[i],
												 kd->collations[i], values[i]));
		else
			v = datum_image_hash(values[i], kd->typbyvals[i], kd->typlens[i]);
		h = hash_combine(h, v);
	}
	return h;
}

KeySet *
keyset_create(const KeyDesc *desc, int expected)
{
	KeySet	   *ks = palloc0(sizeof(KeySet));

	ks->desc = desc;
	ks->maxkeys = Max(expected, 4);
	ks->values = palloc(sizeof(Datum) * ks->maxkeys * desc->natts);
	ks->nulls = palloc(sizeof(bool) * ks->maxkeys * desc->natts);
	ks->hashes = palloc(sizeof(uint32) * ks->maxkeys);
	return ks;
}

/* Add one key (copied). Keys with a NULL column match nothing and are skipped. */
void
keyset_add(KeySet *ks, Datum *values, bool *nulls)
{
	const KeyDesc *kd = ks->desc;
	int			n = kd->natts;
	int			i;

	for (i = 0; i < n; i++)
		if (nulls[i])
			return;
	if (ks->nkeys == ks->maxkeys)
	{
		ks->maxkeys *= 2;
		ks->values = repalloc(ks->values, sizeof(Datum) * ks->maxkeys * n);
		ks->nulls = repalloc(ks->nulls, sizeof(bool) * ks->maxkeys * n);
		ks->hashes = repalloc(ks->hashes, sizeof(uint32) * ks->maxkeys);
	}
	for (i = 0; i < n; i++)
	{
		ks->values[ks->nkeys * n + i] = datumCopy(values[i], kd->typbyvals[i], kd->typlens[i]);
		ks->nulls[ks->nkeys * n + i] = false;
	}
	ks->hashes[ks->nkeys] = keydesc_hash(kd, values, nulls);
	ks->nkeys++;
	ks->sorted = false;
}

void
keyset_add_from_slot(KeySet *ks, TupleTableSlot *slot)
{
	Datum		values[DENORM_MAX_KEY_COLS];
	bool		nulls[DENORM_MAX_KEY_COLS];
	int			i;

	for (i = 0; i < ks->desc->natts; i++)
		values[i] = slot_getattr(slot, ks->desc->attnums[i], &nulls[i]);
	keyset_add(ks, values, nulls);
}

/*
 * Add every row of SPI's current result as a key: its first natts columns,
 * in the key's order (queries that find keys select k1..kn).
 */
void
keyset_add_spi_result(KeySet *ks)
{
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		Datum		values[DENORM_MAX_KEY_COLS];
		bool		nulls[DENORM_MAX_KEY_COLS];
		int			j;

		for (j = 0; j < ks->desc->natts; j++)
			values[j] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, j + 1, &nulls[j]);
		keyset_add(ks, values, nulls);
	}
}

/* Sorting context: qsort_arg gets the set. */
static int
key_cmp(const void *a, const void *b, void *arg)
{
	KeySet	   *ks = (KeySet *) arg;
	int			ia = *(const int *) a;
	int			ib = *(const int *) b;
	const KeyDesc *kd = ks->desc;
	int			i;

	if (ks->hashes[ia] != ks->hashes[ib])
		return ks->hashes[ia] < ks->hashes[ib] ? -1 : 1;
	for (i = 0; i < kd->natts; i++)
	{
		Datum		va = ks->values[ia * kd->natts + i];
		Datum		vb = ks->values[ib * kd->natts + i];

		if (!datum_image_eq(va, vb, kd->typbyvals[i], kd->typlens[i]))
		{
			/* Any total order will do among equal hashes; compare images. */
			Size		la = datumGetSize(va, kd->typbyvals[i], kd->typlens[i]);
			Size		lb = datumGetSize(vb, kd->typbyvals[i], kd->typlens[i]);
			const char *pa = kd->typbyvals[i] ? (const char *) &va : DatumGetPointer(va);
			const char *pb = kd->typbyvals[i] ? (const char *) &vb : DatumGetPointer(vb);
			int			c;

			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(pa, pb, la);
			if (c != 0)
				return c;
		}
	}
	return 0;
}

/* Sort by lock hash (the order locks are taken in) and drop duplicates. */
void
keyset_finish(KeySet *ks)
{
	int			n = ks->desc->natts;
	int		   *order;
	Datum	   *values;
	bool	   *nulls;
	uint32	   *hashes;
	int			i;
	int			out = 0;

	if (ks->sorted || ks->nkeys <= 1)
	{
		ks->sorted = true;
		return;
	}
	order = palloc(sizeof(int) * ks->nkeys);
	for (i = 0; i < ks->nkeys; i++)
		order[i] = i;
	qsort_arg(order, ks->nkeys, sizeof(int), key_cmp, ks);
	values = palloc(sizeof(Datum) * ks->maxkeys * n);
	nulls = palloc(sizeof(bool) * ks->maxkeys * n);
	hashes = palloc(sizeof(uint32) * ks->maxkeys);
	for (i = 0; i < ks->nkeys; i++)
	{
		if (i > 0 && key_cmp(&order[i - 1], &order[i], ks) == 0)
			continue;
		memcpy(&values[out * n], &ks->values[order[i] * n], sizeof(Datum) * n);
		memcpy(&nulls[out * n], &ks->nulls[order[i] * n], sizeof(bool) * n);
		hashes[out] = ks->hashes[order[i]];
		out++;
	}
	ks->values = values;
	ks->nulls = nulls;
	ks->hashes = hashes;
	ks->nkeys = out;
	ks->sorted = true;
}

/* A tuple descriptor (k1, k2, ...) for a key, as denorm_keys has it. */
TupleDesc
keyset_tupdesc(const KeyDesc *kd)
{
	TupleDesc	desc = CreateTemplateTupleDesc(kd->natts);
	int			i;

	for (i = 0; i < kd->natts; i++)
	{
		char		name[16];

		snprintf(name, sizeof(name), "k%d", i + 1);
		TupleDescInitEntry(desc, i + 1, name, kd->types[i], kd->typmods[i], 0);
		TupleDescInitEntryCollation(desc, i + 1, kd->collations[i]);
	}
	return desc;
}

/* The keys as a tuplestore, to be registered as denorm_keys. */
Tuplestorestate *
keyset_tuplestore(KeySet *ks, TupleDesc *tupdesc)
{
	Tuplestorestate *ts = tuplestore_begin_heap(false, false, work_mem);
	int			n = ks->desc->natts;
	int			i;

	*tupdesc = keyset_tupdesc(ks->desc);
	for (i = 0; i < ks->nkeys; i++)
		tuplestore_putvalues(ts, *tupdesc, &ks->values[i * n], &ks->nulls[i * n]);
	return ts;
}

/* A key for messages: "42" or "(1,abc)". */
char *
keyset_key_text(const KeyDesc *kd, Datum *values, bool *nulls)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (kd->natts > 1)
		appendStringInfoChar(&buf, '(');
	for (i = 0; i < kd->natts; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		if (nulls[i])
			appendStringInfoString(&buf, "NULL");
		else
		{
			Oid			outfn;
			bool		isvarlena;

			getTypeOutputInfo(kd->types[i], &outfn, &isvarlena);
			appendStringInfoString(&buf, OidOutputFunctionCall(outfn, values[i]));
		}
	}
	if (kd->natts > 1)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

int64
transition_count(Tuplestorestate *ts)
{
	return ts ? tuplestore_tuple_count(ts) : 0;
}

/* Start reading a (shared) transition tuplestore from its beginning. */
static void
transition_rewind(Tuplestorestate *ts)
{
	int			ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
}

void
transition_collect_keys(Relation rel, Tuplestorestate *ts, KeySet *ks)
{
	TupleTableSlot *slot;

	if (ts == NULL)
		return;
	slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsMinimalTuple);
	transition_rewind(ts);
	while (tuplestore_gettupleslot(ts, true, false, slot))
		keyset_add_from_slot(ks, slot);
	ExecDropSingleTupleTableSlot(slot);
}

/* Did any column in used change between two versions of a row? */
static bool
row_changed(TupleDesc desc, TupleTableSlot *o, TupleTableSlot *n, const Bitmapset *used)
{
	int			x = -1;

	while ((x = bms_next_member(used, x)) >= 0)
	{
		AttrNumber	att = x + FirstLowInvalidHeapAttributeNumber;
		Datum		ov;
		Datum		nv;
		bool		on;
		bool		nn;
		Form_pg_attribute fa;

		if (att == InvalidAttrNumber)
		{
			/* whole-row reference: every column counts */
			AttrNumber	a;

			for (a = 1; a <= desc->natts; a++)
			{
				fa = TupleDescAttr(desc, a - 1);
				if (fa->attisdropped)
					continue;
				ov = slot_getattr(o, a, &on);
				nv = slot_getattr(n, a, &nn);
				if (on != nn || (!on && !datum_image_eq(ov, nv, fa->attbyval, fa->attlen)))
					return true;
			}
			continue;
		}
		if (att < 0)
			continue;
		fa = TupleDescAttr(desc, att - 1);
		ov = slot_getattr(o, att, &on);
		nv = slot_getattr(n, att, &nn);
		if (on != nn)
			return true;
		if (!on && !datum_image_eq(ov, nv, fa->attbyval, fa->attlen))
			return true;
	}
	return false;
}

/* Do two versions of a row have different keys? */
static bool
key_differs(const KeyDesc *key, TupleTableSlot *o, TupleTableSlot *n)
{
	int			i;

	for (i = 0; i < key->natts; i++)
	{
		bool		on;
		bool		nn;
		Datum		ov = slot_getattr(o, key->attnums[i], &on);
		Datum		nv = slot_getattr(n, key->attnums[i], &nn);

		if (on != nn || (!on && !datum_image_eq(ov, nv, key->typbyvals[i], key->typlens[i])))
			return true;
	}
	return false;
}

/*
 * Keep the rows of an UPDATE whose used columns changed. The transition
 * tables list old and new versions in the same order. Returns the original
 * tuplestores when every row changed, NULLs when none did, and fresh
 * tuplestores with just the changed pairs otherwise.
 */
void
transition_filter_changed(Relation rel, Tuplestorestate *old_rows,
						  Tuplestorestate *new_rows, const Bitmapset *used_attrs,
						  const KeyDesc *key, const Bitmapset *shape_attrs,
						  Tuplestorestate **old_out, Tuplestorestate **new_out,
						  int64 *nchanged, bool *key_changed, bool *shape_changed)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *o = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	TupleTableSlot *n = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int64		total = transition_count(new_rows);
	bool	   *changed = palloc0(sizeof(bool) * Max(total, 1));
	int64		i = 0;
	int64		count = 0;

	*key_changed = false;
	if (shape_changed)
		*shape_changed = false;

	/* Read both stores in step; each needs its own read pointer. */
	{
		int			optr = tuplestore_alloc_read_pointer(old_rows, EXEC_FLAG_REWIND);
		int			nptr = tuplestore_alloc_read_pointer(new_rows, EXEC_FLAG_REWIND);

		tuplestore_select_read_pointer(old_rows, optr);
		tuplestore_rescan(old_rows);
		tuplestore_select_read_pointer(new_rows, nptr);
		tuplestore_rescan(new_rows);
		for (i = 0; i < total; i++)
		{
			tuplestore_select_read_pointer(old_rows, optr);
			tuplestore_select_read_pointer(new_rows, nptr);
			if (!tuplestore_gettupleslot(old_rows, true, false, o) ||
				!tuplestore_gettupleslot(new_rows, true, false, n))
				elog(ERROR, "transition tables of an UPDATE differ in length");
			changed[i] = row_changed(desc, o, n, used_attrs);
			if (changed[i])
			{
				count++;
				if (key && !*key_changed && key_differs(key, o, n))
					*key_changed = true;
				if (shape_changed && !*shape_changed && row_changed(desc, o, n, shape_attrs))
					*shape_changed = true;
			}
		}
	}

	*nchanged = count;
	if (count == total)
	{
		*old_out = old_rows;
		*new_out = new_rows;
	}
	else if (count == 0)
	{
		*old_out = NULL;
		*new_out = NULL;
	}
	else
	{
		Tuplestorestate *oo = tuplestore_begin_heap(false, false, work_mem);
		Tuplestorestate *no = tuplestore_begin_heap(false, false, work_mem);

		transition_rewind(old_rows);
		for (i = 0; i < total; i++)
		{
			if (!tuplestore_gettupleslot(old_rows, true, false, o))
				break;
			if (changed[i])
				tuplestore_puttupleslot(oo, o);
		}
		transition_rewind(new_rows);
		for (i = 0; i < total; i++)
		{
			if (!tuplestore_gettupleslot(new_rows, true, false, n))
				break;
			if (changed[i])
				tuplestore_puttupleslot(no, n);
		}
		*old_out = oo;
		*new_out = no;
	}
	ExecDropSingleTupleTableSlot(o);
	ExecDropSingleTupleTableSlot(n);
	pfree(changed);
}

/* Does any row of an UPDATE change one of attrs? (Stops at the first.) */
bool
transition_attrs_changed(Relation rel, Tuplestorestate *old_rows,
						 Tuplestorestate *new_rows, const Bitmapset *attrs)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *o = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	TupleTableSlot *n = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int			optr = tuplestore_alloc_read_pointer(old_rows, EXEC_FLAG_REWIND);
	int			nptr = tuplestore_alloc_read_pointer(new_rows, EXEC_FLAG_REWIND);
	bool		changed = false;

	tuplestore_select_read_pointer(old_rows, optr);
	tuplestore_rescan(old_rows);
	tuplestore_select_read_pointer(new_rows, nptr);
	tuplestore_rescan(new_rows);
	for (;;)
	{
		bool		got;

		CHECK_FOR_INTERRUPTS();
		tuplestore_select_read_pointer(old_rows, optr);
		got = tuplestore_gettupleslot(old_rows, true, false, o);
		tuplestore_select_read_pointer(new_rows, nptr);
		if (!got || !tuplestore_gettupleslot(new_rows, true, false, n))
			break;
		if (row_changed(desc, o, n, attrs))
		{
			changed = true;
			break;
		}
	}
	ExecDropSingleTupleTableSlot(o);
	ExecDropSingleTupleTableSlot(n);
	return changed;
}

/* Could this UPDATE (by its SET list) have changed a used column? */
bool
bitmap_overlap_attrs(const Bitmapset *updated_cols, const Bitmapset *used)
{
	if (updated_cols == NULL)
		return true;			/* not told: assume it could */
	if (bms_is_member(InvalidAttrNumber - FirstLowInvalidHeapAttributeNumber, (Bitmapset *) used))
		return true;			/* whole-row reference */
	return bms_overlap(updated_cols, used);
}
