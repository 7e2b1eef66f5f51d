-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: a payment, projection rows written by hand (limit).
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
