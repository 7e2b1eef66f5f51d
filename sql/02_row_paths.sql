-- Every write path of a row projection: INSERT, UPDATE (also of the key),
-- DELETE, TRUNCATE, COPY, MERGE, ON CONFLICT, writes from other triggers,
-- bulk statements, rollback and savepoints.
CREATE SCHEMA paths;
SET search_path = paths, public;

CREATE TABLE expense (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text, internal text);
CREATE TABLE feed (
    canonical_type text NOT NULL,
    canonical_pk   int NOT NULL,
    amount         numeric(12,2),
    note           text,
    PRIMARY KEY (canonical_type, canonical_pk)
);
SELECT denorm.create_row_projection('paths_expense', 'feed', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, -e.amount AS amount,
           upper(e.note) AS note
      FROM expense e
$$);
-- The oracle: what the definition says, against what the target holds.
CREATE VIEW drift AS
    (SELECT * FROM denorm_def.paths_expense EXCEPT ALL SELECT * FROM feed)
    UNION ALL
    (SELECT * FROM feed EXCEPT ALL SELECT * FROM denorm_def.paths_expense);

-- INSERT, one row and several.
INSERT INTO expense VALUES (1, 10, 'paper', 'x');
INSERT INTO expense VALUES (2, 20, 'ink', 'x'), (3, 30, NULL, 'x');
SELECT * FROM feed ORDER BY canonical_pk;

-- An UPDATE of a column the projection does not read writes nothing.
SELECT ctid AS before FROM feed WHERE canonical_pk = 1 \gset
UPDATE expense SET internal = 'y' WHERE id = 1;
SELECT ctid = :'before' AS untouched FROM feed WHERE canonical_pk = 1;
-- Nor does one that writes the value already there (an ORM's whole-row save).
UPDATE expense SET amount = 10, note = 'paper' WHERE id = 1;
SELECT ctid = :'before' AS untouched FROM feed WHERE canonical_pk = 1;
-- A real change does.
UPDATE expense SET amount = 11 WHERE id = 1;
SELECT * FROM feed WHERE canonical_pk = 1;

-- UPDATE of the key, of one row and of several in one statement.
UPDATE expense SET id = 10 WHERE id = 1;
UPDATE expense SET id = id + 1000 WHERE id IN (2, 3);
SELECT * FROM feed ORDER BY canonical_pk;

-- DELETE.
DELETE FROM expense WHERE id = 10;
SELECT * FROM feed ORDER BY canonical_pk;

-- COPY.
COPY expense (id, amount, note) FROM stdin;
100	1.5	copied
101	2.5	copied too
\.
SELECT * FROM feed WHERE canonical_pk >= 100 ORDER BY canonical_pk;

-- INSERT ... ON CONFLICT: the insert and the update halves.
INSERT INTO expense VALUES (100, 99, 'upserted', NULL), (102, 3, 'new', NULL)
    ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, note = excluded.note;
INSERT INTO expense VALUES (101, 0, 'ignored', NULL) ON CONFLICT DO NOTHING;
SELECT * FROM feed WHERE canonical_pk >= 100 ORDER BY canonical_pk;

-- MERGE: update, delete and insert in one statement.
CREATE TABLE incoming (id int, amount numeric(12,2), note text);
INSERT INTO incoming VALUES (100, 5, 'merged'), (101, NULL, NULL), (103, 7, 'merged new');
MERGE INTO expense e USING incoming i ON e.id = i.id
    WHEN MATCHED AND i.amount IS NULL THEN DELETE
    WHEN MATCHED THEN UPDATE SET amount = i.amount, note = i.note
    WHEN NOT MATCHED THEN INSERT (id, amount, note) VALUES (i.id, i.amount, i.note);
SELECT * FROM feed WHERE canonical_pk >= 100 ORDER BY canonical_pk;

-- Writes made by another trigger.
CREATE TABLE receipt (id int PRIMARY KEY, amount numeric(12,2));
CREATE FUNCTION receipt_to_expense() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO expense (id, amount, note) VALUES (NEW.id + 1000, NEW.amount, 'from receipt');
    RETURN NEW;
END $$;
CREATE TRIGGER receipt_to_expense AFTER INSERT ON receipt
    FOR EACH ROW EXECUTE FUNCTION receipt_to_expense();
INSERT INTO receipt VALUES (1, 12.34);
SELECT * FROM feed WHERE canonical_pk > 1000;

-- A rolled-back transaction and a rolled-back savepoint leave no trace.
BEGIN;
INSERT INTO expense VALUES (200, 1, 'rolled back', NULL);
ROLLBACK;
BEGIN;
INSERT INTO expense VALUES (201, 1, 'kept', NULL);
SAVEPOINT s;
INSERT INTO expense VALUES (202, 1, 'undone', NULL);
UPDATE expense SET amount = 1000 WHERE id = 201;
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT * FROM feed WHERE canonical_pk BETWEEN 200 AND 299 ORDER BY canonical_pk;

-- TRUNCATE.
TRUNCATE expense;
SELECT count(*) FROM feed;

-- Bulk: 100,000 rows in each statement, on the default lock table.
SHOW max_locks_per_transaction;
INSERT INTO expense SELECT g, g % 1000, 'bulk ' || g FROM generate_series(1, 100000) g;
SELECT count(*), sum(amount) FROM feed;
UPDATE expense SET amount = amount + 1;
SELECT count(*), sum(amount) FROM feed;
UPDATE expense SET id = id + 100000 WHERE id % 2 = 0;
DELETE FROM expense WHERE id % 3 = 0;
SELECT count(*), sum(amount), min(canonical_pk), max(canonical_pk) FROM feed;
SELECT count(*) AS drift FROM drift;
SELECT * FROM denorm.audit('paths_expense');

DROP VIEW drift;
SELECT denorm.drop_projection('paths_expense');
DROP SCHEMA paths CASCADE;
