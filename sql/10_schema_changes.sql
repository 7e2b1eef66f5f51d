-- Schema changes: renames keep maintenance working; dropping or retyping
-- what a projection uses is refused, or (CASCADE) unregisters it, saying so.
CREATE SCHEMA ddl;
SET search_path = ddl, public;
CREATE TABLE account (id int PRIMARY KEY, name text);
CREATE TABLE income (id int PRIMARY KEY, account_id int, amount numeric(12,2), note text);
CREATE TABLE feed (canonical_type text, canonical_pk int, account_name text, amount numeric(12,2),
                   note text, PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('ddl_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, a.name AS account_name,
           i.amount, i.note
      FROM income i LEFT JOIN account a ON a.id = i.account_id
$$);
INSERT INTO account VALUES (1, 'Bank');
INSERT INTO income VALUES (1, 1, 10, 'a');

-- Renaming tables and columns, source, lookup and target alike.
ALTER TABLE income RENAME TO revenue;
ALTER TABLE revenue RENAME COLUMN amount TO value;
ALTER TABLE account RENAME COLUMN name TO title;
ALTER TABLE feed RENAME TO ledger;
ALTER TABLE ledger RENAME COLUMN amount TO total;
ALTER TABLE ledger RENAME COLUMN canonical_pk TO source_id;
SELECT key_column FROM denorm.projections WHERE name = 'ddl_income';
INSERT INTO revenue VALUES (2, 1, 20, 'b');
UPDATE revenue SET value = 11 WHERE id = 1;
UPDATE account SET title = 'Main bank';
SELECT * FROM ledger ORDER BY source_id;
SELECT pg_get_viewdef('denorm_def.ddl_income');
SELECT * FROM denorm.audit();

-- Dropping or retyping what the definition reads: PostgreSQL refuses, naming
-- the definition view (which carries the projection's name).
ALTER TABLE revenue DROP COLUMN note;
ALTER TABLE revenue ALTER COLUMN value TYPE numeric(14,2);
DROP TABLE account;
-- Dropping or retyping what the projection writes: denorm refuses.
ALTER TABLE ledger DROP COLUMN total;
ALTER TABLE ledger ALTER COLUMN total TYPE numeric(14,2);
DROP TABLE ledger;
-- A column nobody writes comes and goes freely.
ALTER TABLE ledger ADD COLUMN remark text;
ALTER TABLE ledger DROP COLUMN remark;

-- Disabling a denorm trigger warns; audit sees the drift it causes.
ALTER TABLE revenue DISABLE TRIGGER denorm_ddl_income_upd;
UPDATE revenue SET value = 99 WHERE id = 2;
ALTER TABLE revenue ENABLE TRIGGER denorm_ddl_income_upd;
SELECT key, problem FROM denorm.audit();
SELECT denorm.repair();
-- So does session_replication_role = replica (superuser only).
SET session_replication_role = replica;
UPDATE revenue SET value = 98 WHERE id = 2;
RESET session_replication_role;
SELECT key, problem FROM denorm.audit();
SELECT denorm.repair();

-- With CASCADE the projection is unregistered, with a notice.
ALTER TABLE ledger DROP COLUMN total CASCADE;
SELECT count(*) AS projections FROM denorm.projection;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgname LIKE 'denorm_ddl_%';
SELECT denorm.create_row_projection('ddl_income', 'ledger', $$
    SELECT 'income'::text AS canonical_type, i.id AS source_id, a.title AS account_name, i.note
      FROM revenue i LEFT JOIN account a ON a.id = i.account_id
$$, key_column => 'source_id');
ALTER TABLE revenue DROP COLUMN note CASCADE;
SELECT count(*) AS projections FROM denorm.projection;
SELECT denorm.create_row_projection('ddl_income', 'ledger', $$
    SELECT 'income'::text AS canonical_type, i.id AS source_id, a.title AS account_name
      FROM revenue i LEFT JOIN account a ON a.id = i.account_id
$$, key_column => 'source_id');
DROP TABLE ledger CASCADE;
SELECT count(*) AS projections FROM denorm.projection;
SELECT count(*) AS views FROM pg_class WHERE relnamespace = 'denorm_def'::regnamespace;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgname LIKE 'denorm_%';

DROP SCHEMA ddl CASCADE;
