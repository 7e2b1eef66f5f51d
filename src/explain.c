/*
 * explain.c — denorm.statements(name): the SQL a projection's maintenance
 * runs, and whether it pins the search_path, for reading and debugging.
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_statements);

/* What each statement is for, by plan index (row, column projections). */
static const char *const row_purpose[] = {
	"insert", "delete", "update in place", "update (apply)", "apply keys", "update keys in place",
	"truncate", "rebuild", "audit", "audit keys", "rebuild by swap: every row",
	"rebuild into a target holding none of its rows"
};
static const char *const column_purpose[] = {
	"delta insert", "delta delete", "delta update",
	"delta insert (one row)", "delta delete (one row)", "delta update (one row, same group)",
	"lock groups", "recompute groups",
	"recompute new target rows", "read check: group members", "read check: target rows",
	"truncate", "rebuild", "audit", "audit keys"
};
StaticAssertDecl(lengthof(row_purpose) == RP_NPLANS, "a row statement without a purpose");
StaticAssertDecl(lengthof(column_purpose) == CP_NPLANS, "a column statement without a purpose");

static void
put(ReturnSetInfo *rsi, const char *purpose, const char *sql)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};

	values[0] = CStringGetTextDatum(purpose);
	values[1] = CStringGetTextDatum(sql);
	tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
}

/*
 * What each value output of a row projection reads, which decides the
 * outputs an in-place update rewrites, and the in-place updates over fewer
 * outputs this session has built so far.
 */
static void
put_inplace(ReturnSetInfo *rsi, DenormSpec *spec)
{
	StringInfoData buf;
	ListCell   *lc;
	int			i;

	initStringInfo(&buf);
	foreach(lc, spec->value_outputs)
	{
		ValueOutput *vo = lfirst(lc);
		int			col = -1;
		bool		first = true;

		appendStringInfo(&buf, "%s%s <-", buf.len > 0 ? "; " : "", quote_identifier(vo->name));
		while ((col = bms_next_member(vo->source_cols, col)) >= 0)
		{
			appendStringInfo(&buf, "%s %s", first ? "" : ",",
							 quote_identifier(get_attname(spec->source, col + FirstLowInvalidHeapAttributeNumber, false)));
			first = false;
		}
		for (i = 0; i < spec->nlookups; i++)
		{
			Oid			relid = spec->lookups[i].relid;

			col = -1;
			while ((col = bms_next_member(vo->lookup_cols[i], col)) >= 0)
			{
				appendStringInfo(&buf, "%s %s.%s", first ? "" : ",", quote_identifier(get_rel_name(relid)),
								 quote_identifier(get_attname(relid, col + FirstLowInvalidHeapAttributeNumber, false)));
				first = false;
			}
		}
	}
	put(rsi, "update in place: the columns each output reads", buf.data);
	foreach(lc, spec->inplace_variants)
	{
		InplaceVariant *v = lfirst(lc);
		StringInfoData names;
		int			j = -1;

		initStringInfo(&names);
		while ((j = bms_next_member(v->outputs, j)) >= 0)
			appendStringInfo(&names, "%s%s", names.len > 0 ? ", " : "",
							 quote_identifier(((ValueOutput *) list_nth(spec->value_outputs, j))->name));
		put(rsi, psprintf("%s of %s (%sbuilt in this session)",
						  v->plan == RP_UPDATE_KEYS ? "update keys in place" : "update in place", names.data,
						  v->small ? "" : "for large statements, "),
			v->sql);
	}
}

Datum
denorm_statements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;
	DenormSpec *spec = spec_lookup(text_to_cstring(PG_GETARG_TEXT_PP(0)), false);
	int			n = spec->kind == DENORM_ROW ? RP_NPLANS : CP_NPLANS;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	qualify_spec_statements(spec);
	put(rsi, "search_path",
		spec->pin_search_path
		? psprintf("pinned to %s: %s", spec->search_path, spec->pin_reason)
		: "the session's: every name in the maintenance statements is schema-qualified "
		"(audit and repair pin it)");
	for (i = 0; i < n; i++)
		if (spec->sql[i])
			put(rsi, spec->kind == DENORM_ROW ? row_purpose[i] : column_purpose[i], spec->sql[i]);
	if (spec->value_outputs != NIL)
		put_inplace(rsi, spec);
	for (i = 0; i < spec->nlookups; i++)
	{
		DenormLookup *lk = &spec->lookups[i];
		char	   *table = get_rel_name(lk->relid);

		put(rsi, psprintf("lookup %s: source keys", table), lk->sql_map);
		put(rsi, psprintf("lookup %s: read check, lookup rows", table), lk->sql_read_new);
		put(rsi, psprintf("lookup %s: read check, source rows", table), lk->sql_read_keys);
	}
	spec_release(spec);
	return (Datum) 0;
}
