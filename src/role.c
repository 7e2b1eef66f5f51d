/*
 * role.c — which part a firing relation plays in a projection (source, one
 * of its lookups, or its target), and how to read it when it is a partition
 * of that table rather than the table itself: partitions may order their
 * columns differently, so keys and column sets are remapped by name.
 */
#include "postgres.h"

#include "access/attmap.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/partition.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "denorm.h"

/* Is table canonical itself, or a partition (at any depth) of it? */
bool
role_in_tree(Oid table, Oid canonical)
{
	ListCell   *lc;

	if (table == canonical)
		return true;
	if (!get_rel_relispartition(table))
		return false;
	foreach(lc, get_partition_ancestors(table))
		if (lfirst_oid(lc) == canonical)
			return true;
	return false;
}

static bool
is_or_descends_from(Relation rel, Oid want)
{
	return role_in_tree(RelationGetRelid(rel), want);
}

void
role_find(DenormSpec *spec, Relation rel, DenormRole *role)
{
	int			i;

	memset(role, 0, sizeof(*role));
	role->lookup = -1;
	if (is_or_descends_from(rel, spec->source))
	{
		role->is_source = true;
		role->canonical = spec->source;
	}
	else if (is_or_descends_from(rel, spec->target))
	{
		role->is_target = true;
		role->canonical = spec->target;
	}
	else
	{
		for (i = 0; i < spec->nlookups; i++)
			if (is_or_descends_from(rel, spec->lookups[i].relid))
			{
				role->lookup = i;
				role->canonical = spec->lookups[i].relid;
				break;
			}
	}
	if (!OidIsValid(role->canonical))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("projection \"%s\" does not use table %s, so it cannot be maintained from a trigger on it",
						spec->name, RelationGetRelationName(rel)),
				 errhint("denorm.trigger_ddl('%s') prints the triggers the projection needs.", spec->name)));
	role->exact = (RelationGetRelid(rel) == role->canonical);
	if (!role->exact)
	{
		Relation	canon = table_open(role->canonical, AccessShareLock);

		role->map = build_attrmap_by_name(RelationGetDescr(rel), RelationGetDescr(canon));
		table_close(canon, AccessShareLock);
	}
}

/* A key description in the firing relation's attribute numbers. */
const KeyDesc *
role_key(DenormRole *role, const KeyDesc *kd)
{
	KeyDesc    *copy;
	int			i;

	if (role->exact)
		return kd;
	copy = palloc(sizeof(KeyDesc));
	memcpy(copy, kd, sizeof(KeyDesc));
	for (i = 0; i < kd->natts; i++)
		copy->attnums[i] = role->map->attnums[kd->attnums[i] - 1];
	return copy;
}

/* A set of columns (FirstLowInvalid-offset) in the firing relation's numbers. */
Bitmapset *
role_attrs(DenormRole *role, const Bitmapset *attrs)
{
	Bitmapset  *out = NULL;
	int			x = -1;

	if (role->exact)
		return (Bitmapset *) attrs;
	while ((x = bms_next_member(attrs, x)) >= 0)
	{
		AttrNumber	att = x + FirstLowInvalidHeapAttributeNumber;

		if (att > 0)
			att = role->map->attnums[att - 1];
		out = bms_add_member(out, att - FirstLowInvalidHeapAttributeNumber);
	}
	return out;
}
