/*
 * denorm.h — types shared by denorm's C files, and their externs grouped by
 * the file that defines them. doc/design.md explains how the pieces fit.
 */
#ifndef DENORM_H
#define DENORM_H

#include "postgres.h"

#include "access/attnum.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/bitmapset.h"
#include "nodes/parsenodes.h"
#include "storage/lock.h"
#include "portability/instr_time.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#define DENORM_MAX_KEY_COLS		8	/* columns in a key, group or lookup key */
#define DENORM_SMALL_STATEMENT	64	/* rows up to which plans are cached */

/* Names of the ephemeral relations maintenance statements read. */
#define ENR_NEW		"denorm_new"
#define ENR_OLD		"denorm_old"
#define ENR_KEYS	"denorm_keys"

/* The one statement guard of a row target, shared by its projections (trigdef.c). */
#define ROW_GUARD_TRIGGER "denorm_guard"

typedef enum DenormKind
{
	DENORM_ROW,
	DENORM_COLUMN
} DenormKind;

/*
 * A key read out of some relation's rows: which attributes, of which types,
 * and how to hash and compare them.
 */
typedef struct KeyDesc
{
	int			natts;
	AttrNumber	attnums[DENORM_MAX_KEY_COLS];	/* in the relation read */
	Oid			types[DENORM_MAX_KEY_COLS];
	int32		typmods[DENORM_MAX_KEY_COLS];
	Oid			collations[DENORM_MAX_KEY_COLS];
	int16		typlens[DENORM_MAX_KEY_COLS];
	bool		typbyvals[DENORM_MAX_KEY_COLS];
	FmgrInfo	hashfns[DENORM_MAX_KEY_COLS];
} KeyDesc;

/* Statement kinds of a row projection; one prepared plan each. */
typedef enum RowPlan
{
	RP_INSERT,					/* INSERT ... Def(denorm_new) */
	RP_DELETE,					/* DELETE keys of denorm_old */
	RP_UPDATE_SIMPLE,			/* UPDATE ... FROM Def(denorm_new): shape kept */
	RP_APPLY_NEW,				/* 3-CTE apply over Def(denorm_new) */
	RP_APPLY_KEYS,				/* 3-CTE apply over Def(source) for denorm_keys */
	RP_UPDATE_KEYS,				/* UPDATE ... FROM Def(source) for denorm_keys: shape kept */
	RP_TRUNCATE,				/* DELETE all rows of the projection */
	RP_REBUILD,					/* 3-CTE apply over Def(source), all keys */
	RP_AUDIT,					/* drift report */
	RP_AUDIT_KEYS,				/* drifted keys only, for repair */
	RP_FILL,					/* every row Def(source) yields: rebuild by swap */
	RP_FILL_EMPTY,				/* INSERT them all when the target has none of its type */
	RP_NPLANS
} RowPlan;

/* Statement kinds of a column projection. */
typedef enum ColPlan
{
	CP_DELTA_INS,
	CP_DELTA_DEL,
	CP_DELTA_UPD,
	CP_DELTA1_INS,				/* one row: the same deltas without GROUP BY */
	CP_DELTA1_DEL,
	CP_DELTA1_UPD,				/* one row whose group did not change */
	CP_LOCK_KEYS,				/* lock target rows of denorm_keys, sorted */
	CP_RECOMPUTE_KEYS,			/* recompute groups of denorm_keys */
	CP_RECOMPUTE_TARGET_NEW,	/* recompute groups of new target rows */
	CP_CHECK_KEYS,				/* ctids of group members (RR check) */
	CP_CHECK_TARGET,			/* ctids of the groups' target rows (RR check) */
	CP_TRUNCATE,
	CP_REBUILD,
	CP_AUDIT,
	CP_AUDIT_KEYS,
	CP_NPLANS
} ColPlan;

#define DENORM_NPLANS ((int) RP_NPLANS > (int) CP_NPLANS ? (int) RP_NPLANS : (int) CP_NPLANS)

/* An output column that is a source column, unchanged (writeback can route it). */
typedef struct CopiedColumn
{
	char	   *name;			/* output (target) column */
	AttrNumber	source_attnum;
} CopiedColumn;

/* A table a row projection reads besides its source. */
typedef struct DenormLookup
{
	Oid			relid;
	int			rtindex;		/* in the definition's query */
	KeyDesc		src_key;		/* source columns holding the lookup key */
	KeyDesc		dep_key;		/* the lookup's unique key columns */
	Bitmapset  *used_attrs;		/* lookup columns read, FirstLowInvalid-offset */
	Bitmapset  *shape_attrs;	/* of those, the ones in conditions or identity
								 * (see DenormSpec.shape_used) */
	char	   *sql_map;		/* dep keys (denorm_keys) -> source keys */
	char	   *sql_read_new;	/* ctids of lookup rows denorm_new reads */
	char	   *sql_read_keys;	/* ctids of source rows mapped (RR check) */
	SPIPlanPtr	plan_map;
	SPIPlanPtr	plan_read_new;
	SPIPlanPtr	plan_read_keys;
} DenormLookup;

/* How a column projection maintains one owned column. */
typedef enum AggMethod
{
	AGG_DELTA_SUM,				/* sum of an exact type: add contributions */
	AGG_DELTA_COUNT,			/* count: add +1/-1 per (non-null) row */
	AGG_RECOMPUTE				/* anything else: recompute the group */
} AggMethod;

typedef struct DenormAggColumn
{
	char	   *name;			/* target column */
	AttrNumber	target_attnum;
	Oid			type;
	int32		typmod;
	AggMethod	method;
	bool		empty_is_zero;	/* sum/count: empty group is 0, else NULL */
	Datum		empty_value;	/* in the target column's type */
	bool		empty_isnull;
	FmgrInfo	eqfn;			/* equality of the target type, for the guard */
	bool		has_eqfn;
	char	   *contribution_sql;	/* delta: per-row contribution, alias s */
	char	   *aggregate_sql;	/* recompute: the aggregate over alias s */
} DenormAggColumn;

/* A row projection's output other than its identity, and what it reads. */
typedef struct ValueOutput
{
	char	   *name;
	Bitmapset  *source_cols;	/* source columns it depends on (definition.c) */
	Bitmapset **lookup_cols;	/* per lookup, the lookup's columns it reads */
	char	   *set_sql;		/* in the in-place UPDATE (sqlgen.c): "c = d.c" */
	char	   *differs_sql;	/* and "t.c differs from d.c" */
} ValueOutput;

/* An in-place UPDATE over some of a row projection's value outputs. */
typedef struct InplaceVariant
{
	int			plan;			/* RP_UPDATE_SIMPLE or RP_UPDATE_KEYS */
	bool		small;			/* for small statements: unread lookups left out */
	Bitmapset  *outputs;		/* indexes into DenormSpec.value_outputs */
	char	   *sql;
	SPIPlanPtr	plan_cached;	/* kept, for small statements */
} InplaceVariant;

/*
 * Everything a backend needs to maintain one projection, derived from the
 * catalog row, the definition view and the target. Lives in its own memory
 * context under CacheMemoryContext; dropped on relcache invalidation of any
 * relation in relids.
 */
typedef struct DenormSpec
{
	char		name[NAMEDATALEN];	/* hash key: the projection's name */
	bool		valid;			/* false once an invalidation arrived */
	int			in_use;			/* maintenance calls running on it */
	MemoryContext cxt;

	DenormKind	kind;
	Oid			source;
	int			source_rti;		/* the source's range table index in the view query */
	Oid			target;
	Oid			view;
	Oid			owner;
	char	   *search_path;	/* maintenance pins this when it must */
	bool		pin_search_path;	/* see qualify.c */
	char	   *pin_reason;		/* why it must pin, for denorm.statements() */
	bool		statements_qualified;	/* qualify_spec_statements() ran */
	Oid		   *relids;			/* every relation the spec depends on */
	int			nrelids;

	char	   *source_sql;		/* quoted, qualified names */
	char	   *target_sql;

	/* The source key (row) or the group key (column), in source attnums. */
	KeyDesc		src_key;
	Bitmapset  *src_used;		/* source columns the definition reads */

	/* Row projections. */
	char	   *type_column;
	char	   *key_column;
	char	   *type_value;		/* the constant, as text */
	List	   *row_key;		/* extra identity column names (fan-out) */
	bool		one_to_one;		/* every source row yields exactly one row */
	Bitmapset  *shape_used;		/* source columns that decide which rows a source
								 * row yields and their identity (the rest only
								 * feed values: a plain UPDATE maintains them) */
	List	   *copied;			/* CopiedColumn: outputs copied unchanged from the source */
	List	   *value_outputs;	/* ValueOutput, in target list order */
	Query	   *def_query;		/* the definition, for in-place updates of some outputs */
	char	   *inplace_from;	/* the FROM ... WHERE of RP_UPDATE_SIMPLE (sqlgen.c) */
	char	   *inplace_from_keys;	/* ... and of RP_UPDATE_KEYS */
	List	   *inplace_variants;	/* InplaceVariant, built as updates need them */
	int			nlookups;
	DenormLookup *lookups;

	/* Column projections. */
	KeyDesc		tgt_key;		/* target key columns (same order as src_key) */
	int			naggs;
	DenormAggColumn *aggs;
	bool		recompute;		/* some column needs a group recompute */
	bool		has_fk;			/* validated FK source group -> target key */
	bool		keep_stale;		/* on_stale_write = 'keep' */

	bool		deferred;		/* maintain source changes at commit (deferred.c) */

	char	   *sql[DENORM_NPLANS];
	SPIPlanPtr	plans[DENORM_NPLANS];
} DenormSpec;

/* A set of distinct keys collected from rows, with their lock hashes. */
typedef struct KeySet
{
	const KeyDesc *desc;
	int			nkeys;
	int			maxkeys;
	Datum	   *values;			/* nkeys * desc->natts */
	bool	   *nulls;
	uint32	   *hashes;
	bool		sorted;
} KeySet;

/* Counters kept per projection (stats.c). */
typedef struct DenormCounters
{
	int64		statements;		/* maintenance calls that did work */
	int64		keys;			/* keys maintained */
	int64		rows;			/* target rows written */
	int64		time_us;		/* time spent in maintenance */
	int64		lock_waits;		/* waits for denorm's locks */
	int64		lock_wait_us;	/* time spent waiting for them */
	int64		escalations;	/* coarse locks taken instead of key locks */
	int64		serialization_failures; /* 40001 raised by maintenance */
	TimestampTz last_rebuild;
	TimestampTz last_audit;
	int64		last_audit_drift;	/* keys the last audit reported */
} DenormCounters;

typedef enum DenormCounter
{
	COUNT_LOCK_WAIT_US,
	COUNT_ESCALATION,
	COUNT_SERIALIZATION_FAILURE,
	COUNT_REBUILD,
	COUNT_AUDIT_DRIFT
} DenormCounter;

/* What a trigger call has to work with, once checked. */
typedef struct MaintainCall
{
	DenormSpec *spec;
	Relation	rel;			/* the firing relation */
	TriggerEvent event;
	Tuplestorestate *old_rows;
	Tuplestorestate *new_rows;
	const Bitmapset *updated_cols;
} MaintainCall;

/* denorm.c */
extern int	denorm_lock_escalation_threshold;
extern int	denorm_lock_timeout;
extern bool denorm_allow_direct_writes;
extern void _PG_init(void);

/* catalog.c */
extern DenormSpec *spec_lookup(const char *name, bool missing_ok);
extern void spec_release(DenormSpec *spec);
extern void spec_invalidate_relation(Oid relid);
extern void spec_invalidate_all(void);
extern List *spec_all_names(void);
extern List *spec_names_writing(Oid target);
extern Oid	denorm_catalog_relid(void);
extern Oid	denorm_guard_function(void);
extern Oid	denorm_extension_owner(void);

/* definition.c */
extern Oid	definition_unique_index(Oid relid, int natts, const AttrNumber *attnums,
									bool require_exact, Oid except);
extern void definition_analyze(DenormSpec *spec, Query *query,
							   bool registering);
extern Query *definition_query(Oid viewid);

/* qualify.c */
extern char *qualify_sql(const char *sql, const char **why);
extern void qualify_spec_environment(DenormSpec *spec, Query *definition);
extern void qualify_spec_statements(DenormSpec *spec);

/* sqlgen.c */
extern void sqlgen_row(DenormSpec *spec, Query *query);
extern char *sqlgen_inplace_update(DenormSpec *spec, int plan, const Bitmapset *outputs, bool prune);

/* definition.c: the VALUES list behind a range table entry, if any; identity outputs */
extern RangeTblEntry *values_behind(RangeTblEntry *rte, List **colmap);
extern bool is_identity_output(DenormSpec *spec, TargetEntry *tle);

/* lookup_prune.c */
extern Query *lookup_prune_definition(DenormSpec *spec, Query *q, const Bitmapset *outputs);
extern bool sqlgen_is_audit(DenormSpec *spec, int plan);
extern void sqlgen_column(DenormSpec *spec, Query *query);
extern char *sqlgen_type_name(Oid type, int32 typmod);
extern char *sqlgen_eq_operator(Oid type);
extern char *sqlgen_operator(Oid opno);
extern char *sqlgen_qualified_name(Oid relid);

/* keyset.c */
extern KeySet *keyset_create(const KeyDesc *desc, int expected);
extern void keyset_add(KeySet *ks, Datum *values, bool *nulls);
extern void keyset_add_from_slot(KeySet *ks, TupleTableSlot *slot);
extern void keyset_add_spi_result(KeySet *ks);
extern void keyset_finish(KeySet *ks);
extern Tuplestorestate *keyset_tuplestore(KeySet *ks, TupleDesc *tupdesc);
extern TupleDesc keyset_tupdesc(const KeyDesc *desc);
extern char *keyset_key_text(const KeyDesc *desc, Datum *values, bool *nulls);
extern void keydesc_init(KeyDesc *desc, Relation rel, int natts,
						 const AttrNumber *attnums);
extern uint32 keydesc_hash(const KeyDesc *desc, Datum *values, bool *nulls);
extern int64 transition_count(Tuplestorestate *ts);
extern void transition_filter_changed(Relation rel,
									  Tuplestorestate *old_rows,
									  Tuplestorestate *new_rows,
									  const Bitmapset *used_attrs,
									  const KeyDesc *key,
									  const Bitmapset *shape_attrs,
									  Tuplestorestate **old_out,
									  Tuplestorestate **new_out,
									  int64 *nchanged,
									  bool *key_changed,
									  bool *shape_changed);
extern bool transition_attrs_changed(Relation rel, Tuplestorestate *old_rows,
									 Tuplestorestate *new_rows, const Bitmapset *attrs);
extern void transition_collect_keys(Relation rel, Tuplestorestate *ts,
									KeySet *ks);
extern bool bitmap_overlap_attrs(const Bitmapset *updated_cols,
								 const Bitmapset *used);

/* lock.c */
typedef enum KeyLockMode
{
	KEYLOCK_SHARE,
	KEYLOCK_EXCLUSIVE
} KeyLockMode;
typedef struct LockRequest
{
	Oid			relid;			/* lock space */
	KeyLockMode mode;
	KeySet	   *keys;			/* NULL: the coarse lock itself */
	bool		intention_only; /* just the coarse lock's intention mode */
	int			phase;			/* lower phases are locked first */
} LockRequest;
extern void lock_acquire_all(DenormSpec *spec, LockRequest *reqs, int nreqs);
extern int	lock_recompute_requests(DenormSpec *spec, KeySet *keys, LockRequest **reqs, int nreqs);
extern int	lock_timeout_begin(void);
extern void lock_timeout_end(int nest);
extern void lock_timeout_caught(MemoryContext cxt);
extern void lock_coarse(DenormSpec *spec, Oid relid, KeyLockMode mode);
extern void lock_set_tag(LOCKTAG *tag, Oid relid, uint32 hash, bool coarse);
extern void lock_reset_xact(void);

/* isolation.c */
extern bool isolation_needs_check(void);
extern void isolation_check_reads(DenormSpec *spec, SPIPlanPtr plan,
								  const char *what);

/* stats.c */
extern int	denorm_max_projections;
extern void stats_init_shared(void);
extern bool stats_are_shared(void);
extern void stats_add(const char *name, const DenormCounters *delta);
extern void stats_count(const char *name, DenormCounter what, int64 n);

/* engine.c */
typedef struct EngineState
{
	DenormSpec *spec;
	DenormCounters counters;	/* flushed to stats at engine_end */
	instr_time	start;
	Oid			save_userid;
	int			save_sec_context;
	int			guc_nestlevel;
	bool		connected;
	bool		pushed;
} EngineState;
extern void engine_begin(EngineState *es, DenormSpec *spec, bool admin);
extern void engine_end(EngineState *es);
extern void engine_abort_cleanup(EngineState *es);
extern void engine_register(const char *name, Oid reliddesc, TupleDesc tupdesc,
							Tuplestorestate *ts);
extern SPIPlanPtr engine_plan(DenormSpec *spec, SPIPlanPtr *slot,
							  const char *sql, int64 nrows, bool cacheable);
extern uint64 engine_exec(DenormSpec *spec, SPIPlanPtr *slot, const char *sql,
						  int64 nrows, bool cacheable, int expect);
extern void engine_done_with_plan(SPIPlanPtr plan, bool cacheable);
extern void engine_count_keys(int64 n);
extern bool guard_target_is_being_maintained(Oid relid);

/* guard.c */
extern HeapTuple guard_fire(DenormSpec *spec, TriggerData *td);
extern void guard_row_table(TriggerData *td);

/* role.c */
typedef struct DenormRole
{
	bool		is_source;
	bool		is_target;
	int			lookup;			/* index into spec->lookups, or -1 */
	Oid			canonical;		/* the spec's relation the firing one stands for */
	bool		exact;			/* the firing relation is that relation itself */
	struct AttrMap *map;		/* canonical attnum -> firing attnum, if !exact */
} DenormRole;
extern bool role_in_tree(Oid table, Oid canonical);
extern void role_find(DenormSpec *spec, Relation rel, DenormRole *role);
extern const KeyDesc *role_key(DenormRole *role, const KeyDesc *kd);
extern Bitmapset *role_attrs(DenormRole *role, const Bitmapset *attrs);

/* maintain_row.c / maintain_column.c */
extern void maintain_row(MaintainCall *call);
extern void maintain_column(MaintainCall *call);
extern uint64 row_recompute_keys(DenormSpec *spec, KeySet *keys);
extern uint64 column_recompute_keys(DenormSpec *spec, KeySet *groups);

/* Recompute a set of keys as maintenance would, locks included; inside the engine. */
static inline uint64
recompute_keys(DenormSpec *spec, KeySet *keys)
{
	return spec->kind == DENORM_ROW ? row_recompute_keys(spec, keys) : column_recompute_keys(spec, keys);
}

/* admin.c (SQL-callable functions are declared with PG_FUNCTION_INFO_V1) */

/* swap.c */
extern const char *swap_blocker(Relation target, List *specs);
extern uint64 swap_rebuild(Oid targetid, List *specs);

/* deferred.c */
extern void deferred_reset_xact(void);
extern void deferred_flush(DenormSpec *spec);
extern void deferred_flush_if_due(DenormSpec *spec, Relation rel);
extern void deferred_check_commit(void);
extern void deferred_note(DenormSpec *spec, Relation rel, const KeyDesc *kd,
						  Tuplestorestate *old_rows, Tuplestorestate *new_rows);

/* trigdef.c */
extern List *trigdef_all(DenormSpec *spec);
extern List *trigdef_for_tree(DenormSpec *spec, Oid top);
extern bool trigdef_uses(DenormSpec *spec, Oid table);
extern List *trigdef_flush(DenormSpec *spec);
extern char *trigdef_serves_sql(int param);
extern char *trigdef_drop_unused_row_guards(void);

/* register.c */
extern Oid	denorm_def_namespace(void);

#endif							/* DENORM_H */
