#!/usr/bin/env bash
# bench/run.sh (make bench) — the cost of maintaining the projections of
# examples/bookkeeping.sql, five ways side by side, on one throwaway cluster:
#   none    canonical tables only, nothing maintained
#   limit   each statement also writes its projection rows (data-modifying CTEs)
#   plrow   hand-written PL/pgSQL row-level triggers
#   plstmt  hand-written PL/pgSQL statement-level triggers (transition tables)
#   denorm  the extension with examples/bookkeeping.sql as shipped
# Workloads: W1 bulk load, W2 bulk change, W4 lookup change, W3 OLTP
# (pgbench), rebuild (denorm.rebuild_target and denorm.rebuild vs INSERT ...
# SELECT vs REFRESH MATERIALIZED VIEW) and audit (denorm.audit vs a hand-written FULL JOIN).
# After every workload, an independent drift check of every maintaining
# variant. Writes bench/results/<timestamp>/ (report.md, summary.csv,
# raw.csv, drift.csv, ratios.png, log.txt) and prints the report.
# See bench/README.md.
#
# Usage: bench/run.sh [--scale S] [--repeat N] [--duration SEC] [--warmup SEC]
#                     [--clients N] [--no-build] [--skip-oltp] [--out DIR]
#                     [--set NAME=VALUE ...]   (extra server settings)
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"

SCALE=0.1
REPEAT=3
DURATION=20
WARMUP=3
CLIENTS=8
BUILD=1
OLTP=1
OUT=""
EXTRA_SETTINGS=()
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --skip-oltp) OLTP=0; shift ;;
        --out) OUT=$2; shift 2 ;;
        --set) EXTRA_SETTINGS+=("$2"); shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 1 >&2 ;;
    esac
done

VARIANTS="none limit plrow plstmt denorm"
MAINTAINING="limit plrow plstmt denorm"
SCALING_VARIANTS="limit denorm"
SCALING_CLIENTS="1 2 4"     # plus $CLIENTS, measured by the main uncontended run
# Cluster settings and sizes: bench/_common.sh.
SETTINGS=("${BENCH_SETTINGS[@]}" "${EXTRA_SETTINGS[@]}")
NINV=$(bench_ninv "$SCALE")
NMISC=$NINV
NTRANSFER=$((NINV / 10))
PGBENCH=$PGBIN/pgbench
THREADS=$(nproc)

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-$BENCH/results/$STAMP}
mkdir -p "$OUT"
RAW=$OUT/raw.csv
DRIFT=$OUT/drift.csv
CHECKS=$OUT/checks.csv
LOG=$OUT/log.txt
echo "phase,variant,rep,step,metric,value" > "$RAW"
echo "workload,variant,rep,projection,differing_rows" > "$DRIFT"
echo "workload,rep,check,result" > "$CHECKS"
: > "$LOG"
START=$(date +%s)

# ---------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
    ensure_packages
    build_install
fi
# What is being measured: the repository's commit and the installed library
# (checked again at the end: someone may reinstall the extension meanwhile).
COMMIT=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)
so_sum() { { md5sum "$("$PGBIN/pg_config" --pkglibdir)/denorm.so" 2>/dev/null || echo none; } | cut -c1-12; }
SO_START=$(so_sum)

ensure_gnuplot() {
    command -v gnuplot >/dev/null && return 0
    log "installing gnuplot-nox for the chart"
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >>"$LOG" 2>&1 \
        || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LOG" 2>&1 &&
             as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >>"$LOG" 2>&1; }; then
        return 0
    fi
    log "gnuplot-nox could not be installed: the report will have no chart"
    return 1
}
HAVE_GNUPLOT=1
ensure_gnuplot || HAVE_GNUPLOT=0

start_cluster "${SETTINGS[@]}"
# Machine load during the run (other processes share the CPUs): sampled
# every 5 s into loadavg.csv, summarized in the report.
( while :; do echo "$(date +%s),$(cut -d' ' -f1 /proc/loadavg)"; sleep 5; done ) >"$OUT/loadavg.csv" &
SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null; stop_cluster' EXIT
export PGOPTIONS="-c client_min_messages=warning"
DENORM_VERSION=$(psql_q -d postgres -Atc "SELECT default_version FROM pg_available_extensions WHERE name = 'denorm'")

sql() { psql_q -d "$1" "${@:2}" >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; return 1; }; }
sql_out() { psql_q -d "$1" "${@:2}" 2>>"$LOG"; }
admin() { sql postgres -c "$*"; }
copy_db() {   # copy_db NEW TEMPLATE
    admin "DROP DATABASE IF EXISTS $1"
    admin "CREATE DATABASE $1 TEMPLATE $2 STRATEGY FILE_COPY"
}
VARS=(-v "top=$TOP" -v "ninv=$NINV" -v "nmisc=$NMISC" -v "ntransfer=$NTRANSFER")
# The file a variant runs for a workload: <name>_limit.sql for limit if any.
wfile() {
    if [ "$2" = limit ] && [ -f "$BENCH/workloads/${1}_limit.sql" ]; then
        echo "$BENCH/workloads/${1}_limit.sql"
    else
        echo "$BENCH/workloads/$1.sql"
    fi
}

# run_steps PHASE LABEL REP DB FILE: run a workload file, record for each
# step (workloads/_step_begin.sql, _step_end.sql) its wall time (psql
# \timing: client round trip of the statement, commit included), the
# backend's CPU time and run-queue wait, and each "@found" result.
run_steps() {
    local phase=$1 label=$2 rep=$3 db=$4 file=$5 out
    out=$(psql_q -d "$db" "${VARS[@]}" -f "$file" 2>&1) || { echo "$out" >>"$LOG"; echo "$out" | tail -20 >&2; return 1; }
    echo "== $phase $label rep $rep" >>"$LOG"
    echo "$out" >>"$LOG"
    echo "$out" | awk -v p="$phase" -v v="$label" -v r="$rep" '
        /^@step /  { step = substr($0, 7); next }
        /^Time: /  { if (step != "") { print p "," v "," r "," step ",ms," $2; step = "" } }
        /^@cpu /   { print p "," v "," r "," $2 ",cpu_ms," $3; print p "," v "," r "," $2 ",wait_ms," $4 }
        /^@found / { print p "," v "," r "," $2 ",found," $3 }' >>"$RAW"
}

# drift WORKLOAD VARIANT REP DB: the independent drift check.
drift() {
    local out bad
    out=$(sql_out "$4" -f "$BENCH/workloads/drift.sql")
    echo "$out" | awk -F'|' -v w="$1" -v v="$2" -v r="$3" 'NF == 2 { print w "," v "," r "," $1 "," $2 }' >>"$DRIFT"
    bad=$(echo "$out" | awk -F'|' 'NF == 2 && $2 != 0' | tr '\n' ' ')
    if [ -n "$bad" ]; then log "DRIFT after $1 in $2 (rep $3): $bad"; fi
}

# fingerprints WORKLOAD REP: every variant holds the same canonical rows,
# every maintaining variant the same projection rows.
fingerprints() {
    local v dir=$OUT/fingerprints/$1-$2 ref result
    mkdir -p "$dir"
    for v in $VARIANTS; do sql_out "bench_$v" -f "$BENCH/workloads/fingerprint.sql" >"$dir/$v"; done
    ref=$dir/limit
    result=identical
    for v in $VARIANTS; do
        if ! diff <(head -8 "$ref") <(head -8 "$dir/$v") >/dev/null; then
            result="canonical rows differ in $v"; log "$result after $1"
        fi
    done
    for v in $MAINTAINING; do
        if ! diff <(tail -n +9 "$ref") <(tail -n +9 "$dir/$v") >/dev/null; then
            result="projection rows differ in $v"; log "$result after $1"
        fi
    done
    echo "$1,$2,fingerprint,$result" >>"$CHECKS"
}

log "scale $SCALE: $NINV invoices, $((10 * NINV)) items, $NMISC incomes/expenses/payments, $NTRANSFER transfers; repeat $REPEAT; results in $OUT"

# One template database per variant: schema, generators, reference data.
for v in $VARIANTS; do
    admin "CREATE DATABASE tpl_$v"
    sql "tpl_$v" -v top="$TOP" -f "$BENCH/variants/$v.sql" \
        -f "$BENCH/workloads/generators.sql" -f "$BENCH/workloads/base_data.sql"
    sql "tpl_$v" -c "VACUUM ANALYZE"
done

# Warm-up (untimed): a small load in every variant, so that the first timed
# run does not pay for cold caches and first-touch shared memory.
for v in $VARIANTS; do
    copy_db warm "tpl_$v"
    sql warm -v ninv=1000 -v nmisc=1000 -v ntransfer=100 -f "$(wfile w1_load "$v")"
    admin "DROP DATABASE warm"
done

# ---------------------------------------------------------------------------
# W1 bulk load, W2 bulk change, W4 lookup change: fresh database from the
# template for every repetition; variant order rotates between repetitions.
# ---------------------------------------------------------------------------
rotate() { local n=$1; shift; local a=("$@"); local i; for ((i = 0; i < ${#a[@]}; i++)); do echo "${a[$(((i + n) % ${#a[@]}))]}"; done; }
for rep in $(seq 1 "$REPEAT"); do
    # shellcheck disable=SC2086
    for v in $(rotate $((rep - 1)) $VARIANTS); do
        log "rep $rep/$REPEAT: W1, W2, W4 in $v"
        copy_db "bench_$v" "tpl_$v"
        for w in w1_load w2_change w4_lookups; do
            admin "CHECKPOINT"
            run_steps "${w%%_*}" "$v" "$rep" "bench_$v" "$(wfile "$w" "$v")"
            [ "$v" = none ] || drift "${w%%_*}" "$v" "$rep" "bench_$v"
            sql "bench_$v" -c "VACUUM ANALYZE"
            if [ "$w" = w1_load ]; then
                echo "size,$v,$rep,database,bytes,$(sql_out "bench_$v" -Atc 'SELECT pg_database_size(current_database())')" >>"$RAW"
            fi
        done
    done
    fingerprints "after W1+W2+W4" "$rep"
done

# Templates for the OLTP runs: the state after W1, W2 and W4, with sequences.
if [ "$OLTP" = 1 ]; then
    for v in $VARIANTS; do
        sql "bench_$v" -f "$BENCH/workloads/oltp_setup.sql"
        copy_db "w3_$v" "bench_$v"
    done
fi

# ---------------------------------------------------------------------------
# Rebuild and audit, on the data left by the last repetition.
# ---------------------------------------------------------------------------
sql bench_limit -f "$BENCH/workloads/matview_create.sql"
for rep in $(seq 1 "$REPEAT"); do
    log "rep $rep/$REPEAT: rebuild and audit"
    run_steps rebuild limit "$rep" bench_limit "$BENCH/workloads/rebuild_limit.sql"
    drift rebuild limit "$rep" bench_limit
    run_steps rebuild matview "$rep" bench_limit "$BENCH/workloads/rebuild_matview.sql"
    run_steps rebuild in_place "$rep" bench_denorm "$BENCH/workloads/rebuild_denorm_in_place.sql"
    drift rebuild denorm "$rep" bench_denorm
    run_steps rebuild denorm "$rep" bench_denorm "$BENCH/workloads/rebuild_denorm.sql"
    drift rebuild denorm "$rep" bench_denorm
    sql bench_denorm -c "VACUUM ANALYZE"
    admin "CHECKPOINT"
    run_steps audit hand "$rep" bench_denorm "$BENCH/workloads/audit_hand.sql"
    run_steps audit denorm "$rep" bench_denorm "$BENCH/workloads/audit_denorm.sql"
done

# ---------------------------------------------------------------------------
# W3 OLTP: pgbench, every run on a fresh copy of the variant's W3 template.
# ---------------------------------------------------------------------------
source "$BENCH/_server_cpu.sh"   # server_ticks, wait_disconnected, TICKS

# pgbench_run VARIANT MODE CLIENTS REP
pgbench_run() {
    local v=$1 mode=$2 clients=$3 rep=$4 script=oltp out rc=0 contended=0 threads
    [ "$v" = limit ] && script=oltp_limit
    [ "$mode" = contended ] && contended=1
    threads=$(( clients < THREADS ? clients : THREADS ))
    local args=(-n -M prepared -c "$clients" -j "$threads" --max-tries=10
                -D ninv="$NINV" -D contended="$contended" -f "$BENCH/pgbench/$script.sql" w3run)
    copy_db w3run "w3_$v"
    log "rep $rep/$REPEAT: W3 $mode, $clients clients, $v"
    # Warm-up (untimed): caches of the fresh copy, plans of the connections.
    "$PGBENCH" -T "$WARMUP" "${args[@]}" >>"$LOG" 2>&1 || true
    wait_disconnected w3run
    local t0 t1
    t0=$(server_ticks)
    out=$("$PGBENCH" -T "$DURATION" "${args[@]}" 2>&1) || rc=$?
    wait_disconnected w3run
    t1=$(server_ticks)
    echo "== w3 $v $mode c$clients rep $rep (exit $rc)" >>"$LOG"
    echo "$out" >>"$LOG"
    [ "$rc" = 0 ] || log "pgbench exited with $rc for $v $mode (see $LOG)"
    echo "$out" | awk -v v="$v" -v r="$rep" -v s="$mode/c$clients" -v rc="$rc" \
                      -v cpu_ms="$(( (t1 - t0) * 1000 / TICKS ))" '
        function put(m, x) { print "w3," v "," r "," s "," m "," x }
        /^number of transactions actually processed:/ {
            split($0, a, ": "); split(a[2], b, "/"); put("transactions", b[1])
            if (b[1] > 0) put("server_cpu_ms_per_tx", sprintf("%.4f", cpu_ms / b[1])) }
        /^number of failed transactions:/ { put("failures", $5) }
        /^number of transactions retried:/ { put("retried", $5) }
        /^total number of retries:/ { put("retries", $5) }
        /^latency average =/ { put("latency_ms", $4) }
        /^tps =/ { put("tps", $3) }
        END { put("exit", rc) }' >>"$RAW"
    [ "$v" = none ] || drift "w3 $mode c$clients" "$v" "$rep" w3run
    admin "DROP DATABASE w3run"
}

if [ "$OLTP" = 1 ]; then
    for rep in $(seq 1 "$REPEAT"); do
        for mode in uncontended contended; do
            # shellcheck disable=SC2086
            for v in $(rotate $((rep - 1)) $VARIANTS); do pgbench_run "$v" "$mode" "$CLIENTS" "$rep"; done
        done
        for c in $SCALING_CLIENTS; do
            [ "$c" = "$CLIENTS" ] && continue
            for v in $SCALING_VARIANTS; do pgbench_run "$v" uncontended "$c" "$rep"; done
        done
    done
fi

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
END_TIME=$(date +%s)
SO_END=$(so_sum)
[ "$SO_START" = "$SO_END" ] || log "denorm.so changed during the run ($SO_START -> $SO_END): results may mix two builds"
cat >"$OUT/run.env" <<EOF
scale=$SCALE
ninv=$NINV
nitem=$((10 * NINV))
nmisc=$NMISC
ntransfer=$NTRANSFER
repeat=$REPEAT
duration=$DURATION
warmup=$WARMUP
clients=$CLIENTS
scaling_clients='$SCALING_CLIENTS $CLIENTS'
oltp=$OLTP
wall_seconds=$((END_TIME - START))
commit=$COMMIT
denorm_version=$DENORM_VERSION
so_start=$SO_START
so_end=$SO_END
started='$(date -d "@$START" '+%Y-%m-%d %H:%M:%S %Z')'
EOF
"$BENCH/report.sh" "$OUT" "$HAVE_GNUPLOT"
cat "$OUT/report.md"
log "results in $OUT"
