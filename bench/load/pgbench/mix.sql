-- bench/load/pgbench/mix.sql — one bookkeeping transaction touching most of
-- the projections: a new invoice with three items, a price change, an item
-- moved to another invoice, a payment, an income edit, an expense entered
-- and an older one deleted.
--
-- Access pattern from -D variables (run.sh sets them):
--   uniform: inv_max=10000 acct_min=101 acct_max=300 income_max=10000
--   hot:     inv_max=5     acct_min=101 acct_max=105 income_max=5
-- Invoice i owns items 5i-4..5i at load time; items only move between
-- invoices 1..inv_max, so items 1..5*inv_max stay on the chosen invoices.
\set inv      random(1, :inv_max)
\set item     random(1, 5 * :inv_max)
\set item2    random(1, 5 * :inv_max)
\set acct     random(:acct_min, :acct_max)
\set income   random(1, :income_max)
\set expense  random(1, 10000)
\set price    random(100, 99999)
\set amount   random(100, 500000)
BEGIN;
SELECT nextval('bench_invoice_seq') AS new_inv \gset
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
     VALUES (:new_inv, 1, 1, 'B-' || :new_inv, current_date);
INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
     SELECT nextval('bench_item_seq'), :new_inv, 'Widget ' || g, g, 9.99 * g, 0.2
       FROM generate_series(1, 3) g;
UPDATE invoice_item SET unit_price = :price / 100.0 WHERE id = :item;
UPDATE invoice_item SET invoice_id = :inv WHERE id = :item2;
INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
     VALUES (nextval('bench_payment_seq'), 1, :inv, :acct, :amount / 100.0, current_date,
             'pgbench client ' || :client_id);
UPDATE income SET description = 'Consulting, edited by client ' || :client_id WHERE id = :income;
INSERT INTO expense (id, business_pk, account_id, category_account_id, amount, expense_date, description)
     VALUES (nextval('bench_expense_seq'), 1, :acct, 7, :amount / 200.0, current_date, 'Supplies');
DELETE FROM expense WHERE id = :expense;
END;
