-- W2 bulk change, one statement each (variants none, plrow, plstmt, denorm;
-- the limit variant runs w2_change_limit.sql). The predicates leave the
-- items of the odd invoices 1, 3, ..., 19 in place: they are the hot
-- invoices of the contended OLTP mix.
\timing on

\echo @step raise_prices
-- 10% of items: the last item of every invoice.
UPDATE invoice_item SET unit_price = unit_price * 1.1 WHERE id % 10 = 0;

\echo @step move_items
-- 1% of items move to another invoice (from invoice k to k + 7, wrapping).
UPDATE invoice_item SET invoice_id = 1 + (invoice_id + 6) % :ninv WHERE id % 100 = 57;

\echo @step delete_items
-- 5% of items: one of every even invoice.
DELETE FROM invoice_item WHERE id % 20 = 13;

\echo @step income_descriptions
UPDATE income SET description = description || ' (revised)' WHERE id % 10 = 0;

\echo @step delete_expenses
DELETE FROM expense WHERE id % 20 = 13;
