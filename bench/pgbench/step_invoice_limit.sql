-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: a new invoice, projection rows written by hand (limit).
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
SELECT nextval('bench_invoice_id') AS inv \gset
\set ibiz 1 + :inv % 10
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
