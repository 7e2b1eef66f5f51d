/*
 * definition.c — reads a projection's definition (the query tree of its view)
 * and derives what maintenance needs: the source and its key, the lookups
 * and how their keys map to source columns, the columns each reads, and for
 * column projections how every owned column is maintained.
 *
 * Every shape denorm cannot maintain exactly is refused here, at
 * registration, with an error naming the projection — never accepted and
 * left silently stale.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "denorm.h"

/* A base relation of the FROM clause and where it sits. */
typedef struct FromRel
{
	int			rtindex;
	bool		nullable;		/* on the nullable side of a LEFT JOIN */
	JoinExpr   *join;			/* that LEFT JOIN, when nullable */
} FromRel;

typedef struct FromWalk
{
	DenormSpec *spec;
	List	   *rels;			/* FromRel * */
	List	   *inner_quals;	/* quals not inside any outer join's ON */
	bool		has_other_rtes; /* VALUES / functions */
	bool		has_quals;		/* any WHERE or ON condition at all */
} FromWalk;

/* The query tree of a definition view, copied into the current context. */
Query *
definition_query(Oid viewid)
{
	Relation	rel = relation_open(viewid, AccessShareLock);
	Query	   *q;

	if (rel->rd_rel->relkind != RELKIND_VIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("definition \"%s\" of a projection is not a view",
						RelationGetRelationName(rel))));
	q = copyObject(get_view_query(rel));

	/*
	 * ALTER VIEW ... RENAME COLUMN renames the view's attributes but not the
	 * names in its stored query: the attributes are the truth.
	 */
	{
		ListCell   *lc;

		foreach(lc, q->targetList)
		{
			TargetEntry *tle = lfirst(lc);

			if (!tle->resjunk && tle->resno <= RelationGetDescr(rel)->natts)
				tle->resname = pstrdup(NameStr(TupleDescAttr(RelationGetDescr(rel), tle->resno - 1)->attname));
		}
	}
	relation_close(rel, AccessShareLock);
	return q;
}

static const char *
rel_name(Oid relid)
{
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));
	char	   *rel = get_rel_name(relid);

	if (nsp == NULL || rel == NULL)
		return "(dropped relation)";
	return quote_qualified_identifier(nsp, rel);
}

/* Does a subquery read any table, at any depth? (Sublinks and CTEs: assume so.) */
static bool
subquery_reads_tables(Query *sub)
{
	ListCell   *lc;

	if (sub->hasSubLinks || sub->cteList)
		return true;
	foreach(lc, sub->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_RELATION)
			return true;
		if (rte->rtekind == RTE_SUBQUERY && subquery_reads_tables(rte->subquery))
			return true;
	}
	return false;
}

static void
walk_from(FromWalk *w, Query *q, Node *node, bool nullable, JoinExpr *join)
{
	DenormSpec *spec = w->spec;

	if (node == NULL)
		return;
	if (IsA(node, RangeTblRef))
	{
		int			rti = ((RangeTblRef *) node)->rtindex;
		RangeTblEntry *rte = rt_fetch(rti, q->rtable);

		switch (rte->rtekind)
		{
			case RTE_RELATION:
				{
					FromRel    *fr = palloc0(sizeof(FromRel));

					fr->rtindex = rti;
					fr->nullable = nullable;
					fr->join = join;
					w->rels = lappend(w->rels, fr);
					break;
				}
			case RTE_VALUES:
			case RTE_FUNCTION:
				w->has_other_rtes = true;
				break;
			case RTE_SUBQUERY:
				/* (VALUES ...) AS l(...) arrives as a subquery; allow any that reads no table. */
				if (subquery_reads_tables(rte->subquery))
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("definition of projection \"%s\" reads a table in a subquery in FROM", spec->name),
							 errhint("Join the tables directly; denorm maintains joins of a source with lookup tables.")));
				w->has_other_rtes = true;
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("definition of projection \"%s\" reads something other than tables, VALUES or functions in FROM",
								spec->name)));
		}
	}
	else if (IsA(node, FromExpr))
	{
		FromExpr   *f = (FromExpr *) node;
		ListCell   *lc;

		foreach(lc, f->fromlist)
			walk_from(w, q, lfirst(lc), nullable, join);
		if (f->quals)
		{
			w->has_quals = true;
			if (!nullable)
				w->inner_quals = list_concat(w->inner_quals,
											 make_ands_implicit((Expr *) f->quals));
		}
	}
	else if (IsA(node, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) node;

		switch (j->jointype)
		{
			case JOIN_INNER:
				walk_from(w, q, j->larg, nullable, join);
				walk_from(w, q, j->rarg, nullable, join);
				if (j->quals)
				{
					w->has_quals = true;
					if (!nullable)
						w->inner_quals = list_concat(w->inner_quals,
													 make_ands_implicit((Expr *) j->quals));
				}
				break;
			case JOIN_LEFT:
				walk_from(w, q, j->larg, nullable, join);
				walk_from(w, q, j->rarg, true, nullable ? join : j);
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("definition of projection \"%s\" uses a RIGHT or FULL join", spec->name),
						 errhint("Put the source table first and join lookups with JOIN or LEFT JOIN.")));
		}
	}
	else
		elog(ERROR, "unrecognized jointree node type: %d", (int) nodeTag(node));
}

/*
 * A unique, immediate, non-partial index of relid on these columns (exactly
 * these, or a subset when !require_exact), other than except; InvalidOid if
 * none. Registration needs one for each key it relies on; so does dropping
 * an index afterwards (ddl.c).
 */
Oid
definition_unique_index(Oid relid, int natts, const AttrNumber *attnums, bool require_exact,
						Oid except)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			found = InvalidOid;

	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tup;
		Form_pg_index idx;
		int			i;
		bool		ok = true;

		if (indexoid == except)
			continue;
		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(tup))
			continue;
		idx = (Form_pg_index) GETSTRUCT(tup);
		if (!idx->indisunique || !idx->indimmediate || !idx->indisvalid ||
			!heap_attisnull(tup, Anum_pg_index_indpred, NULL) ||
			!heap_attisnull(tup, Anum_pg_index_indexprs, NULL) ||
			(require_exact && idx->indnkeyatts != natts) ||
			idx->indnkeyatts > natts)
			ok = false;
		for (i = 0; ok && i < idx->indnkeyatts; i++)
		{
			int			j;
			bool		hit = false;

			for (j = 0; j < natts; j++)
				if (idx->indkey.values[i] == attnums[j])
					hit = true;
			if (!hit)
				ok = false;
		}
		ReleaseSysCache(tup);
		if (ok)
		{
			found = indexoid;
			if (idx->indisprimary)
				break;
		}
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
	return found;
}

static Node *
strip_relabel(Node *n)
{
	while (n && IsA(n, RelabelType))
		n = (Node *) ((RelabelType *) n)->arg;
	return n;
}

/* Strip casts the user put around an aggregate (count(*)::int). */
static Node *
strip_coercions(Node *n)
{
	for (;;)
	{
		if (n == NULL)
			return n;
		if (IsA(n, RelabelType))
			n = (Node *) ((RelabelType *) n)->arg;
		else if (IsA(n, CoerceViaIO))
			n = (Node *) ((CoerceViaIO *) n)->arg;
		else if (IsA(n, FuncExpr) &&
				 ((FuncExpr *) n)->funcformat != COERCE_EXPLICIT_CALL &&
				 list_length(((FuncExpr *) n)->args) >= 1)
			n = linitial(((FuncExpr *) n)->args);
		else
			return n;
	}
}

static void
check_relation_kind(DenormSpec *spec, Oid relid, const char *role)
{
	char		relkind = get_rel_relkind(relid);
	char		persistence = get_rel_persistence(relid);

	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads %s, which is not a table", spec->name, rel_name(relid)),
				 errdetail("denorm follows changes through triggers, so every relation a definition reads must be a table (%s).",
						   role),
				 errhint("Name the underlying tables in the definition instead.")));
	if (persistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads temporary table %s", spec->name, rel_name(relid)),
				 errdetail("Other sessions could never maintain it.")));
	if (persistence == RELPERSISTENCE_UNLOGGED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads unlogged table %s", spec->name, rel_name(relid)),
				 errdetail("A crash empties an unlogged table but not the projection, leaving it out of step.")));
	if (get_rel_relispartition(relid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads %s, which is a partition", spec->name, rel_name(relid)),
				 errdetail("Statements on its partitioned table would change its rows without firing its triggers."),
				 errhint("Name the partitioned table instead; denorm maintains all its partitions.")));
}

/*
 * Register the columns and types of a set of attnums of a relation in a
 * KeyDesc (opened relation needed for the tuple descriptor).
 */
static void
keydesc_for(KeyDesc *kd, Oid relid, int natts, const AttrNumber *attnums)
{
	Relation	rel = table_open(relid, AccessShareLock);

	keydesc_init(kd, rel, natts, attnums);
	table_close(rel, AccessShareLock);
}

static void
add_relid(DenormSpec *spec, Oid relid)
{
	int			i;

	for (i = 0; i < spec->nrelids; i++)
		if (spec->relids[i] == relid)
			return;
	spec->relids = spec->relids
		? repalloc(spec->relids, sizeof(Oid) * (spec->nrelids + 1))
		: palloc(sizeof(Oid));
	spec->relids[spec->nrelids++] = relid;
}

/* All columns of varno read anywhere in the query, FirstLowInvalid-offset. */
static Bitmapset *
used_columns(Query *q, int varno)
{
	Bitmapset  *used = NULL;
	ListCell   *lc;

	pull_varattnos((Node *) q->targetList, varno, &used);
	pull_varattnos((Node *) q->jointree, varno, &used);
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_VALUES)
			pull_varattnos((Node *) rte->values_lists, varno, &used);
		else if (rte->rtekind == RTE_FUNCTION)
			pull_varattnos((Node *) rte->functions, varno, &used);
		else if (rte->rtekind == RTE_SUBQUERY)
		{
			/* lateral references from inside the subquery are one level up */
			ListCell   *v;

			foreach(v, pull_vars_of_level((Node *) rte->subquery, 1))
			{
				Var		   *var = lfirst(v);

				if (var->varno == varno)
					used = bms_add_member(used, var->varattno - FirstLowInvalidHeapAttributeNumber);
			}
		}
	}
	return used;
}

/* Is tle one of a row projection's identity outputs (type, key, row_key)? */
bool
is_identity_output(DenormSpec *spec, TargetEntry *tle)
{
	ListCell   *lc;

	if (strcmp(tle->resname, spec->type_column) == 0 ||
		strcmp(tle->resname, spec->key_column) == 0)
		return true;
	foreach(lc, spec->row_key)
		if (strcmp(tle->resname, (char *) lfirst(lc)) == 0)
			return true;
	return false;
}

/* Add the columns of the source read at levelsup in n to *cols. */
static void
pull_source_columns(Node *n, int levelsup, int source_rti, Bitmapset **cols)
{
	ListCell   *lc;

	if (levelsup == 0)
	{
		pull_varattnos(n, source_rti, cols);
		return;
	}
	foreach(lc, pull_vars_of_level(n, levelsup))
	{
		Var		   *var = lfirst(lc);

		if (IsA(var, Var) && var->varno == source_rti)
			*cols = bms_add_member(*cols, var->varattno - FirstLowInvalidHeapAttributeNumber);
	}
}

/*
 * The VALUES list behind an RTE: the RTE itself, or a subquery that only
 * selects the columns of one VALUES list ((VALUES ...) AS l(...) arrives as
 * such a subquery). *colmap gets, per output column, the VALUES column.
 */
RangeTblEntry *
values_behind(RangeTblEntry *rte, List **colmap)
{
	Query	   *sq = rte->subquery;
	RangeTblEntry *v;
	ListCell   *lc;

	*colmap = NIL;
	if (rte->rtekind == RTE_VALUES)
	{
		for (int i = 1; i <= list_length(linitial(rte->values_lists)); i++)
			*colmap = lappend_int(*colmap, i);
		return rte;
	}
	if (rte->rtekind != RTE_SUBQUERY || sq == NULL || list_length(sq->rtable) != 1 ||
		sq->jointree == NULL || sq->jointree->quals != NULL ||
		list_length(sq->jointree->fromlist) != 1 || sq->hasSubLinks || sq->hasTargetSRFs)
		return NULL;
	v = linitial(sq->rtable);
	if (v->rtekind != RTE_VALUES)
		return NULL;
	foreach(lc, sq->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Var		   *var = (Var *) tle->expr;

		if (tle->resjunk || !IsA(var, Var) || var->varno != 1 || var->varlevelsup != 0 ||
			var->varattno <= 0)
			return NULL;
		*colmap = lappend_int(*colmap, var->varattno);
	}
	return v;
}

/*
 * The columns of relation of_rti (the source, or a lookup) that decide which
 * target rows a source row yields and what identifies them: those in join and WHERE conditions, in identity
 * outputs, in functions and subqueries of FROM, and in the VALUES columns
 * that feed identity outputs or conditions. An UPDATE that changes none of
 * them changes values in rows that already exist and no others, so a plain
 * UPDATE of those rows maintains it (RP_UPDATE_SIMPLE). The other VALUES
 * columns (the amounts of the journal lines) and the value outputs are
 * left out: that is the point.
 */
static Bitmapset *
shape_columns(DenormSpec *spec, Query *q, int of_rti)
{
	Bitmapset  *shape = NULL;
	List	   *identity = NIL;
	Node	   *quals = flatten_join_alias_vars(q, (Node *) q->jointree);
	ListCell   *lc;
	int			rti;

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (!tle->resjunk && is_identity_output(spec, tle))
			identity = lappend(identity, flatten_join_alias_vars(q, (Node *) tle->expr));
	}
	pull_varattnos(quals, of_rti, &shape);
	pull_varattnos((Node *) identity, of_rti, &shape);

	rti = 0;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);
		int			levelsup = rte->rtekind == RTE_SUBQUERY ? 1 : 0;
		RangeTblEntry *values;
		List	   *colmap;

		rti++;
		if (rte->rtekind == RTE_FUNCTION)
			pull_varattnos((Node *) rte->functions, of_rti, &shape);
		else if ((values = values_behind(rte, &colmap)) != NULL)
		{
			Bitmapset  *cols = NULL;	/* output columns the shape reads */
			bool		whole;
			ListCell   *row;

			pull_varattnos(quals, rti, &cols);
			pull_varattnos((Node *) identity, rti, &cols);
			whole = bms_is_member(InvalidAttrNumber - FirstLowInvalidHeapAttributeNumber, cols);
			foreach(row, values->values_lists)
			{
				List	   *cells = lfirst(row);
				int			out = 0;
				ListCell   *m;

				foreach(m, colmap)
				{
					out++;
					if (whole || bms_is_member(out - FirstLowInvalidHeapAttributeNumber, cols))
						pull_source_columns(list_nth(cells, lfirst_int(m) - 1), levelsup,
											of_rti, &shape);
				}
			}
		}
		else if (rte->rtekind == RTE_SUBQUERY)
			pull_source_columns((Node *) rte->subquery, 1, of_rti, &shape);
	}
	return shape;
}

/* What value_output_columns() gathers for one output. */
typedef struct OutputReads
{
	DenormSpec *spec;
	Query	   *q;
	int			source_rti;
	Bitmapset  *join_cols;		/* source columns the joins and WHERE read */
	Bitmapset  *source_cols;	/* the output's */
	Bitmapset **lookup_cols;	/* the output's, per lookup */
	bool		all;			/* could depend on anything */
} OutputReads;

/*
 * Gather what expression expr (of the definition's query, read at
 * levelsup) depends on: the source's columns in it; through a column of a
 * VALUES list, what that column's cells depend on; through a lookup's
 * column, that column and the source columns the joins read (they choose
 * the lookup row). Anything else (a whole row, a subquery or function in
 * FROM) may depend on anything: r->all.
 */
static void
expr_reads(OutputReads *r, Node *expr, int levelsup)
{
	ListCell   *lc;

	foreach(lc, pull_vars_of_level(expr, levelsup))
	{
		Var		   *var = lfirst(lc);
		RangeTblEntry *rte;
		RangeTblEntry *values;
		List	   *colmap;
		int			i;

		if (!IsA(var, Var) || var->varattno == InvalidAttrNumber)
		{
			r->all = true;
			return;
		}
		if (var->varno == r->source_rti)
		{
			r->source_cols = bms_add_member(r->source_cols, var->varattno - FirstLowInvalidHeapAttributeNumber);
			continue;
		}
		rte = rt_fetch(var->varno, r->q->rtable);
		if (rte->rtekind == RTE_RELATION)
		{
			r->source_cols = bms_union(r->source_cols, r->join_cols);
			for (i = 0; i < r->spec->nlookups; i++)
				if (r->spec->lookups[i].rtindex == (int) var->varno)
					r->lookup_cols[i] = bms_add_member(r->lookup_cols[i],
													   var->varattno - FirstLowInvalidHeapAttributeNumber);
		}
		else if ((values = values_behind(rte, &colmap)) != NULL && var->varattno > 0)
		{
			int			cell = list_nth_int(colmap, var->varattno - 1) - 1;
			ListCell   *row;

			foreach(row, values->values_lists)
				expr_reads(r, list_nth(lfirst(row), cell), rte->rtekind == RTE_SUBQUERY ? 1 : 0);
		}
		else
			r->all = true;
		if (r->all)
			return;
	}
}

/*
 * For each value output of a row projection (identity outputs excluded, in
 * target list order), the source and lookup columns it depends on. An
 * UPDATE that keeps the shape rewrites only the outputs that depend on a
 * column it wrote (maintain_row.c): the others cannot have changed.
 */
static void
value_output_columns(DenormSpec *spec, Query *q, int source_rti)
{
	Node	   *jointree = flatten_join_alias_vars(q, (Node *) q->jointree);
	OutputReads r;
	ListCell   *lc;
	int			i;

	memset(&r, 0, sizeof(r));
	r.spec = spec;
	r.q = q;
	r.source_rti = source_rti;
	pull_varattnos(jointree, source_rti, &r.join_cols);
	spec->value_outputs = NIL;
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		ValueOutput *vo;

		if (tle->resjunk || is_identity_output(spec, tle))
			continue;
		r.source_cols = NULL;
		r.lookup_cols = palloc0(sizeof(Bitmapset *) * Max(spec->nlookups, 1));
		r.all = false;
		expr_reads(&r, flatten_join_alias_vars(q, (Node *) tle->expr), 0);
		if (r.all || contain_subplans((Node *) tle->expr))
		{
			r.source_cols = bms_copy(spec->src_used);
			for (i = 0; i < spec->nlookups; i++)
				r.lookup_cols[i] = bms_copy(spec->lookups[i].used_attrs);
		}
		vo = palloc(sizeof(ValueOutput));
		vo->name = pstrdup(tle->resname);
		vo->source_cols = r.source_cols;
		vo->lookup_cols = r.lookup_cols;
		spec->value_outputs = lappend(spec->value_outputs, vo);
	}
}

static void
check_immutable(DenormSpec *spec, Query *q)
{
	ListCell   *lc;
	bool		mutable_found;

	mutable_found = contain_mutable_functions((Node *) q->targetList) ||
		contain_mutable_functions((Node *) q->jointree);
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_VALUES &&
			contain_mutable_functions((Node *) rte->values_lists))
			mutable_found = true;
		if (rte->rtekind == RTE_FUNCTION &&
			contain_mutable_functions((Node *) rte->functions))
			mutable_found = true;
		if (rte->rtekind == RTE_SUBQUERY &&
			contain_mutable_functions((Node *) rte->subquery))
			mutable_found = true;
	}
	if (mutable_found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("definition of projection \"%s\" uses a function or operator that is not immutable",
						spec->name),
				 errdetail("denorm computes a key's rows at different times (on write, on rebuild, on audit); "
						   "a stable or volatile expression such as now() would make them disagree."),
				 errhint("Use only immutable functions, or store the value in a canonical column.")));
}

static void
check_query_shape(DenormSpec *spec, Query *q)
{
	const char *what = NULL;

	if (q->commandType != CMD_SELECT || q->utilityStmt)
		what = "a statement other than SELECT";
	else if (q->setOperations)
		what = "UNION, INTERSECT or EXCEPT";
	else if (q->cteList)
		what = "WITH";
	else if (q->hasWindowFuncs)
		what = "window functions";
	else if (q->hasTargetSRFs)
		what = "set-returning functions in the select list (use CROSS JOIN LATERAL instead)";
	else if (q->hasSubLinks)
		what = "subqueries";
	else if (q->distinctClause)
		what = "DISTINCT";
	else if (q->limitCount || q->limitOffset)
		what = "LIMIT or OFFSET";
	else if (q->rowMarks)
		what = "FOR UPDATE or FOR SHARE";
	else if (q->groupingSets)
		what = "GROUPING SETS, ROLLUP or CUBE";
	else if (q->havingQual)
		what = "HAVING";
	else if (spec->kind == DENORM_ROW && (q->hasAggs || q->groupClause))
		what = "aggregates or GROUP BY (register it with create_column_projection)";
	else if (spec->kind == DENORM_COLUMN && q->groupClause == NIL)
		what = "no GROUP BY (a column projection aggregates its source by the target's key)";
	if (what)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("definition of projection \"%s\" uses %s", spec->name, what),
				 errdetail("denorm maintains a select-project-join of a source with lookup tables, "
						   "or one GROUP BY aggregate over a source.")));
}

/* The target column named by an output column, with type checks. */
static AttrNumber
target_column(DenormSpec *spec, Relation target, TargetEntry *tle)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(target), tle->resname);
	Form_pg_attribute att;
	Oid			type = exprType((Node *) tle->expr);

	if (attnum == InvalidAttrNumber || attnum < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of projection \"%s\" does not exist in target %s",
						tle->resname, spec->name, rel_name(RelationGetRelid(target))),
				 errhint("Name every output column of the definition after a column of the target.")));
	att = TupleDescAttr(RelationGetDescr(target), attnum - 1);
	if (att->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("column \"%s\" of target %s is a generated column; projection \"%s\" cannot own it",
						tle->resname, rel_name(RelationGetRelid(target)), spec->name)));
	if (att->attidentity == ATTRIBUTE_IDENTITY_ALWAYS)
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("column \"%s\" of target %s is an identity column; projection \"%s\" cannot own it",
						tle->resname, rel_name(RelationGetRelid(target)), spec->name)));
	if (type != att->atttypid)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of projection \"%s\" is of type %s but target column %s.%s is of type %s",
						tle->resname, spec->name, format_type_be(type),
						rel_name(RelationGetRelid(target)), quote_identifier(tle->resname),
						format_type_be(att->atttypid)),
				 errhint("Cast the expression in the definition: (...)::%s AS %s.",
						 format_type_be(att->atttypid), quote_identifier(tle->resname))));
	return attnum;
}

static TargetEntry *
find_output(DenormSpec *spec, Query *q, const char *name)
{
	ListCell   *lc;

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (!tle->resjunk && tle->resname && strcmp(tle->resname, name) == 0)
			return tle;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("definition of projection \"%s\" must produce column \"%s\"", spec->name, name)));
	return NULL;				/* keep compiler quiet */
}

static void
check_duplicate_outputs(DenormSpec *spec, Query *q)
{
	ListCell   *a;
	ListCell   *b;

	foreach(a, q->targetList)
	{
		TargetEntry *ta = lfirst(a);

		if (ta->resjunk)
			continue;
		for_each_cell(b, q->targetList, lnext(q->targetList, a))
		{
			TargetEntry *tb = lfirst(b);

			if (!tb->resjunk && strcmp(ta->resname, tb->resname) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("definition of projection \"%s\" produces column \"%s\" twice",
								spec->name, ta->resname)));
		}
	}
}

/*
 * Find the lookup key of relation fr among the equality conditions available
 * to it: each condition equates a column of the lookup with a column of the
 * source, and together they must cover a unique key of the lookup.
 */
static void
analyze_lookup(DenormSpec *spec, Query *q, FromWalk *w, FromRel *fr,
			   int source_rti, DenormLookup *lk)
{
	List	   *quals;
	ListCell   *lc;
	AttrNumber	dep_atts[DENORM_MAX_KEY_COLS];
	AttrNumber	src_atts[DENORM_MAX_KEY_COLS];
	int			n = 0;
	Oid			relid = rt_fetch(fr->rtindex, q->rtable)->relid;
	Oid			index;
	AttrNumber	idx_dep[DENORM_MAX_KEY_COLS];
	AttrNumber	idx_src[DENORM_MAX_KEY_COLS];
	int			nidx = 0;
	HeapTuple	itup;
	Form_pg_index idx;
	int			i;

	quals = fr->nullable ? make_ands_implicit((Expr *) fr->join->quals) : w->inner_quals;
	foreach(lc, quals)
	{
		Node	   *clause = lfirst(lc);
		OpExpr	   *op;
		Var		   *l;
		Var		   *r;

		if (!IsA(clause, OpExpr) || list_length(((OpExpr *) clause)->args) != 2)
			continue;
		op = (OpExpr *) clause;
		l = (Var *) strip_relabel(linitial(op->args));
		r = (Var *) strip_relabel(lsecond(op->args));
		if (!IsA(l, Var) || !IsA(r, Var) || l->varlevelsup || r->varlevelsup)
			continue;
		if (get_mergejoin_opfamilies(op->opno) == NIL)
			continue;
		if (r->varno == fr->rtindex && l->varno == source_rti)
		{
			Var		   *t = l;

			l = r;
			r = t;
		}
		if (l->varno != fr->rtindex || r->varno != source_rti || l->varattno <= 0 || r->varattno <= 0)
			continue;
		if (l->vartype != r->vartype)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("projection \"%s\" joins lookup %s on columns of different types (%s and %s)",
							spec->name, rel_name(relid), format_type_be(l->vartype), format_type_be(r->vartype)),
					 errhint("Give the source column the type of the lookup's key.")));
		if (n < DENORM_MAX_KEY_COLS)
		{
			dep_atts[n] = l->varattno;
			src_atts[n] = r->varattno;
			n++;
		}
	}

	index = n > 0 ? definition_unique_index(relid, n, dep_atts, false, InvalidOid) : InvalidOid;
	if (!OidIsValid(index))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads %s, which is not joined on a unique key",
						spec->name, rel_name(relid)),
				 errdetail("denorm follows changes to a lookup table by mapping its changed keys to source rows, "
						   "so the lookup must be joined on all columns of one of its unique keys, "
						   "each equated with a column of the source %s.", rel_name(spec->source)),
				 errhint("Join it like: JOIN lookup l ON l.id = s.lookup_id.")));

	/* Order the key like the index, pairing each with its source column. */
	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	if (!HeapTupleIsValid(itup))
		elog(ERROR, "cache lookup failed for index %u", index);
	idx = (Form_pg_index) GETSTRUCT(itup);
	for (i = 0; i < idx->indnkeyatts && nidx < DENORM_MAX_KEY_COLS; i++)
	{
		int			j;

		for (j = 0; j < n; j++)
			if (dep_atts[j] == idx->indkey.values[i])
			{
				idx_dep[nidx] = dep_atts[j];
				idx_src[nidx] = src_atts[j];
				nidx++;
				break;
			}
	}
	ReleaseSysCache(itup);

	lk->relid = relid;
	lk->rtindex = fr->rtindex;
	keydesc_for(&lk->dep_key, relid, nidx, idx_dep);
	keydesc_for(&lk->src_key, spec->source, nidx, idx_src);
	lk->used_attrs = used_columns(q, fr->rtindex);
}

static void
check_rls(DenormSpec *spec, Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (!HeapTupleIsValid(tup))
		return;
	if (((Form_pg_class) GETSTRUCT(tup))->relrowsecurity)
	{
		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" uses %s, which has row-level security enabled",
						spec->name, rel_name(relid)),
				 errdetail("Maintenance runs as the projection's owner and would copy rows that the policies hide "
						   "from other roles into the target.")));
	}
	ReleaseSysCache(tup);
}

static void
check_privileges(DenormSpec *spec)
{
	int			i;

	if (!pg_class_ownercheck(spec->source, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to register projection \"%s\" on it",
						rel_name(spec->source), spec->name)));
	for (i = 0; i < spec->nlookups; i++)
		if (pg_class_aclcheck(spec->lookups[i].relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to read table %s for projection \"%s\"",
							rel_name(spec->lookups[i].relid), spec->name)));
	check_rls(spec, spec->source);
	check_rls(spec, spec->target);
	for (i = 0; i < spec->nlookups; i++)
		check_rls(spec, spec->lookups[i].relid);
}

static bool
attribute_not_null(Oid relid, AttrNumber att)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(att));
	bool		notnull;

	if (!HeapTupleIsValid(tup))
		return false;
	notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
	ReleaseSysCache(tup);
	return notnull;
}

/* A single-column, not-null, unique key of the source? */
static void
check_source_key(DenormSpec *spec, Var *v)
{
	AttrNumber	att = v->varattno;

	if (att <= 0 || !OidIsValid(definition_unique_index(spec->source, 1, &att, true, InvalidOid)) ||
		!attribute_not_null(spec->source, att))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("key column \"%s\" of projection \"%s\" must come from a unique, not-null column of its source",
						spec->key_column, spec->name),
				 errdetail("%s.%s is not the whole of a unique index, or allows NULL.",
						   rel_name(spec->source), quote_identifier(get_attname(spec->source, att, false)))));
}

static void
analyze_row(DenormSpec *spec, Query *q, Relation target, bool registering)
{
	FromWalk	w;
	TargetEntry *keytle;
	TargetEntry *typetle;
	Var		   *keyvar;
	ListCell   *lc;
	int			source_rti;
	int			nsource = 0;
	AttrNumber	ident[DENORM_MAX_KEY_COLS + 2];
	int			nident = 0;
	int			i;

	memset(&w, 0, sizeof(w));
	w.spec = spec;
	walk_from(&w, q, (Node *) q->jointree, false, NULL);

	/* The key column names the source. */
	keytle = find_output(spec, q, spec->key_column);
	keyvar = (Var *) strip_relabel((Node *) keytle->expr);
	if (!IsA(keyvar, Var) || keyvar->varlevelsup != 0 ||
		rt_fetch(keyvar->varno, q->rtable)->rtekind != RTE_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("key column \"%s\" of projection \"%s\" must be a column of the source table, unchanged",
						spec->key_column, spec->name),
				 errhint("Write it like: SELECT s.id AS %s ... FROM source s.", quote_identifier(spec->key_column))));
	source_rti = keyvar->varno;
	spec->source_rti = source_rti;
	spec->source = rt_fetch(source_rti, q->rtable)->relid;
	foreach(lc, w.rels)
	{
		FromRel    *fr = lfirst(lc);
		RangeTblEntry *rte = rt_fetch(fr->rtindex, q->rtable);

		if (rte->relid == spec->source)
			nsource++;
		if (fr->rtindex == source_rti && fr->nullable)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("source %s of projection \"%s\" is on the nullable side of an outer join",
							rel_name(spec->source), spec->name)));
	}
	if (nsource != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("projection \"%s\" reads its source %s more than once", spec->name, rel_name(spec->source))));
	check_relation_kind(spec, spec->source, "source");
	check_source_key(spec, keyvar);
	keydesc_for(&spec->src_key, spec->source, 1, &keyvar->varattno);
	spec->src_used = used_columns(q, source_rti);

	/* The type column is a constant that tells this projection's rows apart. */
	typetle = find_output(spec, q, spec->type_column);
	{
		Node	   *e = strip_relabel((Node *) typetle->expr);
		Const	   *c;
		Oid			outfn;
		bool		isvarlena;

		if (!IsA(e, Const) || ((Const *) e)->constisnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("type column \"%s\" of projection \"%s\" must be a non-null constant",
							spec->type_column, spec->name),
					 errhint("Write it like: SELECT 'income'::text AS %s.", quote_identifier(spec->type_column))));
		c = (Const *) e;
		getTypeOutputInfo(c->consttype, &outfn, &isvarlena);
		spec->type_value = OidOutputFunctionCall(outfn, c->constvalue);
	}

	/* Lookups. */
	spec->nlookups = list_length(w.rels) - 1;
	spec->lookups = palloc0(sizeof(DenormLookup) * Max(spec->nlookups, 1));
	i = 0;
	foreach(lc, w.rels)
	{
		FromRel    *fr = lfirst(lc);
		Oid			relid = rt_fetch(fr->rtindex, q->rtable)->relid;

		if (fr->rtindex == source_rti)
			continue;
		check_relation_kind(spec, relid, "lookup");
		if (relid == spec->target)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("projection \"%s\" would read its own target %s", spec->name, rel_name(relid)),
					 errdetail("cycle: %s -> %s", rel_name(relid), rel_name(relid))));
		analyze_lookup(spec, q, &w, fr, source_rti, &spec->lookups[i]);
		for (int j = 0; j < i; j++)
			if (spec->lookups[j].relid == relid)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("projection \"%s\" reads lookup %s more than once", spec->name, rel_name(relid))));
		i++;
	}

	/* Output columns against the target. */
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (!tle->resjunk)
			(void) target_column(spec, target, tle);
	}
	ident[nident++] = get_attnum(spec->target, spec->type_column);
	ident[nident++] = get_attnum(spec->target, spec->key_column);
	foreach(lc, spec->row_key)
	{
		char	   *col = lfirst(lc);

		(void) find_output(spec, q, col);
		if (nident >= DENORM_MAX_KEY_COLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("projection \"%s\" has too many row key columns", spec->name)));
		ident[nident++] = get_attnum(spec->target, col);
	}
	if (!OidIsValid(definition_unique_index(spec->target, nident, ident, true, InvalidOid)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("target %s of projection \"%s\" has no unique index on exactly its identity columns",
						rel_name(spec->target), spec->name),
				 errdetail("A row projection's rows are identified by (%s, %s%s%s).",
						   spec->type_column, spec->key_column,
						   spec->row_key ? ", " : "",
						   spec->row_key ? "row_key columns" : ""),
				 errhint("CREATE UNIQUE INDEX ON %s (%s, %s%s).", rel_name(spec->target),
						 quote_identifier(spec->type_column), quote_identifier(spec->key_column),
						 spec->row_key ? ", ..." : "")));

	/* Outputs that are plain copies of source columns: writeback routes those. */
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Var		   *v = (Var *) strip_relabel((Node *) tle->expr);

		if (!tle->resjunk && IsA(v, Var) && v->varno == source_rti && v->varlevelsup == 0 &&
			v->varattno > 0)
		{
			CopiedColumn *cc = palloc(sizeof(CopiedColumn));

			cc->name = pstrdup(tle->resname);
			cc->source_attnum = v->varattno;
			spec->copied = lappend(spec->copied, cc);
		}
	}

	spec->one_to_one = (spec->row_key == NIL && !w.has_other_rtes && q->jointree->quals == NULL);
	foreach(lc, w.rels)
	{
		FromRel    *fr = lfirst(lc);

		if (fr->rtindex != source_rti && !fr->nullable)
			spec->one_to_one = false;	/* an inner lookup may drop the row */
	}
	if (w.inner_quals != NIL)
	{
		/* Inner join conditions filter too (only LEFT JOIN lookups are total). */
		spec->one_to_one = false;
	}

	/*
	 * One row per source row whatever its values: only the key decides.
	 * Otherwise the conditions, identity outputs and row generators do.
	 */
	if (spec->one_to_one)
		pull_varattnos((Node *) keyvar, source_rti, &spec->shape_used);
	else
	{
		spec->shape_used = shape_columns(spec, q, source_rti);
		pull_varattnos((Node *) keyvar, source_rti, &spec->shape_used);
	}
	/* A lookup's join key is in its shape: it is in a join condition. */
	for (i = 0; i < spec->nlookups; i++)
		spec->lookups[i].shape_attrs = shape_columns(spec, q, spec->lookups[i].rtindex);
	value_output_columns(spec, q, source_rti);

	add_relid(spec, spec->source);
	for (i = 0; i < spec->nlookups; i++)
		add_relid(spec, spec->lookups[i].relid);
	if (registering)
		check_privileges(spec);
}

/* Classify one owned column of a column projection. */
static void
analyze_aggregate(DenormSpec *spec, Query *q, TargetEntry *tle, Relation target,
				  DenormAggColumn *ac)
{
	Aggref	   *agg = (Aggref *) strip_coercions((Node *) tle->expr);
	Form_pg_attribute att;
	TypeCacheEntry *tc;

	if (!IsA(agg, Aggref) || agg->agglevelsup != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("column \"%s\" of projection \"%s\" must be one aggregate call (or the GROUP BY column)",
						tle->resname, spec->name),
				 errhint("Compute expressions inside the aggregate: sum(a * b), not sum(a) * 2.")));
	if (contain_agg_clause((Node *) agg->args))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("column \"%s\" of projection \"%s\" nests aggregates", tle->resname, spec->name)));

	ac->name = pstrdup(tle->resname);
	ac->target_attnum = target_column(spec, target, tle);
	att = TupleDescAttr(RelationGetDescr(target), ac->target_attnum - 1);
	ac->type = att->atttypid;
	ac->typmod = att->atttypmod;

	switch (agg->aggfnoid)
	{
		case F_SUM_INT2:
		case F_SUM_INT4:
		case F_SUM_INT8:
		case F_SUM_NUMERIC:
			ac->method = AGG_DELTA_SUM;
			ac->empty_is_zero = true;
			break;
		case F_SUM_FLOAT4:
		case F_SUM_FLOAT8:
		case F_SUM_MONEY:
		case F_SUM_INTERVAL:
			ac->method = AGG_RECOMPUTE; /* inexact or non-numeric: deltas would drift */
			ac->empty_is_zero = true;
			break;
		case F_COUNT_:
		case F_COUNT_ANY:
			ac->method = AGG_DELTA_COUNT;
			ac->empty_is_zero = true;
			break;
		default:
			ac->method = AGG_RECOMPUTE;
			ac->empty_is_zero = false;
	}
	if (agg->aggdistinct || agg->aggorder || agg->aggkind != AGGKIND_NORMAL)
		ac->method = AGG_RECOMPUTE;
	if (ac->method == AGG_RECOMPUTE)
		spec->recompute = true;

	if (ac->empty_is_zero)
	{
		Oid			infn;
		Oid			ioparam;

		getTypeInputInfo(ac->type, &infn, &ioparam);
		ac->empty_value = OidInputFunctionCall(infn, "0", ioparam, ac->typmod);
		ac->empty_isnull = false;
	}
	else
	{
		ac->empty_value = (Datum) 0;
		ac->empty_isnull = true;
	}
	tc = lookup_type_cache(ac->type, TYPECACHE_EQ_OPR_FINFO);
	if (OidIsValid(tc->eq_opr_finfo.fn_oid))
	{
		fmgr_info_cxt(tc->eq_opr_finfo.fn_oid, &ac->eqfn, CurrentMemoryContext);
		ac->has_eqfn = true;
	}
}

/* Is there a validated foreign key from the source's group columns to the target key? */
static bool
has_foreign_key(DenormSpec *spec)
{
	Relation	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData skey;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&skey, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(spec->source));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 1, &skey);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		AttrNumber	conkey[INDEX_MAX_KEYS];
		AttrNumber	confkey[INDEX_MAX_KEYS];
		Oid			pf[INDEX_MAX_KEYS],
					pp[INDEX_MAX_KEYS],
					ff[INDEX_MAX_KEYS];
		int			nkeys;
		int			i;
		bool		ok;

		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != spec->target ||
			!con->convalidated)
			continue;
		DeconstructFkConstraintRow(tup, &nkeys, conkey, confkey, pf, pp, ff, NULL, NULL);
		if (nkeys != spec->src_key.natts)
			continue;
		ok = true;
		for (i = 0; i < nkeys && ok; i++)
		{
			int			j;
			bool		hit = false;

			for (j = 0; j < nkeys; j++)
				if (conkey[i] == spec->src_key.attnums[j] &&
					confkey[i] == spec->tgt_key.attnums[j])
					hit = true;
			ok = hit;
		}
		found = ok;
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);
	return found;
}

static void
analyze_column(DenormSpec *spec, Query *q, Relation target, bool registering)
{
	FromWalk	w;
	FromRel    *fr;
	int			source_rti;
	ListCell   *lc;
	AttrNumber	src_atts[DENORM_MAX_KEY_COLS];
	AttrNumber	tgt_atts[DENORM_MAX_KEY_COLS];
	int			ngroup = 0;

	memset(&w, 0, sizeof(w));
	w.spec = spec;
	walk_from(&w, q, (Node *) q->jointree, false, NULL);
	if (list_length(w.rels) != 1 || w.has_other_rtes)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("column projection \"%s\" must aggregate exactly one table", spec->name),
				 errhint("Aggregate a row projection that does the join, if the inputs come from several tables.")));
	fr = linitial(w.rels);
	source_rti = fr->rtindex;
	spec->source_rti = source_rti;
	spec->source = rt_fetch(source_rti, q->rtable)->relid;
	check_relation_kind(spec, spec->source, "source");
	if (spec->source == spec->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("projection \"%s\" would feed table %s from itself", spec->name, rel_name(spec->target)),
				 errdetail("cycle: %s -> %s", rel_name(spec->target), rel_name(spec->target))));

	/* GROUP BY columns are the group key and name the target's key. */
	foreach(lc, q->groupClause)
	{
		SortGroupClause *sgc = lfirst(lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, q->targetList);
		Var		   *v = (Var *) strip_relabel((Node *) tle->expr);

		if (!IsA(v, Var) || v->varno != source_rti || v->varattno <= 0 || v->varlevelsup)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("projection \"%s\" groups by an expression; group by columns of %s",
							spec->name, rel_name(spec->source))));
		if (tle->resjunk)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("GROUP BY column of projection \"%s\" must be in the select list, named after the target's key column",
							spec->name)));
		if (ngroup >= DENORM_MAX_KEY_COLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("projection \"%s\" groups by too many columns", spec->name)));
		src_atts[ngroup] = v->varattno;
		tgt_atts[ngroup] = target_column(spec, target, tle);
		ngroup++;
	}
	if (!OidIsValid(definition_unique_index(spec->target, ngroup, tgt_atts, true, InvalidOid)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("target %s of projection \"%s\" has no unique index on exactly its GROUP BY columns",
						rel_name(spec->target), spec->name),
				 errhint("The GROUP BY columns must name the target's primary key or another unique key.")));
	keydesc_for(&spec->src_key, spec->source, ngroup, src_atts);
	keydesc_for(&spec->tgt_key, spec->target, ngroup, tgt_atts);
	spec->src_used = used_columns(q, source_rti);

	/* Every other output column is an owned aggregate column. */
	spec->aggs = palloc0(sizeof(DenormAggColumn) * list_length(q->targetList));
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (tle->resjunk)
			continue;
		if (tle->ressortgroupref &&
			get_sortgroupref_clause_noerr(tle->ressortgroupref, q->groupClause))
			continue;			/* a group column */
		analyze_aggregate(spec, q, tle, target, &spec->aggs[spec->naggs++]);
	}
	if (spec->naggs == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("projection \"%s\" owns no column: its definition has no aggregate", spec->name)));

	spec->has_fk = has_foreign_key(spec);
	add_relid(spec, spec->source);
	if (registering)
		check_privileges(spec);
}

/*
 * Derive a spec's shape from its definition. Expects kind, name, target,
 * view and (row) the identity column names to be set. With registering, also
 * checks what only registration must check (privileges).
 */
void
definition_analyze(DenormSpec *spec, Query *q, bool registering)
{
	Relation	target;

	check_query_shape(spec, q);
	check_duplicate_outputs(spec, q);
	check_immutable(spec, q);

	target = table_open(spec->target, AccessShareLock);
	if (spec->kind == DENORM_ROW)
		analyze_row(spec, q, target, registering);
	else
		analyze_column(spec, q, target, registering);
	table_close(target, AccessShareLock);

	add_relid(spec, spec->target);
	add_relid(spec, spec->view);
	spec->source_sql = pstrdup(rel_name(spec->source));
	spec->target_sql = pstrdup(rel_name(spec->target));
}
