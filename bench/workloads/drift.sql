-- Drift check, independent of denorm and of every variant's maintenance
-- code: recompute each projection from the canonical tables alone, in plain
-- SQL, and count the rows that differ (EXCEPT ALL both ways). Invoice
-- journal lines are recomputed from the items, not from the maintained
-- invoice totals, so the whole chain item -> totals -> lines is checked.
-- Output: one line per projection table, "name|differing rows"; 0 everywhere
-- means the projections are exactly what their definitions say.
\pset format unaligned
\pset tuples_only on

CREATE TEMP VIEW drift_totals AS
SELECT i.id, coalesce(a.t, 0)::numeric(14,2) AS total_amount,
       coalesce(a.s, 0)::numeric(14,2) AS subtotal_amount, coalesce(a.n, 0)::integer AS item_count
  FROM invoice i
  LEFT JOIN (SELECT invoice_id, sum(round(quantity * unit_price * (1 + tax_rate), 2)) AS t,
                    sum(round(quantity * unit_price, 2)) AS s, count(*) AS n
               FROM invoice_item GROUP BY invoice_id) a ON a.invoice_id = i.id;

CREATE TEMP VIEW drift_ft AS
SELECT i.business_pk, 'income'::text AS canonical_type, i.id AS canonical_pk, i.account_id, a.name AS account_name,
       i.amount::numeric(14,2) AS amount, i.currency, i.income_date AS transaction_date, i.description
  FROM income i LEFT JOIN account a ON a.id = i.account_id
UNION ALL
SELECT e.business_pk, 'expense', e.id, e.account_id, a.name, (-e.amount)::numeric(14,2), e.currency, e.expense_date, e.description
  FROM expense e LEFT JOIN account a ON a.id = e.account_id
UNION ALL
SELECT p.business_pk, 'payment', p.id, p.account_id, a.name, p.amount, p.currency, p.payment_date, p.description
  FROM payment p LEFT JOIN account a ON a.id = p.account_id
UNION ALL
SELECT t.business_pk, 'transfer', t.id, t.from_account_id, a.name, (-t.amount)::numeric(14,2), t.currency, t.transfer_date, t.description
  FROM transfer t LEFT JOIN account a ON a.id = t.from_account_id;

CREATE TEMP VIEW drift_je AS
SELECT business_pk, 'invoice'::text AS canonical_type, id AS canonical_pk, invoice_date AS entry_date,
       'Invoice ' || number AS description FROM invoice
UNION ALL SELECT business_pk, 'payment', id, payment_date, 'Payment ' || description FROM payment
UNION ALL SELECT business_pk, 'income', id, income_date, 'Income ' || description FROM income
UNION ALL SELECT business_pk, 'expense', id, expense_date, 'Expense ' || description FROM expense
UNION ALL SELECT business_pk, 'transfer', id, transfer_date, 'Transfer ' || description FROM transfer;

CREATE TEMP VIEW drift_at AS
SELECT i.business_pk, 'invoice'::text AS canonical_type, i.id AS canonical_pk, 1 AS line_no,
       b.receivables_account_id AS account_id, x.total_amount AS debit_amount, 0::numeric(14,2) AS credit_amount,
       'Invoice ' || i.number AS description
  FROM invoice i JOIN business b ON b.id = i.business_pk JOIN drift_totals x ON x.id = i.id
UNION ALL
SELECT i.business_pk, 'invoice', i.id, 2, b.revenue_account_id, 0, x.subtotal_amount, 'Invoice ' || i.number
  FROM invoice i JOIN business b ON b.id = i.business_pk JOIN drift_totals x ON x.id = i.id
UNION ALL
SELECT i.business_pk, 'invoice', i.id, 3, b.tax_account_id, 0, x.total_amount - x.subtotal_amount, 'Invoice ' || i.number
  FROM invoice i JOIN business b ON b.id = i.business_pk JOIN drift_totals x ON x.id = i.id
UNION ALL
SELECT p.business_pk, 'payment', p.id, 1, p.account_id, p.amount, 0, 'Payment ' || p.description FROM payment p
UNION ALL
SELECT p.business_pk, 'payment', p.id, 2, b.receivables_account_id, 0, p.amount, 'Payment ' || p.description
  FROM payment p JOIN business b ON b.id = p.business_pk
UNION ALL
SELECT business_pk, 'income', id, 1, account_id, amount, 0, 'Income ' || description FROM income
UNION ALL
SELECT business_pk, 'income', id, 2, category_account_id, 0, amount, 'Income ' || description FROM income
UNION ALL
SELECT business_pk, 'expense', id, 1, category_account_id, amount, 0, 'Expense ' || description FROM expense
UNION ALL
SELECT business_pk, 'expense', id, 2, account_id, 0, amount, 'Expense ' || description FROM expense
UNION ALL
SELECT business_pk, 'transfer', id, 1, to_account_id, amount, 0, 'Transfer ' || description FROM transfer
UNION ALL
SELECT business_pk, 'transfer', id, 2, from_account_id, 0, amount, 'Transfer ' || description FROM transfer;

SELECT 'invoice_totals', count(*) FROM (
    (SELECT id, total_amount, subtotal_amount, item_count FROM invoice EXCEPT ALL SELECT * FROM drift_totals)
    UNION ALL
    (SELECT * FROM drift_totals EXCEPT ALL SELECT id, total_amount, subtotal_amount, item_count FROM invoice)) d;
SELECT 'financial_transaction', count(*) FROM (
    (SELECT * FROM financial_transaction EXCEPT ALL SELECT * FROM drift_ft)
    UNION ALL
    (SELECT * FROM drift_ft EXCEPT ALL SELECT * FROM financial_transaction)) d;
SELECT 'journal_entry', count(*) FROM (
    (SELECT * FROM journal_entry EXCEPT ALL SELECT * FROM drift_je)
    UNION ALL
    (SELECT * FROM drift_je EXCEPT ALL SELECT * FROM journal_entry)) d;
SELECT 'account_transaction', count(*) FROM (
    (SELECT * FROM account_transaction EXCEPT ALL SELECT * FROM drift_at)
    UNION ALL
    (SELECT * FROM drift_at EXCEPT ALL SELECT * FROM account_transaction)) d;
