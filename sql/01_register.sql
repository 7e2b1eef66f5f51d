-- Registration: create, list, trigger DDL, drop; triggers declared by hand.
CREATE SCHEMA reg;
SET search_path = reg, public;

CREATE TABLE income (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, note text);
CREATE TABLE feed (
    canonical_type text NOT NULL,
    canonical_pk   int NOT NULL,
    amount         numeric(12,2),
    note           text,
    PRIMARY KEY (canonical_type, canonical_pk)
);

SELECT denorm.create_row_projection('feed_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount, i.note
      FROM income i
$$);

-- The registration, its definition view and its triggers.
SELECT name, kind, source, target, definition, type_column, key_column, row_key, triggers
  FROM denorm.projections;
SELECT pg_get_viewdef('denorm_def.feed_income'::regclass);
SELECT tgname, tgrelid::regclass, tgenabled FROM pg_trigger
 WHERE NOT tgisinternal AND tgname LIKE 'denorm_%' ORDER BY 1, 2;
SELECT * FROM denorm.trigger_ddl('feed_income');

-- It works.
INSERT INTO income VALUES (1, 10, 'a'), (2, 20, 'b');
SELECT * FROM feed ORDER BY canonical_pk;

-- A duplicate is refused and changes nothing.
SELECT denorm.create_row_projection('feed_income', 'feed', 'SELECT 1');
SELECT count(*) FROM denorm.projection;

-- Drop removes triggers and view, keeps the target's rows.
SELECT denorm.drop_projection('feed_income');
SELECT count(*) AS projections FROM denorm.projection;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgname LIKE 'denorm_%';
SELECT to_regclass('denorm_def.feed_income') AS view;
SELECT count(*) AS kept_rows FROM feed;
SELECT denorm.drop_projection('feed_income');
SELECT denorm.drop_projection('feed_income', if_exists => true);

-- Triggers declared by hand: register without triggers, declare our own
-- (other names, a WHEN clause on the statement trigger), and they maintain.
TRUNCATE feed;
SELECT denorm.create_row_projection('feed_income', 'feed', $$
    SELECT 'income'::text AS canonical_type, i.id AS canonical_pk, i.amount, i.note
      FROM income i
$$, create_triggers => false);
SELECT triggers FROM denorm.projections;
SELECT denorm.rebuild('feed_income');
CREATE TRIGGER my_income_added AFTER INSERT ON income
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION denorm.maintain('feed_income');
CREATE TRIGGER my_income_changed AFTER UPDATE ON income
    REFERENCING OLD TABLE AS before NEW TABLE AS after FOR EACH STATEMENT
    WHEN (pg_trigger_depth() < 5)
    EXECUTE FUNCTION denorm.maintain('feed_income');
CREATE TRIGGER my_income_removed AFTER DELETE ON income
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION denorm.maintain('feed_income');
CREATE TRIGGER my_feed_guard BEFORE INSERT OR UPDATE OR DELETE ON feed
    FOR EACH STATEMENT EXECUTE FUNCTION denorm.guard('feed_income');
INSERT INTO income VALUES (3, 30, 'c');
UPDATE income SET amount = amount + 1 WHERE id = 1;
DELETE FROM income WHERE id = 2;
SELECT * FROM feed ORDER BY canonical_pk;
SELECT triggers FROM denorm.projections;
SELECT * FROM denorm.audit('feed_income');
-- Dropping the projection drops hand-made triggers too, saying so.
SELECT denorm.drop_projection('feed_income');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgname LIKE 'my_%';

DROP SCHEMA reg CASCADE;
