-- Start of a measured step (included before the statement; needs :step).
-- Samples the backend's CPU time and run-queue wait (ns, from
-- /proc/self/schedstat, read by the server: superuser), then prints
-- "@step <name>" and turns psql's \timing on for the statement.
\timing off
SELECT split_part(s, ' ', 1)::bigint AS cpu0, split_part(s, ' ', 2)::bigint AS wait0
  FROM pg_read_file('/proc/self/schedstat') AS s \gset
\echo @step :step
\timing on
