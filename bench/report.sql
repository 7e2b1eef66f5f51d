-- Summaries of one bench run, for report.sh, which has loaded raw.csv,
-- drift.csv and checks.csv into the tables raw, drift and checks: computes
-- medians over repetitions and ratios to the baseline, writes summary.csv
-- and ratios.dat into :dir, and prints the report's tables in Markdown.
--
-- Ratios are costs relative to the baseline (limit; for audit the
-- hand-written query): time / baseline time, and for throughput baseline
-- tps / tps, so > 1 always means "slower than the baseline".
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset footer off

\set summary_csv :dir '/summary.csv'
\set ratios_dat :dir '/ratios.dat'

CREATE TEMP TABLE variant (name text PRIMARY KEY, ord int);
INSERT INTO variant VALUES ('none', 1), ('limit', 2), ('plrow', 3), ('plstmt', 4), ('denorm', 5),
                           ('hand', 6), ('matview', 7), ('in_place', 8);
-- Wall-clock time (psql \timing) and the backend's CPU time.
CREATE TEMP TABLE timing (metric text, suffix text, what text);
INSERT INTO timing VALUES ('ms', '', 'wall'), ('cpu_ms', '_cpu', 'cpu');

CREATE FUNCTION pg_temp.median(numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)::numeric FROM unnest($1) x
$$;
CREATE FUNCTION pg_temp.num(x numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN x IS NULL THEN '–'
                WHEN abs(x) >= 100 OR x = trunc(x) THEN to_char(round(x), 'FM999999990')
                WHEN abs(x) >= 10 THEN to_char(x, 'FM999990.0')
                ELSE to_char(x, 'FM999990.00') END
$$;
CREATE FUNCTION pg_temp.cell(v numeric, r numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN '–'
                WHEN r IS NULL THEN pg_temp.num(v)
                ELSE pg_temp.num(v) || ' (' || to_char(r, 'FM99990.00') || '×)' END
$$;

-- summary: one row per (section, row, variant): the median and its ratio.
CREATE TEMP TABLE summary (section text, ord int, label text, variant text, unit text,
                           median numeric, ratio numeric, higher_is_better boolean);

-- Bulk workloads: total per repetition, then the median (sections main,
-- main_cpu); and per statement (sections w1, w2, w4 and w1_cpu, ...).
INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT 'main' || m.suffix, o, l, variant, 's', pg_temp.median(array_agg(total)) / 1000, false
  FROM (SELECT phase, variant, rep, metric, sum(value) AS total FROM raw
         WHERE phase IN ('w1', 'w2', 'w4') GROUP BY 1, 2, 3, 4) t
  JOIN timing m USING (metric)
  JOIN (VALUES ('w1', 1, 'W1 bulk load'), ('w2', 2, 'W2 bulk change'),
               ('w4', 3, 'W4 lookup change')) AS p(ph, o, l) ON p.ph = t.phase
 GROUP BY m.suffix, o, l, variant;

INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT phase || m.suffix, min(rn), step, variant, 'ms', pg_temp.median(array_agg(value)), false
  FROM (SELECT *, dense_rank() OVER (PARTITION BY phase ORDER BY first_seen) AS rn
          FROM (SELECT *, min(n) OVER (PARTITION BY phase, step) AS first_seen FROM raw) r) r
  JOIN timing m USING (metric)
 WHERE phase IN ('w1', 'w2', 'w4')
 GROUP BY phase, m.suffix, step, variant;

-- OLTP: medians of tps, latency, failures, retries per mode and clients.
INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT 'main', 3 + o, l, variant, 'tps', pg_temp.median(array_agg(value)), true
  FROM raw
  JOIN (SELECT 1 AS o, 'uncontended' AS mode, 'W3 OLTP uncontended, ' || :'clients' || ' clients' AS l
        UNION ALL SELECT 2, 'contended', 'W3 OLTP contended, ' || :'clients' || ' clients') m
    ON raw.step = m.mode || '/c' || :'clients'
 WHERE phase = 'w3' AND metric = 'tps'
 GROUP BY o, l, variant;

INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT 'main', 5 + o, l, variant, 'ms', pg_temp.median(array_agg(value)), false
  FROM raw
  JOIN (SELECT 1 AS o, 'uncontended' AS mode, 'W3 uncontended: server CPU per transaction' AS l
        UNION ALL SELECT 2, 'contended', 'W3 contended: server CPU per transaction') m
    ON raw.step = m.mode || '/c' || :'clients'
 WHERE phase = 'w3' AND metric = 'server_cpu_ms_per_tx'
 GROUP BY o, l, variant;

INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT 'w3', CASE split_part(step, '/', 1) WHEN 'uncontended' THEN 0 ELSE 1000 END
             + substr(split_part(step, '/', 2), 2)::int * 10
             + CASE metric WHEN 'tps' THEN 1 WHEN 'server_cpu_ms_per_tx' THEN 2 WHEN 'latency_ms' THEN 3
                           WHEN 'failures' THEN 4 WHEN 'retried' THEN 5 WHEN 'retries' THEN 6
                           WHEN 'transactions' THEN 7 ELSE 8 END,
       step || ' ' || metric, variant, metric, pg_temp.median(array_agg(value)), metric = 'tps'
  FROM raw WHERE phase = 'w3'
 GROUP BY step, metric, variant;

-- Rebuild and audit: sum of a target group's steps per repetition, median.
INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT phase || m.suffix, CASE g WHEN 'invoice_totals' THEN 1 WHEN 'financial_transaction' THEN 2
                              WHEN 'journal' THEN 3 WHEN 'invariants' THEN 4 ELSE 5 END,
       g, variant, 'ms', pg_temp.median(array_agg(total)), false
  FROM (SELECT phase, variant, rep, metric, split_part(step, '/', 1) AS g, sum(value) AS total
          FROM raw WHERE phase IN ('rebuild', 'audit') GROUP BY 1, 2, 3, 4, 5) t
  JOIN timing m USING (metric)
 GROUP BY phase, m.suffix, g, variant;
-- Audit "all": denorm.audit() in one call (its own step) against every
-- hand-written query (targets and invariants) of the repetition.
INSERT INTO summary (section, ord, label, variant, unit, median, higher_is_better)
SELECT 'audit' || m.suffix, 5, 'all', 'hand', 'ms', pg_temp.median(array_agg(total)), false
  FROM (SELECT rep, metric, sum(value) AS total FROM raw
         WHERE phase = 'audit' AND variant = 'hand' GROUP BY 1, 2) t
  JOIN timing m USING (metric)
 WHERE EXISTS (SELECT 1 FROM raw WHERE phase = 'audit' AND step LIKE 'all/%')
 GROUP BY m.suffix;

-- Ratios to the baseline of each section.
UPDATE summary s
   SET ratio = CASE WHEN s.higher_is_better THEN b.median / nullif(s.median, 0)
                    ELSE s.median / nullif(b.median, 0) END
  FROM summary b
 WHERE b.section = s.section AND b.label = s.label
   AND b.variant = CASE WHEN s.section LIKE 'audit%' THEN 'hand' ELSE 'limit' END
   AND (s.section <> 'w3' OR s.unit IN ('tps', 'server_cpu_ms_per_tx'));

\pset tuples_only off
\pset format aligned
\o :summary_csv
COPY (SELECT section, label, variant, unit, round(median, 3) AS median, round(ratio, 3) AS ratio_to_baseline
        FROM summary s JOIN variant v ON v.name = s.variant
       ORDER BY section, s.ord, label, v.ord) TO STDOUT WITH (FORMAT csv, HEADER true);
\o
\pset format unaligned
\pset tuples_only on

-- Chart data: the main rows' ratios (wall time and tps), one line per row.
\o :ratios_dat
SELECT '"' || CASE s.ord WHEN 1 THEN 'W1 load' WHEN 2 THEN 'W2 change' WHEN 3 THEN 'W4 lookup'
                          WHEN 4 THEN 'W3 tps' WHEN 5 THEN 'W3 hot tps'
                          WHEN 6 THEN 'W3 CPU/tx' WHEN 7 THEN 'W3 hot CPU/tx' ELSE label END
       || '"' || E'\t' ||
       string_agg(coalesce(to_char(ratio, 'FM99990.000'), '?'), E'\t' ORDER BY v.ord)
  FROM summary s JOIN variant v ON v.name = s.variant
 WHERE section = 'main' AND variant IN ('none', 'plrow', 'plstmt', 'denorm')
 GROUP BY s.ord, label ORDER BY s.ord;
\o

-- ---------------------------------------------------------------------------
-- Markdown
-- ---------------------------------------------------------------------------
-- md(section, columns, first header): "| label | v1 | v2 ... |" rows.
CREATE FUNCTION pg_temp.md(sec text, cols text[], head text, unit_suffix boolean DEFAULT true)
RETURNS SETOF text LANGUAGE sql AS $$
    SELECT '| ' || head || ' | ' || array_to_string(cols, ' | ') || ' |'
    UNION ALL
    SELECT '|---|' || repeat('---:|', cardinality(cols))
    UNION ALL
    (SELECT '| ' || r.label || CASE WHEN unit_suffix THEN ' (' || min(r.unit) || ')' ELSE '' END || ' | ' ||
            string_agg(coalesce(pg_temp.cell(s.median, s.ratio), '–'), ' | ' ORDER BY c.i) || ' |'
       FROM (SELECT DISTINCT ord, label, unit FROM summary WHERE section = sec) r
      CROSS JOIN unnest(cols) WITH ORDINALITY AS c(name, i)
       LEFT JOIN summary s ON s.section = sec AND s.label = r.label AND s.variant = c.name
      GROUP BY r.ord, r.label
      ORDER BY r.ord, r.label)
$$;

\set V 'ARRAY[''none'', ''limit'', ''plrow'', ''plstmt'', ''denorm'']'

\echo '## Results (medians; in parentheses: cost relative to limit)'
\echo
SELECT pg_temp.md('main', :V, 'workload');
\echo
\echo 'Wall-clock seconds (lower is better), OLTP transactions per second (higher'
\echo 'is better) and the server CPU time one OLTP transaction cost (all the'
\echo 'processes of the cluster, measured from /proc; lower is better). Ratio = time /'
\echo 'limit time, or limit tps / tps: above 1 means slower than writing the'
\echo 'projection rows by hand in the same statement.'
\echo
\echo 'The same bulk workloads in backend CPU time (seconds; what the statement cost'
\echo 'the server process, commit included, whatever else ran on the machine):'
\echo
SELECT pg_temp.md('main_cpu', :V, 'workload');
\echo
SELECT 'While timed statements ran, their backend waited for a CPU ' ||
       to_char(100 * sum(value) FILTER (WHERE metric = 'wait_ms')
                   / nullif(sum(value) FILTER (WHERE metric = 'ms'), 0), 'FM990.0') ||
       '% of the wall time (run-queue wait from /proc/self/schedstat: other load on the machine).'
  FROM raw WHERE phase IN ('w1', 'w2', 'w4', 'rebuild', 'audit');
\echo
\echo '### W1 bulk load, per statement (ms, wall | backend CPU)'
\echo
SELECT pg_temp.md('w1', :V, 'statement', false);
\echo
SELECT pg_temp.md('w1_cpu', :V, 'statement (CPU)', false);
\echo
\echo '### W2 bulk change, per statement (ms, wall | backend CPU)'
\echo
SELECT pg_temp.md('w2', :V, 'statement', false);
\echo
SELECT pg_temp.md('w2_cpu', :V, 'statement (CPU)', false);
\echo
\echo '### W4 lookup change, per statement (ms, wall | backend CPU)'
\echo
SELECT pg_temp.md('w4', :V, 'statement', false);
\echo
SELECT pg_temp.md('w4_cpu', :V, 'statement (CPU)', false);
\echo
SELECT count(*) > 0 AS have_w3 FROM raw WHERE phase = 'w3' \gset
\if :have_w3
\echo '### W3 OLTP'
\echo
\echo 'pgbench, per mode and number of clients: tps, server CPU ms per transaction,'
\echo 'latency average (ms), failed transactions, transactions retried, total'
\echo 'retries, transactions, pgbench exit status (medians over repetitions).'
\echo
SELECT pg_temp.md('w3', :V, 'run / metric', false);
\echo
\echo '### W3 scaling: uncontended tps by number of clients'
\echo
SELECT '| clients | ' || string_agg(v || ' tps | ' || v || ' vs 1 client', ' | ' ORDER BY v) || ' | denorm / limit |'
  FROM unnest(ARRAY['denorm', 'limit']) v;
SELECT '|---:|---:|---:|---:|---:|---:|';
WITH t AS (
    SELECT (regexp_match(label, '/c([0-9]+)'))[1]::int AS c, variant, median
      FROM summary WHERE section = 'w3' AND unit = 'tps' AND label LIKE 'uncontended/%'
       AND variant IN ('denorm', 'limit'))
SELECT '| ' || t.c || ' | ' ||
       string_agg(pg_temp.num(t.median) || ' | ' ||
                  coalesce(to_char(t.median / nullif(one.median, 0), 'FM990.00') || '×', '–'), ' | ' ORDER BY t.variant) ||
       ' | ' || coalesce(to_char(min(t.median) FILTER (WHERE t.variant = 'denorm')
                        / nullif(min(t.median) FILTER (WHERE t.variant = 'limit'), 0), 'FM990.00'), '–') || ' |'
  FROM t LEFT JOIN t one ON one.variant = t.variant AND one.c = 1
 GROUP BY t.c ORDER BY t.c;
\echo
\endif
\echo '### Rebuild from scratch, per target (ms, wall | backend CPU; in parentheses: relative to limit)'
\echo
\echo 'limit = one UPDATE (invoice totals and their journal lines) or INSERT ... SELECT'
\echo 'of the definitions into the emptied target; matview = REFRESH MATERIALIZED VIEW'
\echo 'of the same definitions (same indexes); denorm = denorm.rebuild_target of'
\echo 'the target (a new table swapped in, for row targets); in_place = denorm.rebuild'
\echo 'of every projection writing the target (invoice_totals includes the cascade to'
\echo 'the invoice journal lines, and is in place either way; journal = journal_entry'
\echo '+ account_transaction).'
\echo
SELECT pg_temp.md('rebuild', ARRAY['limit', 'matview', 'denorm', 'in_place'], 'target', false);
\echo
SELECT pg_temp.md('rebuild_cpu', ARRAY['limit', 'matview', 'denorm', 'in_place'], 'target (CPU)', false);
\echo
\echo 'Relative to REFRESH MATERIALIZED VIEW (wall, medians):'
\echo
SELECT '| target | denorm | in_place |';
SELECT '|---|---:|---:|';
SELECT '| ' || m.label || ' | ' || coalesce(to_char(d.median / nullif(m.median, 0), 'FM99990.00') || '×', '–')
       || ' | ' || coalesce(to_char(i.median / nullif(m.median, 0), 'FM99990.00') || '×', '–') || ' |'
  FROM summary m
  LEFT JOIN summary d ON d.section = m.section AND d.label = m.label AND d.variant = 'denorm'
  LEFT JOIN summary i ON i.section = m.section AND i.label = m.label AND i.variant = 'in_place'
 WHERE m.section = 'rebuild' AND m.variant = 'matview'
 ORDER BY m.ord;
\echo
\echo '### Audit, per target (ms, wall | backend CPU; in parentheses: relative to the hand-written FULL JOIN)'
\echo
\echo 'Per target: denorm.audit(<projection>) of each projection writing it. all:'
\echo 'denorm.audit() in one call (every projection and invariant) against every'
\echo 'hand-written query, invariants included.'
\echo
SELECT pg_temp.md('audit', ARRAY['hand', 'denorm'], 'target', false);
\echo
SELECT pg_temp.md('audit_cpu', ARRAY['hand', 'denorm'], 'target (CPU)', false);
\echo
SELECT 'Drifted keys reported by the audits (all repetitions): hand ' ||
       coalesce(sum(value) FILTER (WHERE variant = 'hand'), 0) || ', denorm.audit ' ||
       coalesce(sum(value) FILTER (WHERE variant = 'denorm'), 0) || '.'
  FROM raw WHERE phase = 'audit' AND metric = 'found';
\echo
\echo '## Drift checks'
\echo
\echo 'Independent recomputation of every projection from the canonical tables'
\echo '(workloads/drift.sql) after every workload and repetition: the largest number'
\echo 'of differing rows seen (EXCEPT ALL both ways, the four projection tables'
\echo 'summed), and how many checks were run. Must be 0.'
\echo
SELECT '| workload | limit | plrow | plstmt | denorm |';
SELECT '|---|---:|---:|---:|---:|';
WITH per AS (
    SELECT workload, variant, rep, sum(differing_rows) AS d FROM drift GROUP BY 1, 2, 3),
w AS (
    SELECT workload, min(n) AS o FROM drift GROUP BY workload)
SELECT '| ' || w.workload || ' | ' ||
       string_agg(coalesce((SELECT max(d)::text || ' (' || count(*) || '×)' FROM per
                             WHERE per.workload = w.workload AND per.variant = v.v), '–'), ' | ' ORDER BY v.o) || ' |'
  FROM w CROSS JOIN (VALUES (1, 'limit'), (2, 'plrow'), (3, 'plstmt'), (4, 'denorm')) v(o, v)
 GROUP BY w.workload, w.o ORDER BY w.o;
\echo
SELECT 'Total differing rows over all checks: ' || coalesce(sum(differing_rows), 0) ||
       ' (' || count(*) || ' projection-table checks).' FROM drift;
\echo
SELECT 'Same canonical rows in every variant and same projection rows in every maintaining variant '
       || '(fingerprints after W1+W2+W4): ' ||
       CASE WHEN count(*) = 0 THEN 'not checked.'
            WHEN bool_and(result = 'identical') THEN 'yes, in every repetition.'
            ELSE 'NO: ' || string_agg(DISTINCT result, '; ') END
  FROM checks WHERE "check" = 'fingerprint';
