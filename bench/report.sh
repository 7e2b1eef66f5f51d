#!/usr/bin/env bash
# bench/report.sh DIR [HAVE_GNUPLOT] — turn one run's measurements (DIR/raw.csv,
# drift.csv, checks.csv, run.env) into DIR/report.md, DIR/summary.csv and the
# chart DIR/ratios.png. Called by run.sh at the end of a run, with the
# throwaway cluster still up (PGHOST/PGPORT set): the arithmetic is SQL.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
DIR=$(cd "$1" && pwd)
HAVE_GNUPLOT=${2:-1}
PSQL="${PGBIN:-/usr/lib/postgresql/15/bin}/psql -X -q -v ON_ERROR_STOP=1"
# shellcheck disable=SC1091
source "$DIR/run.env"

# Load the measurements into a scratch database (COPY FROM STDIN: psql reads
# the files, so their location does not matter to the server).
$PSQL -d postgres -c "DROP DATABASE IF EXISTS bench_report" -c "CREATE DATABASE bench_report"
$PSQL -d bench_report -c "
    CREATE TABLE raw (phase text, variant text, rep int, step text, metric text, value numeric, n serial);
    CREATE TABLE drift (workload text, variant text, rep int, projection text, differing_rows bigint, n serial);
    CREATE TABLE checks (workload text, rep int, \"check\" text, result text);"
$PSQL -d bench_report -c "COPY raw (phase, variant, rep, step, metric, value) FROM STDIN WITH (FORMAT csv, HEADER true)" <"$DIR/raw.csv"
$PSQL -d bench_report -c "COPY drift (workload, variant, rep, projection, differing_rows) FROM STDIN WITH (FORMAT csv, HEADER true)" <"$DIR/drift.csv"
$PSQL -d bench_report -c "COPY checks FROM STDIN WITH (FORMAT csv, HEADER true)" <"$DIR/checks.csv"
tables=$($PSQL -d bench_report -v dir="$DIR" -v clients="$clients" -f "$BENCH/report.sql")

q() { $PSQL -d postgres -Atc "$1"; }
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
settings=$(q "SELECT string_agg(name || ' = ' || setting || coalesce(' ' || unit, ''), ', ' ORDER BY name)
                FROM pg_settings WHERE source NOT IN ('default', 'override', 'client')
                 AND name NOT IN ('config_file', 'data_directory', 'hba_file', 'ident_file', 'port',
                                  'unix_socket_directories', 'listen_addresses', 'client_min_messages')")
load=$(cut -d, -f2 "$DIR/loadavg.csv" 2>/dev/null | sort -n | awk '{ a[NR] = $1 }
        END { if (NR) printf "min %s, median %s, max %s (%d samples)", a[1], a[int((NR + 1) / 2)], a[NR], NR }')
sizes=$(awk -F, '$1 == "size" { s[$2] = $6 } END {
        for (v in s) printf "%s %.0f MB, ", v, s[v] / 1048576 }' "$DIR/raw.csv" | sed 's/, $//')

if [ "$HAVE_GNUPLOT" = 1 ] && command -v gnuplot >/dev/null && [ -s "$DIR/ratios.dat" ]; then
    if gnuplot -e "datafile='$DIR/ratios.dat'; outfile='$DIR/ratios.png'; subtitle='scale $scale, median of $repeat'" \
            "$BENCH/chart.gp" 2>>"$DIR/log.txt"; then
        chart="![cost relative to limit](ratios.png)"
    else
        chart="(gnuplot failed: no chart; see log.txt)"
    fi
else
    chart="(no chart: gnuplot-nox is not installed)"
fi

cat >"$DIR/report.md" <<REPORT
# denorm benchmark — $(date -d "$started" '+%Y-%m-%d %H:%M' 2>/dev/null || echo "$started")

The cost of maintaining the three projections of examples/bookkeeping.sql
(invoice totals; financial_transaction; journal_entry + account_transaction),
five ways, on the same machine, cluster and data. See bench/README.md.

* **none**: canonical tables only, nothing maintained.
* **limit**: each statement also writes its projection rows (data-modifying CTEs) — the physical limit.
* **plrow**: hand-written PL/pgSQL row-level triggers.
* **plstmt**: hand-written PL/pgSQL statement-level triggers with transition tables.
* **denorm**: the extension, examples/bookkeeping.sql as shipped.

| run | |
|---|---|
| scale | $scale: $ninv invoices, $nitem items, $nmisc incomes, expenses and payments each, $ntransfer transfers |
| repetitions | $repeat (medians reported) |
| OLTP | pgbench, $duration s per run, $clients clients (scaling: $scaling_clients), --max-tries=10, -M prepared$( [ "$oltp" = 1 ] || echo ' — skipped (--skip-oltp)') |
| machine | $(nproc) CPUs ($cpu), $mem RAM |
| PostgreSQL | $(q "SELECT version()") |
| denorm | version ${denorm_version:-?}, repository at ${commit:-?}$(
    if [ -z "${so_start:-}" ]; then :
    elif [ "$so_start" = "$so_end" ]; then echo ", denorm.so md5 $so_start (unchanged during the run)"
    else echo ", denorm.so md5 $so_start at the start, $so_end at the end: **reinstalled during the run**"; fi) |
| settings (all variants) | $settings |
| load average during the run | ${load:-not sampled} — the bench itself keeps about 1 (bulk) to $clients (OLTP) processes busy |
| database size after W1 | $sizes |
| wall time | $((wall_seconds / 60)) min $((wall_seconds % 60)) s |

$tables

$chart
REPORT
