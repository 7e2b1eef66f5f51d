/*
 * register.c — create_row_projection, create_column_projection,
 * drop_projection, trigger_ddl, create_invariant, drop_invariant.
 *
 * Registration validates everything before it creates anything it keeps,
 * and runs in the caller's transaction: an error anywhere leaves no view,
 * trigger or catalog row behind. See doc/design.md, section 3.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "denorm.h"

PG_FUNCTION_INFO_V1(denorm_create_row_projection);
PG_FUNCTION_INFO_V1(denorm_create_column_projection);
PG_FUNCTION_INFO_V1(denorm_drop_projection);
PG_FUNCTION_INFO_V1(denorm_trigger_ddl);
PG_FUNCTION_INFO_V1(denorm_create_invariant);
PG_FUNCTION_INFO_V1(denorm_drop_invariant);
PG_FUNCTION_INFO_V1(denorm_set_deferred);

#define DEF_SCHEMA "denorm_def"
#define INVARIANT_PREFIX "invariant_"

static char *
qualified(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

Oid
denorm_def_namespace(void)
{
	return get_namespace_oid(DEF_SCHEMA, false);
}

/* Run SQL through SPI, failing on any result other than expect. */
static void
run_sql(const char *sql, int expect)
{
	int			ret;

	SPI_connect();
	ret = SPI_execute(sql, false, 0);
	if (ret != expect)
		elog(ERROR, "\"%s\" returned %s", sql, SPI_result_code_string(ret));
	SPI_finish();
}

/* Run sql as the extension's owner (who owns the catalog and denorm_def). */
static void
run_sql_as_owner(const char *sql, int expect)
{
	Oid			save_userid;
	int			save_sec;

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(denorm_extension_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	run_sql(sql, expect);
	SetUserIdAndSecContext(save_userid, save_sec);
}

static void
check_name(const char *what, text *t)
{
	char	   *name;
	int			i;
	int			len;

	if (t == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s name must not be NULL", what)));
	name = text_to_cstring(t);
	len = strlen(name);
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_' ||
			  (i > 0 && name[i] >= '0' && name[i] <= '9')))
			break;
	if (len == 0 || len > 40 || i < len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s name \"%s\"", what, name),
				 errdetail("The name of %s is 1 to 40 lower-case letters, digits and underscores, not starting "
						   "with a digit; it names its definition view%s.",
						   strcmp(what, "projection") == 0 ? "a projection" : "an invariant",
						   strcmp(what, "projection") == 0 ? " and its triggers" : "")));
	if (strcmp(what, "projection") == 0 && strncmp(name, INVARIANT_PREFIX, strlen(INVARIANT_PREFIX)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid projection name \"%s\"", name),
				 errdetail("Names starting with \"%s\" are kept for the views of invariants.", INVARIANT_PREFIX)));
}

static bool
catalog_has(const char *table, const char *name)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	int			ret;
	bool		found;

	SPI_connect();
	ret = SPI_execute_with_args(psprintf("SELECT 1 FROM denorm.%s WHERE name OPERATOR(pg_catalog.=) $1", table),
								1, &argtype, &arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "catalog lookup failed: %s", SPI_result_code_string(ret));
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/* query_tree_walker callback: collect the OIDs of every relation read. */
static bool
collect_relations(Node *node, void *context)
{
	List	  **rels = (List **) context;

	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
			*rels = lappend_oid(*rels, rte->relid);
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, collect_relations, context, QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, collect_relations, context);
}

/* The user's definition must be exactly one plain SELECT. */
static void
check_single_select(const char *what, const char *name, const char *query)
{
	List	   *raw;
	RawStmt    *rs;

	if (query == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("query of %s \"%s\" must not be NULL", what, name)));
	raw = raw_parser(query, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("query of %s \"%s\" must be exactly one SELECT statement", what, name)));
	rs = linitial_node(RawStmt, raw);
	if (!IsA(rs->stmt, SelectStmt) || ((SelectStmt *) rs->stmt)->intoClause)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("query of %s \"%s\" must be a SELECT statement", what, name)));

	/*
	 * Analyse it once here, so that a temporary table is refused by name
	 * before CREATE VIEW would refuse it less clearly.
	 */
	{
		Query	   *q = parse_analyze_fixedparams(rs, query, NULL, 0, NULL);
		List	   *rels = NIL;
		ListCell   *lc;

		(void) query_tree_walker(q, collect_relations, &rels, QTW_EXAMINE_RTES_BEFORE);
		(void) range_table_walker(q->rtable, collect_relations, &rels, QTW_EXAMINE_RTES_BEFORE);
		foreach(lc, rels)
			if (get_rel_persistence(lfirst_oid(lc)) == RELPERSISTENCE_TEMP)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("%s \"%s\" reads temporary table %s", what, name, qualified(lfirst_oid(lc))),
						 errdetail("Other sessions could never maintain it.")));
	}
}

/* Create denorm_def.<view> from query, owned by the caller. */
static Oid
create_definition_view(const char *view, const char *query)
{
	char	   *qview = quote_qualified_identifier(DEF_SCHEMA, view);

	run_sql_as_owner(psprintf("CREATE VIEW %s AS %s", qview, query), SPI_OK_UTILITY);
	run_sql_as_owner(psprintf("ALTER VIEW %s OWNER TO %s", qview,
							  quote_identifier(GetUserNameFromId(GetUserId(), false))),
					 SPI_OK_UTILITY);
	CommandCounterIncrement();
	return get_relname_relid(view, denorm_def_namespace());
}

static void
check_target(const char *name, Oid target)
{
	char		relkind = get_rel_relkind(target);
	char		persistence = get_rel_persistence(target);

	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("target %s of projection \"%s\" is not a table", qualified(target), name),
				 errdetail("A projection's target must be an ordinary or partitioned table; "
						   "views, materialized views and foreign tables cannot be maintained in-transaction.")));
	if (persistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("target %s of projection \"%s\" is a temporary table", qualified(target), name),
				 errdetail("Writes from other sessions could never maintain it.")));
	if (persistence == RELPERSISTENCE_UNLOGGED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("target %s of projection \"%s\" is an unlogged table", qualified(target), name),
				 errdetail("A crash empties an unlogged table but not the canonical tables, leaving the projection out of step.")));
	if (get_rel_relispartition(target))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("target %s of projection \"%s\" is a partition", qualified(target), name),
				 errdetail("Writes through its partitioned table would go around the guard."),
				 errhint("Make the partitioned table the target; denorm guards all its partitions.")));
	if (relkind == RELKIND_RELATION &&
		(has_subclass(target) || has_superclass(target)))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("target %s of projection \"%s\" takes part in table inheritance", qualified(target), name),
				 errdetail("Rows written to a parent or child table would go around the guard."),
				 errhint("Use declarative partitioning instead; partitioned tables are supported.")));
	if (!pg_class_ownercheck(target, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to make it the target of projection \"%s\"",
						qualified(target), name)));
	if (get_rel_namespace(target) == get_namespace_oid("denorm", false) ||
		get_rel_namespace(target) == denorm_def_namespace())
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("target of projection \"%s\" cannot be one of denorm's own relations", name)));
}

/* Inheritance (other than partitioning) would hide writes from our triggers. */
static void
check_no_inheritance(DenormSpec *spec, Oid relid)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind == RELKIND_PARTITIONED_TABLE)
		return;
	if (has_subclass(relid) || (has_superclass(relid) && !get_rel_relispartition(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" uses %s, which takes part in table inheritance",
						spec->name, qualified(relid)),
				 errdetail("Statements on a parent or child table would change rows without firing the triggers denorm relies on."),
				 errhint("Use declarative partitioning instead; partitioned tables are supported.")));
}

/* Outgoing edges of the "feeds" graph: source and lookups feed the target. */
typedef struct Edge
{
	Oid			from;
	Oid			to;
	const char *projection;
} Edge;

static List *
all_edges(DenormSpec *extra)
{
	List	   *edges = NIL;
	List	   *names = spec_all_names();
	ListCell   *lc;

	foreach(lc, names)
	{
		DenormSpec *s = spec_lookup(lfirst(lc), true);
		Edge	   *e;
		int			i;

		if (s == NULL)
			continue;
		e = palloc(sizeof(Edge));
		e->from = s->source;
		e->to = s->target;
		e->projection = pstrdup(s->name);
		edges = lappend(edges, e);
		for (i = 0; i < s->nlookups; i++)
		{
			e = palloc(sizeof(Edge));
			e->from = s->lookups[i].relid;
			e->to = s->target;
			e->projection = pstrdup(s->name);
			edges = lappend(edges, e);
		}
		spec_release(s);
	}
	if (extra)
	{
		Edge	   *e = palloc(sizeof(Edge));
		int			i;

		e->from = extra->source;
		e->to = extra->target;
		e->projection = extra->name;
		edges = lappend(edges, e);
		for (i = 0; i < extra->nlookups; i++)
		{
			e = palloc(sizeof(Edge));
			e->from = extra->lookups[i].relid;
			e->to = extra->target;
			e->projection = extra->name;
			edges = lappend(edges, e);
		}
	}
	return edges;
}

/* Depth-first search from node for goal; on success path holds the tables. */
static bool
reaches(List *edges, Oid node, Oid goal, List **path, int depth)
{
	ListCell   *lc;

	if (node == goal && depth > 0)
		return true;
	if (depth > 64)
		return false;
	foreach(lc, edges)
	{
		Edge	   *e = lfirst(lc);

		if (e->from != node)
			continue;
		if (reaches(edges, e->to, goal, path, depth + 1))
		{
			*path = lcons_oid(e->to, *path);
			return true;
		}
	}
	return false;
}

/* Refuse a registration that would let a table feed itself. */
static void
check_cycles(DenormSpec *spec)
{
	List	   *edges = all_edges(spec);
	Oid			starts[1 + 64];
	int			nstarts = 0;
	int			i;

	starts[nstarts++] = spec->source;
	for (i = 0; i < spec->nlookups && nstarts < lengthof(starts); i++)
		starts[nstarts++] = spec->lookups[i].relid;
	for (i = 0; i < nstarts; i++)
	{
		List	   *path = NIL;

		if (reaches(edges, starts[i], starts[i], &path, 0))
		{
			StringInfoData buf;
			ListCell   *lc;

			initStringInfo(&buf);
			appendStringInfoString(&buf, qualified(starts[i]));
			foreach(lc, path)
				appendStringInfo(&buf, " -> %s", qualified(lfirst_oid(lc)));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("projection \"%s\" would make a cycle: %s", spec->name, buf.data),
					 errdetail("A change would feed back into the table it came from, forever."),
					 errhint("Break the cycle: a projection's target must not feed, directly or through other projections, "
							 "any table the projection reads.")));
		}
	}
}

/* Refuse overlaps with projections already feeding the same target. */
static void
check_overlaps(DenormSpec *spec)
{
	List	   *names = spec_all_names();
	ListCell   *lc;

	foreach(lc, names)
	{
		DenormSpec *o = spec_lookup(lfirst(lc), true);
		int			i;
		int			j;

		if (o == NULL)
			continue;
		if (o->target != spec->target)
		{
			spec_release(o);
			continue;
		}
		if (o->kind != spec->kind)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("target %s of projection \"%s\" is already fed by %s projection \"%s\"",
							qualified(spec->target), spec->name,
							o->kind == DENORM_ROW ? "row" : "column", o->name),
					 errdetail("A table is either owned row by row, or has owned columns, not both.")));
		if (spec->kind == DENORM_ROW &&
			(strcmp(o->type_value, spec->type_value) == 0))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("projection \"%s\" already feeds %s with %s = '%s'",
							o->name, qualified(spec->target), spec->type_column, spec->type_value),
					 errhint("Give every projection into one target its own canonical type value.")));
		if (spec->kind == DENORM_ROW &&
			(strcmp(o->type_column, spec->type_column) != 0 || strcmp(o->key_column, spec->key_column) != 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("projection \"%s\" identifies rows of %s by (%s, %s), but projection \"%s\" uses (%s, %s)",
							spec->name, qualified(spec->target), spec->type_column, spec->key_column,
							o->name, o->type_column, o->key_column)));
		for (i = 0; i < spec->naggs; i++)
			for (j = 0; j < o->naggs; j++)
				if (spec->aggs[i].target_attnum == o->aggs[j].target_attnum)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_OBJECT),
							 errmsg("column %s of %s is already owned by projection \"%s\"",
									quote_identifier(spec->aggs[i].name), qualified(spec->target), o->name)));
		spec_release(o);
	}
}

/*
 * Prepare every statement once, with empty ephemeral relations, so that a
 * definition denorm could deparse but not run fails now, not on first write.
 */
static void
check_statements(DenormSpec *spec)
{
	Relation	src = table_open(spec->source, AccessShareLock);
	int			n = spec->kind == DENORM_ROW ? RP_NPLANS : CP_NPLANS;
	int			i;
	TupleDesc	kdesc;
	KeySet	   *ks = keyset_create(spec->kind == DENORM_ROW ? &spec->src_key : &spec->tgt_key, 1);
	Tuplestorestate *empty = tuplestore_begin_heap(false, false, work_mem);

	SPI_connect();
	engine_register(ENR_NEW, spec->source, NULL, empty);
	engine_register(ENR_OLD, spec->source, NULL, empty);
	(void) keyset_tuplestore(ks, &kdesc);
	engine_register(ENR_KEYS, InvalidOid, kdesc, empty);
	for (i = 0; i < n; i++)
	{
		SPIPlanPtr	plan;

		if (spec->sql[i] == NULL)
			continue;
		if (spec->kind == DENORM_COLUMN && i == CP_RECOMPUTE_TARGET_NEW)
			continue;			/* reads the target's transition table */
		plan = SPI_prepare(spec->sql[i], 0, NULL);
		if (plan == NULL)
			elog(ERROR, "could not prepare maintenance statement %d of projection \"%s\": %s",
				 i, spec->name, SPI_result_code_string(SPI_result));
		SPI_freeplan(plan);
	}
	SPI_finish();
	table_close(src, AccessShareLock);
}

/*
 * The search_path maintenance of a new projection will run with: the
 * registering session's, between an explicit pg_catalog (first) and pg_temp
 * (last), so that triggers fired by maintenance find what they found when
 * the projection was declared, and nothing can shadow pg_catalog.
 */
static char *
registration_search_path(void)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "pg_catalog");
	foreach(lc, fetch_search_path(false))
	{
		Oid			nsp = lfirst_oid(lc);

		if (nsp == PG_CATALOG_NAMESPACE || isAnyTempNamespace(nsp))
			continue;
		appendStringInfo(&buf, ", %s", quote_identifier(get_namespace_name(nsp)));
	}
	appendStringInfoString(&buf, ", pg_temp");
	return buf.data;
}

static void
insert_catalog_row(DenormSpec *spec, Oid view, const char *on_stale_write, ArrayType *row_key)
{
	StringInfoData sql;
	Oid			types[11] = {TEXTOID, TEXTOID, OIDOID, OIDOID, OIDOID, TEXTOID, TEXTOID,
	TEXTARRAYOID, TEXTOID, OIDOID, TEXTOID};
	Datum		values[11];
	char		nulls[11] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	Oid			save_userid;
	int			save_sec;
	int			ret;

	values[0] = CStringGetTextDatum(spec->name);
	values[1] = CStringGetTextDatum(spec->kind == DENORM_ROW ? "row" : "column");
	values[2] = ObjectIdGetDatum(spec->source);
	values[3] = ObjectIdGetDatum(spec->target);
	values[4] = ObjectIdGetDatum(view);
	if (spec->kind == DENORM_ROW)
	{
		values[5] = CStringGetTextDatum(spec->type_column);
		values[6] = CStringGetTextDatum(spec->key_column);
		values[7] = PointerGetDatum(row_key);
	}
	else
	{
		nulls[5] = nulls[6] = 'n';
		values[5] = values[6] = (Datum) 0;
		values[7] = PointerGetDatum(construct_empty_array(TEXTOID));
	}
	values[8] = CStringGetTextDatum(on_stale_write);
	values[9] = ObjectIdGetDatum(GetUserId());
	values[10] = CStringGetTextDatum(registration_search_path());
	initStringInfo(&sql);
	appendStringInfoString(&sql,
						   "INSERT INTO denorm.projection (name, kind, source, target, definition, "
						   "type_column, key_column, row_key, on_stale_write, owner, search_path) "
						   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(denorm_extension_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	SPI_connect();
	ret = SPI_execute_with_args(sql.data, 11, types, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record projection \"%s\": %s", spec->name, SPI_result_code_string(ret));
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	CacheInvalidateRelcacheByRelid(denorm_catalog_relid());
	CommandCounterIncrement();
}

static void
create_projection(DenormKind kind, text *name_t, Oid target, text *query_t,
				  const char *type_column, const char *key_column, ArrayType *row_key,
				  const char *on_stale_write, bool create_triggers)
{
	char	   *name;
	char	   *query;
	Oid			view;
	DenormSpec *spec;
	Query	   *q;
	MemoryContext cxt;
	MemoryContext old;

	if (!OidIsValid(denorm_catalog_relid()))
		elog(ERROR, "extension \"denorm\" is not installed");
	check_name("projection", name_t);
	name = text_to_cstring(name_t);
	if (!OidIsValid(target))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target of projection \"%s\" must not be NULL", name)));
	query = query_t ? text_to_cstring(query_t) : NULL;
	if (catalog_has("projection", name))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("projection \"%s\" already exists", name),
				 errhint("Drop it first with denorm.drop_projection('%s').", name)));
	check_target(name, target);
	check_single_select("projection", name, query);

	view = create_definition_view(name, query);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "denorm registration", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	spec = palloc0(sizeof(DenormSpec));
	spec->cxt = cxt;
	strlcpy(spec->name, name, NAMEDATALEN);
	spec->kind = kind;
	spec->target = target;
	spec->view = view;
	spec->owner = GetUserId();
	spec->keep_stale = on_stale_write && strcmp(on_stale_write, "keep") == 0;
	if (kind == DENORM_ROW)
	{
		spec->type_column = pstrdup(type_column);
		spec->key_column = pstrdup(key_column);
		if (row_key)
		{
			Datum	   *elems;
			bool	   *enulls;
			int			n;
			int			i;

			deconstruct_array(row_key, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR,
							  &elems, &enulls, &n);
			for (i = 0; i < n; i++)
			{
				if (enulls[i])
					ereport(ERROR,
							(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							 errmsg("row_key of projection \"%s\" must not contain NULL", name)));
				spec->row_key = lappend(spec->row_key, pstrdup(NameStr(*DatumGetName(elems[i]))));
			}
		}
	}

	q = definition_query(view);
	definition_analyze(spec, q, true);
	check_no_inheritance(spec, spec->source);
	{
		int			i;

		for (i = 0; i < spec->nlookups; i++)
			check_no_inheritance(spec, spec->lookups[i].relid);
	}
	check_cycles(spec);
	check_overlaps(spec);
	if (kind == DENORM_ROW)
		sqlgen_row(spec, q);
	else
		sqlgen_column(spec, q);
	qualify_spec_environment(spec, q);
	qualify_spec_statements(spec);	/* so that check_statements prepares what will run */
	check_statements(spec);

	if (create_triggers)
	{
		ListCell   *lc;

		foreach(lc, trigdef_all(spec))
			run_sql(lfirst(lc), SPI_OK_UTILITY);
	}
	MemoryContextSwitchTo(old);

	{
		ArrayType  *rk = NULL;

		if (kind == DENORM_ROW)
		{
			ListCell   *lc;
			Datum	   *elems = palloc(sizeof(Datum) * (list_length(spec->row_key) + 1));
			int			n = 0;

			foreach(lc, spec->row_key)
				elems[n++] = CStringGetTextDatum(lfirst(lc));
			rk = construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
		}
		insert_catalog_row(spec, view, on_stale_write ? on_stale_write : "error", rk);
	}
	MemoryContextDelete(cxt);
}

Datum
denorm_create_row_projection(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(5) || PG_ARGISNULL(6))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("type_column, key_column, row_key and create_triggers must not be NULL")));
	create_projection(DENORM_ROW,
					  PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0),
					  PG_ARGISNULL(1) ? InvalidOid : PG_GETARG_OID(1),
					  PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2),
					  NameStr(*PG_GETARG_NAME(3)), NameStr(*PG_GETARG_NAME(4)),
					  PG_GETARG_ARRAYTYPE_P(5), "error", PG_GETARG_BOOL(6));
	PG_RETURN_VOID();
}

Datum
denorm_create_column_projection(PG_FUNCTION_ARGS)
{
	char	   *stale;

	if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("on_stale_write and create_triggers must not be NULL")));
	stale = text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (strcmp(stale, "error") != 0 && strcmp(stale, "keep") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("on_stale_write must be 'error' or 'keep', not '%s'", stale),
				 errdetail("'error' rejects an UPDATE that writes a stale value into an owned column; "
						   "'keep' silently keeps the maintained value.")));
	create_projection(DENORM_COLUMN,
					  PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0),
					  PG_ARGISNULL(1) ? InvalidOid : PG_GETARG_OID(1),
					  PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2),
					  NULL, NULL, NULL, stale, PG_GETARG_BOOL(4));
	PG_RETURN_VOID();
}

/* Triggers that call maintain()/guard() with this projection's name. */
static List *
projection_triggers(const char *name)
{
	List	   *out = NIL;
	int			ret;
	uint64		i;
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;

	SPI_connect();
	ret = SPI_execute_with_args(psprintf(
										 "SELECT pg_catalog.format('%%I ON %%s', t.tgname, t.tgrelid::pg_catalog.regclass), "
										 "       t.tgname OPERATOR(pg_catalog.~) ('^denorm_' OPERATOR(pg_catalog.||) $1) "
										 "  FROM pg_catalog.pg_trigger t "
										 " WHERE %s AND NOT t.tgisinternal AND t.tgparentid OPERATOR(pg_catalog.=) 0 "
										 " ORDER BY t.tgrelid::pg_catalog.regclass::pg_catalog.text, t.tgname",
										 trigdef_serves_sql(1)),
								1, &argtype, &arg, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "trigger lookup failed: %s", SPI_result_code_string(ret));
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *t = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *ours = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

		if (strcmp(ours, "t") != 0)
			ereport(NOTICE,
					(errmsg("dropping trigger %s, declared by hand for projection \"%s\"", t, name)));
		out = lappend(out, pstrdup(t));
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return out;
}

static void
check_may_drop(const char *what, const char *name, Oid owner)
{
	if (!has_privs_of_role(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of %s \"%s\"", what, name)));
}

static Oid
catalog_owner(const char *table, const char *name)
{
	Datum		arg = CStringGetTextDatum(name);
	Oid			argtype = TEXTOID;
	Oid			owner = InvalidOid;
	int			ret;

	SPI_connect();
	ret = SPI_execute_with_args(psprintf("SELECT owner FROM denorm.%s WHERE name OPERATOR(pg_catalog.=) $1", table),
								1, &argtype, &arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "catalog lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed > 0)
	{
		bool		isnull;

		owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	return owner;
}

Datum
denorm_drop_projection(PG_FUNCTION_ARGS)
{
	char	   *name;
	bool		if_exists = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	Oid			owner;
	ListCell   *lc;
	Oid			view;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("projection name must not be NULL")));
	if (!OidIsValid(denorm_catalog_relid()))
		elog(ERROR, "extension \"denorm\" is not installed");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	owner = catalog_owner("projection", name);
	if (!OidIsValid(owner))
	{
		if (if_exists)
		{
			ereport(NOTICE, (errmsg("projection \"%s\" does not exist, skipping", name)));
			PG_RETURN_VOID();
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("projection \"%s\" does not exist", name)));
	}
	check_may_drop("projection", name, owner);

	/* The catalog row first, so that the sql_drop event trigger has nothing to say. */
	run_sql_as_owner(psprintf("DELETE FROM denorm.projection WHERE name OPERATOR(pg_catalog.=) %s",
							  quote_literal_cstr(name)),
					 SPI_OK_DELETE);
	foreach(lc, projection_triggers(name))
		run_sql_as_owner(psprintf("DROP TRIGGER %s", (char *) lfirst(lc)), SPI_OK_UTILITY);
	run_sql_as_owner(trigdef_drop_unused_row_guards(), SPI_OK_UTILITY);
	view = get_relname_relid(name, denorm_def_namespace());
	if (OidIsValid(view))
		run_sql_as_owner(psprintf("DROP VIEW %s", quote_qualified_identifier(DEF_SCHEMA, name)),
						 SPI_OK_UTILITY);
	CacheInvalidateRelcacheByRelid(denorm_catalog_relid());
	CommandCounterIncrement();
	PG_RETURN_VOID();
}

Datum
denorm_trigger_ddl(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DenormSpec *spec;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	spec = spec_lookup(name, false);
	PG_TRY();
	{
		foreach(lc, trigdef_all(spec))
		{
			Datum		v = CStringGetTextDatum(psprintf("%s;", (char *) lfirst(lc)));
			bool		isnull = false;

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
		}
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
	return (Datum) 0;
}

Datum
denorm_create_invariant(PG_FUNCTION_ARGS)
{
	char	   *name;
	char	   *query;
	Oid			view;
	int			ret;
	Oid			types[3] = {TEXTOID, OIDOID, OIDOID};
	Datum		values[3];
	Oid			save_userid;
	int			save_sec;

	if (!OidIsValid(denorm_catalog_relid()))
		elog(ERROR, "extension \"denorm\" is not installed");
	check_name("invariant", PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	query = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (catalog_has("invariant", name))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("invariant \"%s\" already exists", name)));
	check_single_select("invariant", name, query);
	view = create_definition_view(psprintf(INVARIANT_PREFIX "%s", name), query);

	values[0] = CStringGetTextDatum(name);
	values[1] = ObjectIdGetDatum(view);
	values[2] = ObjectIdGetDatum(GetUserId());
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(denorm_extension_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	SPI_connect();
	ret = SPI_execute_with_args("INSERT INTO denorm.invariant (name, definition, owner) VALUES ($1, $2, $3)",
								3, types, values, NULL, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record invariant \"%s\"", name);
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	PG_RETURN_VOID();
}

Datum
denorm_drop_invariant(PG_FUNCTION_ARGS)
{
	char	   *name;
	bool		if_exists = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	Oid			owner;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invariant name must not be NULL")));
	if (!OidIsValid(denorm_catalog_relid()))
		elog(ERROR, "extension \"denorm\" is not installed");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	owner = catalog_owner("invariant", name);
	if (!OidIsValid(owner))
	{
		if (if_exists)
		{
			ereport(NOTICE, (errmsg("invariant \"%s\" does not exist, skipping", name)));
			PG_RETURN_VOID();
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("invariant \"%s\" does not exist", name)));
	}
	check_may_drop("invariant", name, owner);
	run_sql_as_owner(psprintf("DELETE FROM denorm.invariant WHERE name OPERATOR(pg_catalog.=) %s",
							  quote_literal_cstr(name)),
					 SPI_OK_DELETE);
	run_sql_as_owner(psprintf("DROP VIEW IF EXISTS %s",
							  quote_qualified_identifier(DEF_SCHEMA, psprintf(INVARIANT_PREFIX "%s", name))),
					 SPI_OK_UTILITY);
	PG_RETURN_VOID();
}

/* Check the caller owns the projection; maintain what it noted so far. */
static void
deferred_prepare(const char *name)
{
	DenormSpec *spec = spec_lookup(name, false);

	PG_TRY();
	{
		check_may_drop("projection", name, spec->owner);
		deferred_flush(spec);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
}

/* Create the deferred constraint triggers of a (now deferred) projection. */
static void
deferred_create_triggers(const char *name)
{
	DenormSpec *spec = spec_lookup(name, false);
	ListCell   *lc;

	PG_TRY();
	{
		foreach(lc, trigdef_flush(spec))
			run_sql_as_owner(lfirst(lc), SPI_OK_UTILITY);
	}
	PG_FINALLY();
	{
		spec_release(spec);
	}
	PG_END_TRY();
}

/*
 * denorm.set_deferred(name, deferred): maintain a projection's source
 * changes at commit (true) or in each statement (false).
 */
Datum
denorm_set_deferred(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		deferred = PG_GETARG_BOOL(1);
	ListCell   *lc;

	/* Keys already noted in this transaction are maintained now. */
	deferred_prepare(name);
	run_sql_as_owner(psprintf("UPDATE denorm.projection SET deferred = %s WHERE name OPERATOR(pg_catalog.=) %s",
							  deferred ? "true" : "false", quote_literal_cstr(name)), SPI_OK_UPDATE);
	foreach(lc, projection_triggers(name))
		if (strstr((char *) lfirst(lc), "_flush ON ") != NULL)
			run_sql_as_owner(psprintf("DROP TRIGGER %s", (char *) lfirst(lc)), SPI_OK_UTILITY);
	CacheInvalidateRelcacheByRelid(denorm_catalog_relid());
	CommandCounterIncrement();
	if (deferred)
		deferred_create_triggers(name);
	PG_RETURN_VOID();
}
