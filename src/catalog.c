/*
 * catalog.c — reads registrations from denorm.projection and keeps a
 * per-backend cache of projection specs, rebuilt after invalidations.
 *
 * A spec is derived from three things: the catalog row, the definition view
 * (denorm_def.<name>) and the target table. Nothing derived is stored in the
 * catalog, so renames and dump/restore never leave a stale copy behind.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "denorm.h"

typedef struct SpecEntry
{
	char		name[NAMEDATALEN];
	DenormSpec *spec;
} SpecEntry;

static HTAB *spec_cache = NULL;
static MemoryContext spec_cache_cxt = NULL;
static Oid	catalog_relid = InvalidOid;
static Oid	guard_function_oid = InvalidOid;

static DenormSpec *spec_load(const char *name, bool missing_ok);
static void spec_free(DenormSpec *spec);

static void
spec_cache_init(void)
{
	HASHCTL		ctl;

	if (spec_cache)
		return;
	spec_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
										   "denorm projection specs",
										   ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(SpecEntry);
	ctl.hcxt = spec_cache_cxt;
	spec_cache = hash_create("denorm projection specs", 64, &ctl,
							 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/*
 * The OID of denorm.projection, or InvalidOid when the extension is not
 * installed in this database. Remembered so that the relcache callback can
 * recognise changes to the catalog without doing catalog lookups itself.
 */
Oid
denorm_catalog_relid(void)
{
	Oid			nsp;

	if (OidIsValid(catalog_relid))
		return catalog_relid;
	if (!OidIsValid(get_extension_oid("denorm", true)))
		return InvalidOid;
	/* The control file fixes the schema: denorm is not relocatable. */
	nsp = get_namespace_oid("denorm", true);
	if (!OidIsValid(nsp))
		return InvalidOid;
	catalog_relid = get_relname_relid("projection", nsp);
	return catalog_relid;
}

/*
 * The OID of denorm.guard(), InvalidOid if it does not exist. Cached like
 * the catalog's, and forgotten with it (spec_invalidate_all).
 */
Oid
denorm_guard_function(void)
{
	if (!OidIsValid(guard_function_oid))
		guard_function_oid = LookupFuncName(list_make2(makeString("denorm"), makeString("guard")),
											0, NULL, true);
	return guard_function_oid;
}

/* The role that owns the extension (and so its catalog tables). */
Oid
denorm_extension_owner(void)
{
	Oid			relid = denorm_catalog_relid();
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		elog(ERROR, "denorm catalog not found");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

static void
require_extension(void)
{
	if (!OidIsValid(denorm_catalog_relid()))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"denorm\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION denorm.")));
}

/*
 * Find the spec of a projection, loading it if needed. The caller must call
 * spec_release() when done (normally via engine_end()); a spec in use is not
 * freed by an invalidation that arrives meanwhile.
 */
DenormSpec *
spec_lookup(const char *name, bool missing_ok)
{
	SpecEntry  *entry;
	bool		found;
	DenormSpec *spec;

	if (strlen(name) >= NAMEDATALEN)
	{
		if (missing_ok)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("projection \"%s\" does not exist", name)));
	}
	require_extension();
	spec_cache_init();

	entry = hash_search(spec_cache, name, HASH_FIND, &found);
	if (found && entry->spec->valid)
	{
		entry->spec->in_use++;
		return entry->spec;
	}
	if (found && entry->spec->in_use > 0)
	{
		/* Invalidated while a call up the stack uses it: keep using it. */
		entry->spec->in_use++;
		return entry->spec;
	}
	if (found)
	{
		spec_free(entry->spec);
		hash_search(spec_cache, name, HASH_REMOVE, NULL);
	}

	spec = spec_load(name, missing_ok);
	if (spec == NULL)
		return NULL;
	entry = hash_search(spec_cache, name, HASH_ENTER, &found);
	entry->spec = spec;
	spec->in_use++;
	return spec;
}

void
spec_release(DenormSpec *spec)
{
	if (spec && spec->in_use > 0)
		spec->in_use--;
}

static void
spec_free(DenormSpec *spec)
{
	ListCell   *lc;
	int			i;

	for (i = 0; i < lengthof(spec->plans); i++)
		if (spec->plans[i])
			SPI_freeplan(spec->plans[i]);
	foreach(lc, spec->inplace_variants)
		if (((InplaceVariant *) lfirst(lc))->plan_cached)
			SPI_freeplan(((InplaceVariant *) lfirst(lc))->plan_cached);
	for (i = 0; i < spec->nlookups; i++)
	{
		DenormLookup *lk = &spec->lookups[i];

		if (lk->plan_map)
			SPI_freeplan(lk->plan_map);
		if (lk->plan_read_new)
			SPI_freeplan(lk->plan_read_new);
		if (lk->plan_read_keys)
			SPI_freeplan(lk->plan_read_keys);
	}
	MemoryContextDelete(spec->cxt);
}

/* Relcache callback: mark every spec that depends on relid for rebuilding. */
void
spec_invalidate_relation(Oid relid)
{
	HASH_SEQ_STATUS status;
	SpecEntry  *entry;

	if (spec_cache == NULL)
		return;
	if (relid == catalog_relid)
	{
		spec_invalidate_all();
		return;
	}
	hash_seq_init(&status, spec_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		DenormSpec *spec = entry->spec;
		int			i;

		for (i = 0; i < spec->nrelids; i++)
			if (spec->relids[i] == relid)
			{
				spec->valid = false;
				break;
			}
	}
}

void
spec_invalidate_all(void)
{
	HASH_SEQ_STATUS status;
	SpecEntry  *entry;

	if (spec_cache == NULL)
		return;
	hash_seq_init(&status, spec_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
		entry->spec->valid = false;
	/* The extension may have been dropped and created again. */
	catalog_relid = InvalidOid;
	guard_function_oid = InvalidOid;
}

/* Names of the registered projections (or those writing target), in name order. */
static List *
spec_names(Oid target)
{
	List	   *names = NIL;
	MemoryContext caller = CurrentMemoryContext;
	Datum		arg = ObjectIdGetDatum(target);
	Oid			argtype = REGCLASSOID;
	uint64		i;
	int			ret;

	require_extension();
	SPI_connect();
	if (OidIsValid(target))
		ret = SPI_execute_with_args("SELECT name FROM denorm.projection "
									"WHERE target OPERATOR(pg_catalog.=) $1 ORDER BY name",
									1, &argtype, &arg, NULL, false, 0);
	else
		ret = SPI_execute("SELECT name FROM denorm.projection ORDER BY name", false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(ret));
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *n = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		MemoryContext old = MemoryContextSwitchTo(caller);

		names = lappend(names, pstrdup(n));
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return names;
}

List *
spec_all_names(void)
{
	return spec_names(InvalidOid);
}

List *
spec_names_writing(Oid target)
{
	return spec_names(target);
}

/* Copy a text value of the catalog row into the spec's context. */
static char *
row_text(HeapTuple tup, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v ? MemoryContextStrdup(cxt, v) : NULL;
}

static Oid
row_oid(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? InvalidOid : DatumGetObjectId(d);
}

/*
 * Read the catalog row of a projection into spec (in cxt). Returns false when
 * there is none.
 */
static bool
read_catalog_row(DenormSpec *spec, const char *name, MemoryContext cxt)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;
	int			ret;

	SPI_connect();
	ret = SPI_execute_with_args(
								"SELECT kind, source, target, definition, type_column::text, "
								"       key_column::text, row_key::text[], on_stale_write, owner, search_path, "
								"       COALESCE((pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.->>) 'deferred')::boolean, false) "
								"  FROM denorm.projection p WHERE name OPERATOR(pg_catalog.=) $1",
								1, &argtype, &arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
	{
		SPI_finish();
		return false;
	}
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	spec->kind = strcmp(SPI_getvalue(tup, desc, 1), "row") == 0 ? DENORM_ROW : DENORM_COLUMN;
	spec->source = row_oid(tup, desc, 2);
	spec->target = row_oid(tup, desc, 3);
	spec->view = row_oid(tup, desc, 4);
	spec->type_column = row_text(tup, desc, 5, cxt);
	spec->key_column = row_text(tup, desc, 6, cxt);
	d = SPI_getbinval(tup, desc, 7, &isnull);
	if (!isnull)
	{
		Datum	   *elems;
		int			n;
		int			i;
		MemoryContext old;

		deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, NULL, &n);
		old = MemoryContextSwitchTo(cxt);
		for (i = 0; i < n; i++)
			spec->row_key = lappend(spec->row_key, TextDatumGetCString(elems[i]));
		MemoryContextSwitchTo(old);
	}
	spec->keep_stale = (strcmp(SPI_getvalue(tup, desc, 8), "keep") == 0);
	spec->owner = row_oid(tup, desc, 9);
	spec->search_path = row_text(tup, desc, 10, cxt);
	spec->deferred = DatumGetBool(SPI_getbinval(tup, desc, 11, &isnull));
	SPI_finish();
	return true;
}

/*
 * Build a spec from the catalog row, the definition view and the target.
 */
static DenormSpec *
spec_load(const char *name, bool missing_ok)
{
	MemoryContext cxt;
	MemoryContext caller = CurrentMemoryContext;
	DenormSpec *spec;

	cxt = AllocSetContextCreate(spec_cache_cxt, "denorm projection spec",
								ALLOCSET_SMALL_SIZES);
	spec = MemoryContextAllocZero(cxt, sizeof(DenormSpec));
	spec->cxt = cxt;
	strlcpy(spec->name, name, NAMEDATALEN);
	spec->valid = true;

	if (!read_catalog_row(spec, name, cxt))
	{
		MemoryContextDelete(cxt);
		if (missing_ok)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("projection \"%s\" does not exist", name),
				 errhint("See denorm.projections for the registered projections.")));
	}

	PG_TRY();
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		Query	   *query = definition_query(spec->view);

		definition_analyze(spec, query, false);
		if (spec->kind == DENORM_ROW)
			sqlgen_row(spec, query);
		else
			sqlgen_column(spec, query);
		qualify_spec_environment(spec, query);
		MemoryContextSwitchTo(old);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller);
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();

	return spec;
}
