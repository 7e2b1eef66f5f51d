-- Partitioned sources and targets: rows moving between partitions, writes
-- to a partition directly, partitions created, attached and detached later.
CREATE SCHEMA part;
SET search_path = part, public;

CREATE TABLE income (id int, year int, amount numeric(12,2), PRIMARY KEY (id))
    PARTITION BY RANGE (id);
CREATE TABLE income_1 PARTITION OF income FOR VALUES FROM (1) TO (100);
CREATE TABLE income_2 PARTITION OF income FOR VALUES FROM (100) TO (200)
    PARTITION BY RANGE (id);                     -- a sub-partitioned one
CREATE TABLE income_2a PARTITION OF income_2 FOR VALUES FROM (100) TO (150);
CREATE TABLE income_2b PARTITION OF income_2 FOR VALUES FROM (150) TO (200);
-- The target is partitioned too, by canonical_type.
CREATE TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2),
                   PRIMARY KEY (canonical_type, canonical_pk)) PARTITION BY LIST (canonical_type);
CREATE TABLE feed_income PARTITION OF feed FOR VALUES IN ('income');
SELECT denorm.create_row_projection('part_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount FROM income i
$$);
SELECT tgrelid::regclass AS table, count(*) AS triggers FROM pg_trigger
 WHERE tgname LIKE 'denorm_part_income_%' OR tgname = 'denorm_guard' GROUP BY 1 ORDER BY tgrelid::regclass::text;

INSERT INTO income VALUES (1, 2026, 10), (120, 2026, 20), (170, 2026, 30);   -- through the parent
INSERT INTO income_2b VALUES (180, 2026, 40);                                -- into a partition
UPDATE income SET id = 160 WHERE id = 1;            -- moves from income_1 to income_2b
UPDATE income_2a SET amount = amount + 1;           -- a partition directly
DELETE FROM income_2b WHERE id = 180;
SELECT * FROM feed ORDER BY canonical_pk;

-- The guard covers the target's partitions.
INSERT INTO feed_income VALUES ('income', 999, 1);

-- A partition created later gets its triggers.
CREATE TABLE income_3 PARTITION OF income FOR VALUES FROM (200) TO (300);
INSERT INTO income_3 VALUES (250, 2026, 50);
-- A table attached with rows in it: they are projected when it joins.
CREATE TABLE income_4 (id int PRIMARY KEY, year int, amount numeric(12,2));
INSERT INTO income_4 VALUES (300, 2026, 60), (301, 2026, 61);
ALTER TABLE income ATTACH PARTITION income_4 FOR VALUES FROM (300) TO (400);
UPDATE income_4 SET amount = 62 WHERE id = 301;
SELECT * FROM feed ORDER BY canonical_pk;
SELECT tgrelid::regclass AS table, count(*) AS triggers FROM pg_trigger
 WHERE tgname LIKE 'denorm_part_income_%' OR tgname = 'denorm_guard' GROUP BY 1 ORDER BY tgrelid::regclass::text;
-- Detached: its rows leave the projection, its triggers leave it.
ALTER TABLE income DETACH PARTITION income_4;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'income_4'::regclass;
UPDATE income_4 SET amount = 0;
SELECT * FROM feed ORDER BY canonical_pk;

-- A partition attached to the target gets the guard, and loses it detached.
CREATE TABLE feed_other (canonical_type text, canonical_pk int, amount numeric(12,2),
                         PRIMARY KEY (canonical_type, canonical_pk));
ALTER TABLE feed ATTACH PARTITION feed_other FOR VALUES IN ('other');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'feed_other'::regclass AND NOT tgisinternal;
INSERT INTO feed_other VALUES ('other', 1, 0);
ALTER TABLE feed DETACH PARTITION feed_other;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'feed_other'::regclass AND NOT tgisinternal;
INSERT INTO feed_other VALUES ('other', 1, 0);
DROP TABLE feed_other;

-- A column projection over a partitioned source.
CREATE TABLE invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0, items int NOT NULL DEFAULT 0);
CREATE TABLE item (id int, invoice_id int, price numeric(12,2), PRIMARY KEY (id, invoice_id))
    PARTITION BY HASH (invoice_id);
CREATE TABLE item_0 PARTITION OF item FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE item_1 PARTITION OF item FOR VALUES WITH (MODULUS 2, REMAINDER 1);
SELECT denorm.create_column_projection('part_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total, count(*)::int AS items FROM item GROUP BY invoice_id
$$);
INSERT INTO invoice (id) SELECT g FROM generate_series(1, 4) g;
INSERT INTO item SELECT g, 1 + g % 4, g FROM generate_series(1, 20) g;
INSERT INTO item_0 SELECT 100 + g, invoice_id, 1 FROM (SELECT DISTINCT invoice_id FROM item_0) s, generate_series(1, 2) g;
UPDATE item SET invoice_id = 1 + invoice_id % 4 WHERE id % 5 = 0;      -- rows change partition
DELETE FROM item_1 WHERE price > 15;
SELECT * FROM invoice ORDER BY id;
SELECT i.id, i.total = coalesce(sum(t.price), 0) AS total_right, i.items = count(t.id) AS items_right
  FROM invoice i LEFT JOIN item t ON t.invoice_id = i.id GROUP BY i.id ORDER BY i.id;

-- Table inheritance (not partitioning) would hide writes from triggers: refused.
CREATE TABLE legacy (id int PRIMARY KEY, amount numeric);
CREATE TABLE legacy_child () INHERITS (legacy);
CREATE TABLE legacy_feed (canonical_type text, canonical_pk int, amount numeric, PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('part_legacy', 'legacy_feed', $$
    SELECT 'legacy'::text AS canonical_type, l.id AS canonical_pk, l.amount FROM legacy l
$$);

SELECT * FROM denorm.audit();
SELECT denorm.drop_projection('part_income');
SELECT denorm.drop_projection('part_totals');
DROP SCHEMA part CASCADE;
