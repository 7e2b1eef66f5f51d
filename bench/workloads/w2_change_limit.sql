-- W2 bulk change for the limit variant: the statements of w2_change.sql, each
-- also writing the projection rows it changes, in the same statement.
--
-- UPDATE ... RETURNING gives only new values before PostgreSQL 18, so the
-- item updates join the table to itself to read each row's old value (the
-- price or invoice before the change) for the delta. These bulk statements
-- assume no concurrent writer, as in this phase (the OLTP version in
-- pgbench/oltp_limit.sql locks the row first).
-- Every item statement ends the same way: add the per-invoice delta to the
-- invoice totals, then rewrite the invoice's journal lines that changed.

\set step raise_prices
\ir _step_begin.sql
WITH u AS (
    UPDATE invoice_item it SET unit_price = o.unit_price * 1.1
      FROM invoice_item o
     WHERE it.id % 10 = 0 AND o.id = it.id AND o.id % 10 = 0
    RETURNING it.invoice_id, it.quantity, it.tax_rate, it.unit_price AS new_price, o.unit_price AS old_price
), d AS (
    SELECT invoice_id,
           sum(coalesce(round(quantity * new_price * (1 + tax_rate), 2), 0)
             - coalesce(round(quantity * old_price * (1 + tax_rate), 2), 0)) AS t,
           sum(coalesce(round(quantity * new_price, 2), 0)
             - coalesce(round(quantity * old_price, 2), 0)) AS s
      FROM u GROUP BY invoice_id
), inv AS (
    UPDATE invoice i
       SET total_amount = i.total_amount + d.t, subtotal_amount = i.subtotal_amount + d.s
      FROM d WHERE i.id = d.invoice_id AND (d.t <> 0 OR d.s <> 0)
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

\set step move_items
\ir _step_begin.sql
WITH u AS (
    UPDATE invoice_item it SET invoice_id = 1 + (o.invoice_id + 6) % :ninv
      FROM invoice_item o
     WHERE it.id % 100 = 57 AND o.id = it.id AND o.id % 100 = 57
    RETURNING it.invoice_id AS new_invoice, o.invoice_id AS old_invoice, it.quantity, it.unit_price, it.tax_rate
), c AS (
    SELECT new_invoice AS invoice_id,
           coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0) AS t,
           coalesce(round(quantity * unit_price, 2), 0) AS s,
           1 AS n
      FROM u
    UNION ALL
    SELECT old_invoice,
           -coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0),
           -coalesce(round(quantity * unit_price, 2), 0),
           -1
      FROM u
), d AS (
    SELECT invoice_id, sum(t) AS t, sum(s) AS s, sum(n) AS n
      FROM c GROUP BY invoice_id
    HAVING sum(t) <> 0 OR sum(s) <> 0 OR sum(n) <> 0
), inv AS (
    UPDATE invoice i
       SET total_amount = i.total_amount + d.t, subtotal_amount = i.subtotal_amount + d.s,
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

\set step delete_items
\ir _step_begin.sql
WITH x AS (
    DELETE FROM invoice_item WHERE id % 20 = 13
    RETURNING invoice_id, quantity, unit_price, tax_rate
), d AS (
    SELECT invoice_id,
           sum(coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0)) AS t,
           sum(coalesce(round(quantity * unit_price, 2), 0)) AS s,
           count(*) AS n
      FROM x GROUP BY invoice_id
), inv AS (
    UPDATE invoice i
       SET total_amount = i.total_amount - d.t, subtotal_amount = i.subtotal_amount - d.s,
           item_count = i.item_count - d.n
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

\set step income_descriptions
\ir _step_begin.sql
WITH u AS (
    UPDATE income SET description = description || ' (revised)' WHERE id % 10 = 0
    RETURNING id, description
), ft AS (
    UPDATE financial_transaction f SET description = u.description
      FROM u WHERE f.canonical_type = 'income' AND f.canonical_pk = u.id
), je AS (
    UPDATE journal_entry j SET description = 'Income ' || u.description
      FROM u WHERE j.canonical_type = 'income' AND j.canonical_pk = u.id
)
UPDATE account_transaction a SET description = 'Income ' || u.description
  FROM u WHERE a.canonical_type = 'income' AND a.canonical_pk = u.id;
\ir _step_end.sql

\set step delete_expenses
\ir _step_begin.sql
WITH x AS (
    DELETE FROM expense WHERE id % 20 = 13 RETURNING id
), ft AS (
    DELETE FROM financial_transaction f USING x
     WHERE f.canonical_type = 'expense' AND f.canonical_pk = x.id
), lines AS (
    DELETE FROM account_transaction a USING x
     WHERE a.canonical_type = 'expense' AND a.canonical_pk = x.id
)
DELETE FROM journal_entry j USING x
 WHERE j.canonical_type = 'expense' AND j.canonical_pk = x.id;
\ir _step_end.sql
