/*
 * qualify.c — makes a projection's maintenance independent of the writing
 * session's search_path, so that maintenance need not pin one.
 *
 * Pinning search_path around every maintenance call is not free: besides
 * the GUC switch, PostgreSQL replans a cached plan whenever the search_path
 * differs from the one it was planned under, and the foreign-key checks that
 * fire both in the application's statements and in ours (an invoice inserted
 * by the application, then updated by its total) would be replanned at every
 * switch. Measured on the bookkeeping OLTP mix: about a fifth of the server's
 * CPU. So, when it is safe, maintenance runs under the session's search_path:
 *
 *  1. every name in the generated SQL is schema-qualified (sqlgen deparses
 *     under search_path = pg_catalog, so only pg_catalog names come out bare;
 *     qualify_sql() adds "pg_catalog." to those), and
 *  2. nothing maintenance executes resolves names at run time on its own:
 *     the definition calls only pg_catalog functions, and writing the target
 *     runs no user trigger, rule, default, constraint, index expression or
 *     referential action that could (writes_are_fixed()).
 *
 * Otherwise, and for any construct qualify_sql() does not know, the spec
 * keeps pinning the search_path recorded at registration (engine_begin).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "optimizer/optimizer.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "denorm.h"

/* One change to the text: replace len bytes at location with text. */
typedef struct TextEdit
{
	int			location;
	int			len;
	char	   *text;
} TextEdit;

typedef struct QualifyWalk
{
	const char *sql;
	List	   *edits;			/* TextEdit * */
	List	   *relnames;		/* unqualified relation names allowed: CTEs, ENRs */
	bool		failed;
	const char *why;			/* what could not be qualified */
} QualifyWalk;

static void
fail(QualifyWalk *w, const char *why)
{
	if (!w->failed)
		w->why = why;
	w->failed = true;
}

static bool
bare(List *names)
{
	return list_length(names) == 1;
}

static void
add_edit(QualifyWalk *w, int location, int len, char *text)
{
	TextEdit   *e = palloc(sizeof(TextEdit));

	e->location = location;
	e->len = len;
	e->text = text;
	w->edits = lappend(w->edits, e);
}

/* Does the text at location start with the (possibly quoted) identifier name? */
static bool
text_has_name(QualifyWalk *w, int location, const char *name)
{
	const char *at = w->sql + location;
	const char *quoted = quote_identifier(name);

	return location >= 0 &&
		(strncmp(at, name, strlen(name)) == 0 || strncmp(at, quoted, strlen(quoted)) == 0);
}

/* Prefix a bare name at location with pg_catalog, in the text and the tree. */
static void
qualify_name(QualifyWalk *w, List **names, int location)
{
	char	   *name = strVal(linitial(*names));

	if (!text_has_name(w, location, name))
	{
		fail(w, psprintf("name %s not found where the parser put it", name));
		return;
	}
	add_edit(w, location, 0, "pg_catalog.");
	*names = lcons(makeString("pg_catalog"), *names);
}

static void
collect_cte_names(QualifyWalk *w, WithClause *with)
{
	ListCell   *lc;

	if (with == NULL)
		return;
	foreach(lc, with->ctes)
		w->relnames = lappend(w->relnames, ((CommonTableExpr *) lfirst(lc))->ctename);
}

static bool
qualify_walker(Node *node, QualifyWalk *w)
{
	if (node == NULL || w->failed)
		return false;
	switch (nodeTag(node))
	{
		case T_FuncCall:
			{
				FuncCall   *fc = (FuncCall *) node;

				if (bare(fc->funcname))
					qualify_name(w, &fc->funcname, fc->location);
				break;
			}
		case T_TypeName:
			{
				TypeName   *tn = (TypeName *) node;

				if (tn->pct_type)
					fail(w, "%TYPE");
				else if (bare(tn->names))
					qualify_name(w, &tn->names, tn->location);
				break;
			}
		case T_A_Expr:
			{
				A_Expr	   *ae = (A_Expr *) node;

				if (ae->kind != AEXPR_OP && ae->kind != AEXPR_OP_ANY && ae->kind != AEXPR_OP_ALL)
				{
					/* IS DISTINCT FROM, NULLIF, IN, LIKE...: no place for a schema */
					fail(w, "IS DISTINCT FROM, NULLIF, IN, LIKE or BETWEEN");
					break;
				}
				if (bare(ae->name))
				{
					char	   *op = strVal(linitial(ae->name));

					if (ae->location < 0 || strncmp(w->sql + ae->location, op, strlen(op)) != 0)
					{
						fail(w, psprintf("operator %s not found where the parser put it", op));
						break;
					}
					add_edit(w, ae->location, strlen(op), psprintf("OPERATOR(pg_catalog.%s)", op));
					ae->name = lcons(makeString("pg_catalog"), ae->name);
				}
				break;
			}
		case T_TypeCast:
			{
				/* 'lower'::regproc and friends look the name up when parsed */
				TypeName   *tn = ((TypeCast *) node)->typeName;
				const char *type = strVal(llast(tn->names));

				if (strncmp(type, "reg", 3) == 0 && strcmp(type, "regclass") != 0)
					fail(w, psprintf("a %s constant", type));
				else if (strcmp(type, "regclass") == 0 && IsA(((TypeCast *) node)->arg, A_Const))
				{
					A_Const    *c = (A_Const *) ((TypeCast *) node)->arg;

					if (!c->isnull && IsA(&c->val, String) && strchr(strVal(&c->val), '.') == NULL)
						fail(w, "a regclass constant without a schema");
				}
				break;
			}
		case T_SubLink:
			if (bare(((SubLink *) node)->operName))
				fail(w, "IN or ANY with a subquery");
			break;
		case T_CaseExpr:
			if (((CaseExpr *) node)->arg != NULL)
				fail(w, "CASE x WHEN");	/* "=" looked up by name */
			break;
		case T_JoinExpr:
			if (((JoinExpr *) node)->usingClause != NIL || ((JoinExpr *) node)->isNatural)
				fail(w, "JOIN USING or NATURAL JOIN");	/* "=" looked up by name */
			break;
		case T_SortBy:
			if (bare(((SortBy *) node)->useOp))
				fail(w, "ORDER BY ... USING");
			break;
		case T_CollateClause:
			if (bare(((CollateClause *) node)->collname))
				fail(w, "COLLATE");
			break;
		case T_IndexElem:
			if (bare(((IndexElem *) node)->opclass) || bare(((IndexElem *) node)->collation))
				fail(w, "an operator class or collation");
			break;
		case T_RangeVar:
			{
				RangeVar   *rv = (RangeVar *) node;
				ListCell   *lc;
				bool		known = false;

				if (rv->schemaname != NULL)
					break;
				foreach(lc, w->relnames)
					if (strcmp(rv->relname, (char *) lfirst(lc)) == 0)
						known = true;
				if (!known)
					fail(w, psprintf("table %s without a schema", rv->relname));
				break;
			}
		case T_LockingClause:
			return false;		/* FOR UPDATE OF names aliases, not tables */
		case T_SelectStmt:
			collect_cte_names(w, ((SelectStmt *) node)->withClause);
			break;
		case T_InsertStmt:
			collect_cte_names(w, ((InsertStmt *) node)->withClause);
			break;
		case T_UpdateStmt:
			collect_cte_names(w, ((UpdateStmt *) node)->withClause);
			break;
		case T_DeleteStmt:
			collect_cte_names(w, ((DeleteStmt *) node)->withClause);
			break;
		default:
			break;
	}
	if (w->failed)
		return false;
	return raw_expression_tree_walker(node, qualify_walker, (void *) w);
}

static int
edit_cmp(const ListCell *a, const ListCell *b)
{
	int			la = ((TextEdit *) lfirst(a))->location;
	int			lb = ((TextEdit *) lfirst(b))->location;

	return (la > lb) - (la < lb);
}

/*
 * sql with every bare (pg_catalog) function, type and operator name
 * qualified, or NULL when some construct cannot be. The result is parsed
 * again and must give the same tree, but for the names: an operator written
 * OPERATOR(...) has another precedence, and a tree that changed shape means
 * a misplaced edit; then we do without.
 */
char *
qualify_sql(const char *sql, const char **why)
{
	QualifyWalk w;
	List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	List	   *reparsed;
	StringInfoData buf;
	ListCell   *lc;
	int			pos = 0;

	memset(&w, 0, sizeof(w));
	w.sql = sql;
	w.relnames = list_make3(ENR_NEW, ENR_OLD, ENR_KEYS);
	foreach(lc, raw)
		(void) qualify_walker(((RawStmt *) lfirst(lc))->stmt, &w);
	*why = w.why;
	if (w.failed)
		return NULL;

	list_sort(w.edits, edit_cmp);
	initStringInfo(&buf);
	foreach(lc, w.edits)
	{
		TextEdit   *e = lfirst(lc);

		if (e->location < pos)
		{
			*why = "overlapping edits";	/* cannot happen, but be sure */
			return NULL;
		}
		appendBinaryStringInfo(&buf, sql + pos, e->location - pos);
		appendStringInfoString(&buf, e->text);
		pos = e->location + e->len;
	}
	appendStringInfoString(&buf, sql + pos);

	reparsed = raw_parser(buf.data, RAW_PARSE_DEFAULT);
	if (!equal(raw, reparsed))
	{
		*why = "the qualified text parses differently";
		return NULL;
	}
	return buf.data;
}

/* ------------------------------------------------------------------------
 * What maintenance runs besides its own SQL
 * ------------------------------------------------------------------------ */

static bool
func_outside_catalog(Oid funcid, void *context)
{
	return get_func_namespace(funcid) != PG_CATALOG_NAMESPACE;
}

/* Does the tree call a function outside pg_catalog, or coerce to a domain? */
static bool
calls_outside_catalog_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, CoerceToDomain))
		return true;			/* domain constraints may call anything */
	if (check_functions_in_node(node, func_outside_catalog, context))
		return true;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, calls_outside_catalog_walker, context, 0);
	return expression_tree_walker(node, calls_outside_catalog_walker, context);
}

static bool
calls_outside_catalog(Node *node)
{
	return calls_outside_catalog_walker(node, NULL);
}

/* Is the trigger one of denorm's own (guard, maintain, flush)? Its schema is fixed. */
static bool
is_denorm_trigger(Oid tgfoid)
{
	return get_func_namespace(tgfoid) == get_namespace_oid("denorm", true);
}

/* The trigger function of a referential action other than NO ACTION / RESTRICT? */
static bool
is_referential_action(Oid tgfoid)
{
	switch (tgfoid)
	{
		case F_RI_FKEY_CASCADE_DEL:
		case F_RI_FKEY_CASCADE_UPD:
		case F_RI_FKEY_SETNULL_DEL:
		case F_RI_FKEY_SETNULL_UPD:
		case F_RI_FKEY_SETDEFAULT_DEL:
		case F_RI_FKEY_SETDEFAULT_UPD:
			return true;
		default:
			return false;
	}
}

/*
 * Can writing rel run anything that resolves names at run time? A row
 * projection inserts, updates and deletes whole rows; a column projection
 * only updates its owned columns (never the key: no referential action, no
 * default).
 */
static const char *
writes_are_fixed(Relation rel, bool whole_rows)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleConstr *constr = desc->constr;
	List	   *indexes;
	ListCell   *lc;
	int			i;
	const char *why = NULL;

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relhassubclass)
		return "the target has partitions or inheritance children";
	if (rel->rd_rules != NULL)
		return "the target has rules";
	if (rel->trigdesc)
		for (i = 0; i < rel->trigdesc->numtriggers; i++)
		{
			Trigger    *tg = &rel->trigdesc->triggers[i];

			if (is_referential_action(tg->tgfoid))
			{
				/* ON DELETE CASCADE and the like write other tables, with their triggers */
				if (whole_rows)
					return psprintf("foreign key %s has a referential action on the target",
									get_constraint_name(tg->tgconstraint));
			}
			else if (!tg->tgisinternal && !is_denorm_trigger(tg->tgfoid))
				return psprintf("the target has trigger %s", quote_identifier(tg->tgname));
		}
	for (i = 0; i < desc->natts; i++)
		if (get_typtype(TupleDescAttr(desc, i)->atttypid) == TYPTYPE_DOMAIN)
			return "the target has a column of a domain type";
	if (constr)
	{
		for (i = 0; i < constr->num_defval; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, constr->defval[i].adnum - 1);

			if ((whole_rows || att->attgenerated) &&
				calls_outside_catalog(stringToNode(constr->defval[i].adbin)))
				return "a default or generated column of the target calls a function outside pg_catalog";
		}
		for (i = 0; i < constr->num_check; i++)
			if (calls_outside_catalog(stringToNode(constr->check[i].ccbin)))
				return "a check constraint of the target calls a function outside pg_catalog";
	}
	if (calls_outside_catalog((Node *) RelationGetIndexExpressions(rel)) ||
		calls_outside_catalog((Node *) RelationGetIndexPredicate(rel)))
		return "an index of the target calls a function outside pg_catalog";

	/* Index support functions (user types' operator classes). */
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);

		for (i = 0; i < IndexRelationGetNumberOfKeyAttributes(idx) && why == NULL; i++)
		{
			HeapTuple	tup = SearchSysCache1(OPFAMILYOID, ObjectIdGetDatum(idx->rd_opfamily[i]));

			if (HeapTupleIsValid(tup))
			{
				if (((Form_pg_opfamily) GETSTRUCT(tup))->opfnamespace != PG_CATALOG_NAMESPACE)
					why = "an index of the target uses an operator class outside pg_catalog";
				ReleaseSysCache(tup);
			}
		}
		index_close(idx, AccessShareLock);
	}
	list_free(indexes);
	if (why)
		return why;

	return why;
}

/*
 * Decide, when the spec is built, whether anything maintenance runs besides
 * its own statements looks names up (spec->pin_reason). Cheap: the
 * definition's tree and the target's relcache entry.
 */
void
qualify_spec_environment(DenormSpec *spec, Query *definition)
{
	const char *why = NULL;

	if (calls_outside_catalog((Node *) definition))
		why = "the definition calls a function outside pg_catalog, or casts to a domain";
	else
	{
		Relation	target = table_open(spec->target, AccessShareLock);

		why = writes_are_fixed(target, spec->kind == DENORM_ROW);
		table_close(target, AccessShareLock);
	}
	spec->pin_reason = why ? MemoryContextStrdup(spec->cxt, why) : NULL;
	spec->pin_search_path = true;	/* until qualify_spec_statements() */
}

/*
 * Qualify the statements maintenance runs (the audit statements run under
 * the pinned path: they are the largest, and audit is not a hot path), and
 * settle spec->pin_search_path. Parsing twice per statement costs more than
 * building the spec, so it is done once, before the spec first maintains.
 */
void
qualify_spec_statements(DenormSpec *spec)
{
	MemoryContext old;
	const char *why = spec->pin_reason;
	int			i;

	if (spec->statements_qualified)
		return;
	old = MemoryContextSwitchTo(spec->cxt);

#define QUALIFY(field, purpose) \
	do { \
		if ((field) != NULL) \
		{ \
			const char *what_; \
			char *q_ = qualify_sql(field, &what_); \
			if (q_ != NULL) \
				(field) = q_; \
			else if (why == NULL) \
				why = psprintf("a %s statement uses %s", purpose, what_); \
		} \
	} while (0)

	for (i = 0; i < DENORM_NPLANS; i++)
		if (!sqlgen_is_audit(spec, i))
			QUALIFY(spec->sql[i], "maintenance");
	for (i = 0; i < spec->nlookups; i++)
	{
		QUALIFY(spec->lookups[i].sql_map, "lookup");
		QUALIFY(spec->lookups[i].sql_read_new, "lookup");
		QUALIFY(spec->lookups[i].sql_read_keys, "lookup");
	}
#undef QUALIFY

	spec->pin_search_path = (why != NULL);
	spec->pin_reason = why ? pstrdup(why) : NULL;
	spec->statements_qualified = true;
	MemoryContextSwitchTo(old);
}
