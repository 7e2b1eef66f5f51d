#!/usr/bin/env bash
# bench/build_ab.sh WORKLOAD --a PGBIN [--b PGBIN] [--scale S] [--rounds N]
#                   [--variant V] [--w2] — one workload file of
# bench/workloads run by two builds of denorm in alternated rounds, each on
# a fresh copy of the same data: did a change make a step cheaper or
# dearer? fresh_copies.sh measures one build at a time, minutes apart, and
# this machine's speed drifts by ±15% over minutes; rounds that alternate
# the builds see the same moods, so the ratio of their medians is the
# builds' difference, not the machine's.
#
# --a and --b are bin directories of PostgreSQL installations, each with a
# build of denorm installed (--b defaults to the system's, where `make
# install` puts the working tree's build). A copy of the system's
# PostgreSQL with another commit's build in it:
#   mkdir -p /tmp/pga/usr/lib /tmp/pga/usr/share
#   cp -a /usr/lib/postgresql /tmp/pga/usr/lib/; cp -a /usr/share/postgresql /tmp/pga/usr/share/
#   git clone -q . /tmp/old && git -C /tmp/old checkout <commit> && make -C /tmp/old install DESTDIR=/tmp/pga
# then --a /tmp/pga/usr/lib/postgresql/15/bin (PostgreSQL finds its
# libraries and extensions relative to its binaries).
# A workload named w1_load* runs on a copy of the base data alone (it is
# the load); any other on a copy loaded by W1 (and W2 with --w2). --variant
# picks bench/variants/V.sql (default denorm). Prints each step's median
# backend CPU time for A and B, B/A, and every round's figure.
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"
usage() { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
WORKLOAD=${1:-}
[ -n "$WORKLOAD" ] && [ -f "$BENCH/workloads/$WORKLOAD.sql" ] || usage
shift
BIN_A=""
BIN_B=$PGBIN
SCALE=0.5
ROUNDS=6
VARIANT=denorm
W2=0
BUILD=0
while [ $# -gt 0 ]; do
    case "$1" in
        --a) BIN_A=$2; shift 2 ;;
        --b) BIN_B=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --variant) VARIANT=$2; shift 2 ;;
        --w2) W2=1; shift ;;
        *) usage ;;
    esac
done
[ -x "$BIN_A/postgres" ] && [ -x "$BIN_B/postgres" ] || { echo "--a and --b must be PostgreSQL bin directories" >&2; usage; }

# One throwaway cluster per build, both up for the whole run (idle between
# their rounds). start_cluster's exit trap would stop only the last one
# started: stop_both replaces it as soon as each is up.
declare -A HOST PORT DIR
results=$(mktemp)
stop_both() {
    local b bin
    for b in A B; do
        [ -n "${DIR[$b]:-}" ] || continue
        bin=$BIN_A; [ $b = B ] && bin=$BIN_B
        as_pg "$bin/pg_ctl" -D "${DIR[$b]}/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "${DIR[$b]}"
    done
    rm -f "$results"
}
for b in A B; do
    if [ $b = A ]; then PGBIN=$BIN_A; else PGBIN=$BIN_B; fi
    bench_setup
    HOST[$b]=$PGHOST; PORT[$b]=$PGPORT; DIR[$b]=$CLUSTER_DIR
    trap stop_both EXIT
    psql_q -c "CREATE DATABASE ab_tpl"
    files=(-f "$BENCH/variants/$VARIANT.sql" -f "$BENCH/workloads/generators.sql" -f "$BENCH/workloads/base_data.sql")
    case "$WORKLOAD" in
        w1_load*) ;;
        *) files+=(-f "$BENCH/workloads/$([ "$VARIANT" = limit ] && echo w1_load_limit || echo w1_load).sql")
           [ "$W2" = 1 ] && files+=(-f "$BENCH/workloads/$([ "$VARIANT" = limit ] && echo w2_change_limit || echo w2_change).sql") ;;
    esac
    psql_q -d ab_tpl "${VARS[@]}" "${files[@]}" >/dev/null
    psql_q -d ab_tpl -c "VACUUM ANALYZE" -c "CHECKPOINT"
    log "build $b: $PGBIN, denorm $(psql_q -d ab_tpl -Atc "SELECT extversion FROM pg_extension WHERE extname = 'denorm'")"
done

# Which build goes first alternates from round to round.
for r in $(seq 1 "$ROUNDS"); do
    order="A B"; [ $((r % 2)) = 0 ] && order="B A"
    for b in $order; do
        export PGHOST=${HOST[$b]} PGPORT=${PORT[$b]}
        psql_q -c "CREATE DATABASE ab TEMPLATE ab_tpl STRATEGY FILE_COPY"
        psql_q -d ab "${VARS[@]}" -f "$BENCH/workloads/$WORKLOAD.sql" 2>&1 |
            awk -v b="$b" -v r="$r" '/^@cpu / { print b, $2, r, $3 }' >>"$results"
        psql_q -c "DROP DATABASE ab"
    done
    log "round $r of $ROUNDS done"
done

echo "$WORKLOAD, variant $VARIANT, scale $SCALE, $ROUNDS alternated rounds on fresh copies, backend CPU ms (medians)"
echo "  A: $BIN_A"
echo "  B: $BIN_B"
sort -s -k3,3n "$results" | awk "$BENCH_AWK_MEDIAN"'
    { v[$1, $2] = v[$1, $2] " " $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    END {
        printf "  %-44s %10s %10s %7s   %s\n", "step", "A", "B", "B/A", "rounds (A | B)"
        for (i = 1; i <= n; i++) {
            s = order[i]; a = med(v["A", s]); b = med(v["B", s])
            printf "  %-44s %10.1f %10.1f %7.3f   %s |%s\n", s, a, b, (a > 0 ? b / a : 0), v["A", s], v["B", s]
        }
    }'
