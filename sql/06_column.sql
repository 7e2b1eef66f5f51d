-- Column projections: aggregates owned by rows of another table.
CREATE SCHEMA col;
SET search_path = col, public;

CREATE TABLE invoice (
    id int PRIMARY KEY, number text,
    total numeric(12,2) NOT NULL DEFAULT 0, items int NOT NULL DEFAULT 0,
    priced int NOT NULL DEFAULT 0, taxed numeric(12,2) NOT NULL DEFAULT 0,
    biggest numeric(12,2), smallest numeric(12,2), average numeric, all_taxed boolean,
    weight float8 NOT NULL DEFAULT 0
);
CREATE TABLE item (
    id int PRIMARY KEY,
    invoice_id int REFERENCES invoice ON DELETE CASCADE,
    price numeric(12,2), taxed boolean NOT NULL DEFAULT false, kg float8,
    deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX ON item (invoice_id);

-- Sums and counts: kept by delta. count(price) counts non-NULL prices; the
-- FILTER and the WHERE apply to deltas too. Deleted items do not count.
SELECT denorm.create_column_projection('col_sums', 'invoice', $$
    SELECT invoice_id AS id,
           sum(price) AS total,
           count(*)::int AS items,
           count(price)::int AS priced,
           sum(price) FILTER (WHERE taxed) AS taxed
      FROM item WHERE NOT deleted GROUP BY invoice_id
$$);
-- Everything else: recomputed for the touched groups.
SELECT denorm.create_column_projection('col_extremes', 'invoice', $$
    SELECT invoice_id AS id, max(price) AS biggest, min(price) AS smallest,
           avg(price) AS average, bool_and(taxed) AS all_taxed, sum(kg) AS weight
      FROM item WHERE NOT deleted GROUP BY invoice_id
$$);
-- A plain view of the same thing, computed independently, as the oracle.
CREATE VIEW expected AS
SELECT i.id,
       coalesce(sum(t.price), 0)::numeric(12,2) AS total, count(t.id)::int AS items,
       count(t.price)::int AS priced,
       coalesce(sum(t.price) FILTER (WHERE t.taxed), 0)::numeric(12,2) AS taxed,
       max(t.price) AS biggest, min(t.price) AS smallest, avg(t.price) AS average,
       bool_and(t.taxed) AS all_taxed, coalesce(sum(t.kg), 0) AS weight
  FROM invoice i LEFT JOIN item t ON t.invoice_id = i.id AND NOT t.deleted
 GROUP BY i.id;
CREATE VIEW drift AS
    (SELECT * FROM expected EXCEPT ALL
     SELECT id, total, items, priced, taxed, biggest, smallest, average, all_taxed, weight FROM invoice)
    UNION ALL
    (SELECT id, total, items, priced, taxed, biggest, smallest, average, all_taxed, weight FROM invoice
     EXCEPT ALL SELECT * FROM expected);

-- New invoices start empty: 0 for sums and counts, NULL for the rest.
INSERT INTO invoice (id, number) VALUES (1, 'A'), (2, 'B'), (3, 'C');
SELECT * FROM invoice ORDER BY id;

-- Insert, one item and several in one statement.
INSERT INTO item VALUES (1, 1, 10.00, true, 1.5);
INSERT INTO item VALUES (2, 1, 5.00, false, 0.5), (3, 1, 20.00, true, 2), (4, 2, 7.00, true, 1);
SELECT * FROM invoice ORDER BY id;

-- NULL amounts: skipped by sum (an all-NULL group sums to 0), not counted by count(price).
INSERT INTO item VALUES (5, 3, NULL, false, NULL);
SELECT id, total, items, priced, biggest, weight FROM invoice WHERE id = 3;
-- NULL group keys belong to no group.
INSERT INTO item VALUES (6, NULL, 1000, true, 10);
SELECT sum(total) AS grand_total FROM invoice;

-- Update the extreme: max and min recomputed.
UPDATE item SET price = 2.00 WHERE id = 3;
SELECT id, total, biggest, smallest, average FROM invoice WHERE id = 1;
-- Delete the extreme.
DELETE FROM item WHERE id = 1;
SELECT id, total, items, biggest, smallest, all_taxed FROM invoice WHERE id = 1;

-- Move an item to another invoice: both change.
UPDATE item SET invoice_id = 2 WHERE id = 2;
SELECT id, total, items, biggest, smallest FROM invoice WHERE id IN (1, 2) ORDER BY id;
-- Move into, and out of, no group.
UPDATE item SET invoice_id = 3 WHERE id = 6;
UPDATE item SET invoice_id = NULL WHERE id = 4;
SELECT id, total, items, priced FROM invoice ORDER BY id;
-- The WHERE of the definition: soft-deleting an item removes it from totals.
UPDATE item SET deleted = true WHERE id = 6;
SELECT id, total, items FROM invoice WHERE id = 3;

-- Single-row statements take the one-row delta (no GROUP BY); each case
-- below is one row whose old and new versions are in the same group, and
-- the drift view checks every group after each. Back into the WHERE:
UPDATE item SET deleted = false WHERE id = 6;
-- Into and out of the FILTER of sum(price) FILTER (WHERE taxed):
UPDATE item SET taxed = false WHERE id = 6;
UPDATE item SET taxed = true WHERE id = 5;
-- A NULL amount becomes a value (counted by count(price)) and back:
UPDATE item SET price = 3.50 WHERE id = 5;
SELECT id, total, items, priced, taxed FROM invoice WHERE id = 3;
UPDATE item SET price = NULL WHERE id = 5;
-- Out of the WHERE and in again in one row: nothing changes.
UPDATE item SET deleted = true, price = 99 WHERE id = 5;
UPDATE item SET deleted = false, price = NULL WHERE id = 5;
SELECT id, total, items, priced, taxed FROM invoice WHERE id = 3;
SELECT count(*) AS drifted FROM drift;

-- A group that becomes empty gets the empty values.
DELETE FROM item WHERE invoice_id = 2;
SELECT * FROM invoice WHERE id = 2;

-- Many changes to one group in one statement are one delta.
INSERT INTO item SELECT g, 1, 1.00, false, 1 FROM generate_series(100, 199) g;
UPDATE item SET price = price + 1 WHERE invoice_id = 1;
SELECT id, total, items FROM invoice WHERE id = 1;

-- Bulk: thousands of groups in one statement.
INSERT INTO invoice (id, number) SELECT g, 'bulk' FROM generate_series(1000, 5999) g;
INSERT INTO item SELECT g, 1000 + g % 5000, (g % 97)::numeric, g % 2 = 0, g % 13
  FROM generate_series(10000, 59999) g;
UPDATE item SET price = price * 2 WHERE id % 10 = 0;
UPDATE item SET invoice_id = 1000 + (invoice_id + 1) % 5000 WHERE id % 7 = 0;
DELETE FROM item WHERE id % 11 = 0;
SELECT count(*) AS drifted FROM drift;
SELECT sum(total), sum(items), sum(priced) FROM invoice;

-- TRUNCATE the source: every invoice gets the empty values.
TRUNCATE item;
SELECT count(*) AS nonempty FROM invoice
 WHERE total <> 0 OR items <> 0 OR biggest IS NOT NULL OR weight <> 0;

-- Deleting an invoice cascades to its items (and maintenance finds no row to update).
INSERT INTO item VALUES (1, 1, 1, false, 1);
DELETE FROM invoice WHERE id = 1;
SELECT count(*) AS drifted FROM drift;

-- A changed invoice key starts empty and is recomputed for the new key.
INSERT INTO item VALUES (2, 2, 3, true, 1);
ALTER TABLE item DROP CONSTRAINT item_invoice_id_fkey;
UPDATE invoice SET id = 7 WHERE id = 2;
SELECT id, total, items FROM invoice WHERE id IN (2, 7);
UPDATE item SET invoice_id = 7 WHERE invoice_id = 2;
SELECT id, total, items FROM invoice WHERE id = 7;
-- Without a foreign key, items may precede their invoice: a new invoice picks them up.
INSERT INTO item VALUES (3, 8, 4, true, 2);
INSERT INTO invoice (id, number) VALUES (8, 'late');
SELECT id, total, items, biggest FROM invoice WHERE id = 8;

SELECT count(*) AS drifted FROM drift;
SELECT * FROM denorm.audit();

-- A group key of two columns, one row at a time (the one-row delta) and
-- a move between groups and into no group (the general delta).
CREATE TABLE line (invoice_id int, line_no int,
                   total numeric(12,2) NOT NULL DEFAULT 0, n int NOT NULL DEFAULT 0,
                   PRIMARY KEY (invoice_id, line_no));
CREATE TABLE entry (id int PRIMARY KEY, invoice_id int, line_no int, amount numeric(12,2));
SELECT denorm.create_column_projection('col_lines', 'line', $$
    SELECT invoice_id, line_no, sum(amount) AS total, count(*)::int AS n
      FROM entry GROUP BY invoice_id, line_no
$$);
INSERT INTO line (invoice_id, line_no) VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO entry VALUES (1, 1, 1, 10.00);
INSERT INTO entry VALUES (2, 1, 2, 5.00), (3, 2, 1, 7.00);
UPDATE entry SET amount = 11.00 WHERE id = 1;
UPDATE entry SET line_no = 2 WHERE id = 1;
UPDATE entry SET invoice_id = NULL WHERE id = 3;
DELETE FROM entry WHERE id = 2;
SELECT * FROM line ORDER BY invoice_id, line_no;
SELECT * FROM denorm.audit('col_lines');
SELECT denorm.drop_projection('col_lines');

-- Drift planted and repaired, on a column projection.
SET denorm.allow_direct_writes = on;
UPDATE invoice SET total = 1, biggest = 1 WHERE id = 8;
RESET denorm.allow_direct_writes;
SELECT projection, key, problem, expected, actual FROM denorm.audit() ORDER BY projection;
SELECT denorm.repair();
SELECT denorm.rebuild('col_sums', 8), denorm.rebuild('col_extremes');
SELECT * FROM denorm.audit();

-- A whole rebuild recomputes every group from the source: the totals of
-- every invoice planted wrong come back, and an item of no invoice (a
-- NULL group, which no target row owns) is left out, not an error.
INSERT INTO item VALUES (90, NULL, 99.00, true, 9);
SET denorm.allow_direct_writes = on;
UPDATE invoice SET total = total + 1, items = 0, taxed = -1;
RESET denorm.allow_direct_writes;
SELECT count(*) AS invoices_drifted FROM drift;
SELECT denorm.rebuild('col_sums') = (SELECT count(*) FROM invoice) AS every_invoice_rewritten;
SELECT count(*) AS invoices_drifted FROM drift;
SELECT denorm.rebuild('col_sums') AS rows_written_when_in_step;
DELETE FROM item WHERE id = 90;

DROP VIEW drift;
DROP VIEW expected;
SELECT denorm.drop_projection('col_sums');
SELECT denorm.drop_projection('col_extremes');
DROP SCHEMA col CASCADE;
