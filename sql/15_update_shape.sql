-- Updates of a fan-out projection's source: when only values change, the
-- target rows are updated in place; when a column that decides which rows
-- exist changes (a condition, a row key, the count of generated rows, a join
-- key), rows come and go. Both paths, small and large statements.
CREATE SCHEMA shape;
SET search_path = shape, public;

CREATE TABLE category (id int PRIMARY KEY, label text NOT NULL);
CREATE TABLE doc (
    id      int PRIMARY KEY,
    active  boolean NOT NULL DEFAULT true,
    nparts  int NOT NULL DEFAULT 2,
    code    text NOT NULL,
    cat_id  int,                         -- no foreign key: may name no category
    amount  numeric(12,2) NOT NULL,
    note    text
);
CREATE TABLE part (
    canonical_type text NOT NULL,
    canonical_pk   int NOT NULL,
    part_key       text NOT NULL,
    amount         numeric(12,2),
    label          text,
    note           text,
    PRIMARY KEY (canonical_type, canonical_pk, part_key)
);
-- Two rows per active document keyed by its code (VALUES), and one row per
-- generated part (a function in FROM), each carrying its category's label
-- (an inner join: a document whose category does not exist yields nothing).
SELECT denorm.create_row_projection('shape_pairs', 'part', $$
    SELECT 'doc'::text AS canonical_type, d.id AS canonical_pk,
           l.part_key, l.amount, c.label, d.note
      FROM doc d
      JOIN category c ON c.id = d.cat_id
     CROSS JOIN LATERAL (VALUES (d.code || '-debit', d.amount), (d.code || '-credit', -d.amount))
           AS l(part_key, amount)
     WHERE d.active
$$, row_key => '{part_key}');
SELECT denorm.create_row_projection('shape_split', 'part', $$
    SELECT 'split'::text AS canonical_type, d.id AS canonical_pk,
           'part-' || g::text AS part_key, d.amount / d.nparts AS amount, c.label, d.note
      FROM doc d JOIN category c ON c.id = d.cat_id CROSS JOIN generate_series(1, d.nparts) g
     WHERE d.active
$$, row_key => '{part_key}');

-- What maintenance did to the target: statements and rows, by operation (the
-- in-place path is one UPDATE statement; the other path also runs an INSERT
-- and a DELETE, even when they find nothing to do).
CREATE TABLE writes (op text, level text, n int NOT NULL DEFAULT 0, PRIMARY KEY (op, level));
CREATE FUNCTION count_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO writes VALUES (TG_OP, TG_LEVEL, 1)
        ON CONFLICT (op, level) DO UPDATE SET n = writes.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER count_rows AFTER INSERT OR UPDATE OR DELETE ON part
    FOR EACH ROW EXECUTE FUNCTION count_write();
CREATE TRIGGER count_statements AFTER INSERT OR UPDATE OR DELETE ON part
    FOR EACH STATEMENT EXECUTE FUNCTION count_write();
CREATE VIEW drift AS
    SELECT p.name, a.key, a.problem FROM denorm.projection p, denorm.audit(p.name) a
     WHERE p.name LIKE 'shape%';

INSERT INTO category VALUES (1, 'paper'), (2, 'ink');
INSERT INTO doc (id, code, cat_id, amount, note) VALUES
    (1, 'A', 1, 10, 'first'), (2, 'B', 2, 20, 'second'), (3, 'C', 1, 30, NULL);
SELECT * FROM part ORDER BY canonical_type, canonical_pk, part_key;

-- Values only (amount, note): every row rewritten in place, none added or removed.
TRUNCATE writes;
UPDATE doc SET amount = amount + 1, note = 'changed' WHERE id IN (1, 2);
SELECT * FROM writes ORDER BY op, level;
SELECT * FROM part WHERE canonical_pk IN (1, 2) ORDER BY canonical_type, canonical_pk, part_key;

-- A row key fed through VALUES (code): the old pair goes, a new pair comes.
TRUNCATE writes;
UPDATE doc SET code = 'A2' WHERE id = 1;
SELECT * FROM writes ORDER BY op, level;
SELECT canonical_type, part_key FROM part WHERE canonical_pk = 1 ORDER BY 1, 2;

-- The count of generated rows (nparts): parts come and go.
UPDATE doc SET nparts = 3 WHERE id = 2;
SELECT part_key, amount FROM part WHERE canonical_type = 'split' AND canonical_pk = 2 ORDER BY 1;
UPDATE doc SET nparts = 1 WHERE id = 2;
SELECT part_key, amount FROM part WHERE canonical_type = 'split' AND canonical_pk = 2 ORDER BY 1;

-- The condition (active): all rows of the document go, then come back.
UPDATE doc SET active = false WHERE id = 3;
SELECT count(*) AS rows_of_3 FROM part WHERE canonical_pk = 3;
UPDATE doc SET active = true WHERE id = 3;
SELECT count(*) AS rows_of_3 FROM part WHERE canonical_pk = 3;

-- The join key (cat_id): to another category, then to none (inner join: gone).
UPDATE doc SET cat_id = 2 WHERE id = 3;
SELECT DISTINCT label FROM part WHERE canonical_pk = 3;
UPDATE doc SET cat_id = 99 WHERE id = 3;
SELECT count(*) AS rows_of_3 FROM part WHERE canonical_pk = 3;
UPDATE doc SET cat_id = 1 WHERE id = 3;

-- A value change and a shape change in one statement.
UPDATE doc SET amount = amount * 2, code = CASE WHEN id = 2 THEN 'B2' ELSE code END;
SELECT canonical_type, canonical_pk, part_key, amount FROM part ORDER BY 1, 2, 3;
SELECT * FROM drift;

-- A lookup change: a new label (a value) rewrites the rows in place; a new
-- key for a category (a join column) makes its documents' rows go.
TRUNCATE writes;
UPDATE category SET label = 'paper, recycled' WHERE id = 1;
SELECT * FROM writes ORDER BY op, level;
SELECT DISTINCT label FROM part WHERE canonical_pk = 1;
-- ... and only the output that reads the label.
SELECT purpose FROM denorm.statements('shape_pairs') WHERE purpose LIKE 'update keys in place of%';
TRUNCATE writes;
UPDATE category SET id = 3 WHERE id = 2;
SELECT * FROM writes ORDER BY op, level;
SELECT count(*) AS rows_of_category_2 FROM part WHERE label = 'ink';
UPDATE category SET id = 2 WHERE id = 3;
SELECT * FROM drift;

-- An in-place update rewrites only the outputs a written column feeds: an
-- output reads the columns in it, through VALUES the columns of its cells,
-- and through a lookup's column the source columns the joins read.
SELECT statement FROM denorm.statements('shape_pairs')
 WHERE purpose = 'update in place: the columns each output reads';
UPDATE doc SET note = 'only the note' WHERE id = 1;
UPDATE doc SET amount = amount + 1 WHERE id = 1;
SELECT purpose FROM denorm.statements('shape_pairs') WHERE purpose LIKE 'update in place of%' ORDER BY 1;
SELECT part_key, amount, label, note FROM part WHERE canonical_pk = 1 ORDER BY canonical_type, part_key;
SELECT * FROM drift;

-- An update of some outputs leaves out the lookups none of them reads: their
-- join becomes a LEFT JOIN whose columns nothing reads (the planner removes
-- it), planned apart from the UPDATE (OFFSET 0). A lookup read by the
-- definition's WHERE stays an inner join. A task with no category has no
-- row, and gets none from an update that no longer joins the categories.
CREATE TABLE person (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE queue (id int PRIMARY KEY, open boolean NOT NULL);
CREATE TABLE task (id int PRIMARY KEY, cat_id int, person_id int, queue_id int, title text);
CREATE TABLE task_row (canonical_type text, canonical_pk int, label text, person_name text,
                       title text, PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('shape_task', 'task_row', $$
    SELECT 'task'::text AS canonical_type, t.id AS canonical_pk, c.label,
           p.name AS person_name, t.title
      FROM task t
      JOIN category c ON c.id = t.cat_id
      JOIN person p ON p.id = t.person_id
      JOIN queue q ON q.id = t.queue_id
     WHERE q.open
$$);
INSERT INTO person VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO queue VALUES (1, true), (2, false);
INSERT INTO task VALUES (1, 1, 1, 1, 'draft'), (2, 99, 1, 1, 'orphan'), (3, 2, 2, 1, 'print'),
                        (4, 1, 1, 2, 'closed');
UPDATE task SET title = title || '!';                 -- the title: no lookup needed but queue
UPDATE person SET name = 'Ann B.' WHERE id = 1;        -- the name: no category needed
UPDATE category SET label = 'ink, black' WHERE id = 2; -- the label: no person needed
SELECT * FROM task_row ORDER BY canonical_pk;
SELECT purpose,
       statement LIKE '%LEFT JOIN shape.category c%' AS category_removable,
       statement LIKE '%LEFT JOIN shape.person p%' AS person_removable,
       statement LIKE '%LEFT JOIN shape.queue q%' AS queue_removable,
       statement LIKE '%OFFSET 0%' AS planned_apart
  FROM denorm.statements('shape_task') WHERE purpose LIKE 'update%in place of%' ORDER BY 1;
SELECT * FROM drift;
SELECT denorm.drop_projection('shape_task');
DROP TABLE task_row, task, person, queue;
UPDATE category SET label = 'ink' WHERE id = 2;

-- One row per source row with a LEFT JOIN lookup: a new join key keeps the
-- shape, and the looked-up output follows it.
CREATE TABLE tagged (canonical_type text, canonical_pk int, label text, note text,
                     PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('shape_tagged', 'tagged', $$
    SELECT 'doc'::text AS canonical_type, d.id AS canonical_pk, c.label, d.note
      FROM doc d LEFT JOIN category c ON c.id = d.cat_id
$$);
SELECT denorm.rebuild('shape_tagged');
SELECT statement FROM denorm.statements('shape_tagged')
 WHERE purpose = 'update in place: the columns each output reads';
UPDATE doc SET cat_id = 2 WHERE id = 1;
UPDATE doc SET note = 'tagged' WHERE id = 1;
SELECT purpose FROM denorm.statements('shape_tagged') WHERE purpose LIKE 'update in place of%' ORDER BY 1;
SELECT * FROM tagged WHERE canonical_pk = 1;

-- A BEFORE ROW trigger may change columns the statement did not name: the
-- SET list then proves nothing, and every output is rewritten.
CREATE FUNCTION stamp_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := 'stamped ' || NEW.amount;
    RETURN NEW;
END $$;
CREATE TRIGGER stamp BEFORE UPDATE ON doc FOR EACH ROW EXECUTE FUNCTION stamp_note();
ALTER TABLE doc ADD COLUMN seen_at date;      -- read by no projection
UPDATE doc SET seen_at = date '2026-12-06' WHERE id = 1;
UPDATE doc SET amount = 5 WHERE id = 1;
SELECT note FROM tagged WHERE canonical_pk = 1;
SELECT DISTINCT note FROM part WHERE canonical_pk = 1;
DROP TRIGGER stamp ON doc;
SELECT * FROM drift;
SELECT denorm.drop_projection('shape_tagged');

-- Large statements (past the escalation threshold the per-row comparison is
-- replaced by the SET list and one scan for a changed shape column).
SET denorm.lock_escalation_threshold = 2;
INSERT INTO doc (id, code, cat_id, amount, note)
    SELECT g, 'D' || g, 1 + g % 2, g, NULL FROM generate_series(10, 59) g;
TRUNCATE writes;
UPDATE doc SET note = 'bulk' WHERE id >= 10;
SELECT * FROM writes ORDER BY op, level;
TRUNCATE writes;
UPDATE doc SET code = code, amount = amount + 1 WHERE id >= 10;     -- code named, unchanged
SELECT * FROM writes ORDER BY op, level;
UPDATE doc SET code = 'E' || id WHERE id >= 10 AND id < 20;
UPDATE doc SET nparts = 3 WHERE id >= 50;
SELECT count(*) FILTER (WHERE part_key LIKE 'E%') AS e_pairs,
       count(*) FILTER (WHERE canonical_type = 'split') AS split_rows
  FROM part WHERE canonical_pk >= 10;
-- Past 64 rows the in-place statement keeps its lookups (the planner reads
-- each once, by hash): a variant of its own.
INSERT INTO doc (id, code, cat_id, amount, note)
    SELECT g, 'F' || g, 1 + g % 2, g, NULL FROM generate_series(60, 139) g;
UPDATE doc SET note = 'bulk again' WHERE id >= 10;
SELECT purpose, statement LIKE '%OFFSET 0%' AS lookups_left_out
  FROM denorm.statements('shape_pairs') WHERE purpose LIKE 'update in place of note%' ORDER BY 1;
RESET denorm.lock_escalation_threshold;
SELECT * FROM drift;

DROP SCHEMA shape CASCADE;
