-- W3 OLTP transaction (variants none, plrow, plstmt, denorm): create an
-- invoice with 5 items, change the price of one existing item, record a
-- payment. pgbench -D variables: ninv (invoices loaded by W1), contended
-- (0 or 1).
--   uncontended: the price change hits an item of a random odd invoice
--                (odd invoices keep all their items through W2), the
--                payment pays the invoice just created;
--   contended:   the price change and the payment both target one of 10 hot
--                invoices (1, 3, ..., 19), shared by all clients.
-- New ids come from sequences made by oltp_setup.sql. The "-- step NAME"
-- comments mark the statements bench/instructions.sh --step counts alone.
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
INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
VALUES (:inv, :ibiz, :cust, 'P-' || :inv, date '2026-06-01');
-- step items
INSERT INTO invoice_item (id, invoice_id, product, quantity, unit_price, tax_rate)
SELECT nextval('bench_item_id'), :inv::integer, 'Widget ' || g, g, 4.99 + g, 0.10 FROM generate_series(1, 5) g;
-- step item_update
UPDATE invoice_item SET unit_price = :price::numeric / 100 WHERE id = :item;
-- step payment
INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date, description)
VALUES (nextval('bench_payment_id'), :pbiz, :pinv, 10 * :pbiz + 1, 25.00, date '2026-06-01', 'oltp ' || :pinv);
END;
