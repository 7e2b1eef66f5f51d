/*
 * swap.c — rebuild a whole row target by filling a new table and swapping
 * it in, the way REFRESH MATERIALIZED VIEW and CLUSTER do.
 *
 * A rebuild in place (denorm.rebuild) writes into the live, indexed target:
 * every row it writes updates every index, one entry at a time. When the
 * target holds nothing but rows its projections define, the cheapest
 * rebuild is the one REFRESH does: fill a new heap without indexes, swap its
 * file in, and build the indexes once, by sorting.
 *
 * The swap bypasses what an INSERT into the target would run: triggers,
 * rules, row security, logical replication. So it is only taken when the
 * target has none of those (swap_blocker says why not, and the caller
 * rebuilds in place instead). NOT NULL and CHECK constraints are checked
 * row by row as the new heap is filled; unique and exclusion constraints
 * when its indexes are built; foreign keys from and to the target (plain
 * MATCH SIMPLE, NO ACTION or RESTRICT ones: the swap cannot run actions)
 * by one anti-join each after the swap, as ALTER TABLE validates a new one.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_publication.h"
#include "catalog/pg_trigger.h"
#include "commands/cluster.h"
#include "commands/tablecmds.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "denorm.h"

/*
 * The fill inserts in batches, as COPY does: one WAL record and one buffer
 * lock per page instead of per row, and, the rows being frozen, each page
 * it starts empty is marked all-visible, so the foreign-key check after
 * the swap and the first readers get index-only scans without a VACUUM.
 */
#define FILL_BATCH_ROWS 1000
#define FILL_BATCH_BYTES 65536

/* Receives a fill query's rows and inserts them into the new heap. */
typedef struct FillReceiver
{
	DestReceiver pub;
	Relation	target;			/* the live table: its constraints */
	Relation	newheap;
	EState	   *estate;
	ResultRelInfo *rri;
	bool		check;			/* the target has NOT NULL or CHECK constraints */
	TupleTableSlot *slot;		/* in the target's row type */
	AttrNumber *map;			/* query column i -> target attnum */
	int			ncols;
	BulkInsertState bistate;
	CommandId	cid;
	uint64		rows;
	MemoryContext cxt;			/* where the batch's slots live */
	TupleTableSlot *batch[FILL_BATCH_ROWS];	/* in the new heap's slot type */
	int			nbatch;
	Size		batch_bytes;
} FillReceiver;

/* Insert the batched rows into the new heap. */
static void
fill_flush(FillReceiver *r)
{
	MemoryContext old;
	int			i;

	if (r->nbatch == 0)
		return;

	/*
	 * Frozen, as REFRESH writes them: the new file is ours until commit. In
	 * the per-row context, reset after each row: the insert's array of
	 * tuples and any toasted copies would otherwise pile up in the fill
	 * query's context.
	 */
	old = MemoryContextSwitchTo(GetPerTupleMemoryContext(r->estate));
	table_multi_insert(r->newheap, r->batch, r->nbatch, r->cid,
					   TABLE_INSERT_SKIP_FSM | TABLE_INSERT_FROZEN, r->bistate);
	MemoryContextSwitchTo(old);
	ResetPerTupleExprContext(r->estate);
	for (i = 0; i < r->nbatch; i++)
		ExecClearTuple(r->batch[i]);
	r->nbatch = 0;
	r->batch_bytes = 0;
}

static void
fill_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	FillReceiver *r = (FillReceiver *) self;
	TupleDesc	tdesc = RelationGetDescr(r->target);
	int			i;

	r->ncols = typeinfo->natts;
	r->map = palloc(sizeof(AttrNumber) * r->ncols);
	for (i = 0; i < r->ncols; i++)
	{
		Form_pg_attribute qa = TupleDescAttr(typeinfo, i);
		AttrNumber	att = get_attnum(RelationGetRelid(r->target), NameStr(qa->attname));

		/* The fill queries cast every output to its target column's type. */
		if (att <= 0 || TupleDescAttr(tdesc, att - 1)->atttypid != qa->atttypid)
			elog(ERROR, "fill column \"%s\" does not match a column of \"%s\"",
				 NameStr(qa->attname), RelationGetRelationName(r->target));
		r->map[i] = att;
	}
}

static bool
fill_receive(TupleTableSlot *qslot, DestReceiver *self)
{
	FillReceiver *r = (FillReceiver *) self;
	TupleTableSlot *slot = r->slot;
	TupleTableSlot *copy;
	int			i;

	slot_getallattrs(qslot);
	ExecClearTuple(slot);
	/* Dropped columns stay NULL, as in any heap tuple. */
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (i = 0; i < r->ncols; i++)
	{
		slot->tts_values[r->map[i] - 1] = qslot->tts_values[i];
		slot->tts_isnull[r->map[i] - 1] = qslot->tts_isnull[i];
	}
	ExecStoreVirtualTuple(slot);
	if (r->check)
		ExecConstraints(r->rri, slot, r->estate);
	if (r->batch[r->nbatch] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(r->cxt);

		r->batch[r->nbatch] = table_slot_create(r->newheap, NULL);
		MemoryContextSwitchTo(old);
	}
	/* The copy is formed in the batch slot's own memory, which outlives the row. */
	copy = ExecCopySlot(r->batch[r->nbatch++], slot);
	r->batch_bytes += ExecFetchSlotHeapTuple(copy, false, NULL)->t_len;
	if (r->nbatch == FILL_BATCH_ROWS || r->batch_bytes >= FILL_BATCH_BYTES)
		fill_flush(r);
	ResetPerTupleExprContext(r->estate);
	r->rows++;
	return true;
}

static void
fill_shutdown(DestReceiver *self)
{
	FillReceiver *r = (FillReceiver *) self;

	pfree(r->map);
	r->map = NULL;
}

static void
fill_destroy(DestReceiver *self)
{
}

static Form_pg_class
rel_form(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	form = palloc(sizeof(FormData_pg_class));
	memcpy(form, GETSTRUCT(tup), sizeof(FormData_pg_class));
	ReleaseSysCache(tup);
	return form;
}

static Oid
rel_owner(Oid relid)
{
	return rel_form(relid)->relowner;
}

static bool
rel_row_security(Oid relid)
{
	return rel_form(relid)->relrowsecurity;
}

/*
 * Can the foreign key conoid, whose trigger is on target, be checked by a
 * query after the swap instead of by its triggers? NULL if so, else why not.
 */
static const char *
foreign_key_blocker(Oid conoid, Oid target)
{
	HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	Form_pg_constraint con;
	const char *why = NULL;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for constraint %u", conoid);
	con = (Form_pg_constraint) GETSTRUCT(tup);
	if (con->contype != CONSTRAINT_FOREIGN)
		why = "constraint trigger \"%s\", which a swap would not fire";
	else if (con->confmatchtype != FKCONSTR_MATCH_SIMPLE)
		why = "foreign key \"%s\", which is not MATCH SIMPLE";
	else if (con->confrelid == target &&
			 ((con->confdeltype != FKCONSTR_ACTION_NOACTION &&
			   con->confdeltype != FKCONSTR_ACTION_RESTRICT) ||
			  (con->confupdtype != FKCONSTR_ACTION_NOACTION &&
			   con->confupdtype != FKCONSTR_ACTION_RESTRICT)))
		why = "foreign key \"%s\" with an ON DELETE or ON UPDATE action, which a swap would not run";
	else if (get_rel_relkind(con->conrelid) != RELKIND_RELATION ||
			 get_rel_relkind(con->confrelid) != RELKIND_RELATION)
		why = "foreign key \"%s\" involving a partitioned table";
	else
	{
		/* The check reads both tables as the referencing table's owner. */
		Oid			owner = rel_owner(con->conrelid);

		if (pg_class_aclcheck(con->confrelid, owner, ACL_SELECT) != ACLCHECK_OK)
			why = "foreign key \"%s\", whose referencing table's owner cannot read the referenced table";
		else if (rel_row_security(con->conrelid) ||
				 rel_row_security(con->confrelid))
			why = "foreign key \"%s\" involving a table with row level security";
	}
	ReleaseSysCache(tup);
	return why ? psprintf(why, get_constraint_name(conoid)) : NULL;
}

/* Foreign keys whose triggers are on target (from it or to it), once each. */
static List *
foreign_keys_of(Relation target)
{
	List	   *cons = NIL;
	int			i;

	if (target->trigdesc)
		for (i = 0; i < target->trigdesc->numtriggers; i++)
		{
			Trigger    *tg = &target->trigdesc->triggers[i];

			if (tg->tgisinternal && OidIsValid(tg->tgconstraint))
				cons = list_append_unique_oid(cons, tg->tgconstraint);
		}
	return cons;
}

/*
 * After the swap: does every row of the foreign key's referencing table
 * whose key has no NULL have its referenced row? One anti-join, run as the
 * referencing table's owner (as RI checks run as a table's owner).
 */
static void
check_foreign_key(Oid conoid)
{
	HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	Form_pg_constraint con;
	AttrNumber	fkatt[INDEX_MAX_KEYS];
	AttrNumber	pkatt[INDEX_MAX_KEYS];
	Oid			pfeq[INDEX_MAX_KEYS];
	Oid			ppeq[INDEX_MAX_KEYS];
	Oid			ffeq[INDEX_MAX_KEYS];
	AttrNumber	setnull[INDEX_MAX_KEYS];
	int			nsetnull;
	int			n;
	int			i;
	StringInfoData notnull;
	StringInfoData match;
	Oid			save_userid;
	int			save_sec;
	int			save_nestlevel;
	int			ret;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for constraint %u", conoid);
	con = (Form_pg_constraint) GETSTRUCT(tup);
	DeconstructFkConstraintRow(tup, &n, fkatt, pkatt, pfeq, ppeq, ffeq, &nsetnull, setnull);
	initStringInfo(&notnull);
	initStringInfo(&match);
	for (i = 0; i < n; i++)
	{
		const char *fk = quote_identifier(get_attname(con->conrelid, fkatt[i], false));
		const char *pk = quote_identifier(get_attname(con->confrelid, pkatt[i], false));

		appendStringInfo(&notnull, " AND fk.%s IS NOT NULL", fk);
		appendStringInfo(&match, "%spk.%s %s fk.%s", i ? " AND " : "", pk, sqlgen_operator(pfeq[i]), fk);
	}

	SPI_connect();

	/*
	 * A whole-table check is maintenance work, as when ALTER TABLE validates a
	 * foreign key: its sort or hash may use maintenance_work_mem (and no
	 * multiple of it) rather than spill in batches of work_mem.
	 */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("work_mem", psprintf("%d", maintenance_work_mem),
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("hash_mem_multiplier", "1",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(rel_owner(con->conrelid),
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	ret = SPI_execute(psprintf("SELECT 1 FROM ONLY %s fk WHERE true%s AND NOT EXISTS "
							   "(SELECT 1 FROM ONLY %s pk WHERE %s) LIMIT 1",
							   sqlgen_qualified_name(con->conrelid), notnull.data,
							   sqlgen_qualified_name(con->confrelid), match.data),
					  false, 1);
	SetUserIdAndSecContext(save_userid, save_sec);
	AtEOXact_GUC(true, save_nestlevel);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "foreign key check returned %s", SPI_result_code_string(ret));
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("rebuilt table \"%s\" violates foreign key constraint \"%s\"",
						get_rel_name(con->conrelid), NameStr(con->conname)),
				 errdetail("A row of \"%s\" has no matching row in \"%s\".",
						   get_rel_name(con->conrelid), get_rel_name(con->confrelid)),
				 errhint("Rebuild the referenced table's projections first, or audit them.")));
	SPI_finish();
	ReleaseSysCache(tup);
}

/*
 * Why target cannot be rebuilt by a swap, or NULL if it can. target is open;
 * specs are the projections writing it.
 */
const char *
swap_blocker(Relation target, List *specs)
{
	Form_pg_class cls = RelationGetForm(target);
	TupleDesc	tdesc = RelationGetDescr(target);
	Oid			guard = denorm_guard_function();	/* its triggers only refuse direct writes */
	ListCell   *lc;
	int			nlive = 0;
	int			i;

	if (IsolationUsesXactSnapshot())
		return "the transaction is REPEATABLE READ or SERIALIZABLE; a swap reads the sources "
			"under a snapshot taken after the table's lock (call it in a READ COMMITTED transaction)";
	if (cls->relkind != RELKIND_RELATION || cls->relispartition)
		return "it is a partitioned table or a partition";
	if (!pg_class_ownercheck(RelationGetRelid(target), GetUserId()))
		return "only its owner can replace its contents";
	if (target->rd_rules)
		return "it has rules, which a swap would not run";
	if (cls->relrowsecurity)
		return "it has row level security, which a swap would not apply";
	if (GetRelationPublications(RelationGetRelid(target)) != NIL ||
		GetSchemaPublications(RelationGetNamespace(target)) != NIL ||
		GetAllTablesPublications() != NIL)
		return "it is published for logical replication, which would not see a swap";
	/* Every row a projection writes must come out whole: no column left to a default. */
	for (i = 0; i < tdesc->natts; i++)
		if (!TupleDescAttr(tdesc, i)->attisdropped)
			nlive++;
	foreach(lc, specs)
	{
		DenormSpec *spec = lfirst(lc);
		Relation	view;
		int			nout;

		if (spec->kind != DENORM_ROW)
			return psprintf("column projection \"%s\" writes into it, so its rows are not the projections' alone",
							spec->name);
		view = relation_open(spec->view, AccessShareLock);
		nout = RelationGetDescr(view)->natts;
		relation_close(view, AccessShareLock);
		if (nout != nlive)
			return psprintf("projection \"%s\" does not write every column of it", spec->name);
	}
	if (target->trigdesc)
		for (i = 0; i < target->trigdesc->numtriggers; i++)
		{
			Trigger    *tg = &target->trigdesc->triggers[i];

			if (tg->tgfoid == guard)
				continue;
			if (tg->tgisinternal && OidIsValid(tg->tgconstraint))
			{
				const char *why = foreign_key_blocker(tg->tgconstraint, RelationGetRelid(target));

				if (why)
					return psprintf("it has %s", why);
				continue;
			}
			return psprintf("it has trigger \"%s\", which a swap would not fire", tg->tgname);
		}
	return NULL;
}

/* One projection's type value, parsed, for sorting by the column's btree order. */
typedef struct OwnedType
{
	Datum		value;
	const char *literal;
} OwnedType;

/* qsort_arg comparator; arg is the type column's attribute. */
static int
owned_type_cmp(const void *a, const void *b, void *arg)
{
	Form_pg_attribute ty = arg;
	TypeCacheEntry *tc = lookup_type_cache(ty->atttypid, TYPECACHE_CMP_PROC_FINFO);

	return DatumGetInt32(FunctionCall2Coll(&tc->cmp_proc_finfo, ty->attcollation,
										   ((const OwnedType *) a)->value,
										   ((const OwnedType *) b)->value));
}

/*
 * The target's rows that no projection owns: their type is NULL or none of
 * the projections' type values. With the values sorted in the type's btree
 * order that is a set of ranges,
 *   t.ty IS NULL OR t.ty < 'a' OR (t.ty > 'a' AND t.ty < 'b') ... OR t.ty > 'z',
 * which an index leading with the type column (the usual primary key of a
 * shared target) answers with one descent per range instead of a scan of
 * the whole table: what carrying over nothing should cost. A type without
 * a btree order gets (t.ty = 'a' OR ...) IS NOT TRUE, a scan.
 */
static char *
foreign_rows_sql(Relation target, List *specs)
{
	TupleDesc	tdesc = RelationGetDescr(target);
	const char *type_column = ((DenormSpec *) linitial(specs))->type_column;
	Form_pg_attribute ty = TupleDescAttr(tdesc, get_attnum(RelationGetRelid(target), type_column) - 1);
	const char *col = psprintf("t.%s", quote_identifier(type_column));
	char	   *typname = sqlgen_type_name(ty->atttypid, ty->atttypmod);
	TypeCacheEntry *tc = lookup_type_cache(ty->atttypid, TYPECACHE_LT_OPR | TYPECACHE_GT_OPR |
										   TYPECACHE_CMP_PROC_FINFO);
	bool		ordered = OidIsValid(tc->cmp_proc) && OidIsValid(tc->lt_opr) && OidIsValid(tc->gt_opr);
	int			ntypes = list_length(specs);
	OwnedType  *owned = palloc(sizeof(OwnedType) * ntypes);
	Oid			typinput;
	Oid			typioparam;
	StringInfoData buf;
	ListCell   *lc;
	int			i;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (i = 0; i < tdesc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(tdesc, i);

		if (a->attisdropped)
			continue;
		appendStringInfo(&buf, "%st.%s", first ? "" : ", ", quote_identifier(NameStr(a->attname)));
		first = false;
	}
	appendStringInfo(&buf, " FROM ONLY %s t WHERE ", sqlgen_qualified_name(RelationGetRelid(target)));

	getTypeInputInfo(ty->atttypid, &typinput, &typioparam);
	foreach(lc, specs)
	{
		DenormSpec *spec = lfirst(lc);
		OwnedType  *o = &owned[foreach_current_index(lc)];

		o->literal = psprintf("CAST(%s AS %s)", quote_literal_cstr(spec->type_value), typname);
		if (ordered)
			o->value = OidInputFunctionCall(typinput, spec->type_value, typioparam, ty->atttypmod);
	}

	if (!ordered)
	{
		const char *eq = sqlgen_eq_operator(ty->atttypid);

		if (eq == NULL)
			eq = "=";
		appendStringInfoChar(&buf, '(');
		for (i = 0; i < ntypes; i++)
			appendStringInfo(&buf, "%s%s %s %s", i ? " OR " : "", col, eq, owned[i].literal);
		appendStringInfoString(&buf, ") IS NOT TRUE");
		return buf.data;
	}

	qsort_arg(owned, ntypes, sizeof(OwnedType), owned_type_cmp, ty);
	appendStringInfo(&buf, "%s IS NULL OR %s %s %s", col, col, sqlgen_operator(tc->lt_opr), owned[0].literal);
	for (i = 1; i < ntypes; i++)
		appendStringInfo(&buf, " OR (%s %s %s AND %s %s %s)",
						 col, sqlgen_operator(tc->gt_opr), owned[i - 1].literal,
						 col, sqlgen_operator(tc->lt_opr), owned[i].literal);
	appendStringInfo(&buf, " OR %s %s %s", col, sqlgen_operator(tc->gt_opr), owned[ntypes - 1].literal);
	return buf.data;
}

/* Run one fill query into the receiver, as spec's maintenance runs its statements. */
static void
fill_as(DenormSpec *spec, const char *sql, FillReceiver *r)
{
	EngineState es;

	engine_begin(&es, spec, true);
	PG_TRY();
	{
		SPIExecuteOptions opts;
		int			ret;

		memset(&opts, 0, sizeof(opts));
		opts.dest = (DestReceiver *) r;
		/* Not read-only: a fresh snapshot, taken after the table's lock. */
		opts.read_only = false;
		ret = SPI_execute_extended(sql, &opts);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "fill query of projection \"%s\" returned %s", spec->name,
				 SPI_result_code_string(ret));
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
 * Rebuild target (locked AccessExclusive by the caller, who also holds the
 * projections' locks) from specs by a swap. Returns the rows the
 * projections wrote; rows of types no projection owns are carried over.
 */
uint64
swap_rebuild(Oid targetid, List *specs)
{
	Relation	target = table_open(targetid, NoLock);
	char		persistence = target->rd_rel->relpersistence;
	Oid			newid;
	FillReceiver r;
	uint64		written = 0;
	int			i;
	bool		carry;
	List	   *fkeys;
	ListCell   *lc;

	CheckTableNotInUse(target, "denorm.rebuild_target");
	fkeys = foreign_keys_of(target);
	carry = RelationGetNumberOfBlocks(target) > 0;

	newid = make_new_heap(targetid, target->rd_rel->reltablespace, target->rd_rel->relam,
						  persistence, ExclusiveLock);
	LockRelationOid(newid, AccessExclusiveLock);
	CommandCounterIncrement();

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = fill_receive;
	r.pub.rStartup = fill_startup;
	r.pub.rShutdown = fill_shutdown;
	r.pub.rDestroy = fill_destroy;
	r.pub.mydest = DestTransientRel;
	r.target = target;
	r.newheap = table_open(newid, NoLock);
	r.estate = CreateExecutorState();
	r.rri = makeNode(ResultRelInfo);
	InitResultRelInfo(r.rri, target, 0, NULL, 0);
	r.check = RelationGetDescr(target)->constr != NULL &&
		(RelationGetDescr(target)->constr->has_not_null ||
		 RelationGetDescr(target)->constr->num_check > 0);
	r.slot = table_slot_create(target, NULL);
	r.bistate = GetBulkInsertState();
	r.cid = GetCurrentCommandId(true);
	r.cxt = CurrentMemoryContext;

	foreach(lc, specs)
	{
		DenormSpec *spec = lfirst(lc);

		r.rows = 0;
		qualify_spec_statements(spec);	/* before reading the statement's text */
		fill_as(spec, spec->sql[RP_FILL], &r);
		stats_count(spec->name, COUNT_REBUILD, 0);
		written += r.rows;
	}

	/*
	 * Rows no projection owns (written before registration, or by hand)
	 * stay; read as the first projection's maintenance reads the target.
	 */
	if (carry)
		fill_as(linitial(specs), foreign_rows_sql(target, specs), &r);

	fill_flush(&r);
	for (i = 0; i < FILL_BATCH_ROWS && r.batch[i] != NULL; i++)
		ExecDropSingleTupleTableSlot(r.batch[i]);
	FreeBulkInsertState(r.bistate);
	table_finish_bulk_insert(r.newheap, TABLE_INSERT_SKIP_FSM);
	ExecDropSingleTupleTableSlot(r.slot);
	FreeExecutorState(r.estate);
	table_close(r.newheap, NoLock);
	table_close(target, NoLock);

	/* Swap the files, rebuild every index (checking unique ones), drop the old file. */
	finish_heap_swap(targetid, newid, false, false, true, true,
					 RecentXmin, ReadNextMultiXactId(), persistence);
	foreach(lc, fkeys)
		check_foreign_key(lfirst_oid(lc));
	return written;
}
