-- Cascades (a projection's target feeds another projection) and cycles.
CREATE SCHEMA cas;
SET search_path = cas, public;

CREATE TABLE invoice (id int PRIMARY KEY, number text NOT NULL,
                      total numeric(12,2) NOT NULL DEFAULT 0, items int NOT NULL DEFAULT 0);
CREATE TABLE item (id int PRIMARY KEY, invoice_id int NOT NULL REFERENCES invoice ON DELETE CASCADE,
                   price numeric(12,2) NOT NULL);
CREATE TABLE line (canonical_type text, canonical_pk int, line_no int, debit numeric(12,2),
                   credit numeric(12,2), PRIMARY KEY (canonical_type, canonical_pk, line_no));
CREATE TABLE summary (canonical_type text, canonical_pk int, debits numeric(12,2),
                      PRIMARY KEY (canonical_type, canonical_pk));

-- item -> invoice.total (column) -> line (row, reads invoice.total)
SELECT denorm.create_column_projection('cas_totals', 'invoice', $$
    SELECT invoice_id AS id, sum(price) AS total, count(*)::int AS items FROM item GROUP BY invoice_id
$$);
SELECT denorm.create_row_projection('cas_lines', 'line', $$
    SELECT 'invoice'::text AS canonical_type, i.id AS canonical_pk, l.line_no, l.debit, l.credit
      FROM invoice i CROSS JOIN LATERAL (VALUES (1, i.total, 0::numeric), (2, 0::numeric, i.total))
           AS l(line_no, debit, credit)
$$, row_key => '{line_no}');

-- One statement on item flows through both projections, in order, with no
-- double work: counted by user triggers on the targets (denorm leaves them be).
CREATE TABLE writes (tbl text, statements int, rows_written int);
INSERT INTO writes VALUES ('invoice', 0, 0), ('line', 0, 0);
CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE writes SET statements = statements + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL; END $$;
CREATE FUNCTION count_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE writes SET rows_written = rows_written + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL; END $$;
CREATE TRIGGER count_statement AFTER UPDATE ON invoice FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_row AFTER UPDATE ON invoice FOR EACH ROW EXECUTE FUNCTION count_row();
CREATE TRIGGER count_statement AFTER INSERT OR UPDATE ON line FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_row AFTER INSERT OR UPDATE ON line FOR EACH ROW EXECUTE FUNCTION count_row();
INSERT INTO invoice VALUES (1, 'A'), (2, 'B');
UPDATE writes SET statements = 0, rows_written = 0;
BEGIN;
INSERT INTO item VALUES (1, 1, 10), (2, 1, 5), (3, 2, 1);
SELECT * FROM line ORDER BY canonical_pk, line_no;
-- One UPDATE of the two invoices; one UPDATE of their four lines in place
-- (a total feeds only the amounts of the lines, not which lines exist).
SELECT * FROM writes ORDER BY tbl;
COMMIT;
UPDATE item SET price = 20 WHERE id = 1;
DELETE FROM item WHERE id = 3;
SELECT * FROM line ORDER BY canonical_pk, line_no;
-- An invoice update that does not touch the total leaves its lines alone.
SELECT ctid AS before FROM line WHERE canonical_pk = 1 AND line_no = 1 \gset
UPDATE invoice SET number = 'A-1' WHERE id = 1;
SELECT ctid = :'before' AS untouched FROM line WHERE canonical_pk = 1 AND line_no = 1;
-- Deleting an invoice cascades to items, totals and lines.
DELETE FROM invoice WHERE id = 2;
SELECT count(*) FROM line WHERE canonical_pk = 2;

-- Cycles are refused when declared, with the cycle spelled out.
-- line -> invoice would close item -> invoice -> line -> invoice.
SELECT denorm.create_column_projection('cas_back', 'invoice', $$
    SELECT canonical_pk AS id, count(*)::int AS items FROM line GROUP BY canonical_pk
$$);
-- A longer one: a -> b and b -> c are fine, c -> a closes the loop.
CREATE TABLE a (id int PRIMARY KEY, v int);
CREATE TABLE b (canonical_type text, canonical_pk int, v int, PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE c (canonical_type text, canonical_pk int, v int, PRIMARY KEY (canonical_type, canonical_pk));
CREATE UNIQUE INDEX ON b (canonical_pk);
CREATE UNIQUE INDEX ON c (canonical_pk);
ALTER TABLE a ADD COLUMN canonical_type text, ADD COLUMN canonical_pk int;
CREATE UNIQUE INDEX ON a (canonical_type, canonical_pk);
SELECT denorm.create_row_projection('cas_ab', 'b', $$
    SELECT 'a'::text AS canonical_type, a.id AS canonical_pk, a.v FROM a $$);
SELECT denorm.create_row_projection('cas_bc', 'c', $$
    SELECT 'b'::text AS canonical_type, b.canonical_pk, b.v FROM b $$);
SELECT denorm.create_row_projection('cas_ca', 'a', $$
    SELECT 'c'::text AS canonical_type, c.canonical_pk FROM c $$);
-- A table feeding itself.
SELECT denorm.create_column_projection('cas_self', 'item', $$
    SELECT invoice_id AS id, count(*)::int AS items FROM item GROUP BY invoice_id
$$);
-- A definition reading its own target.
SELECT denorm.create_row_projection('cas_own', 'summary', $$
    SELECT 'z'::text AS canonical_type, i.id AS canonical_pk, s.debits
      FROM invoice i LEFT JOIN summary s ON s.canonical_type = 'line' AND s.canonical_pk = i.id
$$);
-- None of the refused registrations left anything behind.
SELECT name FROM denorm.projections ORDER BY name;
SELECT count(*) AS views FROM pg_class WHERE relnamespace = 'denorm_def'::regnamespace;

SELECT * FROM denorm.audit();
SELECT denorm.drop_projection(name) FROM denorm.projections ORDER BY name;
DROP SCHEMA cas CASCADE;
