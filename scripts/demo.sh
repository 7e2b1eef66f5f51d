#!/usr/bin/env bash
# scripts/demo.sh (make demo) — shows denorm working: installs what it needs,
# builds and installs the extension, starts a throwaway cluster, loads the
# bookkeeping example of the talk, writes through every path, prints the
# projections, an audit with zero drift and the counters, and stops the
# cluster again.
source "$(dirname "$0")/lib.sh"

ensure_packages
build_install
# Preloaded: the counters are the whole cluster's (shared memory), not one session's.
start_cluster "shared_preload_libraries=denorm"
psql_q -c "CREATE DATABASE demo"
psql_q -d demo -c "CREATE EXTENSION denorm"
"$PGBIN/psql" -X -v ON_ERROR_STOP=1 -v top="$TOP" -d demo -f "$TOP/examples/demo.sql"
log "demo finished; the throwaway cluster is stopped and removed"
