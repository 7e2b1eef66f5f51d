-- Commit-time mode (denorm.set_deferred): one transaction that changes the
-- items of one invoice 1,000 times, one statement each, as an application
-- loop or an import would. Immediately, every statement maintains the
-- invoice's totals and, through them, its journal lines; at commit time the
-- statements only note the invoice and it is maintained once, at COMMIT.
-- Each step is one transaction (a DO block), its commit included.
-- The setting bench.reps (PGOPTIONS) is the statements per transaction.

\set step immediate
\ir _step_begin.sql
\ir _update_one_invoice.sql
\ir _step_end.sql

SELECT denorm.set_deferred('invoice_totals', true);
\set step commit_time
\ir _step_begin.sql
\ir _update_one_invoice.sql
\ir _step_end.sql
SELECT denorm.set_deferred('invoice_totals', false);
