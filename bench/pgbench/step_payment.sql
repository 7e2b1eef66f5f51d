-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: a payment (financial_transaction, journal entry and lines).
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
INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
VALUES (nextval('bench_payment_id'), :pbiz, :pinv, 10 * :pbiz + 1, 25.00, date '2026-06-01', 'oltp ' || :pinv);
