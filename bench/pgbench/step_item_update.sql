-- One statement of the W3 transaction alone, for bench/instructions.sh
-- --script: an item's price change (invoice total, then its journal lines).
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
UPDATE invoice_item SET unit_price = :price::numeric / 100 WHERE id = :item;
