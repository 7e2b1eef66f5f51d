-- The bookkeeping example of the talk, all three projections together:
-- invoice totals (aggregate), financial_transaction (union with lookups),
-- the double-entry journal (fan-out, cascading from the invoice totals).
CREATE SCHEMA books;
SET search_path = books, public;
\set ECHO none
\set QUIET on
\o /dev/null
\getenv top DENORM_TOP
\i :top/examples/bookkeeping.sql
\i :top/examples/sample_data.sql
\o
\set QUIET off
\set ECHO all

SELECT name, kind, source, target, row_key FROM denorm.projections ORDER BY name;

-- Single-row writes through every canonical table.
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date) VALUES (1, 1, 1, 'INV-1', '2026-01-10');
INSERT INTO invoice_item VALUES (1, 1, 'Rocket skates', 2, 10.00, 0.10);
INSERT INTO invoice_item VALUES (2, 1, 'Anvil', 1, 100.00, 0.05);
UPDATE invoice_item SET unit_price = 10.50 WHERE id = 1;          -- the talk's price change
INSERT INTO payment VALUES (1, 1, 1, 1, 50, '2026-01-20', 'USD', 'first part');
INSERT INTO income VALUES (1, 1, 5, 6, 500, '2026-01-05', 'USD', 'consulting');
INSERT INTO expense VALUES (1, 1, 5, 7, 42.50, '2026-01-06', 'USD', 'paper');
INSERT INTO transfer VALUES (1, 1, 5, 1, 100, '2026-01-07', 'USD', 'to cash');

SELECT id, number, total_amount, subtotal_amount, item_count FROM invoice;
SELECT * FROM financial_transaction ORDER BY transaction_date;
SELECT canonical_type, canonical_pk, entry_date, description FROM journal_entry ORDER BY 1, 2;
SELECT canonical_type, canonical_pk, line_no, account_id, debit_amount, credit_amount
  FROM account_transaction ORDER BY 1, 2, 3;
-- Debits equal credits, entry by entry.
SELECT canonical_type, canonical_pk, sum(debit_amount) AS debits, sum(credit_amount) AS credits
  FROM account_transaction GROUP BY 1, 2 ORDER BY 1, 2;

-- Bulk writes: 2,000 invoices with 10,000 items, 3,000 incomes, expenses and payments.
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
    SELECT g, 1, 1, 'B-' || g, date '2026-02-01' + g % 28 FROM generate_series(1000, 2999) g;
INSERT INTO invoice_item
    SELECT g, 1000 + g % 2000, 'thing', 1 + g % 5, (g % 50) + 0.99, (g % 3) * 0.05
      FROM generate_series(1000, 10999) g;
INSERT INTO income SELECT g, 1, 5, 6, g % 300 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk income'
      FROM generate_series(1000, 3999) g;
INSERT INTO expense SELECT g, 1, 5, 7, g % 200 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk expense'
      FROM generate_series(1000, 3999) g;
INSERT INTO payment SELECT g, 1, 1000 + g % 2000, 1, g % 100 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk payment'
      FROM generate_series(1000, 3999) g;
UPDATE invoice_item SET unit_price = unit_price * 1.1 WHERE id % 10 = 0;
UPDATE invoice_item SET invoice_id = 1000 + (invoice_id + 7) % 2000 WHERE id % 100 = 0;
DELETE FROM invoice_item WHERE id % 20 = 0;
UPDATE income SET description = 'renamed' WHERE id % 10 = 0;
DELETE FROM expense WHERE id % 20 = 0;
UPDATE account SET name = 'Checking' WHERE id = 5;          -- a lookup change, thousands of rows
UPDATE business SET tax_account_id = 4, revenue_account_id = 6 WHERE id = 1;   -- every invoice's lines
DELETE FROM invoice WHERE id % 50 = 0;                       -- cascades to items and journal

SELECT count(*) AS invoices, sum(total_amount) AS total, sum(item_count) AS items FROM invoice;
SELECT canonical_type, count(*), sum(amount) FROM financial_transaction GROUP BY 1 ORDER BY 1;
SELECT canonical_type, count(*) FROM journal_entry GROUP BY 1 ORDER BY 1;
SELECT canonical_type, count(*), sum(debit_amount) AS debits, sum(credit_amount) AS credits
  FROM account_transaction GROUP BY 1 ORDER BY 1;
SELECT count(*) AS checking_rows FROM financial_transaction WHERE account_name = 'Checking';
SELECT count(*) AS revenue_lines_on_account_6 FROM account_transaction
 WHERE canonical_type = 'invoice' AND line_no = 2 AND account_id = 6;
SELECT * FROM denorm.audit();

-- An invariant catches a planted imbalance; repair fixes it.
SET denorm.allow_direct_writes = on;
UPDATE account_transaction SET debit_amount = debit_amount + 1
 WHERE canonical_type = 'payment' AND canonical_pk = 1 AND line_no = 1;
RESET denorm.allow_direct_writes;
SELECT projection, key, problem, expected, actual FROM denorm.audit() ORDER BY projection;
SELECT projection, problem, actual FROM denorm.audit('balanced_entries');
SELECT denorm.repair() AS repaired;
SELECT * FROM denorm.audit();

-- Everything goes when the example goes.
DROP SCHEMA books CASCADE;
SELECT count(*) AS projections_left FROM denorm.projection;
SELECT count(*) AS invariants_left FROM denorm.invariant;
