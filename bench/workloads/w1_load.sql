-- W1 bulk load: every canonical row with one INSERT ... SELECT per table,
-- in dependency order. Variants none, plrow, plstmt and denorm run this file;
-- their triggers (if any) maintain the projections. The limit variant runs
-- w1_load_limit.sql, the same statements written with data-modifying CTEs.
-- psql variables: :ninv (invoices; items are 10 per invoice), :nmisc
-- (incomes, expenses and payments each), :ntransfer.

\set step invoices
\ir _step_begin.sql
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
SELECT * FROM bench.gen_invoices(:ninv);
\ir _step_end.sql

\set step items
\ir _step_begin.sql
INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
SELECT * FROM bench.gen_items(:ninv);
\ir _step_end.sql

\set step incomes
\ir _step_begin.sql
INSERT INTO income (id, business_pk, account_id, category_account_id, amount, income_date, description)
SELECT * FROM bench.gen_incomes(:nmisc);
\ir _step_end.sql

\set step expenses
\ir _step_begin.sql
INSERT INTO expense (id, business_pk, account_id, category_account_id, amount, expense_date, description)
SELECT * FROM bench.gen_expenses(:nmisc);
\ir _step_end.sql

\set step payments
\ir _step_begin.sql
INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
SELECT * FROM bench.gen_payments(:nmisc, :ninv);
\ir _step_end.sql

\set step transfers
\ir _step_begin.sql
INSERT INTO transfer (id, business_pk, from_account_id, to_account_id, amount, transfer_date, description)
SELECT * FROM bench.gen_transfers(:ntransfer);
\ir _step_end.sql
