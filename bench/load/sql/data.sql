-- bench/load/sql/data.sql — bulk data for the load test, loaded on top of
-- examples/bookkeeping.sql + examples/sample_data.sql (accounts 1..7,
-- customer 1). Works the same with or without denorm: with it, every
-- projection is maintained by the bulk statements themselves (escalated
-- locks), so the loaded database starts with zero drift.
--
-- Sizes come from psql variables (run.sh passes them):
--   :invoices (items = 5 per invoice), :rows (payments, incomes, expenses),
--   :banks (bank accounts 101 .. 100 + :banks; the hot ones are 101..105).
-- Invoice i owns items 5i-4 .. 5i, which is what the pgbench scripts assume.
-- Values are deterministic (hash-like arithmetic on the id), not random().

\set ON_ERROR_STOP 1

INSERT INTO customer (id, business_pk, name)
SELECT g, 1, 'Customer ' || g FROM generate_series(2, 200) g;

INSERT INTO account (id, business_pk, code, name, kind)
SELECT 100 + g, 1, (1100 + g)::text, 'Bank account ' || g, 'asset'
  FROM generate_series(1, :banks) g;

INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
SELECT g, 1, 1 + g % 200, 'INV-' || lpad(g::text, 6, '0'),
       date '2024-01-01' + g % 365
  FROM generate_series(1, :invoices) g;

INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
SELECT g, (g - 1) / 5 + 1, 'Product ' || g % 97,
       1 + g % 9, round(((g * 7919) % 100000) / 100.0 + 1, 2),
       CASE WHEN g % 3 = 0 THEN 0 ELSE 0.2 END
  FROM generate_series(1, :invoices * 5) g;

INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
SELECT g, 1, 1 + (g * 31) % :invoices, 101 + g % :banks,
       round(((g * 104729) % 50000) / 100.0 + 1, 2),
       date '2024-01-01' + g % 365, 'Payment ' || g
  FROM generate_series(1, :rows) g;

INSERT INTO income (id, business_pk, account_id, category_account_id, amount, income_date, description)
SELECT g, 1, 101 + g % :banks, 6,
       round(((g * 7907) % 80000) / 100.0 + 1, 2),
       date '2024-01-01' + g % 365, 'Consulting ' || g
  FROM generate_series(1, :rows) g;

INSERT INTO expense (id, business_pk, account_id, category_account_id, amount, expense_date, description)
SELECT g, 1, 101 + g % :banks, 7,
       round(((g * 6151) % 30000) / 100.0 + 1, 2),
       date '2024-01-01' + g % 365, 'Supplies ' || g
  FROM generate_series(1, :rows) g;

INSERT INTO transfer (id, business_pk, from_account_id, to_account_id, amount, transfer_date, description)
SELECT g, 1, 101 + g % :banks, 101 + (g + 1) % :banks,
       round(((g * 3571) % 100000) / 100.0 + 1, 2),
       date '2024-01-01' + g % 365, 'Transfer ' || g
  FROM generate_series(1, :rows / 10) g;

-- New rows written by the pgbench scripts take their ids from these.
CREATE SEQUENCE bench_invoice_seq START 1000001;
CREATE SEQUENCE bench_item_seq    START 1000001;
CREATE SEQUENCE bench_payment_seq START 1000001;
CREATE SEQUENCE bench_expense_seq START 1000001;

VACUUM ANALYZE;
