-- Security: maintenance runs as the projection's owner, with schema-qualified
-- statements (or its own pinned search_path); nothing the writing session
-- defines or sets runs inside it.
CREATE SCHEMA sec;
SET search_path = sec, public;
CREATE ROLE sec_owner;
CREATE ROLE sec_writer;
GRANT USAGE, CREATE ON SCHEMA sec TO sec_owner;
GRANT USAGE ON SCHEMA sec TO sec_writer;
GRANT EXECUTE ON FUNCTION denorm.create_row_projection(text, regclass, text, name, name, name[], boolean),
                          denorm.drop_projection(text, boolean) TO sec_owner;

SET ROLE sec_owner;
CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2), note text);
CREATE TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2), note text,
                   PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('sec_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount, lower(i.note) AS note
      FROM income i
$$);
-- The writer may write the source and nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON income TO sec_writer;
RESET ROLE;
SELECT owner, search_path FROM denorm.projections WHERE name = 'sec_income';

-- A trojan operator and function in a schema the writer controls, put first
-- on the writer's search_path, and temp tables shadowing denorm's names.
CREATE SCHEMA trojan AUTHORIZATION sec_writer;
SET ROLE sec_writer;
CREATE TABLE trojan.log (what text);
CREATE FUNCTION trojan.eq(a numeric, b numeric) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO trojan.log VALUES ('operator ran as ' || current_user); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR trojan.= (LEFTARG = numeric, RIGHTARG = numeric, FUNCTION = trojan.eq);
CREATE FUNCTION trojan.lower(text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN INSERT INTO trojan.log VALUES ('lower ran as ' || current_user); RETURN 'pwned'; END $$;
CREATE TEMP TABLE denorm_new (id int, amount numeric(12,2), note text);
CREATE TEMP TABLE feed (canonical_type text, canonical_pk int, amount numeric(12,2), note text);
SET search_path = trojan, pg_temp, sec, pg_catalog;
INSERT INTO income VALUES (1, 10, 'A'), (2, 20, 'B');
UPDATE income SET amount = amount + 1, note = 'C' WHERE id = 1;
DELETE FROM income WHERE id = 2;
-- Nothing the writer defined ran, and the writer cannot touch the projection.
SELECT count(*) AS trojan_calls FROM trojan.log;
SELECT count(*) AS temp_feed_rows FROM pg_temp.feed;
SELECT * FROM sec.feed;
UPDATE sec.feed SET amount = 0;
RESET ROLE;
SET search_path = sec, public;
SELECT * FROM sec.feed;
SELECT * FROM denorm.audit('sec_income');
DISCARD TEMP;

-- That maintenance ran under the writer's search_path: every name in its
-- statements is qualified, and writing the target runs nothing that looks
-- names up (denorm.statements says so). A user trigger on the target would
-- look names up as the owner: then maintenance pins the recorded path.
SELECT statement FROM denorm.statements('sec_income') WHERE purpose = 'search_path';
SELECT count(*) AS unqualified_calls FROM denorm.statements('sec_income')
 WHERE purpose <> 'search_path' AND statement ~ '(^|[^.\w])(lower|count|sum)\(' AND purpose NOT LIKE 'audit%';
-- A reg* constant looks its name up when the statement is parsed: a
-- schema-qualified regclass needs no pinned path, a bare one (or a regproc)
-- does.
SELECT denorm.create_row_projection('sec_regclass', 'feed', $$
    SELECT 'regclass'::text AS canonical_type, i.id AS canonical_pk, i.amount,
           CASE WHEN 'sec.income'::regclass::oid > 0 THEN i.note END AS note FROM income i $$);
SELECT denorm.create_row_projection('sec_regproc', 'feed', $$
    SELECT 'regproc'::text AS canonical_type, i.id AS canonical_pk, i.amount,
           CASE WHEN 'now'::regproc::oid > 0 THEN i.note END AS note FROM income i $$);
SELECT name, statement AS search_path FROM denorm.projections p, denorm.statements(p.name)
 WHERE name IN ('sec_regclass', 'sec_regproc') AND purpose = 'search_path' ORDER BY 1;
SELECT denorm.drop_projection('sec_regclass');
SELECT denorm.drop_projection('sec_regproc');

SET ROLE sec_owner;
CREATE TABLE sec.seen (path text);
CREATE FUNCTION sec.note_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO sec.seen VALUES (current_setting('search_path')); RETURN NULL; END $$;
CREATE TRIGGER note_path AFTER INSERT ON sec.feed FOR EACH STATEMENT EXECUTE FUNCTION sec.note_path();
RESET ROLE;
SELECT statement FROM denorm.statements('sec_income') WHERE purpose = 'search_path';
SET ROLE sec_writer;
SET search_path = trojan, pg_temp, sec, pg_catalog;
INSERT INTO income VALUES (3, 30, 'D');
RESET ROLE;
SET search_path = sec, public;
SELECT * FROM sec.seen;
SELECT count(*) AS trojan_calls FROM trojan.log;

-- An application role cannot drop someone else's projection.
SET ROLE sec_writer;
SELECT denorm.drop_projection('sec_income');
RESET ROLE;

SET ROLE sec_owner;
SELECT denorm.drop_projection('sec_income');
RESET ROLE;
DROP SCHEMA trojan CASCADE;
DROP SCHEMA sec CASCADE;
REVOKE ALL ON FUNCTION denorm.create_row_projection(text, regclass, text, name, name, name[], boolean),
                       denorm.drop_projection(text, boolean) FROM sec_owner;
DROP ROLE sec_writer;
DROP ROLE sec_owner;
