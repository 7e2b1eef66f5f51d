-- W2 bulk change, one statement each (variants none, plrow, plstmt, denorm;
-- the limit variant runs w2_change_limit.sql). The predicates leave the
-- items of the odd invoices 1, 3, ..., 19 in place: they are the hot
-- invoices of the contended OLTP mix.

\set step raise_prices
\ir _step_begin.sql
-- 10% of items: the last item of every invoice.
UPDATE invoice_item SET unit_price = unit_price * 1.1 WHERE id % 10 = 0;
\ir _step_end.sql

\set step move_items
\ir _step_begin.sql
-- 1% of items move to another invoice (from invoice k to k + 7, wrapping).
UPDATE invoice_item SET invoice_id = 1 + (invoice_id + 6) % :ninv WHERE id % 100 = 57;
\ir _step_end.sql

\set step delete_items
\ir _step_begin.sql
-- 5% of items: one of every even invoice.
DELETE FROM invoice_item WHERE id % 20 = 13;
\ir _step_end.sql

\set step income_descriptions
\ir _step_begin.sql
UPDATE income SET description = description || ' (revised)' WHERE id % 10 = 0;
\ir _step_end.sql

\set step delete_expenses
\ir _step_begin.sql
DELETE FROM expense WHERE id % 20 = 13;
\ir _step_end.sql
