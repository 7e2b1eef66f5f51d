#!/usr/bin/env bash
# bench/load/run.sh — concurrency load test of denorm on a throwaway cluster.
#
#   bench/load/run.sh [--duration SECONDS] [--no-build]
#                     [--only REGEX] [--set NAME=VALUE]...
#
# --only runs just the configurations whose name matches REGEX (grep -E);
# --set adds a server setting (e.g. --set deadlock_timeout=50ms). Both are
# for investigating; a full run uses neither.
#
# Loads the bookkeeping example (examples/bookkeeping.sql, 15 projections)
# plus bulk data, then runs pgbench under READ COMMITTED, REPEATABLE READ and
# SERIALIZABLE, 8 and 32 clients, uniform and hot-key access, with and
# without denorm; a 1/2/4/8/32-client scaling series; and the ORM deadlock
# pattern without projections, with denorm and with hand-written PL/pgSQL
# triggers. After every denorm run, denorm.audit() must return no rows.
# Writes bench/load/results/<timestamp>/report.md and prints a summary.
#
# Exit status: 0 all good; 1 drift (audit rows) in some configuration;
# 3 no drift, but some pgbench run aborted or hit an unexpected error.
# See bench/load/README.md for how to read the report.

DURATION=15
BUILD=1
ONLY=
EXTRA_SETTINGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=${2:?--duration needs a number of seconds}; shift 2 ;;
        --duration=*) DURATION=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --only) ONLY=${2:?--only needs a regular expression}; shift 2 ;;
        --set) EXTRA_SETTINGS+=("${2:?--set needs name=value}"); shift 2 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$DURATION" in ''|*[!0-9]*) echo "--duration wants whole seconds" >&2; exit 2 ;; esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/lib.sh
source "$HERE/../../scripts/lib.sh"

PGBENCH=$PGBIN/pgbench
INVOICES=10000          # 5 items each
ROWS=10000              # payments, incomes, expenses (transfers: ROWS / 10)
BANKS=200               # bank accounts 101..300; hot ones 101..105
MAX_TRIES=20
ORM_HOT=20              # hot invoices of the ORM pattern
ORM_CLIENTS=8
SERVER_SETTINGS=(
    "max_connections=100"
    "shared_buffers=256MB"
    "max_wal_size=4GB"
    "log_line_prefix='[%e] '"
    "log_min_error_statement=panic"
)

STAMP=$(date -u +%Y%m%d-%H%M%S)
RES=$HERE/results/$STAMP
RAW=$RES/raw
mkdir -p "$RAW"
WORK=$(mktemp -d /tmp/denorm-load.XXXXXX)
TSV=$RES/results.tsv
STARTED=$(date +%s)

if [ "$BUILD" = 1 ]; then
    ensure_packages
    build_install
fi
start_cluster "${SERVER_SETTINGS[@]}" "${EXTRA_SETTINGS[@]}"
trap 'stop_cluster; rm -rf "$WORK"' EXIT
SERVER_LOG=$CLUSTER_DIR/log

q() { psql_q -At "$@"; }
so_md5() { md5sum "$("$PGBIN/pg_config" --pkglibdir)/denorm.so" 2>/dev/null | cut -c1-12 || echo none; }

# CPU accounting, to tell how busy the machine was with work that is not
# this benchmark (other users of a shared machine make numbers noisy):
# "busy jiffies of the whole machine" and "jiffies of our cluster (the
# postmaster and its reaped backends) plus our own children (pgbench)".
CLK_TCK=$(getconf CLK_TCK)
POSTMASTER_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
cpu_sample() {
    local busy pm self
    busy=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat)
    pm=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$POSTMASTER_PID/stat")
    self=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$$/stat")
    echo "$busy $((pm + self))"
}

# --------------------------------------------------------------------------
# Templates: every configuration runs on a fresh copy (CREATE DATABASE ...
# TEMPLATE), so that runs start from the same data and do not inherit each
# other's dead rows.
# --------------------------------------------------------------------------

load_data() {
    psql_q -d "$1" -f "$TOP/examples/sample_data.sql" >/dev/null
    psql_q -d "$1" -v invoices=$INVOICES -v rows=$ROWS -v banks=$BANKS \
        -f "$HERE/sql/data.sql" >/dev/null
}

log "loading tpl_denorm: bookkeeping example + $INVOICES invoices x 5 items, $ROWS payments/incomes/expenses"
t0=$(date +%s)
q -c "CREATE DATABASE tpl_denorm"
q -d tpl_denorm -c "CREATE EXTENSION denorm"
psql_q -d tpl_denorm -f "$TOP/examples/bookkeeping.sql" >/dev/null
load_data tpl_denorm
LOAD_DENORM_S=$(( $(date +%s) - t0 ))
NPROJ=$(q -d tpl_denorm -c "SELECT count(*) FROM denorm.projection")
d=$(q -d tpl_denorm -c "SELECT count(*) FROM denorm.audit()")
if [ "$d" != 0 ]; then
    echo "drift right after loading: $d audit rows" >&2
    q -d tpl_denorm -c "SELECT * FROM denorm.audit() LIMIT 20" >&2
    exit 1
fi

log "loading tpl_plain: the same canonical schema and data, no denorm"
t0=$(date +%s)
q -c "CREATE DATABASE tpl_plain"
# The canonical schema (and the empty targets) is everything in the example
# before its first projection is registered.
awk '/^SELECT denorm\./ { exit } { print }' "$TOP/examples/bookkeeping.sql" \
    | psql_q -d tpl_plain >/dev/null
load_data tpl_plain
LOAD_PLAIN_S=$(( $(date +%s) - t0 ))

log "tpl_plpgsql: tpl_plain + bench/load/plpgsql_totals.sql"
q -c "CREATE DATABASE tpl_plpgsql TEMPLATE tpl_plain"
psql_q -d tpl_plpgsql -f "$HERE/plpgsql_totals.sql" >/dev/null

log "tpl_summary, tpl_summary_deferred: tpl_plain + denorm totals in invoice_summary (bench/load/summary_totals.sql)"
q -c "CREATE DATABASE tpl_summary TEMPLATE tpl_plain"
psql_q -d tpl_summary -f "$HERE/summary_totals.sql" >/dev/null
q -c "CREATE DATABASE tpl_summary_deferred TEMPLATE tpl_summary"
q -d tpl_summary_deferred -c "SELECT denorm.set_deferred('summary_totals', true)" >/dev/null

# How busy is the machine with other work before we start? (Our cluster is idle now.)
b0=$(cpu_sample); sleep 3; b1=$(cpu_sample)
IDLE_LOAD=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" 'BEGIN {
    split(a, x, " "); split(b, y, " "); printf "%.2f", ((y[1] - x[1]) - (y[2] - x[2])) / hz / 3 }')
if awk -v l="$IDLE_LOAD" 'BEGIN { exit !(l > 0.25) }'; then
    log "WARNING: other processes keep $IDLE_LOAD CPU cores busy; numbers will be noisy (see the 'other load' column)"
fi

SIZE=$(q -c "SELECT pg_size_pretty(pg_database_size('tpl_denorm')) || ' with denorm, ' ||
                    pg_size_pretty(pg_database_size('tpl_plain')) || ' without'")

# --------------------------------------------------------------------------
# One configuration.
# --------------------------------------------------------------------------

ACCESS_UNIFORM="-D inv_max=$INVOICES -D acct_min=101 -D acct_max=$((100 + BANKS)) -D income_max=$ROWS"
ACCESS_HOT="-D inv_max=5 -D acct_min=101 -D acct_max=105 -D income_max=5"
ACCESS_LOOKUP="-D inv_max=$INVOICES -D acct_min=101 -D acct_max=105 -D income_max=$ROWS"
ORM_SCRIPTS="-f $HERE/pgbench/orm_lock_first.sql@50 -f $HERE/pgbench/orm_direct.sql@50 -D hot=$ORM_HOT"

printf 'group\tname\tschema\taccess\tisolation\tclients\ttps\tp50_ms\tp95_ms\tp99_ms\tprocessed\tfailed\tser_failed\tdl_failed\tretried\tretries\tdeadlocks\tlog_40001\tlog_40P01\tother_errors\tdrift\tpgbench_rc\tcommits\trollbacks\tother_load\tso_md5\n' >"$TSV"

FAILED_RUNS=0
DRIFT_RUNS=0

# num FILE REGEX: the first number after REGEX in a pgbench output, or 0.
num() { sed -nE "s/^$2 *([0-9.]+).*/\\1/p" "$1" | head -1 | grep . || echo 0; }

# run_config GROUP NAME SCHEMA(denorm|plain|plpgsql|summary|summary_deferred) ACCESS ISOLATION CLIENTS PGBENCH-SCRIPT-ARGS
run_config() {
    local group=$1 name=$2 schema=$3 access=$4 iso=$5 clients=$6 scripts=$7
    local db="r_${name//[^a-z0-9]/_}" jobs=2 rc=0
    if [ -n "$ONLY" ] && ! grep -qE -- "$ONLY" <<<"$name"; then return 0; fi
    [ "$clients" -lt 2 ] && jobs=1
    q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE tpl_$schema"
    local opts="-c default_transaction_isolation=${iso// /\\ }"
    local shown
    shown=$(PGOPTIONS="$opts" q -d "$db" -c "SHOW transaction_isolation")
    if [ "$shown" != "$iso" ]; then
        echo "isolation did not take: wanted $iso, got $shown" >&2; exit 2
    fi
    local logoff dl0 c0 r0
    logoff=$(stat -c %s "$SERVER_LOG")
    read -r dl0 c0 r0 < <(q -F ' ' -d postgres -c "SELECT deadlocks, xact_commit, xact_rollback
                                                   FROM pg_stat_database WHERE datname = '$db'")
    log "$name: $schema, $access, $iso, $clients clients, ${DURATION}s"
    # Backends load denorm.so when they first need it, so a reinstall during
    # the run changes the build under test: note which one each run had.
    local so
    so=$(so_md5)
    local cpu0 t0 cpu1 t1
    cpu0=$(cpu_sample); t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    PGOPTIONS="$opts" "$PGBENCH" -n -M prepared -r -c "$clients" -j "$jobs" -T "$DURATION" \
        --max-tries=$MAX_TRIES --failures-detailed --log --log-prefix="$WORK/$db" \
        $scripts "$db" >"$RAW/$name.out" 2>"$RAW/$name.err" || rc=$?
    sleep 1   # let the backends exit (their CPU time is then the postmaster's) and flush statistics
    cpu1=$(cpu_sample); t1=$(date +%s.%N)
    local other
    other=$(awk -v a="$cpu0" -v b="$cpu1" -v t0="$t0" -v t1="$t1" -v hz="$CLK_TCK" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        printf "%.2f", ((y[1] - x[1]) - (y[2] - x[2])) / hz / (t1 - t0) }')
    local dl1 c1 r1
    read -r dl1 c1 r1 < <(q -F ' ' -d postgres -c "SELECT pg_stat_clear_snapshot();
        SELECT deadlocks, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = '$db'" | tail -1)

    # Server errors raised during the run, by SQLSTATE.
    tail -c +$((logoff + 1)) "$SERVER_LOG" >"$WORK/$name.log"
    local s40001 s40P01 othererr
    s40001=$(grep -c '^\[40001\] ERROR:' "$WORK/$name.log" || true)
    s40P01=$(grep -c '^\[40P01\] ERROR:' "$WORK/$name.log" || true)
    othererr=$(grep -E '^\[[0-9A-Z]{5}\] (ERROR|FATAL|PANIC|WARNING):' "$WORK/$name.log" \
            | grep -cvE '^\[(40001|40P01)\] ERROR:' || true)
    grep -E '^\[[0-9A-Z]{5}\] (ERROR|FATAL|PANIC|WARNING):' "$WORK/$name.log" \
        | sed -E ':a; s/(\] [A-Z]+: .*[^0-9N])[0-9]+/\1N/; ta' | sort | uniq -c | sort -rn >"$RAW/$name.errors" || true
    [ -s "$RAW/$name.errors" ] || rm -f "$RAW/$name.errors"

    # Latency percentiles of successful transactions from the per-transaction
    # logs (client tx_no time_us script epoch epoch_us [retries]).
    local pct
    pct=$( { cat "$WORK/$db".* 2>/dev/null || true; } | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk '
        { a[NR] = $1 }
        END {
            if (NR == 0) { print "- - -"; exit }
            split("50 95 99", ps, " ")
            for (i = 1; i <= 3; i++) {
                k = int((NR * ps[i] + 99) / 100); if (k < 1) k = 1; if (k > NR) k = NR
                printf "%.1f%s", a[k] / 1000, (i < 3 ? " " : "\n")
            }
        }')
    rm -f "$WORK/$db".*
    local p50 p95 p99
    read -r p50 p95 p99 <<<"$pct"

    local out=$RAW/$name.out tps processed failed serf dlf retried retries
    tps=$(num "$out" 'tps =')
    processed=$(num "$out" 'number of transactions actually processed:')
    failed=$(num "$out" 'number of failed transactions:')
    serf=$(num "$out" 'number of serialization failures:')
    dlf=$(num "$out" 'number of deadlock failures:')
    retried=$(num "$out" 'number of transactions retried:')
    retries=$(num "$out" 'total number of retries:')

    local drift=-
    if [ "$schema" != plain ] && [ "$schema" != plpgsql ]; then   # every schema with denorm
        if drift=$(q -d "$db" -c "SELECT count(*) FROM denorm.audit()" 2>"$WORK/audit.err"); then :; else
            drift="audit failed: $(head -1 "$WORK/audit.err")"
        fi
        if [ "$drift" != 0 ]; then
            DRIFT_RUNS=$((DRIFT_RUNS + 1))
            q -d "$db" -c "SELECT * FROM denorm.audit() LIMIT 50" >"$RAW/$name.audit" 2>&1 || true
            echo "DRIFT in $name: $drift (first rows in $RAW/$name.audit)" >&2
        fi
    elif [ "$schema" = plpgsql ]; then
        drift=$(q -d "$db" -c "SELECT count(*) FROM bench_totals_drift")
    fi
    if [ "$rc" != 0 ] || [ "$othererr" != 0 ] || grep -q 'aborted' "$RAW/$name.err"; then
        FAILED_RUNS=$((FAILED_RUNS + 1))
        echo "pgbench exit $rc, $othererr unexpected server errors in $name; see $RAW/$name.err" >&2
        head -5 "$RAW/$name.err" >&2
    fi
    [ -s "$RAW/$name.err" ] || rm -f "$RAW/$name.err"
    printf '%s\t' "$group" "$name" "$schema" "$access" "$iso" "$clients" "$tps" "$p50" "$p95" "$p99" \
        "$processed" "$failed" "$serf" "$dlf" "$retried" "$retries" "$((dl1 - dl0))" \
        "$s40001" "$s40P01" "$othererr" "$drift" "$rc" "$((c1 - c0))" "$((r1 - r0))" >>"$TSV"
    printf '%s\t%s\n' "$other" "$so" >>"$TSV"
    log "   tps $tps, p50/p95/p99 $p50/$p95/$p99 ms, retries $retries, failed $failed, deadlocks $((dl1 - dl0)), drift $drift"
    # Keep a database that drifted, for a look while the cluster is up.
    [ "$drift" = 0 ] || [ "$drift" = - ] && q -c "DROP DATABASE $db"
    return 0
}

iso_tag() { case "$1" in "read committed") echo rc ;; "repeatable read") echo rr ;; serializable) echo ser ;; esac; }

MIX="-f $HERE/pgbench/mix.sql"

# 1. The matrix: isolation x access x clients, with and without denorm.
for iso in "read committed" "repeatable read" "serializable"; do
    for access in uniform hot; do
        if [ $access = uniform ]; then acc=$ACCESS_UNIFORM; else acc=$ACCESS_HOT; fi
        for clients in 8 32; do
            schemas="denorm plain"
            # Under READ COMMITTED also the hand-written totals triggers, to
            # tell what any synchronous invoice total costs from what denorm costs.
            [ "$iso" = "read committed" ] && schemas="$schemas plpgsql"
            for schema in $schemas; do
                run_config matrix "$schema-$access-$(iso_tag "$iso")-c$clients" \
                    $schema $access "$iso" $clients "$MIX $acc"
            done
        done
    done
done

# 2. Lookup changes: the uniform mix on 5 hot accounts, plus 5% of
#    transactions that rename one of those accounts (denorm only: the point
#    is drift and denorm's own serialization failures under RR/SERIALIZABLE).
for iso in "read committed" "repeatable read" "serializable"; do
    run_config lookup "denorm-lookup-$(iso_tag "$iso")-c8" denorm lookup "$iso" 8 \
        "-f $HERE/pgbench/mix.sql@95 -f $HERE/pgbench/account_rename.sql@5 $ACCESS_LOOKUP"
done

# 3. Scaling on the uniform mix, READ COMMITTED (8 and 32 come from the matrix).
for clients in 1 2 4; do
    for schema in denorm plain; do
        run_config scaling "$schema-uniform-rc-c$clients" $schema uniform "read committed" \
            $clients "$MIX $ACCESS_UNIFORM"
    done
done

# 4. The ORM pattern: lock the invoice first vs update an item directly;
#    totals on the invoice row (denorm, plpgsql) or in a summary table
#    (summary: immediate; summary_deferred: commit-time mode).
for schema in plain denorm plpgsql summary summary_deferred; do
    run_config orm "orm-$schema" $schema "orm-hot$ORM_HOT" "read committed" $ORM_CLIENTS "$ORM_SCRIPTS"
done

ELAPSED=$(( $(date +%s) - STARTED ))

# --------------------------------------------------------------------------
# Report.
# --------------------------------------------------------------------------

setting() { q -c "SHOW $1"; }
PGVERSION=$(q -c "SELECT version()")
MEM=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
GITREV=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
GITDIRTY=$(git -C "$TOP" status --porcelain -- src denorm--0.1.sql 2>/dev/null | grep -q . && echo " (+ uncommitted changes in src/)" || true)
SOMD5=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                     $c["schema"] == "denorm" && !seen[$c["so_md5"]]++ { printf "%s%s", sep, $c["so_md5"]; sep = ", " }' "$TSV")

# Tables from the TSV (columns by header name).
table_main() {  # group filter (awk regex on group)
    awk -F '\t' -v g="$1" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["group"] ~ g {
            printf "| %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                $c["schema"], $c["access"], $c["isolation"], $c["clients"], $c["tps"],
                $c["p50_ms"], $c["p95_ms"], $c["p99_ms"], $c["processed"], $c["retried"],
                $c["retries"], $c["failed"], $c["deadlocks"], $c["log_40001"], $c["drift"], $c["other_load"]
        }' "$TSV"
}
HDR_MAIN='| schema | access | isolation | clients | tps | p50 ms | p95 ms | p99 ms | txns | retried txns | retries | failed | deadlocks | 40001 seen | drift | other load |
|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'

# hot_rc: the hot mix under READ COMMITTED, without projections, with the
# hand-written totals triggers and with denorm.
table_hot_rc() {
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["group"] == "matrix" && $c["access"] == "hot" && $c["isolation"] == "read committed" {
            tx = $c["processed"] + 0
            printf "| %s | %s | %.1f | %s | %s | %s | %s |\n", $c["schema"], $c["clients"], $c["tps"],
                tx, $c["deadlocks"], (tx > 0 ? sprintf("%.0f", 1000 * $c["deadlocks"] / tx) : "-"), $c["p50_ms"]
        }' "$TSV"
}

# Per-statement latencies (pgbench -r) of two runs of the same script, side by side.
table_statements() {
    local a=$RAW/$1.out b=$RAW/$2.out
    [ -f "$a" ] && [ -f "$b" ] || { echo "(runs $1 / $2 not in this run)"; return 0; }
    echo "| statement | $1 ms | $2 ms | difference ms |"
    echo "|---|---:|---:|---:|"
    paste -d '\t' <(stmt_lines "$a") <(stmt_lines "$b") | awk -F '\t' '
        { printf "| `%s` | %.3f | %.3f | %+.3f |\n", $2, $1, $3, $1 - $3; ta += $1; tb += $3 }
        END { printf "| **sum** | %.3f | %.3f | %+.3f |\n", ta, tb, ta - tb }'
}
# "latency<TAB>first 60 characters of the statement" for the SQL lines of -r output.
stmt_lines() {
    sed -n '/^statement latencies/,$p' "$1" | awk '
        $1 ~ /^[0-9.]+$/ && $0 !~ /\\set/ {
            lat = $1; sub(/^ *[0-9.]+ +[0-9]+ +([0-9]+ +)?/, ""); gsub(/\|/, "/")
            printf "%s\t%s\n", lat, substr($0, 1, 60) }'
}

table_side_by_side() {
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["group"] == "matrix" && $c["access"] == "uniform" {
            k = $c["isolation"] "|" $c["clients"]
            if (!(k in seen)) { seen[k] = 1; order[++n] = k }
            tps[k, $c["schema"]] = $c["tps"]; p95[k, $c["schema"]] = $c["p95_ms"]
        }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]; split(k, a, "|")
                d = tps[k, "denorm"]; p = tps[k, "plain"]
                printf "| %s | %s | %.1f | %.1f | %s | %s | %s |\n", a[1], a[2], p, d,
                    (p > 0 ? sprintf("%.0f%%", 100 * d / p) : "-"), p95[k, "plain"], p95[k, "denorm"]
            }
        }' "$TSV"
}

table_scaling() {
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["access"] == "uniform" && $c["isolation"] == "read committed" && $c["group"] != "orm" {
            tps[$c["clients"], $c["schema"]] = $c["tps"]
        }
        END {
            split("1 2 4 8 32", cl, " ")
            for (i = 1; i <= 5; i++) {
                n = cl[i]; d = tps[n, "denorm"]; p = tps[n, "plain"]
                printf "| %s | %.1f | %.1f | %s | %s | %s |\n", n, p, d,
                    (tps[1, "plain"] > 0 ? sprintf("%.2f", p / tps[1, "plain"]) : "-"),
                    (tps[1, "denorm"] > 0 ? sprintf("%.2f", d / tps[1, "denorm"]) : "-"),
                    (p > 0 ? sprintf("%.0f%%", 100 * d / p) : "-")
            }
        }' "$TSV"
}

table_orm() {
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["group"] == "orm" {
            label = ($c["schema"] == "plain" ? "(a) no projection" : \
                     $c["schema"] == "denorm" ? "(b) denorm invoice_totals" : \
                     $c["schema"] == "plpgsql" ? "(c) PL/pgSQL row triggers" : \
                     $c["schema"] == "summary" ? "(d) denorm, totals in invoice_summary" : \
                     "(e) denorm, invoice_summary, commit-time mode")
            tx = $c["processed"] + 0
            printf "| %s | %.1f | %s | %s | %s | %s | %s | %s | %s |\n", label, $c["tps"], tx,
                $c["deadlocks"], (tx > 0 ? sprintf("%.1f", 1000 * $c["deadlocks"] / tx) : "-"),
                $c["retries"], $c["failed"], $c["p95_ms"], $c["drift"]
        }' "$TSV"
}
HDR_ORM='| variant | tps | txns | deadlocks | deadlocks / 1000 txns | retries | failed | p95 ms | drift |
|---|---:|---:|---:|---:|---:|---:|---:|---:|'

{
    echo "# denorm load test — $STAMP"
    echo
    echo "## Machine and settings"
    echo
    echo "* machine: $(nproc) CPUs ($CPU), $MEM memory, $(uname -sr)"
    echo "* PostgreSQL: $PGVERSION"
    echo "* denorm: git $GITREV$GITDIRTY, installed denorm.so md5 $SOMD5; $NPROJ projections (examples/bookkeeping.sql)"
    case "$SOMD5" in *,*) echo "* **denorm.so was reinstalled during the run**: runs used different builds (md5 per run in results.tsv, column so_md5)" ;; esac
    echo "* server: shared_buffers $(setting shared_buffers), max_connections $(setting max_connections), fsync $(setting fsync), synchronous_commit $(setting synchronous_commit), deadlock_timeout $(setting deadlock_timeout), max_locks_per_transaction $(setting max_locks_per_transaction), max_wal_size $(setting max_wal_size), denorm.lock_escalation_threshold 1000 (default)"
    echo "* data: $INVOICES invoices x 5 items, $ROWS payments / incomes / expenses, $((ROWS / 10)) transfers, $BANKS bank accounts; $SIZE; load took ${LOAD_DENORM_S}s with denorm, ${LOAD_PLAIN_S}s without"
    echo "* pgbench: -M prepared, -T $DURATION s per configuration, -j 2 (1 for 1 client), --max-tries=$MAX_TRIES --failures-detailed; every configuration on a fresh copy of the loaded database"
    echo "* whole run: $((ELAPSED / 60)) min $((ELAPSED % 60)) s; CPU cores busy with other work just before the runs: $IDLE_LOAD (per run: the *other load* column)"
    echo
    echo "Workload (bench/load/pgbench/mix.sql, one transaction): insert an invoice with 3 items, update an item's price, move an item to another invoice, insert a payment, update an income's description, insert an expense, delete an older expense."
    echo "*uniform*: random invoices among $INVOICES, accounts among $BANKS, incomes among $ROWS. *hot*: every client on invoices 1-5 (their 25 items), accounts 101-105 and incomes 1-5. *lookup*: uniform invoices and incomes, accounts 101-105, and 5% of transactions rename one of those accounts (pgbench/account_rename.sql), which rewrites the account_name of every financial_transaction row of that account."
    echo
    echo "## Result"
    echo
    if [ "$DRIFT_RUNS" = 0 ]; then
        echo "**Drift: 0 in every denorm configuration** (\`SELECT count(*) FROM denorm.audit()\` after each run)."
    else
        echo "**DRIFT in $DRIFT_RUNS configuration(s)** — see the drift column and raw/*.audit."
    fi
    if [ "$FAILED_RUNS" = 0 ]; then
        echo "No pgbench run aborted; no server error other than serialization failures (40001) and deadlocks (40P01)."
    else
        echo "**$FAILED_RUNS run(s) aborted or raised unexpected errors** — see 'Errors' below and raw/*.err."
    fi
    echo
    echo "## Uniform mix: throughput with and without denorm"
    echo
    echo "| isolation | clients | tps without denorm | tps with denorm | with / without | p95 ms without | p95 ms with |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    table_side_by_side
    echo
    echo "## Scaling, uniform mix, READ COMMITTED"
    echo
    echo "| clients | tps without | tps with denorm | speed-up without (vs 1) | speed-up with (vs 1) | with / without |"
    echo "|---:|---:|---:|---:|---:|---:|"
    table_scaling
    echo
    echo "## Hot keys, READ COMMITTED: where the time goes"
    echo
    echo "| schema | clients | tps | txns | deadlocks | deadlocks / 1000 txns | p50 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    table_hot_rc
    echo
    echo "*plpgsql* is the canonical schema with only the hand-written invoice-totals triggers of plpgsql_totals.sql (no journal, no financial_transaction), i.e. the least any synchronously maintained invoice total costs. Each deadlock stalls the transactions in its cycle for deadlock_timeout ($(setting deadlock_timeout)) before one is cancelled and retried."
    echo
    echo "## Per-statement latency, 1 client, uniform mix, READ COMMITTED"
    echo
    table_statements denorm-uniform-rc-c1 plain-uniform-rc-c1
    echo
    echo "## All configurations"
    echo
    echo "$HDR_MAIN"
    table_main 'matrix|scaling|lookup'
    echo
    echo "*txns*: successful transactions. *retried txns* / *retries*: pgbench's counts of transactions that needed retries and of retries made (serialization failures and deadlocks, up to $MAX_TRIES tries). *failed*: transactions that still failed after $MAX_TRIES tries. *deadlocks*: pg_stat_database.deadlocks delta. *40001 seen*: serialization failures raised by the server (server log), each one a failed try. *drift*: rows of denorm.audit() after the run (- = no denorm; for plpgsql, invoices whose totals are wrong). *other load*: CPU cores busy with work other than this cluster and pgbench during the run (other users of the machine; roughly 0.05 is our own WAL writer and checkpointer) — a high value means the numbers of that row are noisy."
    echo
    echo "## ORM pattern: invoice locked first vs item updated directly"
    echo
    echo "$ORM_CLIENTS clients, READ COMMITTED, $ORM_HOT hot invoices; 50% of transactions \`SELECT … FROM invoice WHERE id = :id FOR UPDATE\` then update one or two of its items (pgbench/orm_lock_first.sql), 50% update one item of the same invoices directly (pgbench/orm_direct.sql)."
    echo
    echo "$HDR_ORM"
    table_orm
    echo
    echo "Drift for (b), (d) and (e) is denorm.audit(); for (c) the invoices whose totals differ from their items (view bench_totals_drift). (d) and (e) keep the totals in invoice_summary, which the ORM never locks (bench/load/summary_totals.sql); (e) maintains them at commit (denorm.set_deferred), after every item lock of the transaction, so no item update waits while holding a summary row."
    echo
    echo "## Errors seen by the server"
    echo
    any=0
    for f in "$RAW"/*.errors; do
        [ -e "$f" ] || continue
        any=1
        echo "### $(basename "$f" .errors)"
        echo
        echo '```'
        head -8 "$f"
        echo '```'
    done
    [ "$any" = 1 ] || echo "None."
    for f in "$RAW"/*.err; do
        [ -e "$f" ] || continue
        echo
        echo "### pgbench stderr: $(basename "$f" .err)"
        echo
        echo '```'
        head -10 "$f"
        echo '```'
    done
} >"$RES/report.md"

# --------------------------------------------------------------------------
# Summary on the terminal.
# --------------------------------------------------------------------------

{
    echo
    echo "denorm load test, ${DURATION}s per configuration, $(nproc) CPUs — $RES/report.md"
    echo
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
                  printf "%-26s %8s %8s %8s %8s %7s %7s %6s %6s %6s %5s %5s\n", "configuration", "tps", "p50ms", "p95ms", "p99ms", "txns", "retries", "failed", "dlocks", "40001", "drift", "other"
                  next }
        { printf "%-26s %8.1f %8s %8s %8s %7s %7s %6s %6s %6s %5s %5s\n", $c["name"], $c["tps"], $c["p50_ms"], $c["p95_ms"], $c["p99_ms"], $c["processed"], $c["retries"], $c["failed"], $c["deadlocks"], $c["log_40001"], $c["drift"], $c["other_load"] }
    ' "$TSV"
    echo
    awk -F '\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["group"] == "orm" && $c["processed"] > 0 {
            printf "ORM pattern %-8s deadlocks per 1000 transactions: %.1f\n", $c["schema"], 1000 * $c["deadlocks"] / $c["processed"] }
    ' "$TSV"
    if [ "$DRIFT_RUNS" = 0 ]; then echo "drift: 0 in every denorm configuration"; else echo "DRIFT in $DRIFT_RUNS configuration(s)"; fi
    [ "$FAILED_RUNS" = 0 ] || echo "$FAILED_RUNS run(s) aborted or had unexpected server errors"
    echo "whole run: $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
}

[ "$DRIFT_RUNS" = 0 ] || exit 1
[ "$FAILED_RUNS" = 0 ] || exit 3
exit 0
