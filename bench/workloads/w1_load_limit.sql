-- W1 bulk load for the limit variant: the statements of w1_load.sql, each
-- also writing the projection rows it implies, in the same statement
-- (data-modifying CTEs). No trigger, no second pass: the least work any
-- maintenance can do.

-- Invoices: a journal entry and its three lines (totals are still 0).
\set step invoices
\ir _step_begin.sql
WITH i AS (
    INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
    SELECT * FROM bench.gen_invoices(:ninv)
    RETURNING id, business_pk, number, invoice_date, total_amount, subtotal_amount
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'invoice', id, invoice_date, 'Invoice ' || number FROM i
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT i.business_pk, 'invoice', i.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Invoice ' || i.number
  FROM i
  JOIN business b ON b.id = i.business_pk
 CROSS JOIN LATERAL (VALUES (1, b.receivables_account_id, i.total_amount, 0::numeric),
                            (2, b.revenue_account_id, 0::numeric, i.subtotal_amount),
                            (3, b.tax_account_id, 0::numeric, i.total_amount - i.subtotal_amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
\ir _step_end.sql

-- Items: add each invoice's sums to its totals, then rewrite its lines.
\set step items
\ir _step_begin.sql
WITH it AS (
    INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
    SELECT * FROM bench.gen_items(:ninv)
    RETURNING invoice_id, quantity, unit_price, tax_rate
), d AS (
    SELECT invoice_id,
           sum(coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0)) AS t,
           sum(coalesce(round(quantity * unit_price, 2), 0)) AS s,
           count(*) AS n
      FROM it GROUP BY invoice_id
), inv AS (
    UPDATE invoice i
       SET total_amount = i.total_amount + d.t,
           subtotal_amount = i.subtotal_amount + d.s,
           item_count = i.item_count + d.n
      FROM d WHERE i.id = d.invoice_id
    RETURNING i.id, i.total_amount, i.subtotal_amount
)
UPDATE account_transaction a
   SET debit_amount = l.debit_amount, credit_amount = l.credit_amount
  FROM inv
 CROSS JOIN LATERAL (VALUES (1, inv.total_amount, 0::numeric),
                            (2, 0::numeric, inv.subtotal_amount),
                            (3, 0::numeric, inv.total_amount - inv.subtotal_amount)
      ) AS l(line_no, debit_amount, credit_amount)
 WHERE a.canonical_type = 'invoice' AND a.canonical_pk = inv.id AND a.line_no = l.line_no
   AND (a.debit_amount, a.credit_amount) IS DISTINCT FROM (l.debit_amount, l.credit_amount);
\ir _step_end.sql

\set step incomes
\ir _step_begin.sql
WITH n AS (
    INSERT INTO income (id, business_pk, account_id, category_account_id, amount, income_date, description)
    SELECT * FROM bench.gen_incomes(:nmisc)
    RETURNING *
), ft AS (
    INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                       amount, currency, transaction_date, description)
    SELECT n.business_pk, 'income', n.id, n.account_id, a.name, n.amount, n.currency, n.income_date, n.description
      FROM n LEFT JOIN account a ON a.id = n.account_id
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'income', id, income_date, 'Income ' || description FROM n
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT n.business_pk, 'income', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Income ' || n.description
  FROM n CROSS JOIN LATERAL (VALUES (1, n.account_id, n.amount, 0::numeric),
                                    (2, n.category_account_id, 0::numeric, n.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
\ir _step_end.sql

\set step expenses
\ir _step_begin.sql
WITH n AS (
    INSERT INTO expense (id, business_pk, account_id, category_account_id, amount, expense_date, description)
    SELECT * FROM bench.gen_expenses(:nmisc)
    RETURNING *
), ft AS (
    INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                       amount, currency, transaction_date, description)
    SELECT n.business_pk, 'expense', n.id, n.account_id, a.name, -n.amount, n.currency, n.expense_date, n.description
      FROM n LEFT JOIN account a ON a.id = n.account_id
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'expense', id, expense_date, 'Expense ' || description FROM n
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT n.business_pk, 'expense', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Expense ' || n.description
  FROM n CROSS JOIN LATERAL (VALUES (1, n.category_account_id, n.amount, 0::numeric),
                                    (2, n.account_id, 0::numeric, n.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
\ir _step_end.sql

\set step payments
\ir _step_begin.sql
WITH n AS (
    INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
    SELECT * FROM bench.gen_payments(:nmisc, :ninv)
    RETURNING *
), ft AS (
    INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                       amount, currency, transaction_date, description)
    SELECT n.business_pk, 'payment', n.id, n.account_id, a.name, n.amount, n.currency, n.payment_date, n.description
      FROM n LEFT JOIN account a ON a.id = n.account_id
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'payment', id, payment_date, 'Payment ' || description FROM n
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT n.business_pk, 'payment', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Payment ' || n.description
  FROM n JOIN business b ON b.id = n.business_pk
 CROSS JOIN LATERAL (VALUES (1, n.account_id, n.amount, 0::numeric),
                            (2, b.receivables_account_id, 0::numeric, n.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
\ir _step_end.sql

\set step transfers
\ir _step_begin.sql
WITH n AS (
    INSERT INTO transfer (id, business_pk, from_account_id, to_account_id, amount, transfer_date, description)
    SELECT * FROM bench.gen_transfers(:ntransfer)
    RETURNING *
), ft AS (
    INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                       amount, currency, transaction_date, description)
    SELECT n.business_pk, 'transfer', n.id, n.from_account_id, a.name, -n.amount, n.currency, n.transfer_date, n.description
      FROM n LEFT JOIN account a ON a.id = n.from_account_id
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'transfer', id, transfer_date, 'Transfer ' || description FROM n
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT n.business_pk, 'transfer', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Transfer ' || n.description
  FROM n CROSS JOIN LATERAL (VALUES (1, n.to_account_id, n.amount, 0::numeric),
                                    (2, n.from_account_id, 0::numeric, n.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
\ir _step_end.sql
