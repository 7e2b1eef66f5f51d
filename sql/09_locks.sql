-- denorm's key locks: in a lock space of their own, one per key, escalated
-- to one coarse lock per relation past denorm.lock_escalation_threshold.
CREATE SCHEMA lck;
SET search_path = lck, public;
CREATE TABLE expense (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2),
                   PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('lck_expense', 'feed', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, e.amount FROM expense e
$$);
INSERT INTO expense SELECT g, g FROM generate_series(1, 100000) g;

CREATE VIEW denorm_locks AS
SELECT CASE objsubid WHEN 20036 THEN 'key' WHEN 20037 THEN 'coarse' END AS lock,
       classid::regclass AS relation, mode, count(*) AS n
  FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid IN (20036, 20037)
 GROUP BY 1, 2, 3;

-- The tag of a key: the source relation, a hash of the key, denorm's class.
SELECT classid::regclass, objsubid FROM denorm.key_lock_tag('lck_expense', 42);

-- One row: one key lock, under the relation's intention lock.
BEGIN;
UPDATE expense SET amount = 0 WHERE id = 42;
SELECT * FROM denorm_locks ORDER BY lock;
SELECT l.objid = t.objid AS is_the_tag
  FROM pg_locks l, denorm.key_lock_tag('lck_expense', 42) t
 WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = t.objsubid;
ROLLBACK;

-- An insert takes none: a new key is invisible to every other maintainer.
BEGIN;
INSERT INTO expense VALUES (200001, 1);
SELECT count(*) AS denorm_locks FROM denorm_locks;
ROLLBACK;

-- 100,000 keys in one statement, on the default lock table: one coarse lock.
SHOW max_locks_per_transaction;
BEGIN;
UPDATE expense SET amount = amount + 1;
SELECT * FROM denorm_locks ORDER BY lock;
DELETE FROM expense WHERE id > 90000;
SELECT * FROM denorm_locks ORDER BY lock;
COMMIT;
SELECT count(*), sum(amount) FROM feed;

-- Many small statements in one transaction escalate too, once they would
-- hold more key locks than the threshold.
SET denorm.lock_escalation_threshold = 5;
BEGIN;
UPDATE expense SET amount = 1 WHERE id = 1;
UPDATE expense SET amount = 1 WHERE id BETWEEN 2 AND 4;
SELECT * FROM denorm_locks ORDER BY lock;
UPDATE expense SET amount = 1 WHERE id BETWEEN 5 AND 7;
SELECT * FROM denorm_locks ORDER BY lock;
COMMIT;
RESET denorm.lock_escalation_threshold;
-- Out-of-range settings are refused.
SET denorm.lock_escalation_threshold = 0;
SET denorm.lock_timeout = -1;

-- An application takes the same lock deliberately.
BEGIN;
SELECT denorm.lock_key('lck_expense', 7);
SELECT * FROM denorm_locks ORDER BY lock;
ROLLBACK;
SELECT denorm.lock_key('lck_expense', 'seven'::text);
-- A user's own advisory locks on the same numbers are another lock.
BEGIN;
-- (pg_advisory_xact_lock(int, int) sets the same two numbers, in class 2.)
SELECT pg_advisory_xact_lock(classid::int,
                             (objid::bigint - CASE WHEN objid::bigint >= 2147483648 THEN 4294967296 ELSE 0 END)::int)
  FROM denorm.key_lock_tag('lck_expense', 7);
UPDATE expense SET amount = 2 WHERE id = 7;
SELECT lock, count(*) FROM denorm_locks GROUP BY 1 ORDER BY 1;
SELECT l.objsubid, count(*) FROM pg_locks l, denorm.key_lock_tag('lck_expense', 7) t
 WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objid = t.objid
 GROUP BY 1 ORDER BY 1;
ROLLBACK;

-- The layout that keeps maintenance off the application's parent rows:
-- totals in a summary table (a column projection's target the application
-- never locks). Writing an item updates the summary row; the invoice row is
-- not written, so not locked, and an ORM's SELECT ... FOR UPDATE on it
-- cannot make a cycle with maintenance (doc/design.md, section 5).
CREATE TABLE inv (id int PRIMARY KEY, number text);
CREATE TABLE inv_item (id int PRIMARY KEY, inv_id int NOT NULL REFERENCES inv, price numeric(12,2));
CREATE TABLE inv_summary (inv_id int PRIMARY KEY REFERENCES inv, total numeric(12,2) NOT NULL DEFAULT 0,
                          items int NOT NULL DEFAULT 0);
SELECT denorm.create_column_projection('lck_summary', 'inv_summary', $$
    SELECT inv_id, sum(price) AS total, count(*)::int AS items FROM inv_item GROUP BY inv_id $$);
INSERT INTO inv VALUES (1, 'A');
INSERT INTO inv_summary (inv_id) VALUES (1);
SELECT xmin AS inv_version FROM inv WHERE id = 1 \gset
INSERT INTO inv_item VALUES (1, 1, 10), (2, 1, 5);
UPDATE inv_item SET price = 7 WHERE id = 2;
SELECT * FROM inv_summary;
SELECT xmin = :'inv_version' AS invoice_row_untouched FROM inv WHERE id = 1;
SELECT denorm.drop_projection('lck_summary');

SELECT * FROM denorm.audit();
DROP VIEW denorm_locks;
SELECT denorm.drop_projection('lck_expense');
DROP SCHEMA lck CASCADE;
