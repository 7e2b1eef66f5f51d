# scripts/lib.sh — shared by scripts/test.sh, scripts/demo.sh and bench/run.sh:
# install what the project needs, build and install the extension, and run a
# throwaway PostgreSQL 15 cluster in a temp directory on a port of its own.
# Never touches a cluster it did not create.

set -euo pipefail

PG_MAJOR=15
# PGBIN may point at another installation of the same major version (a
# relocated copy, say, to test a build without touching the system one).
PGBIN=${PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DENORM_TOP=$TOP
PACKAGES="postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-$PG_MAJOR-pgtap
libtap-parser-sourcehandler-pgtap-perl libipc-run-perl make gcc libpq-dev"

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "need root (or sudo) for: $*" >&2; return 1
    fi
}

# Install the Debian packages the project needs, when any is missing.
ensure_packages() {
    local missing=""
    for p in $PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        log "installing:$missing"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
    fi
}

build_install() {
    log "building and installing denorm"
    make -C "$TOP" -s PG_CONFIG="$PGBIN/pg_config" >&2
    as_root make -C "$TOP" -s PG_CONFIG="$PGBIN/pg_config" install >&2
}

# The user PostgreSQL runs as: ourselves, or postgres when we are root.
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_cluster [extra postgres -c settings...]: sets PGHOST, PGPORT, PGUSER,
# PGDATABASE and CLUSTER_DIR, and stops the cluster when the script exits.
start_cluster() {
    CLUSTER_DIR=$(mktemp -d /tmp/denorm-cluster.XXXXXX)
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$CLUSTER_DIR"
    as_pg "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -A trust -U "$(pg_user)" \
        --no-sync -E UTF8 --locale=C >/dev/null
    local opts="-c listen_addresses='' -k $CLUSTER_DIR -c fsync=off"
    opts="$opts -c max_prepared_transactions=10"
    for s in "$@"; do opts="$opts -c $s"; done
    local port tries=0
    while :; do
        port=$(( 20000 + (RANDOM % 20000) ))
        if as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log" \
                -o "-p $port $opts" -w -t 60 start >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if [ $tries -ge 5 ]; then
            cat "$CLUSTER_DIR/log" >&2
            echo "could not start a throwaway cluster" >&2
            return 1
        fi
    done
    export PGHOST=$CLUSTER_DIR PGPORT=$port PGUSER=$(pg_user) PGDATABASE=postgres
    trap stop_cluster EXIT
    log "throwaway cluster on port $port in $CLUSTER_DIR"
}

stop_cluster() {
    if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$CLUSTER_DIR"
    fi
}

psql_q() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
