-- (b) limit: no triggers at all. The workloads for this variant
-- (workloads/*_limit.sql, pgbench/oltp_limit.sql) write the projection rows
-- themselves, in the same statement as the canonical rows, with
-- data-modifying CTEs: the least work any maintenance can do.
\ir _base.sql
