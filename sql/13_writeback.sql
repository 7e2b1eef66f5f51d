-- Writeback (the talk's "interface"): edits through a view over the unified
-- list go to the canonical row each row came from, then project forward.
CREATE SCHEMA wb;
SET search_path = wb, public;
CREATE TABLE account (id int PRIMARY KEY, name text);
CREATE TABLE income (id int PRIMARY KEY, account_id int, amount numeric(12,2), note text, day date);
CREATE TABLE expense (id int PRIMARY KEY, account_id int, amount numeric(12,2), note text, day date);
CREATE TABLE ledger (canonical_type text, canonical_pk int, account_name text, amount numeric(12,2),
                     note text, day date, PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('wb_income', 'ledger', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, a.name AS account_name,
           i.amount, i.note, i.day
      FROM income i LEFT JOIN account a ON a.id = i.account_id $$);
SELECT denorm.create_row_projection('wb_expense', 'ledger', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, a.name AS account_name,
           -e.amount AS amount, e.note, e.day
      FROM expense e LEFT JOIN account a ON a.id = e.account_id $$);
INSERT INTO account VALUES (1, 'Bank');
INSERT INTO income VALUES (1, 1, 500, 'consulting', '2026-01-05'), (2, 1, 20, 'interest', '2026-01-31');
INSERT INTO expense VALUES (1, 1, 42.50, 'paper', '2026-01-06');

SELECT denorm.create_writeback_view('wb.editable', 'ledger');

-- Editing copied columns edits the canonical rows, whichever table they are in.
BEGIN;
UPDATE editable SET note = 'consulting (March)' WHERE canonical_type = 'income' AND canonical_pk = 1;
-- ... under the key lock maintenance takes.
SELECT classid::regclass, mode FROM pg_locks
 WHERE locktype = 'advisory' AND objsubid = 20036 AND pid = pg_backend_pid()
 ORDER BY classid::regclass::text;
COMMIT;
UPDATE editable SET note = upper(note), day = day + 1;          -- every row, both tables
SELECT * FROM income ORDER BY id;
SELECT * FROM expense ORDER BY id;
SELECT * FROM ledger ORDER BY canonical_type, canonical_pk;

-- Computed columns and identity are refused, named; inserts too.
UPDATE editable SET amount = 1 WHERE canonical_type = 'expense';
UPDATE editable SET account_name = 'Other' WHERE canonical_type = 'income';
UPDATE editable SET canonical_pk = 9 WHERE canonical_type = 'income' AND canonical_pk = 2;
INSERT INTO editable (canonical_type, canonical_pk) VALUES ('income', 3);
-- Writeback runs as the caller: no rights on the canonical table, no edit.
CREATE ROLE wb_reader;
GRANT USAGE ON SCHEMA wb TO wb_reader;
GRANT SELECT, UPDATE ON editable TO wb_reader;
SET ROLE wb_reader;
UPDATE editable SET note = 'sneaky' WHERE canonical_type = 'income' AND canonical_pk = 2;
RESET ROLE;

-- DELETE deletes the canonical row.
DELETE FROM editable WHERE canonical_type = 'income' AND canonical_pk = 2;
SELECT count(*) AS incomes FROM income;
SELECT canonical_type, canonical_pk FROM ledger ORDER BY 1, 2;

-- Only a row projection's target can get a writeback view.
SELECT denorm.create_writeback_view('wb.nope', 'account');
SELECT * FROM denorm.audit();

DROP VIEW editable;
SELECT denorm.drop_projection('wb_income');
SELECT denorm.drop_projection('wb_expense');
DROP SCHEMA wb CASCADE;
DROP ROLE wb_reader;
