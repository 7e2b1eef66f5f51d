-- rebuild_target: every projection writing a table at once, by filling a new
-- table and swapping it in (a new relfilenode), or in place with a NOTICE
-- saying why not. Drift is planted with session_replication_role = replica,
-- under which no trigger fires (maintenance and guards included).
CREATE SCHEMA rt;
SET search_path = rt, public;

CREATE TABLE kind (name text PRIMARY KEY);
INSERT INTO kind VALUES ('income'), ('expense'), ('manual');
CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text);
CREATE TABLE expense (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text);
-- A dropped column before the written ones, a secondary index, a foreign key.
CREATE TABLE feed (gone int, canonical_type text NOT NULL REFERENCES kind,
                   canonical_pk int NOT NULL, line int NOT NULL,
                   amount numeric(12,2), note text,
                   PRIMARY KEY (canonical_type, canonical_pk, line));
ALTER TABLE feed DROP COLUMN gone;
CREATE INDEX feed_amount ON feed (amount);
SELECT denorm.create_row_projection('rt_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, l.line, l.amount, i.note
      FROM income i CROSS JOIN LATERAL (VALUES (1, i.amount), (2, -i.amount)) AS l(line, amount)
$$, row_key => '{line}');
SELECT denorm.create_row_projection('rt_expense', 'feed', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, 1 AS line, -e.amount AS amount, e.note
      FROM expense e
$$, row_key => '{line}');
-- A long, incompressible note is stored out of line (TOAST) and must survive.
INSERT INTO income SELECT g, g * 10, 'income ' || g FROM generate_series(1, 5) g;
INSERT INTO income VALUES (6, 60, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 200) g));
INSERT INTO expense SELECT g, g, 'expense ' || g FROM generate_series(1, 4) g;
-- A row no projection owns (written by hand) is carried over.
SET denorm.allow_direct_writes = on;
INSERT INTO feed VALUES ('manual', 1, 1, 1.00, 'by hand');
RESET denorm.allow_direct_writes;
CREATE VIEW want AS
    SELECT 'income'::text AS canonical_type, id AS canonical_pk, 1 AS line, amount, note FROM income
    UNION ALL SELECT 'income', id, 2, -amount, note FROM income
    UNION ALL SELECT 'expense', id, 1, -amount, note FROM expense
    UNION ALL SELECT 'manual', 1, 1, 1.00, 'by hand';
CREATE VIEW drift AS
    SELECT count(*) AS differing FROM
      ((SELECT * FROM want EXCEPT ALL SELECT * FROM feed)
       UNION ALL (SELECT * FROM feed EXCEPT ALL SELECT * FROM want)) d;
CREATE TABLE filenode AS SELECT pg_relation_filenode('feed') AS before;

-- Plant drift: a missing row, an extra row, a wrong value.
SET session_replication_role = replica;
DELETE FROM feed WHERE canonical_type = 'income' AND canonical_pk = 1;
INSERT INTO feed VALUES ('expense', 99, 1, 5.00, 'ghost');
UPDATE feed SET amount = 0 WHERE canonical_type = 'expense' AND canonical_pk = 2;
RESET session_replication_role;
SELECT * FROM drift;

-- The swap: every row the projections define (16), the hand-written row kept.
-- Its foreign-key check runs with maintenance_work_mem, then work_mem is back.
SET work_mem = '1MB';
SELECT denorm.rebuild_target('feed') AS rows_written;
SHOW work_mem;
RESET work_mem;
SELECT * FROM drift;
SELECT pg_relation_filenode('feed') <> before AS new_file FROM filenode;
SELECT count(*) AS projection_rows FROM denorm.audit() WHERE projection LIKE 'rt_%';
SELECT length(note) AS long_note FROM feed WHERE canonical_pk = 6 AND line = 1 AND canonical_type = 'income';
-- The indexes were rebuilt over the new file, and answer through it.
SELECT i.indexrelid::regclass AS index, i.indisvalid, i.indisready
  FROM pg_index i WHERE i.indrelid = 'feed'::regclass ORDER BY 1;
SET enable_seqscan = off;
SELECT canonical_type, canonical_pk, line FROM feed WHERE amount = -30 ORDER BY 1, 2, 3;
SELECT amount FROM feed WHERE canonical_type = 'expense' AND canonical_pk = 2;
RESET enable_seqscan;
-- Maintenance writes into the new file.
INSERT INTO income VALUES (7, 70, 'income 7');
UPDATE expense SET amount = 44 WHERE id = 4;
SELECT * FROM drift;
-- Each projection counts as rebuilt.
SELECT projection, last_rebuild IS NOT NULL AS rebuilt FROM denorm.stats WHERE projection LIKE 'rt_%' ORDER BY projection;

-- in_place => true: the same table file, rows compared and written in place.
UPDATE filenode SET before = pg_relation_filenode('feed');
SET session_replication_role = replica;
UPDATE feed SET note = 'tampered' WHERE canonical_type = 'income' AND canonical_pk = 2;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed', in_place => true) AS rows_written;
SELECT pg_relation_filenode('feed') = before AS same_file FROM filenode;
SELECT * FROM drift;

-- In place into a target holding none of a projection's rows (a first
-- fill): one INSERT ... SELECT, then nothing left to apply.
SET session_replication_role = replica;
DELETE FROM feed WHERE canonical_type = 'income';
RESET session_replication_role;
SELECT denorm.rebuild('rt_income') AS rows_written;
SELECT denorm.rebuild('rt_income') AS rows_written_when_in_step;
SELECT * FROM drift;

-- A swap rolled back with its savepoint leaves the old file and rows.
BEGIN;
SAVEPOINT s;
SELECT denorm.rebuild_target('feed') AS rows_written;
ROLLBACK TO SAVEPOINT s;
SELECT pg_relation_filenode('feed') = before AS same_file FROM filenode;
SELECT count(*) FROM feed;
COMMIT;

-- Constraints hold in the new file: CHECK and NOT NULL row by row, unique
-- indexes when they are built, foreign keys from and to the table after the
-- swap. Each failure rolls the whole rebuild back.
ALTER TABLE feed ADD CONSTRAINT no_thirteen CHECK (amount <> 13) NOT VALID;
SET session_replication_role = replica;
UPDATE income SET amount = 13 WHERE id = 1;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed');
SET session_replication_role = replica;
UPDATE income SET amount = 10 WHERE id = 1;
RESET session_replication_role;
ALTER TABLE feed DROP CONSTRAINT no_thirteen;

ALTER TABLE feed ALTER COLUMN note SET NOT NULL;
SET session_replication_role = replica;
UPDATE expense SET note = NULL WHERE id = 3;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed');
SET session_replication_role = replica;
UPDATE expense SET note = 'expense 3' WHERE id = 3;
RESET session_replication_role;
ALTER TABLE feed ALTER COLUMN note DROP NOT NULL;

CREATE UNIQUE INDEX feed_note_line ON feed (note, line) WHERE length(note) < 100;
SET session_replication_role = replica;
UPDATE income SET note = 'income 4' WHERE id = 5;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed');
SET session_replication_role = replica;
UPDATE income SET note = 'income 5' WHERE id = 5;
RESET session_replication_role;
DROP INDEX feed_note_line;

-- From the table: a type the referenced table no longer has.
SET session_replication_role = replica;
DELETE FROM kind WHERE name = 'manual';
RESET session_replication_role;
SELECT denorm.rebuild_target('feed');
INSERT INTO kind VALUES ('manual');
-- To the table: a row referencing one the rebuild removes.
CREATE TABLE feed_comment (canonical_type text, canonical_pk int, line int, comment text,
                           FOREIGN KEY (canonical_type, canonical_pk, line) REFERENCES feed);
INSERT INTO feed_comment VALUES ('expense', 1, 1, 'checked');
SET session_replication_role = replica;
DELETE FROM expense WHERE id = 1;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed');
SET session_replication_role = replica;
INSERT INTO expense VALUES (1, 1, 'expense 1');
RESET session_replication_role;
SELECT * FROM drift;
SELECT pg_relation_filenode('feed') = before AS same_file_after_failures FROM filenode;

-- What a swap would bypass: rebuilt in place instead, with a NOTICE.
ALTER TABLE feed_comment DROP CONSTRAINT feed_comment_canonical_type_canonical_pk_line_fkey;
ALTER TABLE feed_comment ADD FOREIGN KEY (canonical_type, canonical_pk, line) REFERENCES feed
    ON DELETE CASCADE;
SELECT denorm.rebuild_target('feed') AS rows_written;
DROP TABLE feed_comment;
CREATE FUNCTION feed_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER feed_log AFTER INSERT ON feed FOR EACH STATEMENT EXECUTE FUNCTION feed_log();
SELECT denorm.rebuild_target('feed') AS rows_written;
DROP TRIGGER feed_log ON feed;
SET client_min_messages = error;   -- wal_level warning of CREATE PUBLICATION
CREATE PUBLICATION feed_pub FOR TABLE feed;
RESET client_min_messages;
SELECT denorm.rebuild_target('feed') AS rows_written;
DROP PUBLICATION feed_pub;
ALTER TABLE feed ADD COLUMN extra int DEFAULT 7;
SELECT denorm.rebuild_target('feed') AS rows_written;
ALTER TABLE feed DROP COLUMN extra;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT denorm.rebuild_target('feed') AS rows_written;
COMMIT;
SELECT pg_relation_filenode('feed') = before AS same_file_after_in_place FROM filenode;
SELECT * FROM drift;
-- A column projection's target is the canonical table itself: always in place.
CREATE TABLE invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0);
CREATE TABLE item (id int PRIMARY KEY, invoice_id int NOT NULL REFERENCES invoice, price numeric(12,2));
SELECT denorm.create_column_projection('rt_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total FROM item GROUP BY invoice_id $$);
INSERT INTO invoice (id) VALUES (1);
INSERT INTO item VALUES (1, 1, 2.50), (2, 1, 3.50);
SET session_replication_role = replica;
UPDATE invoice SET total = 0;
RESET session_replication_role;
SELECT denorm.rebuild_target('invoice') AS rows_written;
SELECT total FROM invoice;

-- Many rows: the new file is filled in batches (1000 rows or 64 kB each),
-- and every page it fills is all-visible, frozen rows inserted by page, so
-- an index-only scan right after the swap reads no heap page.
SET session_replication_role = replica;
INSERT INTO income SELECT g, g, repeat('n', 40) FROM generate_series(100, 2599) g;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed') AS rows_written;
SELECT * FROM drift;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
CREATE FUNCTION index_only_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF l ~ 'Index Only Scan|Heap Fetches' THEN
            RETURN NEXT trim(regexp_replace(l, '[(]actual.*[)]|->', '', 'g'));
        END IF;
    END LOOP;
END $$;
SELECT index_only_lines($$SELECT count(*) FROM feed WHERE canonical_type = 'income'$$);
RESET enable_seqscan;
RESET enable_bitmapscan;
SET session_replication_role = replica;
DELETE FROM income WHERE id >= 100;
RESET session_replication_role;
SELECT denorm.rebuild_target('feed') AS rows_written;

-- Rows no projection owns are found by the ranges between the owned type
-- values (in the type's btree order, with the column's collation), read
-- through an index leading with the type column: a NULL type, and types
-- before, between and after the owned ones, all carried over.
CREATE TABLE src_b (id int PRIMARY KEY);
CREATE TABLE src_d (id int PRIMARY KEY);
CREATE TABLE mixed (ty text COLLATE "C", id int, note text);
CREATE UNIQUE INDEX mixed_ty ON mixed (ty, id);
SELECT denorm.create_row_projection('rt_b', 'mixed', $$ SELECT 'b'::text AS ty, id, 'owned' AS note FROM src_b $$,
                                    type_column => 'ty', key_column => 'id');
SELECT denorm.create_row_projection('rt_d', 'mixed', $$ SELECT 'd'::text AS ty, id, 'owned' AS note FROM src_d $$,
                                    type_column => 'ty', key_column => 'id');
INSERT INTO src_b VALUES (1), (2);
INSERT INTO src_d VALUES (1);
SET denorm.allow_direct_writes = on;
INSERT INTO mixed VALUES (NULL, 1, 'null type'), ('a', 1, 'before'), ('c', 1, 'between'),
                         ('bb', 1, 'between, b as prefix'), ('e', 1, 'after'), ('B', 1, 'upper case');
RESET denorm.allow_direct_writes;
SET session_replication_role = replica;
DELETE FROM mixed WHERE ty = 'b' AND id = 2;
RESET session_replication_role;
SELECT denorm.rebuild_target('mixed') AS rows_written;
SELECT ty, id, note FROM mixed ORDER BY ty NULLS FIRST, id;
-- The ranges follow the column's collation: under "und-x-icu" 'a' < 'B',
-- under "C" 'B' < 'a'. Sorted the wrong way, the ranges would take the
-- owned rows already in the table for hand-written ones, and the second
-- swap would fail on their duplicates.
CREATE TABLE by_icu (ty text COLLATE "und-x-icu", id int, note text, UNIQUE (ty, id));
SELECT denorm.create_row_projection('rt_low_a', 'by_icu', $$ SELECT 'a'::text AS ty, id, 'owned' AS note FROM src_b $$,
                                    type_column => 'ty', key_column => 'id');
SELECT denorm.create_row_projection('rt_up_b', 'by_icu', $$ SELECT 'B'::text AS ty, id, 'owned' AS note FROM src_d $$,
                                    type_column => 'ty', key_column => 'id');
SET denorm.allow_direct_writes = on;
INSERT INTO by_icu VALUES ('A', 1, 'hand'), ('b', 1, 'hand'), ('C', 1, 'hand');
RESET denorm.allow_direct_writes;
SELECT denorm.rebuild_target('by_icu') AS rows_written;
-- Again, now that the old table holds the owned rows too.
SELECT denorm.rebuild_target('by_icu') AS rows_written_again;
SELECT ty, id, note FROM by_icu ORDER BY ty COLLATE "C", id;
SELECT denorm.drop_projection(p) FROM unnest('{rt_low_a,rt_up_b}'::text[]) p;
SELECT denorm.drop_projection(p) FROM unnest('{rt_b,rt_d}'::text[]) p;

-- Mistakes.
SELECT denorm.rebuild_target('income');
SELECT denorm.rebuild_target('no_such_table');
BEGIN;
DECLARE c CURSOR FOR SELECT * FROM feed ORDER BY 1, 2, 3;
FETCH 1 FROM c;
SELECT denorm.rebuild_target('feed');
ROLLBACK;

-- The fill statement, as denorm.statements() shows it.
SELECT purpose FROM denorm.statements('rt_expense') WHERE purpose LIKE 'rebuild%';

SELECT denorm.drop_projection('rt_totals');
SELECT denorm.drop_projection('rt_income');
SELECT denorm.drop_projection('rt_expense');
DROP SCHEMA rt CASCADE;
