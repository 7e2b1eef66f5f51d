-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: an item's price change, projection rows written by hand (limit).
-- Variables as in oltp.sql; the payment pays the target invoice.
\if :contended
\set target 2 * random(0, 9) + 1
\else
\set target 2 * random(0, :ninv / 2 - 1) + 1
\endif
\set item 10 * (:target - 1) + random(1, 10)
\set price random(100, 99999)
\set cust random(1, 100)
\set pinv :target
\set pbiz 1 + :pinv % 10
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
