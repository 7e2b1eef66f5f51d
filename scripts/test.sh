#!/usr/bin/env bash
# scripts/test.sh (make test) — the whole test suite on a throwaway cluster:
# pg_regress (sql/), isolation specs under READ COMMITTED, REPEATABLE READ and
# SERIALIZABLE (specs/), pgTAP (test/) and Perl TAP (t/). Installs what it
# needs, builds, installs, and ends with one line: "N passed, M failed".
# Usage: scripts/test.sh [regress|isolation|pgtap|tap]...   (default: all)
source "$(dirname "$0")/lib.sh"

SUITES=${*:-regress isolation pgtap tap}
PASSED=0
FAILED=0
OUT=$(mktemp -d /tmp/denorm-test-out.XXXXXX)
chmod 777 "$OUT"
count() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); }

ensure_packages
build_install
start_cluster

# Tests that did not pass: every test not reported "ok", so that a run
# pg_regress aborts (a missing expected file stops it) counts its rest.
not_passed() { echo $(( $(echo "$1" | wc -w) - $2 )); }

run_regress() {
    log "pg_regress: $(ls "$TOP"/sql/*.sql | wc -l) tests"
    local tests out
    tests=$(cd "$TOP/sql" && ls *.sql | sed 's/\.sql$//')
    # shellcheck disable=SC2086
    if out=$("$PGBIN/../lib/pgxs/src/test/regress/pg_regress" --inputdir="$TOP" \
            --outputdir="$OUT/regress" --load-extension=denorm --dbname=denorm_regress \
            --bindir="$PGBIN" $tests 2>&1); then :; fi
    mkdir -p "$OUT/regress"
    echo "$out"
    local passed failed
    passed=$(echo "$out" | grep -cE '\.\.\. +ok' || true)
    failed=$(not_passed "$tests" "$passed")
    [ -f "$OUT/regress/regression.diffs" ] && cp "$OUT/regress/regression.diffs" "$TOP/regression.diffs"
    # Keep results where a developer can review them and copy them into expected/.
    mkdir -p "$TOP/results/regress"
    cp "$OUT/regress/results/"*.out "$TOP/results/regress/" 2>/dev/null || true
    count "$passed" "$failed"
}

run_isolation() {
    local level tag out passed failed specs
    specs=$(cd "$TOP/specs" && ls *.spec 2>/dev/null | sed 's/\.spec$//')
    [ -n "$specs" ] || return 0
    for level in "read committed" "repeatable read" "serializable"; do
        tag=$(echo "$level" | tr ' ' '_')
        log "isolation ($level): $(echo "$specs" | wc -w) specs"
        rm -rf "$OUT/iso-$tag"
        mkdir -p "$OUT/iso-$tag/in/specs" "$OUT/iso-$tag/in/expected"
        cp "$TOP"/specs/*.spec "$OUT/iso-$tag/in/specs/"
        cp "$TOP/expected/isolation/$tag/"*.out "$OUT/iso-$tag/in/expected/" 2>/dev/null || true
        # shellcheck disable=SC2086
        if out=$(PGOPTIONS="-c default_transaction_isolation=${level// /\\ }" \
                "$PGBIN/../lib/pgxs/src/test/isolation/pg_isolation_regress" \
                --inputdir="$OUT/iso-$tag/in" --outputdir="$OUT/iso-$tag" \
                --load-extension=denorm --dbname=denorm_isolation --bindir="$PGBIN" $specs 2>&1); then :; fi
        echo "$out"
        passed=$(echo "$out" | grep -cE '\.\.\. +ok' || true)
        failed=$(not_passed "$specs" "$passed")
        if [ -f "$OUT/iso-$tag/regression.diffs" ]; then
            cp "$OUT/iso-$tag/regression.diffs" "$TOP/isolation-$tag.diffs"
        fi
        # Keep results where a developer can copy them into expected/.
        mkdir -p "$TOP/results/isolation/$tag"
        cp "$OUT/iso-$tag/results/"*.out "$TOP/results/isolation/$tag/" 2>/dev/null || true
        count "$passed" "$failed"
    done
}

run_pgtap() {
    ls "$TOP"/test/*.sql >/dev/null 2>&1 || return 0
    log "pgTAP: $(ls "$TOP"/test/*.sql | wc -l) files"
    psql_q -c "DROP DATABASE IF EXISTS denorm_tap" -c "CREATE DATABASE denorm_tap"
    psql_q -d denorm_tap -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION denorm"
    local out
    if out=$(pg_prove -d denorm_tap --ext .sql "$TOP"/test/ 2>&1); then :; fi
    echo "$out"
    local tests fails
    tests=$(echo "$out" | sed -n 's/.*Tests=\([0-9]*\).*/\1/p' | tail -1)
    fails=$(echo "$out" | sed -n 's/^Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' | awk '{s+=$1} END {print s+0}')
    if echo "$out" | grep -q "Result: FAIL" && [ "${fails:-0}" = 0 ]; then fails=1; fi
    count $(( ${tests:-0} - ${fails:-0} )) "${fails:-0}"
}

run_tap() {
    ls "$TOP"/t/*.pl >/dev/null 2>&1 || return 0
    log "Perl TAP: $(ls "$TOP"/t/*.pl | wc -l) files"
    local work="$OUT/tap" out
    mkdir -p "$work"
    # The tests run as the server's user, which may not read the clone (a
    # root-owned 0700 temp dir, say): give them copies of what they read.
    cp -r "$TOP/t" "$TOP/examples" "$work/"
    [ "$(id -u)" = 0 ] && chown -R postgres "$work"
    if out=$(cd "$work" && as_pg env PATH="$PGBIN:$PATH" \
            PERL5LIB="$PGBIN/../lib/pgxs/src/test/perl" \
            PG_REGRESS="$PGBIN/../lib/pgxs/src/test/regress/pg_regress" \
            TESTDIR="$work" TOP="$work" prove -v t/*.pl 2>&1); then :; fi
    mkdir -p "$TOP/results"
    echo "$out" >"$TOP/results/tap.log"    # the full output, diagnostics included
    echo "$out" | grep -E '^(not ok|t/|Failed|Files=|Result)' || true
    local tests fails
    tests=$(echo "$out" | sed -n 's/.*Tests=\([0-9]*\).*/\1/p' | tail -1)
    fails=$(echo "$out" | grep -cE '^not ok ' || true)
    # prove's own verdict counts too: a failed plan, or no tests run at all.
    if echo "$out" | grep -qE "Result: (FAIL|NOTESTS)" && [ "$fails" = 0 ]; then fails=1; fi
    count $(( ${tests:-0} - fails )) "$fails"
}

for s in $SUITES; do "run_$s"; done

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
