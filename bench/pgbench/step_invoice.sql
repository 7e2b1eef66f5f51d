-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: a new invoice (journal entry and lines).
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
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
VALUES (:inv, :ibiz, :cust, 'P-' || :inv, date '2026-06-01');
