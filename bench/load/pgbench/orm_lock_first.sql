-- bench/load/pgbench/orm_lock_first.sql — what an ORM does when it loads an
-- invoice "for update" and then saves one or two of its items: the invoice
-- row is locked first, the items after. Invoices 1..:hot (items 5i-4..5i).
\set inv    random(1, :hot)
\set item1  5 * (:inv - 1) + random(1, 5)
\set item2  5 * (:inv - 1) + random(1, 5)
\set price  random(100, 99999)
\set qty    random(1, 20)
BEGIN;
SELECT id, number, total_amount FROM invoice WHERE id = :inv FOR UPDATE;
UPDATE invoice_item SET unit_price = :price / 100.0 WHERE id = :item1;
UPDATE invoice_item SET quantity = :qty WHERE id = :item2;
END;
