#!/usr/bin/env bash
# bench/fresh_copies.sh WORKLOAD [--scale S] [--copies N] [--w2] [--no-build]
# — one workload file of bench/workloads, in the denorm variant, on N fresh
# copies (default 7) of one database loaded by W1 (and W2 with --w2), on a
# throwaway cluster with the settings of bench/run.sh. Prints each step's
# backend CPU time per copy and the median. For questions a single bench run
# cannot answer: is a step's spread noise, and did a build change it? Run it
# with PGBIN pointing at another build's installation (a copy of the
# server's tree with that build's `make install DESTDIR=...`) to compare
# builds on the same data.
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"
WORKLOAD=${1:-}
[ -n "$WORKLOAD" ] && [ -f "$BENCH/workloads/$WORKLOAD.sql" ] || {
    echo "usage: $0 WORKLOAD [--scale S] [--copies N] [--w2] [--no-build]  (WORKLOAD: a file of bench/workloads, without .sql)" >&2
    exit 1
}
shift
SCALE=0.5
COPIES=7
W2=0
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --copies) COPIES=$2; shift 2 ;;
        --w2) W2=1; shift ;;
        --no-build) BUILD=0; shift ;;
        *) echo "unknown argument: $1" >&2; exit 1 ;;
    esac
done
bench_setup

log "scale $SCALE ($NINV invoices): loading W1$([ "$W2" = 1 ] && echo ' and W2')"
psql_q -c "CREATE DATABASE fc_tpl"
psql_q -d fc_tpl "${VARS[@]}" -f "$BENCH/variants/denorm.sql" -f "$BENCH/workloads/generators.sql" \
    -f "$BENCH/workloads/base_data.sql" -f "$BENCH/workloads/w1_load.sql" >/dev/null
if [ "$W2" = 1 ]; then psql_q -d fc_tpl "${VARS[@]}" -f "$BENCH/workloads/w2_change.sql" >/dev/null; fi
psql_q -d fc_tpl -c "VACUUM ANALYZE" -c "CHECKPOINT"

results=$(mktemp)
trap 'rm -f "$results"; stop_cluster' EXIT
for c in $(seq 1 "$COPIES"); do
    psql_q -c "CREATE DATABASE fc TEMPLATE fc_tpl STRATEGY FILE_COPY"
    psql_q -d fc "${VARS[@]}" -f "$BENCH/workloads/$WORKLOAD.sql" 2>&1 |
        awk '/^@cpu / { print $2, $3 }' >>"$results"
    psql_q -c "DROP DATABASE fc"
done
echo "$WORKLOAD on $COPIES fresh copies, scale $SCALE, backend CPU ms:"
awk '{ if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } v[$1] = v[$1] " " $2 }
     END { for (i = 1; i <= n; i++) print order[i] ":" v[order[i]] }' "$results" |
while IFS=: read -r step values; do
    median=$(echo "$values" | tr ' ' '\n' | grep . | sort -n |
             awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
    printf '  %-40s median %8.1f   (%s )\n' "$step" "$median" "$values"
done
