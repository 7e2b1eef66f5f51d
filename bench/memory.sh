#!/usr/bin/env bash
# bench/memory.sh [--scale S] [--variants "none limit denorm"] [--no-build]
# — the peak private memory of a backend running one bulk statement: the W1
# items statement (10 items per invoice: 1M rows at scale 1, 10M at scale
# 10; denorm cascades it to the invoice totals and the invoice journal
# lines) and the W1 incomes statement (S * 100k rows, three projections).
# Each statement runs alone in a fresh session of a fresh database per
# variant, on a throwaway cluster with the settings of bench/run.sh; a
# sampler reads the backend's RssAnon (/proc/<pid>/status: private memory,
# not the shared buffers it touches) every 10 ms. Prints one table, and the
# drift check after each variant (must be 0). See bench/README.md.
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../scripts/lib.sh"
source "$BENCH/_common.sh"
SCALE=1
VARIANTS="none limit denorm"
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE=$2; shift 2 ;;
        --variants) VARIANTS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        *) echo "usage: $0 [--scale S] [--variants \"none limit denorm\"] [--no-build]" >&2; exit 1 ;;
    esac
done
bench_setup
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; stop_cluster' EXIT

# The statement of one W1 step (between "\set step NAME" and its
# _step_end), from the file the variant runs (w1_load_limit.sql for limit).
step_sql() {
    local file=$BENCH/workloads/w1_load.sql
    [ "$1" = limit ] && file=$BENCH/workloads/w1_load_limit.sql
    awk -v s="$2" '$0 == "\\set step " s { on = 1; next }
                   on && /_step_end/ { exit }
                   on && !/_step_begin/ { print }' "$file"
}

# peak_kb DB VARIANT STEP: run the step in its own session; print the
# backend's peak RssAnon (kB) and the statement's wall time (ms).
peak_kb() {
    local db=$1 app="denorm_memory_$3" psql_pid pid="" peak=0 key value rest start end
    { echo "SELECT pg_sleep(0.5);"; step_sql "$2" "$3"; } >"$WORK/$3.sql"
    start=$(date +%s%N)
    PGAPPNAME=$app psql_q -d "$db" "${VARS[@]}" -o /dev/null -f "$WORK/$3.sql" &
    psql_pid=$!
    while [ -z "$pid" ] && kill -0 "$psql_pid" 2>/dev/null; do
        pid=$(psql_q -d postgres -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = '$app'")
    done
    while [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; do
        while read -r key value rest; do
            if [ "$key" = "RssAnon:" ]; then [ "$value" -gt "$peak" ] && peak=$value; break; fi
        done <"/proc/$pid/status" 2>/dev/null || break
        sleep 0.01
    done
    wait "$psql_pid" || { echo "step $3 failed in $2" >&2; exit 1; }
    end=$(date +%s%N)
    echo "$peak $(( (end - start) / 1000000 - 500 ))"
}

log "scale $SCALE: $NINV invoices, $((10 * NINV)) items, $NINV incomes; variants: $VARIANTS"
printf '%s\n' "variant step rows peak_kb ms" >"$WORK/results"
for v in $VARIANTS; do
    psql_q -c "CREATE DATABASE mem_$v"
    psql_q -d "mem_$v" -v top="$TOP" -f "$BENCH/variants/$v.sql" -f "$BENCH/workloads/generators.sql" \
        -f "$BENCH/workloads/base_data.sql" >/dev/null
    step_sql "$v" invoices | psql_q -d "mem_$v" "${VARS[@]}" -o /dev/null
    psql_q -d "mem_$v" -c "VACUUM ANALYZE" -c "CHECKPOINT"
    read -r kb ms < <(peak_kb "mem_$v" "$v" items)
    echo "$v items $((10 * NINV)) $kb $ms" >>"$WORK/results"
    read -r kb ms < <(peak_kb "mem_$v" "$v" incomes)
    echo "$v incomes $NINV $kb $ms" >>"$WORK/results"
    if [ "$v" != none ]; then
        drift=$(psql_q -d "mem_$v" -At -f "$BENCH/workloads/drift.sql" |
                awk -F'|' 'NF == 2 { s += $2 } END { print s + 0 }')
        log "$v: drift after the load: $drift differing rows"
    fi
    psql_q -c "DROP DATABASE mem_$v"
done

echo
echo "Peak private memory (RssAnon) of the backend running one statement, MB (wall s):"
echo
awk 'NR > 1 { kb[$2, $1] = $4; ms[$2, $1] = $5; rows[$2] = $3
              if (!($2 in seen)) { seen[$2] = 1; steps[++ns] = $2 }
              if (!($1 in vseen)) { vseen[$1] = 1; vars[++nv] = $1 } }
     END { printf "| statement | rows |"; for (i = 1; i <= nv; i++) printf " %s |", vars[i]; print ""
           printf "|---|---:|"; for (i = 1; i <= nv; i++) printf "---:|"; print ""
           for (j = 1; j <= ns; j++) {
               s = steps[j]; printf "| %s | %d |", s, rows[s]
               for (i = 1; i <= nv; i++) printf " %.0f (%.1f s) |", kb[s, vars[i]] / 1024, ms[s, vars[i]] / 1000
               print "" } }' "$WORK/results"
