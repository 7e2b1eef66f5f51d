-- End of a measured step: prints "@cpu <name> <cpu ms> <run-queue wait ms>",
-- the backend's CPU time during the statement (commit included) and the time
-- it was runnable but waiting for a CPU (other load on the machine).
\timing off
SELECT round((split_part(s, ' ', 1)::bigint - :cpu0) / 1e6, 3) AS cpu_ms,
       round((split_part(s, ' ', 2)::bigint - :wait0) / 1e6, 3) AS wait_ms
  FROM pg_read_file('/proc/self/schedstat') AS s \gset
\echo @cpu :step :cpu_ms :wait_ms
