-- Several projections into one target (a union), and a definition that reads
-- a second table: a change to that table keeps the projection right.
CREATE SCHEMA uni;
SET search_path = uni, public;

CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL, code text);
CREATE TABLE income  (id int PRIMARY KEY, account_id int REFERENCES account, amount numeric(12,2) NOT NULL);
CREATE INDEX ON income (account_id);
CREATE TABLE expense (id int PRIMARY KEY, account_id int REFERENCES account, amount numeric(12,2) NOT NULL);
CREATE INDEX ON expense (account_id);
CREATE TABLE ledger (
    canonical_type text NOT NULL,
    canonical_pk   int NOT NULL,
    account_id     int,
    account_name   text,
    amount         numeric(12,2),
    PRIMARY KEY (canonical_type, canonical_pk)
);

SELECT denorm.create_row_projection('uni_income', 'ledger', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.account_id,
           a.name AS account_name, i.amount
      FROM income i LEFT JOIN account a ON a.id = i.account_id
$$);
-- An inner join drops expenses without an account.
SELECT denorm.create_row_projection('uni_expense', 'ledger', $$
    SELECT 'expense'::text AS canonical_type, e.id AS canonical_pk, e.account_id,
           a.name AS account_name, -e.amount AS amount
      FROM expense e JOIN account a ON a.id = e.account_id
$$);
SELECT name, source, target FROM denorm.projections ORDER BY name;
SELECT tgrelid::regclass, count(*) FROM pg_trigger WHERE (tgname LIKE 'denorm_uni_%' OR tgname = 'denorm_guard')
 GROUP BY 1 ORDER BY tgrelid::regclass::text;

INSERT INTO account VALUES (1, 'Bank', 'B'), (2, 'Cash', 'C');
INSERT INTO income VALUES (1, 1, 100), (2, 2, 50), (3, NULL, 7);
INSERT INTO expense VALUES (1, 1, 30), (2, NULL, 9);
SELECT * FROM ledger ORDER BY canonical_type, canonical_pk;

-- Renaming an account reaches every row that reads it, in both projections.
UPDATE account SET name = 'Main bank' WHERE id = 1;
SELECT * FROM ledger ORDER BY canonical_type, canonical_pk;
-- A change to a column no definition reads does nothing.
SELECT ctid AS before FROM ledger WHERE canonical_type = 'income' AND canonical_pk = 1 \gset
UPDATE account SET code = 'BB' WHERE id = 1;
SELECT ctid = :'before' AS untouched FROM ledger WHERE canonical_type = 'income' AND canonical_pk = 1;

-- Giving the expense without an account one makes it appear (inner join).
UPDATE expense SET account_id = 2 WHERE id = 2;
-- Moving an income to another account.
UPDATE income SET account_id = 1 WHERE id = 2;
SELECT * FROM ledger ORDER BY canonical_type, canonical_pk;

-- A new account is picked up by rows that already named it... (there are
-- none: the foreign key forbids it) ... and deleting an account that nothing
-- references changes nothing.
INSERT INTO account VALUES (3, 'Petty cash', 'P');
DELETE FROM account WHERE id = 3;

-- Changing an account's key: the foreign key refuses it while referenced.
UPDATE account SET id = 20 WHERE id = 2;

-- Without a foreign key, rows can name an account that does not exist yet.
ALTER TABLE income DROP CONSTRAINT income_account_id_fkey;
INSERT INTO income VALUES (4, 99, 1);
SELECT account_name FROM ledger WHERE canonical_type = 'income' AND canonical_pk = 4;
INSERT INTO account VALUES (99, 'Late account', 'L');
SELECT account_name FROM ledger WHERE canonical_type = 'income' AND canonical_pk = 4;
DELETE FROM account WHERE id = 99;
SELECT account_name FROM ledger WHERE canonical_type = 'income' AND canonical_pk = 4;

-- Many accounts renamed in one statement.
INSERT INTO account SELECT g, 'acct ' || g, NULL FROM generate_series(100, 2099) g;
INSERT INTO income SELECT g, 100 + g % 2000, g FROM generate_series(100, 20099) g;
UPDATE account SET name = upper(name) WHERE id >= 100;
SELECT count(*) FILTER (WHERE account_name LIKE 'ACCT %') AS renamed, count(*) AS total FROM ledger;

-- Truncating the lookup table: every row that read it is recomputed.
TRUNCATE account CASCADE;
SELECT count(*) FILTER (WHERE account_name IS NULL) AS nameless, count(*) AS total FROM ledger;

SELECT * FROM denorm.audit();
SELECT denorm.drop_projection('uni_income');
SELECT denorm.drop_projection('uni_expense');
DROP SCHEMA uni CASCADE;
