-- The guard: nobody but denorm writes a projection's rows or owned columns.
CREATE SCHEMA grd;
SET search_path = grd, public;

CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2) NOT NULL);
CREATE TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2),
                   PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('grd_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount FROM income i
$$);
INSERT INTO income VALUES (1, 10);

-- Row target: every kind of direct write fails, naming the projection.
\set VERBOSITY default
INSERT INTO feed VALUES ('income', 2, 20);
UPDATE feed SET amount = 11;
DELETE FROM feed;
TRUNCATE feed;
COPY feed FROM stdin;
income	3	30
\.
SELECT * FROM feed;

-- An ordinary role cannot turn the guard off.
CREATE ROLE grd_app;
GRANT USAGE ON SCHEMA grd TO grd_app;
GRANT ALL ON feed, income TO grd_app;
SET ROLE grd_app;
SET denorm.allow_direct_writes = on;
SET session_replication_role = replica;
UPDATE feed SET amount = 11;
RESET ROLE;

-- A superuser can, for an emergency repair; audit sees the drift it makes.
SET denorm.allow_direct_writes = on;
UPDATE feed SET amount = 11;
RESET denorm.allow_direct_writes;
SELECT projection, key, problem, expected, actual FROM denorm.audit('grd_income');
SELECT denorm.repair('grd_income');
SELECT * FROM feed;

-- A row target has one guard, shared by every row projection into it: it
-- names them all, stays while one is left, and goes with the last.
CREATE TABLE expense (id int PRIMARY KEY, amount numeric(12,2) NOT NULL);
SELECT denorm.create_row_projection('grd_expense', 'feed', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, -e.amount AS amount FROM expense e
$$);
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'feed'::regclass AND NOT tgisinternal;
SELECT name, triggers FROM denorm.projections WHERE target = 'feed'::regclass ORDER BY name;
INSERT INTO expense VALUES (1, 4);
DELETE FROM feed WHERE canonical_type = 'expense';
-- Disabling one projection's trigger warns about that projection alone.
ALTER TABLE income DISABLE TRIGGER denorm_grd_income_upd;
ALTER TABLE income ENABLE TRIGGER denorm_grd_income_upd;
SELECT denorm.drop_projection('grd_expense');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'feed'::regclass AND NOT tgisinternal;
DELETE FROM feed WHERE canonical_type = 'expense';
-- Disabling it lets direct writes through, and says so.
ALTER TABLE feed DISABLE TRIGGER denorm_guard;
ALTER TABLE feed ENABLE TRIGGER denorm_guard;
-- A guard without an argument on a table no row projection writes is a
-- mistake, not a guard.
CREATE TABLE stray (id int);
CREATE TRIGGER denorm_guard BEFORE INSERT ON stray FOR EACH STATEMENT EXECUTE FUNCTION denorm.guard();
INSERT INTO stray VALUES (1);
DROP TABLE stray;

-- Column target: the application writes its own columns freely, the owned
-- ones only to their current value (ORMs save whole rows).
CREATE TABLE invoice (id int PRIMARY KEY, number text, total numeric(12,2) NOT NULL DEFAULT 0,
                      lines int NOT NULL DEFAULT 0);
CREATE TABLE item (id int PRIMARY KEY, invoice_id int REFERENCES invoice, price numeric(12,2));
SELECT denorm.create_column_projection('grd_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total, count(*)::int AS lines
      FROM item GROUP BY invoice_id
$$);
-- An INSERT gets the empty values, whatever it said.
INSERT INTO invoice VALUES (1, 'A', 999, 999);
INSERT INTO item VALUES (1, 1, 10), (2, 1, 5);
SELECT * FROM invoice;
UPDATE invoice SET number = 'A-1';
UPDATE invoice SET number = 'A-2', total = 15, lines = 2;    -- current values: passes
UPDATE invoice SET total = 14;                                -- stale: refused
UPDATE invoice SET lines = NULL;
SELECT * FROM invoice;

-- on_stale_write => 'keep': a stale whole-row save passes, the totals stay right.
SELECT denorm.drop_projection('grd_totals');
SELECT denorm.create_column_projection('grd_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total, count(*)::int AS lines
      FROM item GROUP BY invoice_id
$$, on_stale_write => 'keep');
SELECT denorm.rebuild('grd_totals');
BEGIN;
-- The ORM loaded invoice 1 before this item was added...
INSERT INTO item VALUES (3, 1, 100);
-- ...and now saves its stale instance.
UPDATE invoice SET number = 'A-3', total = 15, lines = 2 WHERE id = 1;
COMMIT;
SELECT * FROM invoice;
SELECT denorm.create_column_projection('grd_bad', 'invoice', 'SELECT 1', on_stale_write => 'ignore');

SELECT * FROM denorm.audit();
SELECT denorm.drop_projection('grd_totals');
SELECT denorm.drop_projection('grd_income');
SELECT count(*) AS guards_left FROM pg_trigger WHERE tgrelid = 'feed'::regclass AND NOT tgisinternal;
DROP SCHEMA grd CASCADE;
DROP ROLE grd_app;
