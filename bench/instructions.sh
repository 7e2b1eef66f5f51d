#!/usr/bin/env bash
# bench/instructions.sh — CPU instructions per W3 OLTP transaction, counted
# by callgrind, for every variant of bench/run.sh: a figure that does not
# move with the machine's load, unlike tps on a shared 2-core VM.
#
# For each variant and mode (uncontended, contended), on fresh copies of a
# database loaded by W1: the server runs under valgrind --tool=callgrind,
# one pgbench client runs N transactions of bench/pgbench/oltp*.sql, and the
# backend's instruction total is read when it exits. Two runs, of 100 and
# of 100 + N transactions, are subtracted, so connection start-up and each
# backend's first-use costs (denorm builds a projection's spec once per
# backend) cancel out: what is left is the steady-state cost of N
# transactions. One client, so no lock waits: contended here means the
# same 10 hot invoices (and their row versions) as in bench/run.sh.
#
# --step NAME counts one statement of the W3 transaction alone, each in its
# own transaction: the statement marked "-- step NAME" in oltp.sql (and
# oltp_limit.sql for the limit): invoice, items, item_update or payment.
# The payment then pays the target invoice, and the items go into it (a
# lone step has no invoice of its own transaction to fill).
# --keep keeps each measured backend's callgrind profile as OUT/<db>.cg
# (r_<variant>_<mode>_<transactions>.cg), for callgrind_annotate: subtract
# the 100-transaction profile from the longer one to get a function's cost.
# --setup FILE runs FILE in the denorm variant's database after the load: a
# what-if (drop a trigger, redefine a projection) measured the same way.
# --cache-sim adds callgrind's cache simulation: the report then also gives
# L1 instruction, L1 data and last-level misses per transaction (simulated
# for one backend that keeps its caches; about twice as slow).
#
# Usage: bench/instructions.sh [--scale S] [--transactions N] [--no-build]
#                              [--variants "limit denorm ..."] [--step NAME]
#                              [--out DIR] [--keep] [--setup FILE]
#                              [--cache-sim]
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"

SCALE=0.1
NTX=1000
BUILD=1
VARIANTS="none limit plrow plstmt denorm"
STEP=""
OUT=""
KEEP=0
SETUP=""
CACHESIM=0
usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --transactions) NTX=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --variants) VARIANTS=$2; shift 2 ;;
        --step) STEP=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --setup) SETUP=$(realpath "$2"); shift 2 ;;
        --cache-sim) CACHESIM=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 1 >&2 ;;
    esac
done

SETTINGS=("${BENCH_SETTINGS[@]}")   # those of bench/run.sh
NINV=$(bench_ninv "$SCALE")
OUT=${OUT:-$BENCH/results/instructions-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
LOG=$OUT/log.txt
: >"$LOG"

if [ "$BUILD" = 1 ]; then
    ensure_packages
    build_install
fi
if ! command -v valgrind >/dev/null; then
    log "installing valgrind"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >>"$LOG" 2>&1 \
        || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LOG" 2>&1 &&
             as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >>"$LOG" 2>&1; }
fi

start_cluster "${SETTINGS[@]}"
export PGOPTIONS="-c client_min_messages=warning"
sql() { psql_q -d "$1" "${@:2}" >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; return 1; }; }
VARS=(-v "top=$TOP" -v "ninv=$NINV" -v "nmisc=$NINV" -v "ntransfer=$((NINV / 10))")

# A loaded database per variant (W1, then the OLTP sequences), and a fresh
# copy of it for every measured run.
log "scale $SCALE ($NINV invoices): loading $VARIANTS"
for v in $VARIANTS; do
    w1=$BENCH/workloads/w1_load.sql
    [ "$v" = limit ] && w1=$BENCH/workloads/w1_load_limit.sql
    sql postgres -c "CREATE DATABASE tpl_$v"
    sql "tpl_$v" "${VARS[@]}" -f "$BENCH/variants/$v.sql" -f "$BENCH/workloads/generators.sql" \
        -f "$BENCH/workloads/base_data.sql" -f "$w1" -f "$BENCH/workloads/oltp_setup.sql"
    if [ "$v" = denorm ] && [ -n "$SETUP" ]; then sql "tpl_$v" -f "$SETUP"; fi
    for mode in uncontended contended; do
        for n in 100 $((100 + NTX)); do
            sql postgres -c "CREATE DATABASE r_${v}_${mode}_$n TEMPLATE tpl_$v STRATEGY FILE_COPY"
        done
    done
done

# The same cluster, restarted under callgrind; one output file per process.
PORT=$PGPORT
as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null
CG=$CLUSTER_DIR/callgrind
mkdir -p "$CG"
[ "$(id -u)" = 0 ] && chown postgres "$CG"
opts=(-p "$PORT" -k "$CLUSTER_DIR" -c "listen_addresses=" -c fsync=off)
for s in "${SETTINGS[@]}"; do opts+=(-c "$s"); done
VGOPTS=(--tool=callgrind --callgrind-out-file="$CG/out.%p")
[ "$CACHESIM" = 1 ] && VGOPTS+=(--cache-sim=yes)
as_pg valgrind "${VGOPTS[@]}" \
    "$PGBIN/postgres" -D "$CLUSTER_DIR/data" "${opts[@]}" >>"$LOG" 2>&1 &
for _ in $(seq 1 120); do
    psql_q -d postgres -Atc "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done

# instructions DB SCRIPT N CONTENDED: the event totals of the backend that
# ran the transactions (pgbench may open other, short connections), the
# instruction count first (with --cache-sim the misses follow: Ir Dr Dw I1mr
# D1mr D1mw ILmr DLmr DLmw); with --keep, its profile is kept as OUT/DB.cg.
instructions() {
    local before new f n best=0 bestf=""
    before=$(ls "$CG")
    "$PGBIN/pgbench" -n -M prepared -c 1 -t "$3" -D ninv="$NINV" -D contended="$4" -f "$2" "$1" >>"$LOG" 2>&1
    # Backends write their file when they exit, just after the client leaves.
    sleep 1
    for _ in $(seq 1 100); do
        new=$(comm -13 <(echo "$before") <(ls "$CG"))
        if [ -n "$new" ] && ! for f in $new; do grep -q '^totals:' "$CG/$f" || echo missing; done | grep -q missing; then
            break
        fi
        sleep 0.2
    done
    for f in $new; do
        n=$(awk '/^totals:/ { print $2 }' "$CG/$f")
        [ "${n:-0}" -gt "$best" ] && { best=$n; bestf=$f; }
    done
    [ "$best" -gt 0 ] || { echo "no callgrind output for $1" >&2; return 1; }
    [ "$KEEP" = 1 ] && cp "$CG/$bestf" "$OUT/$1.cg"
    awk '/^totals:/ { $1 = ""; print substr($0, 2) }' "$CG/$bestf"
}

# step_script FILE STEP OUT: the variables of FILE (what precedes BEGIN),
# the target invoice as the payment's, a new invoice id if the statement
# uses one, and the statement marked "-- step STEP" (the items step fills
# the target invoice).
step_script() {
    awk -v s="$2" '
        BEGIN { head = 1 }
        /^BEGIN;/ { head = 0 }
        head { if (!/^--/) print; next }
        $0 == "-- step " s { on = 1; next }
        on && s == "items" { gsub(/:inv::integer/, ":pinv::integer") }
        on && (/^-- step / || /^END;/) { on = 0 }
        on { body = body $0 "\n" }
        END {
            if (body == "") exit 1
            print "\\set pinv :target"
            print "\\set pbiz 1 + :pinv % 10"
            if (body ~ /:inv[^a-z_]/) {
                print "SELECT nextval(\047bench_invoice_id\047) AS inv \\gset"
                print "\\set ibiz 1 + :inv % 10"
            }
            printf "%s", body
        }' "$1" >"$3" || { echo "no statement marked \"-- step $2\" in $1" >&2; exit 1; }
}

CSV=$OUT/instructions.csv
if [ "$CACHESIM" = 1 ]; then
    echo "variant,mode,instructions_per_tx,l1i_misses_per_tx,l1d_misses_per_tx,ll_misses_per_tx" >"$CSV"
else
    echo "variant,mode,instructions_per_tx" >"$CSV"
fi
for v in $VARIANTS; do
    script=$BENCH/pgbench/oltp.sql
    [ "$v" = limit ] && script=$BENCH/pgbench/oltp_limit.sql
    if [ -n "$STEP" ]; then
        step_script "$script" "$STEP" "$OUT/step_${STEP}_$v.sql"
        script=$OUT/step_${STEP}_$v.sql
    fi
    for mode in uncontended contended; do
        c=0; [ "$mode" = contended ] && c=1
        log "$v, $mode"
        short=$(instructions "r_${v}_${mode}_100" "$script" 100 "$c")
        long=$(instructions "r_${v}_${mode}_$((100 + NTX))" "$script" $((100 + NTX)) "$c")
        # Per transaction: (long - short) / NTX of each event, misses summed
        # by level when simulated.
        echo "$short $long" | awk -v v="$v" -v m="$mode" -v n="$NTX" '{
            k = NF / 2; for (i = 1; i <= k; i++) d[i] = ($(k + i) - $i) / n
            line = sprintf("%s,%s,%d", v, m, d[1])
            if (k == 9) line = line sprintf(",%d,%d,%d", d[4], d[5] + d[6], d[7] + d[8] + d[9])
            print line }' >>"$CSV"
    done
done
as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true

# Report: instructions per transaction and the ratio to the limit.
{
    echo "# W3 instructions per transaction (callgrind)"
    echo
    echo "bench/pgbench/oltp.sql${STEP:+, step $STEP alone}${SETUP:+, denorm after $(basename "$SETUP")}; scale $SCALE ($NINV invoices), $NTX transactions after 100, one client;"
    echo "commit $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown), $(date '+%Y-%m-%d %H:%M %Z')."
    echo
    echo "| variant | uncontended | ratio to limit | contended | ratio to limit |"
    echo "|---|---:|---:|---:|---:|"
    awk -F, 'function ratio(a, b) { return b > 0 ? sprintf("%.3f", a / b) : "–" }
        NR > 1 { v[$1] = 1; order[++n] = $1; x[$1, $2] = $3; if (NF > 3) { cache = 1; c[$1, $2] = $4 " | " $5 " | " $6 } }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]; if (k in done) continue; done[k] = 1
                printf "| %s | %d | %s | %d | %s |\n", k, x[k, "uncontended"],
                    ratio(x[k, "uncontended"], x["limit", "uncontended"]), x[k, "contended"],
                    ratio(x[k, "contended"], x["limit", "contended"])
            }
            if (!cache) exit
            printf "\nSimulated misses per transaction (--cache-sim):\n\n"
            printf "| variant | mode | L1 instruction | L1 data | last level |\n|---|---|---:|---:|---:|\n"
            for (i = 1; i <= n; i++) {
                k = order[i]; if (k in shown) continue; shown[k] = 1
                printf "| %s | uncontended | %s |\n| %s | contended | %s |\n", k, c[k, "uncontended"], k, c[k, "contended"]
            }
        }' "$CSV"
} >"$OUT/report.md"
cat "$OUT/report.md"
log "results in $OUT"
