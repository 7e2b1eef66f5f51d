# Sourced by every bench script after scripts/lib.sh: the server settings and
# the data sizes of bench/run.sh, so that a figure from one script can be set
# beside a figure from another.

# Cluster settings, the same for every variant (scripts/lib.sh adds fsync=off).
BENCH_SETTINGS=("shared_buffers=1GB" "max_wal_size=8GB" "checkpoint_timeout=30min"
                "autovacuum=off" "jit=off" "max_parallel_workers_per_gather=0"
                # The data fits in shared_buffers (SSD-class storage): the usual
                # setting for it. With the default 4, bulk maintenance of a few
                # thousand keys hashes every target row of the type instead of
                # probing the key index (bench/README.md, "Planner settings").
                "random_page_cost=1.1")

# bench_ninv SCALE: invoices at a scale. S=1 is 100k invoices (1M items),
# 100k each of income, expense, payment, 10k transfers. Invoices are a
# multiple of 20 (the W2 predicates and the hot invoices assume it), at
# least 100.
bench_ninv() {
    awk -v s="$1" 'BEGIN { n = int(100000 * s / 20) * 20; if (n < 100) n = 100; print n }'
}

# The median of whitespace-separated numbers, as an awk function to prepend
# to a program: awk "$BENCH_AWK_MEDIAN"' ... med(list) ...'.
BENCH_AWK_MEDIAN='
    function med(list,   v, c, i, j, t) {
        c = split(list, v, " ")
        for (i = 2; i <= c; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }'

# bench_setup: after a script's options (SCALE, BUILD), the common start:
# NINV, the build if asked, a throwaway cluster with BENCH_SETTINGS, and
# VARS, the psql variables of the workload files.
bench_setup() {
    NINV=$(bench_ninv "$SCALE")
    if [ "$BUILD" = 1 ]; then ensure_packages; build_install; fi
    start_cluster "${BENCH_SETTINGS[@]}"
    export PGOPTIONS="-c client_min_messages=warning"
    VARS=(-v "top=$TOP" -v "ninv=$NINV" -v "nmisc=$NINV" -v "ntransfer=$((NINV / 10))")
}
