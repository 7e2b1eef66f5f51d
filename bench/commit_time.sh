#!/usr/bin/env bash
# bench/commit_time.sh [--reps N] [--repeat R] [--no-build] — what commit-time
# mode (denorm.set_deferred) saves on a transaction that touches one invoice
# N times (default 1000): the same transaction with the projection maintained
# immediately and at commit, R times each (default 5), on a throwaway cluster
# with the bookkeeping example and 1,000 invoices. Prints medians, and the
# drift audit after each run (must be 0). See bench/README.md.
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
REPS=1000
REPEAT=5
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        *) echo "usage: $0 [--reps N] [--repeat R] [--no-build]" >&2; exit 1 ;;
    esac
done
if [ "$BUILD" = 1 ]; then ensure_packages; build_install; fi
start_cluster "jit=off" "autovacuum=off"
export PGOPTIONS="-c client_min_messages=warning -c bench.reps=$REPS"
psql_q -c "CREATE DATABASE ct"
psql_q -d ct -v top="$TOP" -f "$BENCH/variants/denorm.sql" -f "$BENCH/workloads/generators.sql" \
    -f "$BENCH/workloads/base_data.sql" >/dev/null
psql_q -d ct -v ninv=1000 -v nmisc=1000 -v ntransfer=100 -f "$BENCH/workloads/w1_load.sql" >/dev/null
psql_q -d ct -c "VACUUM ANALYZE"
results=$(mktemp)
for r in $(seq 1 "$REPEAT"); do
    psql_q -d ct -f "$BENCH/workloads/commit_time.sql" 2>&1 |
        awk '/^@step / { step = substr($0, 7) } /^Time: / && step != "" { print step, $2; step = "" }' >>"$results"
    drift=$(psql_q -d ct -Atc "SELECT count(*) FROM denorm.audit()")
    echo "run $r: audit finds $drift drifted keys"
done
median() { awk -v s="$1" '$1 == s { print $2 }' "$results" | sort -n |
           awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
im=$(median immediate)
ct=$(median commit_time)
echo "one transaction, $REPS updates of one invoice's items (median of $REPEAT runs, ms, commit included):"
awk -v im="$im" -v ct="$ct" 'BEGIN { printf "  immediate    %10.1f\n  commit-time  %10.1f   (%.1fx faster)\n", im, ct, im / ct }'
rm -f "$results"
