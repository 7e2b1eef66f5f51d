/*
 * isolation.c — the REPEATABLE READ / SERIALIZABLE half of the snapshot
 * policy (doc/design.md, section 6).
 *
 * Under READ COMMITTED every maintenance statement takes a fresh snapshot
 * after denorm holds its locks, so it reads current data. Under the
 * snapshot isolation levels the snapshot is the transaction's, so before
 * computing anything from rows other than the statement's own, denorm reads
 * the identities (ctids) of those rows under the transaction snapshot and
 * under the latest snapshot. If a transaction that committed after ours
 * began changed them, the lists differ and the writer must retry: 40001.
 */
#include "postgres.h"

#include "access/xact.h"
#include "storage/itemptr.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#include "denorm.h"

bool
isolation_needs_check(void)
{
	return IsolationUsesXactSnapshot();
}

/* Run a ctid-returning plan under snap (or the transaction's snapshot). */
static ItemPointerData *
read_ctids(SPIPlanPtr plan, Snapshot snap, uint64 *n)
{
	int			ret;
	ItemPointerData *tids;
	uint64		i;

	if (snap)
		ret = SPI_execute_snapshot(plan, NULL, NULL, snap, InvalidSnapshot, false, false, 0);
	else
		ret = SPI_execute_plan(plan, NULL, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "read-set query returned %s", SPI_result_code_string(ret));
	*n = SPI_processed;
	tids = palloc(sizeof(ItemPointerData) * Max(*n, 1));
	for (i = 0; i < *n; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		ItemPointerCopy((ItemPointer) DatumGetPointer(d), &tids[i]);
	}
	return tids;
}

/*
 * Prove that the rows plan reads are the same under our snapshot and under
 * the latest one, or fail with a serialization failure.
 */
void
isolation_check_reads(DenormSpec *spec, SPIPlanPtr plan, const char *what)
{
	ItemPointerData *mine;
	ItemPointerData *latest;
	uint64		nmine;
	uint64		nlatest;
	uint64		i;
	bool		same;

	mine = read_ctids(plan, NULL, &nmine);
	CommandCounterIncrement();
	latest = read_ctids(plan, GetLatestSnapshot(), &nlatest);

	same = (nmine == nlatest);
	for (i = 0; same && i < nmine; i++)
		if (!ItemPointerEquals(&mine[i], &latest[i]))
			same = false;
	if (!same)
	{
		stats_count(spec->name, COUNT_SERIALIZATION_FAILURE, 1);
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access to %s read by projection \"%s\"", what, spec->name),
				 errdetail("A transaction that committed after this one started changed rows this maintenance reads; "
						   "computing from this transaction's snapshot would write a stale value."),
				 errhint("The transaction might succeed if retried.")));
	}
	pfree(mine);
	pfree(latest);
}
