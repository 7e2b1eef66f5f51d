-- W3 OLTP transaction for the limit variant: the statements of oltp.sql,
-- each also writing its projection rows in the same statement.
-- The price change reads the item's old price under FOR UPDATE in the same
-- statement (UPDATE ... RETURNING gives only new values before PostgreSQL
-- 18); the invoice totals are changed by delta, which is safe under
-- concurrency (the UPDATE re-reads the latest row version), and the journal
-- lines are written from the totals that UPDATE returns. "-- step NAME"
-- marks each statement, as in oltp.sql.
\if :contended
\set target 2 * random(0, 9) + 1
\else
\set target 2 * random(0, :ninv / 2 - 1) + 1
\endif
\set item 10 * (:target - 1) + random(1, 10)
\set price random(100, 99999)
\set cust random(1, 100)
BEGIN;
SELECT nextval('bench_invoice_id') AS inv \gset
\set ibiz 1 + :inv % 10
\if :contended
\set pinv :target
\else
\set pinv :inv
\endif
\set pbiz 1 + :pinv % 10
-- step invoice
WITH i AS (
    INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
    VALUES (:inv, :ibiz, :cust, 'P-' || :inv, date '2026-06-01')
    RETURNING id, business_pk, number, invoice_date, total_amount, subtotal_amount
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'invoice', id, invoice_date, 'Invoice ' || number FROM i
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT i.business_pk, 'invoice', i.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount, 'Invoice ' || i.number
  FROM i JOIN business b ON b.id = i.business_pk
 CROSS JOIN LATERAL (VALUES (1, b.receivables_account_id, i.total_amount, 0::numeric),
                            (2, b.revenue_account_id, 0::numeric, i.subtotal_amount),
                            (3, b.tax_account_id, 0::numeric, i.total_amount - i.subtotal_amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
-- step items
WITH it AS (
    INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
    SELECT nextval('bench_item_id'), :inv::integer, 'Widget ' || g, g, 4.99 + g, 0.10 FROM generate_series(1, 5) g
    RETURNING invoice_id, quantity, unit_price, tax_rate
), d AS (
    SELECT invoice_id,
           sum(coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0)) AS t,
           sum(coalesce(round(quantity * unit_price, 2), 0)) AS s,
           count(*) AS n
      FROM it GROUP BY invoice_id
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
-- step item_update
WITH o AS (
    SELECT id, unit_price FROM invoice_item WHERE id = :item FOR UPDATE
), u AS (
    UPDATE invoice_item it SET unit_price = :price::numeric / 100
      FROM o WHERE it.id = o.id
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
-- step payment
WITH p AS (
    INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
    VALUES (nextval('bench_payment_id'), :pbiz, :pinv, 10 * :pbiz + 1, 25.00, date '2026-06-01', 'oltp ' || :pinv)
    RETURNING *
), ft AS (
    INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                       amount, currency, transaction_date, description)
    SELECT p.business_pk, 'payment', p.id, p.account_id, a.name, p.amount, p.currency, p.payment_date, p.description
      FROM p LEFT JOIN account a ON a.id = p.account_id
), je AS (
    INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
    SELECT business_pk, 'payment', id, payment_date, 'Payment ' || description FROM p
)
INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                 account_id, debit_amount, credit_amount, description)
SELECT p.business_pk, 'payment', p.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
       'Payment ' || p.description
  FROM p JOIN business b ON b.id = p.business_pk
 CROSS JOIN LATERAL (VALUES (1, p.account_id, p.amount, 0::numeric),
                            (2, b.receivables_account_id, 0::numeric, p.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount);
END;
