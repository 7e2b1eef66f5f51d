/*
 * lookup_prune.c — the definition an in-place UPDATE of some outputs needs:
 * without the lookups none of those outputs reads.
 *
 * An in-place UPDATE (a source update that keeps the shape, or a lookup
 * change that does) rewrites only the outputs the written columns feed: a
 * new invoice total sets the journal lines' two amounts. Their definition
 * still joins business, whose columns only the lines' account reads: one
 * more scan node and index probe per statement (44k instructions of a
 * 680k item price update, callgrind). Here such a lookup's join becomes a
 * LEFT JOIN whose columns nothing reads (the cells and outputs that read
 * them become NULL), which the planner removes: it joins on a unique key.
 *
 * Why an inner join may become a left join: the UPDATE only rewrites target
 * rows that exist, matched on their identity. A source row the inner join
 * would drop (no lookup row) has no target rows while the projection is in
 * step, so the extra rows of the left join match nothing. The locks keep it
 * so: maintenance of the source row share-locks the lookup keys it reads,
 * and a change of the lookup row maps to and locks the source rows.
 *
 * Only plain definitions are pruned: no sublinks, no subquery, CTE or
 * table-function ranges, no reference to a join's alias columns. A lookup
 * is pruned only when it is the right-hand side of an inner or left join
 * and its columns appear nowhere but in its own join condition, in outputs
 * the UPDATE does not need, and in VALUES columns only those outputs read.
 */
#include "postgres.h"

#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"

#include "denorm.h"

/* The inner or left join whose right-hand side is range table entry rti. */
static JoinExpr *
join_of(Node *node, int rti)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) node)->fromlist)
		{
			JoinExpr   *j = join_of(lfirst(lc), rti);

			if (j)
				return j;
		}
		return NULL;
	}
	if (IsA(node, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) node;
		JoinExpr   *found;

		if ((j->jointype == JOIN_INNER || j->jointype == JOIN_LEFT) &&
			IsA(j->rarg, RangeTblRef) && ((RangeTblRef *) j->rarg)->rtindex == rti)
			return j;
		found = join_of(j->larg, rti);
		return found ? found : join_of(j->rarg, rti);
	}
	return NULL;
}

/* The range table entries node's Vars of this query level read. */
static Bitmapset *
rels_read(Node *node)
{
	return pull_varnos(NULL, node);
}

/* Every join condition in the tree, but except's. */
static void
join_quals(Node *node, JoinExpr *except, List **out)
{
	if (node == NULL)
		return;
	if (IsA(node, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) node)->fromlist)
			join_quals(lfirst(lc), except, out);
	}
	else if (IsA(node, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) node;

		if (j != except && j->quals)
			*out = lappend(*out, j->quals);
		join_quals(j->larg, except, out);
		join_quals(j->rarg, except, out);
	}
}

typedef struct NullContext
{
	Bitmapset  *rels;			/* the pruned lookups */
	Index		levelsup;		/* the definition's level, seen from the expression */
} NullContext;

/* Replace the pruned lookups' Vars with NULLs of their types. */
static Node *
null_vars(Node *node, NullContext *cxt)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var))
	{
		Var		   *v = (Var *) node;

		if (v->varlevelsup == cxt->levelsup && bms_is_member(v->varno, cxt->rels))
			return (Node *) makeNullConst(v->vartype, v->vartypmod, v->varcollid);
		return node;
	}
	return expression_tree_mutator(node, null_vars, (void *) cxt);
}

/*
 * The rows of a VALUES list in FROM (values_behind: the entry itself, or
 * the subquery the parser wraps (VALUES ...) AS l(...) in), the VALUES
 * column behind each of the entry's columns, and the level, seen from a
 * cell, of the definition's other ranges its LATERAL references read; NIL
 * if rte is no VALUES list.
 */
static List *
values_rows(RangeTblEntry *rte, List **colmap, Index *levelsup)
{
	RangeTblEntry *v = values_behind(rte, colmap);

	if (v == NULL)
		return NIL;
	*levelsup = v == rte ? 0 : 1;
	return v->values_lists;
}

/* Does the UPDATE need output tle: an identity output, or one it sets? */
static bool
output_needed(DenormSpec *spec, TargetEntry *tle, const Bitmapset *outputs)
{
	ListCell   *lc;

	if (tle->resjunk)
		return false;
	if (is_identity_output(spec, tle))
		return true;
	foreach(lc, spec->value_outputs)
		if (bms_is_member(foreach_current_index(lc), (Bitmapset *) outputs) &&
			strcmp(((ValueOutput *) lfirst(lc))->name, tle->resname) == 0)
			return true;
	return false;
}

/*
 * A copy of the definition q for an in-place UPDATE of outputs (indexes
 * into spec->value_outputs), with every lookup those outputs do not read
 * made removable; NULL when none can be.
 */
Query *
lookup_prune_definition(DenormSpec *spec, Query *q, const Bitmapset *outputs)
{
	Query	   *qq;
	List	   *needed_exprs = NIL;
	List	   *other_exprs = NIL;
	Bitmapset  *cells_needed_read = NULL;	/* what the VALUES cells needed read */
	Bitmapset  *cells_read = NULL;	/* ... and all of them */
	Bitmapset **values_needed;	/* per range table entry: VALUES columns needed */
	Bitmapset  *pruned = NULL;
	NullContext nc;
	ListCell   *lc;
	int			nrtes = list_length(q->rtable);
	int			rti;
	int			i;

	if (spec->nlookups == 0 || q->hasSubLinks || q->cteList != NIL || q->setOperations != NULL ||
		q->groupClause != NIL || q->hasAggs || q->hasWindowFuncs || q->hasTargetSRFs)
		return NULL;

	/* What the needed outputs read, directly and through VALUES columns. */
	values_needed = palloc0(sizeof(Bitmapset *) * (nrtes + 1));
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		List	   *vars;
		ListCell   *vc;

		if (!output_needed(spec, tle, outputs))
			continue;
		needed_exprs = lappend(needed_exprs, tle->expr);
		vars = pull_var_clause((Node *) tle->expr, 0);
		foreach(vc, vars)
		{
			Var		   *v = lfirst(vc);
			List	   *colmap;
			Index		up;
			ListCell   *cc;

			if (v->varlevelsup != 0 || values_rows(rt_fetch(v->varno, q->rtable), &colmap, &up) == NIL)
				continue;
			/* A whole-row reference (l.*) needs every column. */
			foreach(cc, colmap)
				if (v->varattno == 0 || v->varattno == foreach_current_index(cc) + 1)
					values_needed[v->varno] = bms_add_member(values_needed[v->varno], lfirst_int(cc));
		}
	}

	/* Everything else that could read a lookup, and what no lookup may be read through. */
	if (q->jointree->quals)
		other_exprs = lappend(other_exprs, q->jointree->quals);
	rti = 0;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		rti++;
		switch (rte->rtekind)
		{
			case RTE_RELATION:
			case RTE_JOIN:
				break;
			case RTE_VALUES:
			case RTE_SUBQUERY:
				{
					List	   *colmap;
					Index		up;
					List	   *rows = values_rows(rte, &colmap, &up);
					ListCell   *row;

					if (rows == NIL)
						return NULL;	/* a subquery: not pruned */
					foreach(row, rows)
					{
						ListCell   *cell;

						foreach(cell, (List *) lfirst(row))
						{
							Bitmapset  *reads = pull_varnos_of_level(NULL, lfirst(cell), up);

							if (bms_is_member(foreach_current_index(cell) + 1, values_needed[rti]))
								cells_needed_read = bms_union(cells_needed_read, reads);
							cells_read = bms_union(cells_read, reads);
						}
					}
				}
				break;
			case RTE_FUNCTION:
				other_exprs = lappend(other_exprs, rte->functions);
				break;
			default:
				return NULL;	/* CTE, table function...: not pruned */
		}
	}

	/* A reference to a join's alias columns could hide any lookup. */
	{
		List	   *everything = list_make2(q->targetList, other_exprs);
		Bitmapset  *all;

		join_quals((Node *) q->jointree, NULL, &everything);
		all = bms_union(rels_read((Node *) everything), cells_read);
		rti = -1;
		while ((rti = bms_next_member(all, rti)) >= 0)
			if (rt_fetch(rti, q->rtable)->rtekind == RTE_JOIN)
				return NULL;
	}

	for (i = 0; i < spec->nlookups; i++)
	{
		int			l = spec->lookups[i].rtindex;
		JoinExpr   *j = join_of((Node *) q->jointree, l);
		List	   *quals = NIL;

		if (j == NULL || bms_is_member(l, rels_read((Node *) needed_exprs)) ||
			bms_is_member(l, cells_needed_read) ||
			bms_is_member(l, rels_read((Node *) other_exprs)))
			continue;
		join_quals((Node *) q->jointree, j, &quals);
		if (bms_is_member(l, rels_read((Node *) quals)))
			continue;
		pruned = bms_add_member(pruned, l);
	}
	if (pruned == NULL)
		return NULL;

	/* The copy: those joins left joins, every remaining read of them NULL. */
	qq = copyObject(q);
	nc.rels = pruned;
	nc.levelsup = 0;
	rti = -1;
	while ((rti = bms_next_member(pruned, rti)) >= 0)
	{
		JoinExpr   *j = join_of((Node *) qq->jointree, rti);

		j->jointype = JOIN_LEFT;
		if (j->rtindex > 0)
			rt_fetch(j->rtindex, qq->rtable)->jointype = JOIN_LEFT;
	}
	foreach(lc, qq->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (!output_needed(spec, tle, outputs))
			tle->expr = (Expr *) null_vars((Node *) tle->expr, &nc);
	}
	rti = 0;
	foreach(lc, qq->rtable)
	{
		List	   *colmap;
		ListCell   *row;

		rti++;
		foreach(row, values_rows(lfirst(lc), &colmap, &nc.levelsup))
		{
			ListCell   *cell;

			foreach(cell, (List *) lfirst(row))
				if (!bms_is_member(foreach_current_index(cell) + 1, values_needed[rti]))
					lfirst(cell) = null_vars(lfirst(cell), &nc);
		}
	}
	return qq;
}
