-- bench/load/pgbench/orm_direct.sql — the other half of the ORM pattern: a
-- transaction that updates one item of the same hot invoices directly,
-- without locking the invoice row first.
\set inv    random(1, :hot)
\set item   5 * (:inv - 1) + random(1, 5)
\set price  random(100, 99999)
BEGIN;
UPDATE invoice_item SET unit_price = :price / 100.0 WHERE id = :item;
END;
