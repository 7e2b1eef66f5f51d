#!/usr/bin/env bash
# bench/rebuild_vs_refresh.sh [--scale S] [--rounds N] [--no-build] — the
# rebuild workload alone: denorm.rebuild_target of each target
# (workloads/rebuild_denorm.sql) against REFRESH MATERIALIZED VIEW of the
# same definitions (workloads/rebuild_matview.sql), alternated N times
# (default 7) on one database of each, loaded by W1, on a throwaway cluster
# with the settings of bench/run.sh. Alternating rounds share the machine's
# moods, so the ratio of medians is steadier than a full bench run's three
# repetitions. Prints each target's median wall and CPU time and the ratios.
# Point PGBIN at another build's installation to compare builds (see
# fresh_copies.sh).
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"
SCALE=1
ROUNDS=7
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        *) echo "usage: $0 [--scale S] [--rounds N] [--no-build]" >&2; exit 1 ;;
    esac
done
bench_setup

log "scale $SCALE ($NINV invoices): loading W1 with denorm, and with the limit and materialized views"
psql_q -c "CREATE DATABASE rv_denorm" -c "CREATE DATABASE rv_matview"
psql_q -d rv_denorm "${VARS[@]}" -f "$BENCH/variants/denorm.sql" -f "$BENCH/workloads/generators.sql" \
    -f "$BENCH/workloads/base_data.sql" -f "$BENCH/workloads/w1_load.sql" >/dev/null
psql_q -d rv_matview "${VARS[@]}" -f "$BENCH/variants/limit.sql" -f "$BENCH/workloads/generators.sql" \
    -f "$BENCH/workloads/base_data.sql" -f "$BENCH/workloads/w1_load_limit.sql" \
    -f "$BENCH/workloads/matview_create.sql" >/dev/null
for db in rv_denorm rv_matview; do psql_q -d "$db" -c "VACUUM ANALYZE"; done

results=$(mktemp)
trap 'rm -f "$results"; stop_cluster' EXIT
# steps VARIANT DB FILE: "variant target wall_ms cpu_ms" per target of one
# round; steps are named target/table, and a target's tables are summed
# (the journal's two).
steps() {
    psql_q -d "$2" "${VARS[@]}" -f "$3" 2>&1 | awk -v v="$1" '
        /^@step / { split(substr($0, 7), s, "/"); t = s[1]; if (!(t in wall)) order[++n] = t; next }
        /^Time: / { if (t != "") { wall[t] += $2; t = "" } }
        /^@cpu /  { split($2, s, "/"); cpu[s[1]] += $3 }
        END { for (i = 1; i <= n; i++) print v, order[i], wall[order[i]], cpu[order[i]] }'
}
for r in $(seq 1 "$ROUNDS"); do
    steps matview rv_matview "$BENCH/workloads/rebuild_matview.sql" >>"$results"
    steps denorm rv_denorm "$BENCH/workloads/rebuild_denorm.sql" >>"$results"
    log "round $r of $ROUNDS done"
done

echo "denorm.rebuild_target against REFRESH MATERIALIZED VIEW, scale $SCALE, $ROUNDS alternated rounds, medians (ms):"
sort -k2,2 -k1,1 "$results" | awk "$BENCH_AWK_MEDIAN"'
    { w[$1, $2] = w[$1, $2] " " $3; u[$1, $2] = u[$1, $2] " " $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    END {
        printf "  %-22s %13s %12s %7s %12s %11s %7s\n", "target", "REFRESH wall", "denorm wall", "ratio", "REFRESH cpu", "denorm cpu", "ratio"
        for (i = 1; i <= n; i++) {
            t = order[i]
            if (!(("matview", t) in w) || !(("denorm", t) in w)) continue
            mw = med(w["matview", t]); dw = med(w["denorm", t]); mc = med(u["matview", t]); dc = med(u["denorm", t])
            printf "  %-22s %13.1f %12.1f %7.3f %12.1f %11.1f %7.3f\n", t, mw, dw, dw / mw, mc, dc, dc / mc
        }
    }'
