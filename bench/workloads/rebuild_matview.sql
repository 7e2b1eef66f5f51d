-- REFRESH MATERIALIZED VIEW of each projection's definition (created by
-- matview_create.sql), in the limit variant's database.
\o /dev/null
CHECKPOINT;
\set step invoice_totals/refresh
\ir _step_begin.sql
REFRESH MATERIALIZED VIEW bench.mv_invoice_totals;
\ir _step_end.sql
\set step financial_transaction/refresh
\ir _step_begin.sql
REFRESH MATERIALIZED VIEW bench.mv_financial_transaction;
\ir _step_end.sql
\set step journal/journal_entry
\ir _step_begin.sql
REFRESH MATERIALIZED VIEW bench.mv_journal_entry;
\ir _step_end.sql
\set step journal/account_transaction
\ir _step_begin.sql
REFRESH MATERIALIZED VIEW bench.mv_account_transaction;
\ir _step_end.sql
