/*
 * sqlgen.c — builds every maintenance statement of a projection from its
 * definition's query tree and OIDs.
 *
 * Everything is deparsed under search_path = pg_catalog, so every relation,
 * function, type and operator outside pg_catalog comes out schema-qualified;
 * operators we add ourselves are written OPERATOR(schema.=). Values never go
 * into the text: rows arrive through the ephemeral relations denorm_new,
 * denorm_old and denorm_keys. The statements are described in doc/design.md
 * section 4.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_operator.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "denorm.h"

/* An output column of a row projection and what it maps to in the target. */
typedef struct OutCol
{
	char	   *name;			/* quoted */
	char	   *label;			/* as written: the key of audit's jsonb */
	char	   *type;			/* target type with typmod, qualified */
	char	   *eq;				/* OPERATOR(x.=) for the type, or NULL */
	bool		identity;		/* type column, key column or row key */
} OutCol;

/* The qualified name of a type, with its typmod. */
char *
sqlgen_type_name(Oid type, int32 typmod)
{
	return format_type_extended(type, typmod,
								FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);
}

/* OPERATOR(schema.name) for an operator. */
char *
sqlgen_operator(Oid opno)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opno));
	Form_pg_operator op;
	char	   *result;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opno);
	op = (Form_pg_operator) GETSTRUCT(tup);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(op->oprnamespace)),
					  NameStr(op->oprname));
	ReleaseSysCache(tup);
	return result;
}

/* OPERATOR(schema.=) for a type's default equality, or NULL if it has none. */
char *
sqlgen_eq_operator(Oid type)
{
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_EQ_OPR);

	return OidIsValid(tc->eq_opr) ? sqlgen_operator(tc->eq_opr) : NULL;
}

/* schema.relation, quoted. */
char *
sqlgen_qualified_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* "a OP b", or a binary-image comparison for types without equality. */
static char *
eq_expr(const char *eq, const char *a, const char *b)
{
	if (eq)
		return psprintf("%s %s %s", a, eq, b);
	return psprintf("ROW(%s) OPERATOR(pg_catalog.*=) ROW(%s)", a, b);
}

/* True when a and b differ, treating two NULLs as equal; never NULL itself. */
static char *
distinct_expr(const char *eq, const char *a, const char *b)
{
	return psprintf("((%s IS NULL) OPERATOR(pg_catalog.<>) (%s IS NULL) OR (%s) IS FALSE)",
					a, b, eq_expr(eq, a, b));
}

/* Run fn under search_path = pg_catalog, so that deparsing qualifies names. */
static int
pin_search_path(void)
{
	int			nest = NewGUCNestLevel();

	(void) set_config_option("search_path", "pg_catalog",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

/*
 * The definition deparsed with the source replaced by the ephemeral relation
 * enr (or left alone when enr is NULL).
 */
static char *
deparse_definition(DenormSpec *spec, Query *query, const char *enr)
{
	Query	   *q = copyObject(query);
	int			nest;
	char	   *sql;

	q->sortClause = NIL;		/* ORDER BY means nothing to a projection */
	if (enr)
	{
		RangeTblEntry *rte = rt_fetch(spec->source_rti, q->rtable);

		/*
		 * ruleutils prints a CTE reference as its bare name plus the alias;
		 * at execution the bare name resolves to our ephemeral relation.
		 */
		Relation	rel = table_open(rte->relid, AccessShareLock);
		TupleDesc	desc = RelationGetDescr(rel);
		List	   *colnames = NIL;
		int			i;

		/*
		 * A CTE reference is printed with the column names the range table
		 * entry remembers, which are those of when the view was made: give
		 * it the current ones, so that renamed source columns deparse right.
		 */
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			colnames = lappend(colnames, makeString(pstrdup(att->attisdropped ? "" : NameStr(att->attname))));
		}
		table_close(rel, AccessShareLock);
		rte->eref = makeAlias(rte->eref->aliasname, colnames);
		rte->rtekind = RTE_CTE;
		rte->ctename = pstrdup(enr);
		rte->ctelevelsup = 0;
		rte->self_reference = false;
	}
	nest = pin_search_path();
	sql = pg_get_querydef(q, false);
	AtEOXact_GUC(true, nest);
	return sql;
}

/* Deparse an expression over the source, as seen through alias "s". */
static char *
deparse_source_expr(DenormSpec *spec, Node *expr)
{
	Node	   *e = copyObject(expr);
	List	   *ctx;
	int			nest;
	char	   *sql;

	if (spec->source_rti != 1)
		ChangeVarNodes(e, spec->source_rti, 1, 0);
	nest = pin_search_path();
	ctx = deparse_context_for("s", spec->source);
	sql = deparse_expression(e, ctx, true, false);
	AtEOXact_GUC(true, nest);
	return sql;
}

static char *
attname_sql(Oid relid, AttrNumber att)
{
	return pstrdup(quote_identifier(get_attname(relid, att, false)));
}

/* ------------------------------------------------------------------------
 * Row projections
 * ------------------------------------------------------------------------ */

static List *
row_outcols(DenormSpec *spec, Query *q)
{
	List	   *cols = NIL;
	ListCell   *lc;

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		OutCol	   *oc;
		AttrNumber	att;
		Oid			type;
		int32		typmod;
		Oid			coll;
		ListCell   *rk;

		if (tle->resjunk)
			continue;
		oc = palloc0(sizeof(OutCol));
		oc->name = pstrdup(quote_identifier(tle->resname));
		oc->label = pstrdup(tle->resname);
		att = get_attnum(spec->target, tle->resname);
		get_atttypetypmodcoll(spec->target, att, &type, &typmod, &coll);
		oc->type = sqlgen_type_name(type, typmod);
		oc->eq = sqlgen_eq_operator(type);
		oc->identity = (strcmp(tle->resname, spec->type_column) == 0 ||
						strcmp(tle->resname, spec->key_column) == 0);
		foreach(rk, spec->row_key)
			if (strcmp(tle->resname, (char *) lfirst(rk)) == 0)
				oc->identity = true;
		cols = lappend(cols, oc);
	}
	return cols;
}

static OutCol *
outcol(List *cols, const char *name)
{
	ListCell   *lc;
	const char *q = quote_identifier(name);

	foreach(lc, cols)
	{
		OutCol	   *oc = lfirst(lc);

		if (strcmp(oc->name, q) == 0)
			return oc;
	}
	elog(ERROR, "output column \"%s\" not found", name);
	return NULL;
}

/* "SELECT CAST(d.c AS type) AS c, ... FROM (<def>) d" */
static char *
desired_rows(List *cols, const char *def)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	foreach(lc, cols)
	{
		OutCol	   *oc = lfirst(lc);

		if (lc != list_head(cols))
			appendStringInfoString(&buf, ", ");
		appendStringInfo(&buf, "CAST(d.%s AS %s) AS %s", oc->name, oc->type, oc->name);
	}
	appendStringInfo(&buf, " FROM (%s) d", def);
	return buf.data;
}

static char *
column_list(List *cols, const char *prefix, bool identity, bool others)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&buf);
	foreach(lc, cols)
	{
		OutCol	   *oc = lfirst(lc);

		if ((oc->identity && !identity) || (!oc->identity && !others))
			continue;
		if (!first)
			appendStringInfoString(&buf, ", ");
		first = false;
		appendStringInfo(&buf, "%s%s", prefix, oc->name);
	}
	return buf.data;
}

/* "t.ty = 'T'" for the type column. */
static char *
type_match(DenormSpec *spec, List *cols, const char *alias)
{
	OutCol	   *ty = outcol(cols, spec->type_column);

	return eq_expr(ty->eq, psprintf("%s.%s", alias, ty->name),
				   psprintf("CAST(%s AS %s)", quote_literal_cstr(spec->type_value), ty->type));
}

/* Identity match between two aliases (type column matched by constant). */
static char *
ident_match(DenormSpec *spec, List *cols, const char *a, const char *b)
{
	StringInfoData buf;
	ListCell   *lc;
	OutCol	   *key = outcol(cols, spec->key_column);

	initStringInfo(&buf);
	appendStringInfoString(&buf, eq_expr(key->eq, psprintf("%s.%s", a, key->name),
										 psprintf("%s.%s", b, key->name)));
	foreach(lc, spec->row_key)
	{
		OutCol	   *rk = outcol(cols, lfirst(lc));

		appendStringInfo(&buf, " AND %s",
						 eq_expr(rk->eq, psprintf("%s.%s", a, rk->name),
								 psprintf("%s.%s", b, rk->name)));
	}
	return buf.data;
}

/* "(a.c1 differs from b.c1) OR ..." over the non-identity columns. */
static char *
row_differs(List *cols, const char *a, const char *b)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&buf);
	foreach(lc, cols)
	{
		OutCol	   *oc = lfirst(lc);

		if (oc->identity)
			continue;
		if (!first)
			appendStringInfoString(&buf, " OR ");
		first = false;
		appendStringInfoString(&buf, distinct_expr(oc->eq,
												   psprintf("%s.%s", a, oc->name),
												   psprintf("%s.%s", b, oc->name)));
	}
	return first ? NULL : buf.data;
}

static char *
set_list(List *cols, const char *from)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&buf);
	foreach(lc, cols)
	{
		OutCol	   *oc = lfirst(lc);

		if (oc->identity)
			continue;
		if (!first)
			appendStringInfoString(&buf, ", ");
		first = false;
		appendStringInfo(&buf, "%s = %s.%s", oc->name, from, oc->name);
	}
	return buf.data;
}

/* The definition's rows for the source keys in denorm_keys. */
static char *
keyed_rows(DenormSpec *spec, List *cols, const char *def_src)
{
	OutCol	   *key = outcol(cols, spec->key_column);

	return psprintf("%s WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s)",
					desired_rows(cols, def_src), ENR_KEYS,
					eq_expr(key->eq, psprintf("d.%s", key->name), "kk.k1"));
}

/* " FROM (rows) d WHERE <the target row of each> AND (": an in-place UPDATE's source. */
static char *
inplace_from_sql(DenormSpec *spec, List *cols, const char *rows)
{
	return psprintf(" FROM (%s) d WHERE %s AND %s AND (",
					rows, type_match(spec, cols, "t"), ident_match(spec, cols, "t", "d"));
}

/*
 * An in-place UPDATE of a row projection's target, plan RP_UPDATE_SIMPLE
 * (from the changed source rows) or RP_UPDATE_KEYS (from the source rows of
 * denorm_keys), over the value outputs in outputs (indexes into
 * spec->value_outputs), or all of them when outputs is NULL; with prune,
 * joining only the lookups those outputs read.
 */
char *
sqlgen_inplace_update(DenormSpec *spec, int plan, const Bitmapset *outputs, bool prune)
{
	StringInfoData buf;
	StringInfoData differs;
	ListCell   *lc;
	int			j = 0;
	const char *from = plan == RP_UPDATE_KEYS ? spec->inplace_from_keys : spec->inplace_from;
	Query	   *pruned = prune && outputs && spec->def_query
		? lookup_prune_definition(spec, spec->def_query, outputs) : NULL;

	/*
	 * Some of the outputs: without the lookups none of them reads
	 * (lookup_prune.c). OFFSET 0 plans the rows alone: in the UPDATE's own
	 * FROM every joined relation keeps its row mark (its ctid, for
	 * EvalPlanQual), so the planner would remove no join there.
	 */
	if (pruned)
	{
		List	   *cols = row_outcols(spec, pruned);
		char	   *rows = plan == RP_UPDATE_KEYS
			? keyed_rows(spec, cols, deparse_definition(spec, pruned, NULL))
			: desired_rows(cols, deparse_definition(spec, pruned, ENR_NEW));

		from = inplace_from_sql(spec, cols, psprintf("%s OFFSET 0", rows));
	}
	initStringInfo(&buf);
	initStringInfo(&differs);
	appendStringInfo(&buf, "UPDATE %s t SET ", spec->target_sql);
	foreach(lc, spec->value_outputs)
	{
		ValueOutput *vo = lfirst(lc);

		if (outputs == NULL || bms_is_member(j, (Bitmapset *) outputs))
		{
			appendStringInfo(&buf, "%s%s", differs.len > 0 ? ", " : "", vo->set_sql);
			appendStringInfo(&differs, "%s%s", differs.len > 0 ? " OR " : "", vo->differs_sql);
		}
		j++;
	}
	appendStringInfo(&buf, "%s%s)", from, differs.data);
	return buf.data;
}

/*
 * The three-CTE apply: make the target's rows for the keys in keys_sql equal
 * to desired_sql. Returns one bigint: rows written.
 */
static char *
apply_sql(DenormSpec *spec, List *cols, const char *desired_sql, const char *keys_sql)
{
	StringInfoData buf;
	char	   *differs = row_differs(cols, "t", "d");
	char	   *all = column_list(cols, "", true, true);

	initStringInfo(&buf);
	appendStringInfo(&buf, "WITH d AS MATERIALIZED (%s)", desired_sql);
	if (differs)
		appendStringInfo(&buf,
						 ", upd AS (UPDATE %s t SET %s FROM d WHERE %s AND %s AND (%s) RETURNING 1)",
						 spec->target_sql, set_list(cols, "d"),
						 type_match(spec, cols, "t"), ident_match(spec, cols, "t", "d"), differs);
	appendStringInfo(&buf,
					 ", ins AS (INSERT INTO %s (%s) SELECT %s FROM d WHERE NOT EXISTS "
					 "(SELECT 1 FROM %s t WHERE %s AND %s) RETURNING 1)",
					 spec->target_sql, all, column_list(cols, "d.", true, true),
					 spec->target_sql, type_match(spec, cols, "t"), ident_match(spec, cols, "t", "d"));
	appendStringInfo(&buf,
					 ", del AS (DELETE FROM %s t WHERE %s",
					 spec->target_sql, type_match(spec, cols, "t"));
	if (keys_sql)
		appendStringInfo(&buf, " AND EXISTS (SELECT 1 FROM (%s) k WHERE %s)",
						 keys_sql,
						 eq_expr(outcol(cols, spec->key_column)->eq,
								 psprintf("t.%s", quote_identifier(spec->key_column)), "k.k"));
	appendStringInfo(&buf, " AND NOT EXISTS (SELECT 1 FROM d WHERE %s) RETURNING 1)",
					 ident_match(spec, cols, "t", "d"));
	appendStringInfo(&buf, " SELECT %s(SELECT pg_catalog.count(*) FROM ins) OPERATOR(pg_catalog.+) "
					 "(SELECT pg_catalog.count(*) FROM del)",
					 differs ? "(SELECT pg_catalog.count(*) FROM upd) OPERATOR(pg_catalog.+) " : "");
	return buf.data;
}

/* Is plan one of the audit statements (run by denorm.audit and repair only)? */
bool
sqlgen_is_audit(DenormSpec *spec, int plan)
{
	if (spec->kind == DENORM_ROW)
		return plan == RP_AUDIT || plan == RP_AUDIT_KEYS;
	return plan == CP_AUDIT || plan == CP_AUDIT_KEYS;
}

/*
 * "e.c1 AS denorm_e1, e.c2 AS denorm_e2, ..." for side (e or a): the join
 * carries plain columns up, never a whole-row reference, which the planner
 * would have to build for every row of both sides below the FULL JOIN.
 */
static char *
side_columns(List *cols, const char *side)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, cols)
		appendStringInfo(&buf, ", %s.%s AS denorm_%s%d", side,
						 ((OutCol *) lfirst(lc))->name, side, foreach_current_index(lc) + 1);
	return buf.data;
}

/* The jsonb object of side's columns of a j row, keyed by column name. */
static char *
side_jsonb(List *cols, const char *side)
{
	StringInfoData buf;
	ListCell   *lc;

	/* jsonb_build_object takes up to 50 pairs: join chunks of 40 with || */
	initStringInfo(&buf);
	foreach(lc, cols)
	{
		int			i = foreach_current_index(lc);

		if (i % 40 == 0)
			appendStringInfoString(&buf, i == 0 ? "pg_catalog.jsonb_build_object(" :
								   ") OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(");
		else
			appendStringInfoString(&buf, ", ");
		appendStringInfo(&buf, "%s::pg_catalog.text, denorm_%s%d",
						 quote_literal_cstr(((OutCol *) lfirst(lc))->label), side, i + 1);
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * The drift report of a row projection (or just the drifted keys): its
 * definition FULL JOIN the target rows of its type, keeping the rows missing
 * on either side or differing; expected and actual rows as jsonb, built only
 * for the drifted keys.
 */
static char *
row_audit_sql(DenormSpec *spec, List *cols, const char *def, bool keys_only)
{
	StringInfoData buf;
	char	   *differs = row_differs(cols, "e", "a");
	OutCol	   *key = outcol(cols, spec->key_column);
	char	   *json_one = spec->row_key ? "" : " -> 0";

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "WITH e AS (SELECT x.*, true AS denorm_present FROM (%s) x), "
					 "a AS (SELECT %s, true AS denorm_present FROM %s t WHERE %s), "
					 "j AS (SELECT coalesce(e.%s, a.%s) AS k, "
					 "e.denorm_present AS denorm_e, a.denorm_present AS denorm_a%s%s "
					 "FROM e FULL JOIN a ON %s "
					 "WHERE e.denorm_present IS NULL OR a.denorm_present IS NULL%s%s%s) ",
					 desired_rows(cols, def),
					 column_list(cols, "t.", true, true), spec->target_sql,
					 type_match(spec, cols, "t"),
					 key->name, key->name, side_columns(cols, "e"), side_columns(cols, "a"),
					 ident_match(spec, cols, "e", "a"),
					 differs ? " OR (" : "", differs ? differs : "", differs ? ")" : "");
	if (keys_only)
		appendStringInfoString(&buf, "SELECT DISTINCT k AS k1 FROM j");
	else
		appendStringInfo(&buf,
						 "SELECT CAST(k AS pg_catalog.text) AS key, "
						 "CASE WHEN pg_catalog.bool_and(denorm_a IS NULL) THEN 'missing' "
						 "WHEN pg_catalog.bool_and(denorm_e IS NULL) THEN 'extra' "
						 "ELSE 'different' END AS problem, "
						 "(pg_catalog.jsonb_agg(%s) FILTER (WHERE denorm_e))%s AS expected, "
						 "(pg_catalog.jsonb_agg(%s) FILTER (WHERE denorm_a))%s AS actual "
						 "FROM j GROUP BY k ORDER BY k",
						 side_jsonb(cols, "e"), json_one, side_jsonb(cols, "a"), json_one);
	return buf.data;
}

void
sqlgen_row(DenormSpec *spec, Query *q)
{
	List	   *cols = row_outcols(spec, q);
	char	   *def_new = deparse_definition(spec, q, ENR_NEW);
	char	   *def_src = deparse_definition(spec, q, NULL);
	char	   *srckey = attname_sql(spec->source, spec->src_key.attnums[0]);
	OutCol	   *key = outcol(cols, spec->key_column);
	char	   *all = column_list(cols, "", true, true);
	char	   *differs = row_differs(cols, "t", "d");
	char	   *keys_new;
	char	   *desired_keys;
	int			i;

	spec->sql[RP_INSERT] = psprintf("INSERT INTO %s (%s) %s",
									spec->target_sql, all, desired_rows(cols, def_new));

	/* A join, not EXISTS: source keys are unique, and ephemeral relations have no statistics. */
	spec->sql[RP_DELETE] = psprintf("DELETE FROM %s t USING %s o WHERE %s AND %s",
									spec->target_sql, ENR_OLD, type_match(spec, cols, "t"),
									eq_expr(key->eq, psprintf("t.%s", key->name),
											psprintf("o.%s", srckey)));

	/*
	 * For updates that keep the shape (spec->shape_used): values only. The
	 * pieces are kept to build, at run time, the same statement over fewer
	 * outputs (sqlgen_inplace_update).
	 */
	if (differs)
	{
		ListCell   *lc;
		ListCell   *vlc = list_head(spec->value_outputs);

		spec->def_query = copyObject(q);
		spec->inplace_from = inplace_from_sql(spec, cols, desired_rows(cols, def_new));
		/* The value outputs, in the same order as definition.c listed them. */
		foreach(lc, cols)
		{
			OutCol	   *oc = lfirst(lc);
			ValueOutput *vo;

			if (oc->identity)
				continue;
			vo = lfirst(vlc);
			Assert(strcmp(vo->name, oc->label) == 0);
			vo->set_sql = psprintf("%s = d.%s", oc->name, oc->name);
			vo->differs_sql = distinct_expr(oc->eq, psprintf("t.%s", oc->name), psprintf("d.%s", oc->name));
			vlc = lnext(spec->value_outputs, vlc);
		}
		spec->sql[RP_UPDATE_SIMPLE] = sqlgen_inplace_update(spec, RP_UPDATE_SIMPLE, NULL, false);
	}

	keys_new = psprintf("SELECT o.%s AS k FROM %s o UNION ALL SELECT n.%s FROM %s n",
						srckey, ENR_OLD, srckey, ENR_NEW);
	spec->sql[RP_APPLY_NEW] = apply_sql(spec, cols, desired_rows(cols, def_new), keys_new);

	desired_keys = keyed_rows(spec, cols, def_src);
	spec->sql[RP_APPLY_KEYS] = apply_sql(spec, cols, desired_keys,
										 psprintf("SELECT k1 AS k FROM %s", ENR_KEYS));
	/* A lookup change that keeps the shape (a renamed account): values only. */
	if (differs)
	{
		spec->inplace_from_keys = inplace_from_sql(spec, cols, desired_keys);
		spec->sql[RP_UPDATE_KEYS] = sqlgen_inplace_update(spec, RP_UPDATE_KEYS, NULL, false);
	}

	spec->sql[RP_TRUNCATE] = psprintf("DELETE FROM %s t WHERE %s",
									  spec->target_sql, type_match(spec, cols, "t"));
	spec->sql[RP_REBUILD] = apply_sql(spec, cols, desired_rows(cols, def_src), NULL);
	spec->sql[RP_AUDIT] = row_audit_sql(spec, cols, def_src, false);
	spec->sql[RP_AUDIT_KEYS] = row_audit_sql(spec, cols, def_src, true);
	spec->sql[RP_FILL] = desired_rows(cols, def_src);
	/* One statement, one snapshot: the check cannot miss rows the insert would duplicate. */
	spec->sql[RP_FILL_EMPTY] = psprintf("INSERT INTO %s (%s) %s WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE %s)",
										spec->target_sql, all, spec->sql[RP_FILL],
										spec->target_sql, type_match(spec, cols, "t"));

	/* Lookups: map changed lookup keys to source keys; read sets for RR. */
	for (i = 0; i < spec->nlookups; i++)
	{
		DenormLookup *lk = &spec->lookups[i];
		StringInfoData src_vs_keys;
		StringInfoData dep_vs_new;
		int			j;

		initStringInfo(&src_vs_keys);
		initStringInfo(&dep_vs_new);
		for (j = 0; j < lk->src_key.natts; j++)
		{
			char	   *eq = sqlgen_eq_operator(lk->src_key.types[j]);
			char	   *scol = attname_sql(spec->source, lk->src_key.attnums[j]);
			char	   *dcol = attname_sql(lk->relid, lk->dep_key.attnums[j]);

			if (j > 0)
			{
				appendStringInfoString(&src_vs_keys, " AND ");
				appendStringInfoString(&dep_vs_new, " AND ");
			}
			appendStringInfoString(&src_vs_keys,
								   eq_expr(eq, psprintf("s.%s", scol), psprintf("kk.k%d", j + 1)));
			appendStringInfoString(&dep_vs_new,
								   eq_expr(eq, psprintf("l.%s", dcol), psprintf("n.%s", scol)));
		}
		lk->sql_map = psprintf("SELECT s.%s AS k1 FROM %s s WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s)",
							   srckey, spec->source_sql, ENR_KEYS, src_vs_keys.data);
		lk->sql_read_new = psprintf("SELECT l.ctid FROM %s l WHERE EXISTS (SELECT 1 FROM %s n WHERE %s) ORDER BY 1",
									sqlgen_qualified_name(lk->relid),
									ENR_NEW, dep_vs_new.data);
		lk->sql_read_keys = psprintf("SELECT s.ctid FROM %s s WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s) ORDER BY 1",
									 spec->source_sql, ENR_KEYS, src_vs_keys.data);
	}
}

/* ------------------------------------------------------------------------
 * Column projections
 * ------------------------------------------------------------------------ */

/* Fragments of a column projection's statements. */
typedef struct ColParts
{
	char	   *where;			/* the definition's WHERE over alias s, or "true" */
	char	   *groups;			/* "s.g1 AS k1, s.g2 AS k2" */
	char	   *group_refs;		/* "1, 2" */
	char	   *tkey_vs_d;		/* "t.tk1 = d.k1 AND ..." */
	char	   *tkey_vs_r;		/* "t.tk1 = r.k1 AND ..." */
	char	   *tkey_vs_kk;		/* "t.tk1 = kk.k1 AND ..." */
	char	   *src_vs_kk;		/* "s.g1 = kk.k1 AND ..." */
	char	   *r_vs_kk;		/* "r.k1 = kk.k1 AND ..." */
	char	   *tkey_order;		/* "t.tk1, t.tk2" */
} ColParts;

static void
column_parts(DenormSpec *spec, Query *q, ColParts *p)
{
	StringInfoData groups,
				refs,
				td,
				tr,
				tk,
				sk,
				rk,
				ord;
	int			i;

	p->where = q->jointree->quals ? deparse_source_expr(spec, q->jointree->quals) : "true";
	initStringInfo(&groups);
	initStringInfo(&refs);
	initStringInfo(&td);
	initStringInfo(&tr);
	initStringInfo(&tk);
	initStringInfo(&sk);
	initStringInfo(&rk);
	initStringInfo(&ord);
	for (i = 0; i < spec->src_key.natts; i++)
	{
		char	   *eq = sqlgen_eq_operator(spec->src_key.types[i]);
		char	   *g = attname_sql(spec->source, spec->src_key.attnums[i]);
		char	   *t = attname_sql(spec->target, spec->tgt_key.attnums[i]);
		const char *sep = i > 0 ? " AND " : "";

		appendStringInfo(&groups, "%ss.%s AS k%d", i > 0 ? ", " : "", g, i + 1);
		appendStringInfo(&refs, "%s%d", i > 0 ? ", " : "", i + 1);
		appendStringInfo(&td, "%s%s", sep, eq_expr(eq, psprintf("t.%s", t), psprintf("d.k%d", i + 1)));
		appendStringInfo(&tr, "%s%s", sep, eq_expr(eq, psprintf("t.%s", t), psprintf("r.k%d", i + 1)));
		appendStringInfo(&tk, "%s%s", sep, eq_expr(eq, psprintf("t.%s", t), psprintf("kk.k%d", i + 1)));
		appendStringInfo(&sk, "%s%s", sep, eq_expr(eq, psprintf("s.%s", g), psprintf("kk.k%d", i + 1)));
		appendStringInfo(&rk, "%s%s", sep, eq_expr(eq, psprintf("r.k%d", i + 1), psprintf("kk.k%d", i + 1)));
		appendStringInfo(&ord, "%st.%s", i > 0 ? ", " : "", t);
	}
	p->groups = groups.data;
	p->group_refs = refs.data;
	p->tkey_vs_d = td.data;
	p->tkey_vs_r = tr.data;
	p->tkey_vs_kk = tk.data;
	p->src_vs_kk = sk.data;
	p->r_vs_kk = rk.data;
	p->tkey_order = ord.data;
}

/* Fill each owned column's contribution (delta) or aggregate (recompute). */
static void
column_expressions(DenormSpec *spec, Query *q)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		DenormAggColumn *ac = NULL;
		Node	   *e;
		Aggref	   *agg;
		int			i;

		if (tle->resjunk)
			continue;
		for (i = 0; i < spec->naggs; i++)
			if (strcmp(spec->aggs[i].name, tle->resname) == 0)
				ac = &spec->aggs[i];
		if (ac == NULL)
			continue;
		n++;
		/* Find the Aggref under any casts. */
		e = (Node *) tle->expr;
		while (!IsA(e, Aggref))
		{
			if (IsA(e, RelabelType))
				e = (Node *) ((RelabelType *) e)->arg;
			else if (IsA(e, CoerceViaIO))
				e = (Node *) ((CoerceViaIO *) e)->arg;
			else
				e = linitial(((FuncExpr *) e)->args);
		}
		agg = (Aggref *) e;
		ac->aggregate_sql = deparse_source_expr(spec, (Node *) agg);
		if (ac->method != AGG_RECOMPUTE)
		{
			char	   *contrib;

			if (ac->method == AGG_DELTA_COUNT)
			{
				if (agg->args == NIL)
					contrib = "1";
				else
					contrib = psprintf("CASE WHEN (%s) IS NOT NULL THEN 1 END",
									   deparse_source_expr(spec,
														   (Node *) ((TargetEntry *) linitial(agg->args))->expr));
			}
			else
				contrib = psprintf("(%s)",
								   deparse_source_expr(spec,
													   (Node *) ((TargetEntry *) linitial(agg->args))->expr));
			if (agg->aggfilter)
				contrib = psprintf("CASE WHEN (%s) THEN %s END",
								   deparse_source_expr(spec, (Node *) agg->aggfilter), contrib);
			ac->contribution_sql = contrib;
		}
	}
	Assert(n == spec->naggs);
}

/* The quoted alias under which statements carry an owned column's value. */
static char *
agg_alias(DenormAggColumn *ac)
{
	return pstrdup(quote_identifier(psprintf("c_%s", ac->name)));
}

static char *
empty_sql(DenormAggColumn *ac)
{
	return ac->empty_is_zero ? "0" : "NULL";
}

/* Recomputed value of one column from the aggregate subquery r. */
static char *
recomputed(DenormAggColumn *ac, const char *r)
{
	if (ac->empty_is_zero)
		return psprintf("CAST(COALESCE(%s.%s, 0) AS %s)", r,
						agg_alias(ac), sqlgen_type_name(ac->type, ac->typmod));
	return psprintf("CAST(%s.%s AS %s)", r, agg_alias(ac), sqlgen_type_name(ac->type, ac->typmod));
}

/* SELECT list of aggregates "agg AS c_name" over alias s. */
static char *
aggregate_list(DenormSpec *spec)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < spec->naggs; i++)
		appendStringInfo(&buf, ", %s AS %s", spec->aggs[i].aggregate_sql, agg_alias(&spec->aggs[i]));
	return buf.data;
}

static char *
col_set(DenormSpec *spec, const char *r)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < spec->naggs; i++)
		appendStringInfo(&buf, "%s%s = %s", i > 0 ? ", " : "",
						 quote_identifier(spec->aggs[i].name), recomputed(&spec->aggs[i], r));
	return buf.data;
}

static char *
col_differs(DenormSpec *spec, const char *r)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < spec->naggs; i++)
	{
		DenormAggColumn *ac = &spec->aggs[i];

		appendStringInfo(&buf, "%s%s", i > 0 ? " OR " : "",
						 distinct_expr(sqlgen_eq_operator(ac->type),
									   psprintf("t.%s", quote_identifier(ac->name)),
									   recomputed(ac, r)));
	}
	return buf.data;
}

/*
 * Recompute the groups whose keys keys_sql yields (columns k1..kn). The
 * aggregate reads only those groups' source rows; with every target row as
 * keys (a rebuild) that semi-join would only drop orphan groups, which the
 * LEFT JOIN drops anyway, so it is left out: a merge join of the whole
 * source against the target's key index for nothing.
 */
static char *
recompute_sql(DenormSpec *spec, ColParts *p, const char *keys_sql, bool all_keys)
{
	const char *only_keys = all_keys ? "" :
		psprintf(" AND EXISTS (SELECT 1 FROM (%s) kk WHERE %s)", keys_sql, p->src_vs_kk);

	return psprintf("UPDATE %s t SET %s FROM (%s) kk LEFT JOIN "
					"(SELECT %s%s FROM %s s WHERE (%s)%s GROUP BY %s) r "
					"ON %s WHERE %s AND (%s)",
					spec->target_sql, col_set(spec, "r"), keys_sql,
					p->groups, aggregate_list(spec), spec->source_sql, p->where, only_keys,
					p->group_refs,
					p->r_vs_kk, p->tkey_vs_kk, col_differs(spec, "r"));
}

/* "c = CAST(t.c + d.c_c AS type), ..." and "d.c_c <> 0 OR ...": how a delta d is applied. */
static void
delta_apply_parts(DenormSpec *spec, StringInfo set, StringInfo nonzero)
{
	int			i;

	for (i = 0; i < spec->naggs; i++)
	{
		DenormAggColumn *ac = &spec->aggs[i];
		const char *c = quote_identifier(ac->name);
		char	   *a = agg_alias(ac);

		appendStringInfo(set, "%s%s = CAST(t.%s OPERATOR(pg_catalog.+) d.%s AS %s)", i > 0 ? ", " : "",
						 c, c, a, sqlgen_type_name(ac->type, ac->typmod));
		appendStringInfo(nonzero, "%sd.%s OPERATOR(pg_catalog.<>) 0", i > 0 ? " OR " : "", a);
	}
}

/*
 * One side's contributions: "SELECT s.g1 AS k1, ..., contribution AS c_x, ...
 * FROM denorm_new s" (old rows negated). The definition's WHERE filters the
 * rows, or, with where_in_case, makes a failing row contribute NULL (0
 * after COALESCE) so that the side always has its one row.
 */
static char *
delta_side(DenormSpec *spec, ColParts *p, bool is_new, bool where_in_case)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "SELECT %s", p->groups);
	for (i = 0; i < spec->naggs; i++)
	{
		const char *contrib = psprintf("%s%s", is_new ? "" : "OPERATOR(pg_catalog.-) ",
									   spec->aggs[i].contribution_sql);

		if (where_in_case)
			contrib = psprintf("CASE WHEN (%s) THEN %s END", p->where, contrib);
		appendStringInfo(&buf, ", %s AS %s", contrib, agg_alias(&spec->aggs[i]));
	}
	appendStringInfo(&buf, " FROM %s s", is_new ? ENR_NEW : ENR_OLD);
	if (!where_in_case)
		appendStringInfo(&buf, " WHERE (%s)", p->where);
	return buf.data;
}

/* Delta update from the transition rows: sign +1 for new, -1 for old. */
static char *
delta_sql(DenormSpec *spec, ColParts *p, bool with_new, bool with_old)
{
	StringInfoData rows;
	StringInfoData set;
	StringInfoData nonzero;
	StringInfoData sums;
	StringInfoData keys;
	int			i;

	initStringInfo(&rows);
	if (with_new)
		appendStringInfoString(&rows, delta_side(spec, p, true, false));
	if (with_old)
		appendStringInfo(&rows, "%s%s", with_new ? " UNION ALL " : "", delta_side(spec, p, false, false));
	initStringInfo(&set);
	initStringInfo(&nonzero);
	initStringInfo(&sums);
	initStringInfo(&keys);
	delta_apply_parts(spec, &set, &nonzero);
	for (i = 0; i < spec->naggs; i++)
		appendStringInfo(&sums, ", COALESCE(pg_catalog.sum(x.%s), 0) AS %s",
						 agg_alias(&spec->aggs[i]), agg_alias(&spec->aggs[i]));
	for (i = 0; i < spec->src_key.natts; i++)
		appendStringInfo(&keys, "%sx.k%d", i > 0 ? ", " : "", i + 1);
	return psprintf("UPDATE %s t SET %s FROM (SELECT %s%s FROM (%s) x GROUP BY %s) d "
					"WHERE %s AND (%s)",
					spec->target_sql, set.data, keys.data, sums.data, rows.data, p->group_refs,
					p->tkey_vs_d, nonzero.data);
}

/*
 * The same delta for a statement of one row (one old and one new row in the
 * same group, for an UPDATE): no GROUP BY, so no Sort, Agg or Append to
 * start for a single-row statement. The definition's WHERE moves into each
 * contribution (a row that fails it contributes 0), so that an UPDATE's old
 * and new rows always make one row of d, joined to the group's target row.
 * The caller guarantees the group key of both rows is the same, not null.
 */
static char *
delta_single_sql(DenormSpec *spec, ColParts *p, bool with_new, bool with_old)
{
	StringInfoData from;
	StringInfoData sums;
	StringInfoData set;
	StringInfoData nonzero;
	StringInfoData keys;
	int			i;

	initStringInfo(&from);
	if (with_new)
		appendStringInfo(&from, "(%s) n", delta_side(spec, p, true, true));
	if (with_old)
		appendStringInfo(&from, "%s(%s) o", with_new ? " CROSS JOIN " : "", delta_side(spec, p, false, true));
	initStringInfo(&sums);
	for (i = 0; i < spec->naggs; i++)
	{
		char	   *a = agg_alias(&spec->aggs[i]);

		if (with_new && with_old)
			appendStringInfo(&sums, ", COALESCE(n.%s, 0) OPERATOR(pg_catalog.+) COALESCE(o.%s, 0) AS %s",
							 a, a, a);
		else
			appendStringInfo(&sums, ", COALESCE(%s.%s, 0) AS %s", with_new ? "n" : "o", a, a);
	}
	initStringInfo(&keys);
	for (i = 0; i < spec->src_key.natts; i++)
		appendStringInfo(&keys, "%s%s.k%d", i > 0 ? ", " : "", with_new ? "n" : "o", i + 1);
	initStringInfo(&set);
	initStringInfo(&nonzero);
	delta_apply_parts(spec, &set, &nonzero);
	return psprintf("UPDATE %s t SET %s FROM (SELECT %s%s FROM %s) d WHERE %s AND (%s)",
					spec->target_sql, set.data, keys.data, sums.data, from.data,
					p->tkey_vs_d, nonzero.data);
}

static char *
target_keys_from(DenormSpec *spec, const char *enr)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT DISTINCT ");
	for (i = 0; i < spec->tgt_key.natts; i++)
		appendStringInfo(&buf, "%sn.%s AS k%d", i > 0 ? ", " : "",
						 attname_sql(spec->target, spec->tgt_key.attnums[i]), i + 1);
	appendStringInfo(&buf, " FROM %s n", enr);
	return buf.data;
}

static char *
column_audit_sql(DenormSpec *spec, ColParts *p, bool keys_only)
{
	StringInfoData expected;
	StringInfoData actual;
	StringInfoData keytext;
	StringInfoData keycols;
	int			i;

	initStringInfo(&expected);
	initStringInfo(&actual);
	initStringInfo(&keytext);
	initStringInfo(&keycols);
	for (i = 0; i < spec->naggs; i++)
	{
		DenormAggColumn *ac = &spec->aggs[i];

		appendStringInfo(&expected, "%s%s, %s", i > 0 ? ", " : "",
						 quote_literal_cstr(ac->name), recomputed(ac, "r"));
		appendStringInfo(&actual, "%s%s, t.%s", i > 0 ? ", " : "",
						 quote_literal_cstr(ac->name), quote_identifier(ac->name));
	}
	for (i = 0; i < spec->tgt_key.natts; i++)
		appendStringInfo(&keycols, "%st.%s AS k%d", i > 0 ? ", " : "",
						 attname_sql(spec->target, spec->tgt_key.attnums[i]), i + 1);
	if (spec->tgt_key.natts == 1)
		appendStringInfo(&keytext, "CAST(t.%s AS pg_catalog.text)",
						 attname_sql(spec->target, spec->tgt_key.attnums[0]));
	else
		appendStringInfo(&keytext, "CAST(ROW(%s) AS pg_catalog.text)", p->tkey_order);

	return psprintf("SELECT %s FROM %s t LEFT JOIN (SELECT %s%s FROM %s s WHERE (%s) GROUP BY %s) r "
					"ON %s WHERE %s %s",
					keys_only ? keycols.data
					: psprintf("%s AS key, 'different' AS problem, "
							   "pg_catalog.jsonb_build_object(%s) AS expected, "
							   "pg_catalog.jsonb_build_object(%s) AS actual",
							   keytext.data, expected.data, actual.data),
					spec->target_sql, p->groups, aggregate_list(spec), spec->source_sql, p->where,
					p->group_refs,
					p->tkey_vs_r,
					col_differs(spec, "r"),
					keys_only ? "" : psprintf("ORDER BY %s", p->tkey_order));
}

void
sqlgen_column(DenormSpec *spec, Query *q)
{
	ColParts	p;
	StringInfoData set_empty;
	StringInfoData not_empty;
	char	   *keys_enr;
	int			i;

	column_parts(spec, q, &p);
	column_expressions(spec, q);
	keys_enr = psprintf("SELECT * FROM %s", ENR_KEYS);
	if (!spec->recompute)
	{
		spec->sql[CP_DELTA_INS] = delta_sql(spec, &p, true, false);
		spec->sql[CP_DELTA_DEL] = delta_sql(spec, &p, false, true);
		spec->sql[CP_DELTA_UPD] = delta_sql(spec, &p, true, true);
		spec->sql[CP_DELTA1_INS] = delta_single_sql(spec, &p, true, false);
		spec->sql[CP_DELTA1_DEL] = delta_single_sql(spec, &p, false, true);
		spec->sql[CP_DELTA1_UPD] = delta_single_sql(spec, &p, true, true);
	}
	spec->sql[CP_LOCK_KEYS] = psprintf("SELECT 1 FROM %s t WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s) "
									   "ORDER BY %s FOR NO KEY UPDATE OF t",
									   spec->target_sql, ENR_KEYS, p.tkey_vs_kk, p.tkey_order);
	spec->sql[CP_RECOMPUTE_KEYS] = recompute_sql(spec, &p, keys_enr, false);
	spec->sql[CP_RECOMPUTE_TARGET_NEW] = recompute_sql(spec, &p, target_keys_from(spec, ENR_NEW), false);
	spec->sql[CP_CHECK_KEYS] = psprintf("SELECT s.ctid FROM %s s WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s) ORDER BY 1",
										spec->source_sql, ENR_KEYS, p.src_vs_kk);
	spec->sql[CP_CHECK_TARGET] = psprintf("SELECT t.ctid FROM %s t WHERE EXISTS (SELECT 1 FROM %s kk WHERE %s) ORDER BY 1",
										  spec->target_sql, ENR_KEYS, p.tkey_vs_kk);

	initStringInfo(&set_empty);
	initStringInfo(&not_empty);
	for (i = 0; i < spec->naggs; i++)
	{
		DenormAggColumn *ac = &spec->aggs[i];
		char	   *ev = psprintf("CAST(%s AS %s)", empty_sql(ac), sqlgen_type_name(ac->type, ac->typmod));

		appendStringInfo(&set_empty, "%s%s = %s", i > 0 ? ", " : "", quote_identifier(ac->name), ev);
		appendStringInfo(&not_empty, "%s%s", i > 0 ? " OR " : "",
						 distinct_expr(sqlgen_eq_operator(ac->type),
									   psprintf("t.%s", quote_identifier(ac->name)), ev));
	}
	spec->sql[CP_TRUNCATE] = psprintf("UPDATE %s t SET %s WHERE %s",
									  spec->target_sql, set_empty.data, not_empty.data);
	{
		StringInfoData tk;

		initStringInfo(&tk);
		for (i = 0; i < spec->tgt_key.natts; i++)
			appendStringInfo(&tk, "%st2.%s AS k%d", i > 0 ? ", " : "",
							 attname_sql(spec->target, spec->tgt_key.attnums[i]), i + 1);
		spec->sql[CP_REBUILD] = recompute_sql(spec, &p,
											  psprintf("SELECT %s FROM %s t2", tk.data, spec->target_sql), true);
	}
	spec->sql[CP_AUDIT] = column_audit_sql(spec, &p, false);
	spec->sql[CP_AUDIT_KEYS] = column_audit_sql(spec, &p, true);
}
