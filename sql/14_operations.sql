-- Operations: counters, batched rebuild with progress, commit-time mode.
CREATE SCHEMA ops;
SET search_path = ops, public;
CREATE TABLE invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0, items int NOT NULL DEFAULT 0);
CREATE TABLE item (id int PRIMARY KEY, invoice_id int REFERENCES invoice, price numeric(12,2));
CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2), PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_column_projection('ops_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total, count(*)::int AS items FROM item GROUP BY invoice_id $$);
SELECT denorm.create_row_projection('ops_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount FROM income i $$);
SELECT denorm.stats_reset();

-- Counters: statements, keys, rows written; escalations; audits.
INSERT INTO invoice SELECT g FROM generate_series(1, 10) g;
INSERT INTO item SELECT g, 1 + g % 10, 1 FROM generate_series(1, 100) g;
UPDATE item SET price = 2 WHERE id <= 5;
INSERT INTO income SELECT g, g FROM generate_series(1, 3000) g;
SET denorm.lock_escalation_threshold = 10;
UPDATE income SET amount = amount + 1 WHERE id <= 50;
RESET denorm.lock_escalation_threshold;
SELECT count(*) FROM denorm.audit();
SELECT projection, statements, keys, rows_written, escalations, serialization_failures,
       last_audit IS NOT NULL AS audited, last_audit_drift, time_ms > 0 AS timed
  FROM denorm.stats ORDER BY projection;
SELECT denorm.stats_reset('ops_income');
SELECT projection, statements FROM denorm.stats ORDER BY projection;

-- Batched rebuild: one transaction per batch, progress recorded.
SET denorm.allow_direct_writes = on;
UPDATE feed SET amount = 0 WHERE canonical_pk % 2 = 0;
INSERT INTO feed VALUES ('income', 99999, 1);
RESET denorm.allow_direct_writes;
SELECT count(*) AS drifted FROM denorm.audit('ops_income');
SELECT * FROM denorm.rebuild_step('ops_income', 1000);
SELECT phase, last_key, done, total FROM denorm.rebuild_progress;
SELECT count(*) AS drifted_left FROM denorm.audit('ops_income');
SET client_min_messages = warning;    -- the progress notices carry timings
CALL denorm.rebuild_batched('ops_income', 1000);
SELECT phase, done, total, rows_written, finished_at IS NOT NULL AS finished FROM denorm.rebuild_progress;
SELECT count(*) AS drifted FROM denorm.audit('ops_income');
CALL denorm.rebuild_batched('ops_totals', 3);
RESET client_min_messages;
SELECT * FROM denorm.rebuild_step('ops_totals', 0);
SELECT * FROM denorm.rebuild_step('no_such', 10);

-- Commit-time mode: keys noted per statement, maintained once at commit.
SELECT denorm.set_deferred('ops_totals', true);
SELECT deferred FROM denorm.projection WHERE name = 'ops_totals';
BEGIN;
UPDATE item SET price = price + 1 WHERE invoice_id = 1;
UPDATE item SET price = price + 1 WHERE invoice_id = 1;
SAVEPOINT s;
UPDATE item SET price = 100 WHERE invoice_id = 2;
ROLLBACK TO SAVEPOINT s;
SELECT id, total FROM invoice WHERE id IN (1, 2) ORDER BY id;   -- not yet
SET CONSTRAINTS ALL IMMEDIATE;                                  -- now
SELECT id, total FROM invoice WHERE id IN (1, 2) ORDER BY id;
UPDATE item SET invoice_id = 2 WHERE id = 10;
COMMIT;
SELECT id, total, items FROM invoice WHERE id IN (1, 2) ORDER BY id;
SELECT count(*) FROM denorm.audit();
SELECT denorm.set_deferred('ops_totals', false);
SELECT count(*) AS flush_triggers FROM pg_trigger WHERE tgname LIKE 'denorm_%_flush';

SELECT denorm.drop_projection('ops_totals');
SELECT denorm.drop_projection('ops_income');
DROP SCHEMA ops CASCADE;
