-- Commit-time mode (denorm.set_deferred): one transaction that changes the
-- items of one invoice 1,000 times, one statement each, as an application
-- loop or an import would. Immediately, every statement maintains the
-- invoice's totals and, through them, its journal lines; at commit time the
-- statements only note the invoice and it is maintained once, at COMMIT.
-- Each step is one transaction (a DO block), its commit included.
-- psql variables: :reps (statements per transaction).

\set step immediate
\ir _step_begin.sql
DO $$
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        UPDATE invoice_item SET unit_price = unit_price + 0.01 WHERE id = 1 + i % 10;
    END LOOP;
END $$;
\ir _step_end.sql

SELECT denorm.set_deferred('invoice_totals', true);
\set step commit_time
\ir _step_begin.sql
DO $$
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        UPDATE invoice_item SET unit_price = unit_price + 0.01 WHERE id = 1 + i % 10;
    END LOOP;
END $$;
\ir _step_end.sql
SELECT denorm.set_deferred('invoice_totals', false);
