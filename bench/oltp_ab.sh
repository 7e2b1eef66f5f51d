#!/usr/bin/env bash
# bench/oltp_ab.sh [--scale S] [--rounds N] [--duration SEC] [--warmup SEC]
#                  [--clients N] [--modes "uncontended contended"]
#                  [--together] [--no-build]
# — W3 alone, denorm against the limit: N rounds (default 8), each running
# both variants back to back (which goes first alternates) on fresh copies
# of databases loaded by W1, W2 and W4 as in bench/run.sh, with its settings
# and pgbench scripts. On a shared machine whose speed drifts by ±15% over
# minutes, the pairs see the same moods, so the median of the per-round
# ratios says more than a full bench run's three repetitions. Prints, per
# mode, the tps and the server CPU per transaction of each variant (medians),
# the median ratio and each round's, and what each transaction cost besides
# CPU (WAL, buffers, context switches, the machine's CPU); the drift check
# runs after every run.
# Keep N even: on this VM the first run of an uncontended pair was slower,
# whichever variant it was (bench/reports/2026-12-06-rebuild-and-w3-pairs.md).
# --together runs the two variants at the same time instead, half the
# clients each, so both see exactly the same machine: the tps ratio is then
# the ratio of what a transaction costs each, without the minutes-long drift
# between back-to-back runs. Server CPU is not split between them (shown -).
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"
SCALE=1
ROUNDS=8
DURATION=20
WARMUP=3
CLIENTS=8
MODES="uncontended contended"
BUILD=1
TOGETHER=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --modes) MODES=$2; shift 2 ;;
        --together) TOGETHER=1; shift ;;
        --no-build) BUILD=0; shift ;;
        *) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1 ;;
    esac
done
bench_setup
source "$BENCH/_server_cpu.sh"
THREADS=$(nproc)

log "scale $SCALE ($NINV invoices): loading W1, W2 and W4 for limit and denorm"
for v in limit denorm; do
    files=(-f "$BENCH/variants/$v.sql" -f "$BENCH/workloads/generators.sql" -f "$BENCH/workloads/base_data.sql")
    for w in w1_load w2_change w4_lookups; do
        f=$BENCH/workloads/$w.sql
        [ "$v" = limit ] && [ -f "$BENCH/workloads/${w}_limit.sql" ] && f=$BENCH/workloads/${w}_limit.sql
        files+=(-f "$f")
    done
    psql_q -c "CREATE DATABASE ab_$v"
    psql_q -d "ab_$v" "${VARS[@]}" "${files[@]}" -f "$BENCH/workloads/oltp_setup.sql" >/dev/null
done

results=$(mktemp)
trap 'rm -f "$results"; stop_cluster' EXIT
# pgbench_args VARIANT MODE CLIENTS DB: sets ARGS to the W3 pgbench arguments.
pgbench_args() {
    local script=oltp contended=0
    [ "$1" = limit ] && script=oltp_limit
    [ "$2" = contended ] && contended=1
    ARGS=(-n -M prepared -c "$3" -j "$(( $3 < THREADS ? $3 : THREADS ))" --max-tries=10
          -D ninv="$NINV" -D contended="$contended" -f "$BENCH/pgbench/$script.sql" "$4")
}
# counters DB: what a run costs besides its backends' CPU, as running totals
# to subtract: WAL bytes, buffer hits and reads of DB, the machine's context
# switches and CPU ticks (user + system, pgbench included).
counters() {
    echo "$(psql_q -Atc "SELECT w.wal_bytes, d.blks_hit, d.blks_read FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = '$1'" | tr '|' ' ')" \
         "$(awk '/^ctxt / { c = $2 } /^cpu / { t = $2 + $3 + $4 } END { print c, t }' /proc/stat)"
}
# summarize MODE ROUND VARIANT CPU_MS DB [COUNTERS_BEFORE COUNTERS_AFTER] <
# pgbench output: drops the copy DB after its drift check and prints "mode
# round variant tps cpu_ms_per_tx failures drift", then per transaction the
# differences of the counters (WAL bytes, buffer hits, buffer reads, context
# switches, machine CPU ms), or zeros.
summarize() {
    local out drift
    out=$(cat)
    drift=$(psql_q -d "$5" -At -F'|' -f "$BENCH/workloads/drift.sql" | awk -F'|' 'NF == 2 { s += $2 } END { print s + 0 }')
    psql_q -c "DROP DATABASE $5"
    echo "$out" | awk -v m="$1" -v r="$2" -v v="$3" -v ms="$4" -v d="$drift" -v c0="${6:-}" -v c1="${7:-}" -v hz="$TICKS" '
        /^number of transactions actually processed:/ { split($0, a, ": "); split(a[2], b, "/"); n = b[1] }
        /^number of failed transactions:/ { f = $5 }
        /^tps =/ { tps = $3 }
        END {
            printf "%s %s %s %s %.4f %d %s", m, r, v, tps, (n > 0 && ms > 0 ? ms / n : 0), f, d
            k = split(c0, a, " "); split(c1, b, " ")
            for (i = 1; i <= 5; i++) printf " %.4f", (k == 5 && n > 0 ? (b[i] - a[i]) * (i == 5 ? 1000 / hz : 1) / n : 0)
            printf "\n" }'
}
# run VARIANT MODE ROUND: one measured pgbench run on a fresh copy.
run() {
    local v=$1 out t0 t1 c0 c1
    psql_q -c "CREATE DATABASE ab_run TEMPLATE ab_$v STRATEGY FILE_COPY"
    pgbench_args "$v" "$2" "$CLIENTS" ab_run
    "$PGBIN/pgbench" -T "$WARMUP" "${ARGS[@]}" >/dev/null 2>&1 || true
    wait_disconnected ab_run
    c0=$(counters ab_run)
    t0=$(server_ticks)
    out=$("$PGBIN/pgbench" -T "$DURATION" "${ARGS[@]}" 2>&1) || true
    wait_disconnected ab_run
    t1=$(server_ticks)
    c1=$(counters ab_run)
    echo "$out" | summarize "$2" "$3" "$v" "$(( (t1 - t0) * 1000 / TICKS ))" ab_run "$c0" "$c1"
}
# run_together MODE ROUND: both variants at once, half the clients each,
# each on its own fresh copy.
run_together() {
    local v half=$(( CLIENTS / 2 > 0 ? CLIENTS / 2 : 1 ))
    for v in limit denorm; do psql_q -c "CREATE DATABASE ab_run_$v TEMPLATE ab_$v STRATEGY FILE_COPY"; done
    for v in limit denorm; do
        pgbench_args "$v" "$1" "$half" "ab_run_$v"
        "$PGBIN/pgbench" -T "$WARMUP" "${ARGS[@]}" >/dev/null 2>&1 &
    done
    wait
    for v in limit denorm; do
        pgbench_args "$v" "$1" "$half" "ab_run_$v"
        "$PGBIN/pgbench" -T "$DURATION" "${ARGS[@]}" >"$results.$v" 2>&1 &
    done
    wait
    for v in limit denorm; do
        wait_disconnected "ab_run_$v"
        summarize "$1" "$2" "$v" 0 "ab_run_$v" <"$results.$v"
        rm -f "$results.$v"
    done
}
for r in $(seq 1 "$ROUNDS"); do
    order="limit denorm"
    [ $((r % 2)) = 0 ] && order="denorm limit"
    for mode in $MODES; do
        if [ "$TOGETHER" = 1 ]; then
            run_together "$mode" "$r" >>"$results"
        else
            for v in $order; do run "$v" "$mode" "$r" >>"$results"; done
        fi
    done
    log "round $r of $ROUNDS: $(awk -v r="$r" '$2 == r { printf "%s %s %s tps; ", $1, $3, $4 }' "$results")"
done

how="$CLIENTS clients, $ROUNDS rounds of ${DURATION} s runs, back to back"
[ "$TOGETHER" = 1 ] && how="$(( CLIENTS / 2 > 0 ? CLIENTS / 2 : 1 )) clients each, $ROUNDS rounds of ${DURATION} s runs, both at once"
echo "W3, denorm against the limit, scale $SCALE, $how:"
awk "$BENCH_AWK_MEDIAN"'
    { tps[$1, $3] = tps[$1, $3] " " $4; cpu[$1, $3] = cpu[$1, $3] " " $5; fail[$1, $3] += $6; drift += $7
      t[$1, $2, $3] = $4; c[$1, $2, $3] = $5; if (!($1 in seen)) { seen[$1] = 1; modes[++n] = $1 }; rounds[$2] = 1
      for (k = 8; k <= 12; k++) per[$1, $3, k] = per[$1, $3, k] " " $k }
    END {
        printf "  %-12s %12s %12s %14s %10s %10s %14s %9s\n", "mode", "limit tps", "denorm tps", "tps ratio", "limit cpu", "denorm cpu", "cpu ratio", "failures"
        for (i = 1; i <= n; i++) {
            m = modes[i]; tr = ""; cr = ""
            for (r in rounds) {
                if (t[m, r, "limit"] > 0) tr = tr " " t[m, r, "denorm"] / t[m, r, "limit"]
                if (c[m, r, "limit"] > 0) cr = cr " " c[m, r, "denorm"] / c[m, r, "limit"] }
            printf "  %-12s %12.0f %12.0f %14.3f %10s %10s %14s %4d/%-4d\n", m, med(tps[m, "limit"]), med(tps[m, "denorm"]), med(tr),
                   together ? "-" : sprintf("%.3f", med(cpu[m, "limit"])), together ? "-" : sprintf("%.3f", med(cpu[m, "denorm"])),
                   together ? "-" : sprintf("%.3f", med(cr)), fail[m, "limit"], fail[m, "denorm"]
        }
        for (i = 1; i <= n; i++) {
            m = modes[i]; line = ""
            for (r = 1; (r in rounds); r++) if (t[m, r, "limit"] > 0) line = line sprintf(" %.3f", t[m, r, "denorm"] / t[m, r, "limit"])
            printf "  %s tps ratio per round%s:%s\n", m, (together ? "" : " (limit first in odd rounds)"), line
        }
        printf "  (ratios: median over rounds of denorm / limit in the same round; cpu: server ms per transaction)\n"
        if (!together) {
            printf "  per transaction (medians): %-12s %-7s %10s %12s %12s %10s %12s\n", "mode", "variant", "WAL bytes", "buffer hits", "buffer reads", "ctx sw", "machine cpu"
            for (i = 1; i <= n; i++)
                for (j = 1; j <= 2; j++) {
                    v = (j == 1 ? "limit" : "denorm")
                    printf "  %27s %-12s %-7s %10.0f %12.1f %12.2f %10.1f %9.3f ms\n", "", modes[i], v, med(per[modes[i], v, 8]),
                           med(per[modes[i], v, 9]), med(per[modes[i], v, 10]), med(per[modes[i], v, 11]), med(per[modes[i], v, 12])
                }
        }
        printf "  drift after the runs: %d differing rows\n", drift
        if (drift != 0) exit 1
    }' together="$TOGETHER" "$results"
