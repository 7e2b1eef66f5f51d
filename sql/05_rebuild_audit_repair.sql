-- rebuild (whole and one key), audit (missing / extra / different) and
-- repair, on drift planted with the superuser switch.
CREATE SCHEMA rar;
SET search_path = rar, public;

CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text);
CREATE TABLE feed (canonical_type text, canonical_pk int, line int, amount numeric(12,2), note text,
                   PRIMARY KEY (canonical_type, canonical_pk, line));
-- A fan-out projection: two lines per income.
SELECT denorm.create_row_projection('rar_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, l.line, l.amount, i.note
      FROM income i CROSS JOIN LATERAL (VALUES (1, i.amount), (2, -i.amount)) AS l(line, amount)
$$, row_key => '{line}');
INSERT INTO income SELECT g, g * 10, 'note ' || g FROM generate_series(1, 6) g;
SELECT count(*) FROM feed;
SELECT * FROM denorm.audit('rar_income');

-- Plant drift: a missing key, an extra key, a wrong value, a missing line.
SET denorm.allow_direct_writes = on;
DELETE FROM feed WHERE canonical_pk = 1;
INSERT INTO feed VALUES ('income', 99, 1, 1, 'ghost');
UPDATE feed SET note = 'tampered' WHERE canonical_pk = 2 AND line = 2;
DELETE FROM feed WHERE canonical_pk = 3 AND line = 1;
RESET denorm.allow_direct_writes;

SELECT projection, key, problem, expected, actual FROM denorm.audit('rar_income') ORDER BY key;
-- Audit only reads: nothing changed.
SELECT count(*) FROM feed;
-- Repair rebuilds exactly the drifted keys.
SELECT denorm.repair('rar_income') AS repaired_keys;
SELECT * FROM denorm.audit('rar_income');
SELECT count(*) FROM feed;

-- Rebuild of one key, of the whole projection.
SET denorm.allow_direct_writes = on;
UPDATE feed SET amount = 0 WHERE canonical_pk IN (4, 5);
RESET denorm.allow_direct_writes;
SELECT denorm.rebuild('rar_income', 4) AS rows_written;
SELECT key FROM denorm.audit('rar_income');
SELECT denorm.rebuild('rar_income') AS rows_written;
SELECT denorm.rebuild('rar_income') AS rows_written_when_in_step;
SELECT * FROM denorm.audit('rar_income');
SELECT denorm.rebuild('rar_income', 'x'::text);
SELECT denorm.rebuild('no_such_projection');

-- Rebuild from scratch (an empty target).
SET denorm.allow_direct_writes = on;
DELETE FROM feed;
RESET denorm.allow_direct_writes;
SELECT denorm.rebuild('rar_income') AS rows_written;
SELECT * FROM denorm.audit();

-- Two projections feeding one target: audit() reports each drifted key
-- under the projection that owns it (told apart by the type column), and
-- repair() fixes both.
CREATE TABLE expense (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text);
SELECT denorm.create_row_projection('rar_expense', 'feed', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, l.line, l.amount, e.note
      FROM expense e CROSS JOIN LATERAL (VALUES (1, -e.amount), (2, e.amount)) AS l(line, amount)
$$, row_key => '{line}');
INSERT INTO expense SELECT g, g, 'expense ' || g FROM generate_series(1, 3) g;
SET denorm.allow_direct_writes = on;
UPDATE feed SET amount = 0 WHERE canonical_type = 'income' AND canonical_pk = 2 AND line = 1;
DELETE FROM feed WHERE canonical_type = 'expense' AND canonical_pk = 2;
INSERT INTO feed VALUES ('expense', 7, 1, 7, 'ghost');
RESET denorm.allow_direct_writes;
SELECT projection, key, problem, expected, actual FROM denorm.audit();
SELECT projection, last_audit_drift FROM denorm.stats WHERE projection LIKE 'rar_%' ORDER BY 1;
SELECT denorm.repair() AS repaired_keys;
SELECT * FROM denorm.audit();
SELECT denorm.drop_projection('rar_expense');

SELECT denorm.drop_projection('rar_income');
DROP SCHEMA rar CASCADE;
