# Sourced by bench/run.sh and bench/oltp_ab.sh (needs CLUSTER_DIR, psql_q).
# CPU time (clock ticks) used so far by the cluster's processes: the
# postmaster, its live children, and the children it has reaped (cutime,
# cstime: the backends of finished pgbench connections). The difference over
# a pgbench run is the server CPU the run cost, whatever else ran.
server_ticks() {
    local pm
    pm=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
    { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
      awk -v pm="$pm" '$4 == pm { print $14 + $15 }' /proc/[0-9]*/stat 2>/dev/null || true
    } | awk '{ s += $1 } END { print s + 0 }'
}
# Wait until no backend is connected to database $1 (they exit asynchronously).
wait_disconnected() {
    local i
    for i in $(seq 1 100); do
        [ "$(psql_q -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'")" = 0 ] && return 0
        sleep 0.1
    done
}
TICKS=$(getconf CLK_TCK)
