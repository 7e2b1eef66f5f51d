-- The demo: the bookkeeping example written through every path, with the
-- projections shown after each step, an audit with zero drift, the counters
-- and the SQL behind one projection. Run by scripts/demo.sh (make demo) on a
-- throwaway cluster.
\set ON_ERROR_STOP on
\pset footer off
\pset null '∅'

\echo
\echo '== 1. The schema of the talk, with 15 projections and 2 invariants'
\set QUIET on
\i :top/examples/bookkeeping.sql
\i :top/examples/sample_data.sql
\set QUIET off
SELECT name, kind, source, target, row_key FROM denorm.projections ORDER BY target::text, name;

\echo
\echo '== 2. Single-row writes: an invoice, its items, the talk''s price change'
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
VALUES (1, 1, 1, 'INV-0001', '2026-01-10');
INSERT INTO invoice_item VALUES (1, 1, 'Rocket skates', 2, 10.00, 0.10);
INSERT INTO invoice_item VALUES (2, 1, 'Anvil', 1, 100.00, 0.05);
UPDATE invoice_item SET unit_price = 10.50 WHERE id = 1;
SELECT id, number, total_amount, subtotal_amount, item_count FROM invoice;
SELECT canonical_type AS type, canonical_pk AS pk, line_no, account_id, debit_amount, credit_amount
  FROM account_transaction ORDER BY 1, 2, 3;

\echo
\echo '== 3. Payment, income, expense, transfer: one list of financial transactions'
INSERT INTO payment VALUES (1, 1, 1, 1, 50.00, '2026-01-20', 'USD', 'first instalment');
INSERT INTO income VALUES (1, 1, 5, 6, 500.00, '2026-01-05', 'USD', 'consulting');
INSERT INTO expense VALUES (1, 1, 5, 7, 42.50, '2026-01-06', 'USD', 'paper');
INSERT INTO transfer VALUES (1, 1, 5, 1, 100.00, '2026-01-07', 'USD', 'cash for the till');
SELECT transaction_date, canonical_type AS type, account_name, amount, description
  FROM financial_transaction ORDER BY transaction_date;

\echo
\echo '== 4. Every other write path: move, delete, ON CONFLICT, MERGE, COPY, a lookup rename'
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
VALUES (2, 1, 1, 'INV-0002', '2026-01-11');
UPDATE invoice_item SET invoice_id = 2 WHERE id = 2;                      -- move an item
INSERT INTO invoice_item VALUES (3, 1, 'Bird seed', 10, 1.99, 0)
    ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity;          -- upsert (insert)
INSERT INTO invoice_item VALUES (3, 1, 'Bird seed', 12, 1.99, 0)
    ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity;          -- upsert (update)
MERGE INTO income i USING (VALUES (1, 550.00), (2, 75.00)) AS v(id, amount) ON i.id = v.id
    WHEN MATCHED THEN UPDATE SET amount = v.amount
    WHEN NOT MATCHED THEN INSERT VALUES (v.id, 1, 5, 6, v.amount, '2026-01-08', 'USD', 'merged');
COPY expense FROM stdin;
2	1	5	7	12.00	2026-01-09	USD	stamps
\.
DELETE FROM transfer WHERE id = 1;
UPDATE account SET name = 'Main bank account' WHERE id = 5;               -- read by a lookup
SELECT id, number, total_amount, subtotal_amount, item_count FROM invoice ORDER BY id;
SELECT transaction_date, canonical_type AS type, account_name, amount, description
  FROM financial_transaction ORDER BY transaction_date;

\echo
\echo '== 5. Bulk: 10,000 invoices with 50,000 items, 30,000 incomes, expenses and payments'
\timing on
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
    SELECT g, 1, 1, 'B-' || g, date '2026-02-01' + g % 28 FROM generate_series(1000, 10999) g;
INSERT INTO invoice_item
    SELECT g, 1000 + g % 10000, 'thing', 1 + g % 5, (g % 50) + 0.99, (g % 3) * 0.05
      FROM generate_series(1000, 50999) g;
INSERT INTO income SELECT g, 1, 5, 6, g % 300 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk'
      FROM generate_series(1000, 10999) g;
INSERT INTO expense SELECT g, 1, 5, 7, g % 200 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk'
      FROM generate_series(1000, 10999) g;
INSERT INTO payment SELECT g, 1, 1000 + g % 10000, 1, g % 100 + 1, date '2026-03-01' + g % 30, 'USD', 'bulk'
      FROM generate_series(1000, 10999) g;
UPDATE invoice_item SET unit_price = unit_price * 1.1 WHERE id % 10 = 0;  -- raise 10% of prices
DELETE FROM invoice_item WHERE id % 20 = 0;                               -- delete 5% of items
\timing off
SELECT count(*) AS invoices, sum(item_count) AS items, sum(total_amount) AS invoiced
  FROM invoice;
SELECT canonical_type AS type, count(*) AS rows, sum(amount) AS amount
  FROM financial_transaction GROUP BY 1 ORDER BY 1;
\echo 'the books balance:'
SELECT sum(debit_amount) AS debits, sum(credit_amount) AS credits,
       sum(debit_amount) = sum(credit_amount) AS balanced
  FROM account_transaction;
SELECT total_amount >= 200 AS "total >= 200", count(*) AS invoices
  FROM invoice GROUP BY 1 ORDER BY 1;

\echo
\echo '== 6. Nobody but denorm writes a projection'
\set ON_ERROR_STOP off
UPDATE invoice SET total_amount = 1 WHERE id = 1;
DELETE FROM financial_transaction;
\set ON_ERROR_STOP on

\echo
\echo '== 7. Audit: every projection and invariant against its definition, from one snapshot'
SELECT count(*) AS drifted_keys FROM denorm.audit();

\echo
\echo '== 8. Rebuild the journal from scratch: new tables swapped in, as REFRESH does'
SELECT denorm.rebuild_target('journal_entry') AS journal_entries,
       denorm.rebuild_target('account_transaction') AS journal_lines;
SELECT count(*) AS drifted_keys_after_rebuild FROM denorm.audit();

\echo
\echo '== 9. Counters: what maintenance did, per projection (denorm.stats)'
SELECT projection, scope, statements, keys, rows_written, round(time_ms::numeric, 1) AS time_ms,
       lock_waits, escalations, last_audit_drift
  FROM denorm.stats ORDER BY projection;

\echo
\echo '== 10. The SQL behind one projection (denorm.statements)'
SELECT purpose, left(statement, 110) AS statement FROM denorm.statements('jl_invoice')
 WHERE purpose IN ('search_path', 'insert', 'update in place', 'delete');
