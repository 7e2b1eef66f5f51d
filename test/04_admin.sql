-- 04_admin: rebuild, rebuild_target, repair, audit, lock_key and key_lock_tag
-- with unknown names, keys of the wrong type, and callers who may not use them.
BEGIN;
SELECT plan(83);
SET LOCAL client_min_messages = warning;

CREATE SCHEMA tap_adm;
SET LOCAL search_path = tap_adm, public;

-- Owned by the superuser running the tests.
CREATE TABLE src (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                  PRIMARY KEY (canonical_type, canonical_pk));
CREATE TABLE invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0);
CREATE TABLE item (id int PRIMARY KEY, invoice_id int REFERENCES invoice, price numeric(12,2));
CREATE TABLE entry (id int PRIMARY KEY, invoice_id int, line_no int, amount numeric(12,2));
CREATE TABLE line (invoice_id int, line_no int, total numeric(12,2) NOT NULL DEFAULT 0,
                   PRIMARY KEY (invoice_id, line_no));
SELECT denorm.create_row_projection('adm_p', 'tgt',
    $$SELECT 'x'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM src s$$);
SELECT denorm.create_column_projection('adm_c', 'invoice',
    $$SELECT invoice_id AS id, sum(price) AS total FROM item GROUP BY invoice_id$$);
SELECT denorm.create_column_projection('adm_m', 'line',
    $$SELECT invoice_id, line_no, sum(amount) AS total FROM entry GROUP BY invoice_id, line_no$$);
SELECT denorm.create_invariant('adm_inv', $$SELECT id FROM src WHERE amount < 0$$);
INSERT INTO src VALUES (1, 10), (2, 20);
INSERT INTO invoice VALUES (1), (2);
INSERT INTO item VALUES (1, 1, 5), (2, 1, 7);

-- Roles: the owner of a projection of its own, a member of that owner, and
-- another role that owns nothing.
CREATE ROLE denorm_tap_adm_owner;
CREATE ROLE denorm_tap_adm_member IN ROLE denorm_tap_adm_owner;
CREATE ROLE denorm_tap_adm_other;
GRANT USAGE, CREATE ON SCHEMA tap_adm TO denorm_tap_adm_owner;
GRANT USAGE ON SCHEMA tap_adm TO denorm_tap_adm_member, denorm_tap_adm_other;
GRANT EXECUTE ON FUNCTION
    denorm.create_row_projection(text, regclass, text, name, name, name[], boolean),
    denorm.rebuild(text), denorm.rebuild(text, anyelement), denorm.repair(text),
    denorm.lock_key(text, anyelement), denorm.drop_projection(text, boolean)
  TO denorm_tap_adm_owner;
SET LOCAL ROLE denorm_tap_adm_owner;
CREATE TABLE own_src (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE own_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                      PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('adm_own', 'own_tgt',
    $$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM own_src s$$);
INSERT INTO own_src VALUES (1, 1);
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Unknown projections (42704).
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT denorm.rebuild('no_such_projection')$$, '42704',
                 'projection "no_such_projection" does not exist', 'rebuild of an unknown projection');
SELECT throws_ok($$SELECT denorm.rebuild('no_such_projection', 1)$$, '42704',
                 'projection "no_such_projection" does not exist', 'rebuild of a key of an unknown projection');
SELECT throws_ok($$SELECT denorm.repair('no_such_projection')$$, '42704',
                 'projection "no_such_projection" does not exist', 'repair of an unknown projection');
SELECT throws_ok($$SELECT * FROM denorm.audit('no_such_projection')$$, '42704',
                 'projection "no_such_projection" does not exist', 'audit of an unknown projection');
SELECT throws_ok($$SELECT denorm.lock_key('no_such_projection', 1)$$, '42704',
                 'projection "no_such_projection" does not exist', 'lock_key of an unknown projection');
SELECT throws_ok($$SELECT * FROM denorm.key_lock_tag('no_such_projection', 1)$$, '42704',
                 'projection "no_such_projection" does not exist', 'key_lock_tag of an unknown projection');
SELECT throws_ok(format($$SELECT denorm.rebuild(%L)$$, repeat('x', 100)), '42704',
                 format('projection "%s" does not exist', repeat('x', 100)),
                 'rebuild of a name longer than any name');
SELECT throws_ok($$SELECT denorm.rebuild('ADM_P')$$, '42704',
                 'projection "ADM_P" does not exist', 'names are not case-folded');
SELECT is(denorm.rebuild(NULL), NULL, 'rebuild(NULL) is NULL (STRICT)');
SELECT is(denorm.rebuild('adm_p', NULL::int), NULL, 'rebuild(name, NULL) is NULL (STRICT)');

-- ---------------------------------------------------------------------------
-- Keys of the wrong type (42804), and keys of more than one column (0A000).
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 'x'::text)$$, '42804',
                 'key of projection "adm_p" is of type integer, not text', 'rebuild with a text key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 1::bigint)$$, '42804',
                 'key of projection "adm_p" is of type integer, not bigint', 'rebuild with a bigint key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 1.5)$$, '42804',
                 'key of projection "adm_p" is of type integer, not numeric', 'rebuild with a numeric key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 'x')$$, '42804',
                 'could not determine polymorphic type because input has type unknown',
                 'rebuild with an untyped literal key (PostgreSQL refuses)');
SELECT throws_ok($$SELECT denorm.lock_key('adm_p', 1::bigint)$$, '42804',
                 'key of projection "adm_p" is of type integer, not bigint', 'lock_key with a bigint key');
SELECT throws_ok($$SELECT * FROM denorm.key_lock_tag('adm_p', 'x'::text)$$, '42804',
                 'key of projection "adm_p" is of type integer, not text', 'key_lock_tag with a text key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_c', 1::bigint)$$, '42804',
                 'key of projection "adm_c" is of type integer, not bigint', 'rebuild of a column projection with a bigint key');
SELECT throws_ok($$SELECT denorm.lock_key('adm_c', '1'::text)$$, '42804',
                 'key of projection "adm_c" is of type integer, not text', 'lock_key of a column projection with a text key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_m', 1)$$, '0A000',
                 'projection "adm_m" has a key of 2 columns; single-key functions take one-column keys',
                 'rebuild of one key of a projection with a two-column key');
SELECT throws_ok($$SELECT denorm.lock_key('adm_m', 1)$$, '0A000',
                 'projection "adm_m" has a key of 2 columns; single-key functions take one-column keys',
                 'lock_key of a projection with a two-column key');
SELECT throws_ok($$SELECT * FROM denorm.key_lock_tag('adm_m', 1)$$, '0A000',
                 'projection "adm_m" has a key of 2 columns; single-key functions take one-column keys',
                 'key_lock_tag of a projection with a two-column key');
-- The right types work (positive control).
SELECT is(denorm.rebuild('adm_p', 1), 0::bigint, 'rebuild of an in-step key writes nothing');
SELECT is(denorm.rebuild('adm_c', 1), 0::bigint, 'rebuild of an in-step group writes nothing');
SELECT lives_ok($$SELECT denorm.lock_key('adm_p', 1)$$, 'lock_key with an integer key');
SELECT is((SELECT objsubid FROM denorm.key_lock_tag('adm_p', 1)), 20036, 'key_lock_tag with an integer key');

-- Drift for the ownership tests below: a wrong amount, planted by the superuser.
SET LOCAL denorm.allow_direct_writes = on;
UPDATE tgt SET amount = 0 WHERE canonical_pk = 2;
UPDATE invoice SET total = 99 WHERE id = 2;
SET LOCAL denorm.allow_direct_writes = off;
SELECT results_eq($$SELECT projection, key, problem FROM denorm.audit() ORDER BY 1, 2$$,
                  $$VALUES ('adm_c', '2', 'different'), ('adm_p', '2', 'different')$$,
                  'audit sees the planted drift');

-- ---------------------------------------------------------------------------
-- Another role. Without EXECUTE (PUBLIC has none), PostgreSQL refuses.
-- ---------------------------------------------------------------------------
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT denorm.rebuild('adm_p')$$, '42501',
                 'permission denied for function rebuild', 'rebuild by a role without EXECUTE');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 1)$$, '42501',
                 'permission denied for function rebuild', 'rebuild of a key by a role without EXECUTE');
SELECT throws_ok($$SELECT denorm.repair('adm_p')$$, '42501',
                 'permission denied for function repair', 'repair by a role without EXECUTE');
SELECT throws_ok($$SELECT denorm.lock_key('adm_p', 1)$$, '42501',
                 'permission denied for function lock_key', 'lock_key by a role without EXECUTE');
SELECT throws_ok($$SELECT denorm.drop_projection('adm_p')$$, '42501',
                 'permission denied for function drop_projection', 'drop_projection by a role without EXECUTE');
RESET ROLE;

-- With EXECUTE granted, denorm's own checks: the owner (or a member of the
-- owner role) only.
GRANT EXECUTE ON FUNCTION
    denorm.rebuild(text), denorm.rebuild(text, anyelement), denorm.repair(text),
    denorm.lock_key(text, anyelement), denorm.drop_projection(text, boolean),
    denorm.drop_invariant(text, boolean)
  TO denorm_tap_adm_other, denorm_tap_adm_member;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT denorm.rebuild('adm_p')$$, '42501',
                 'must be owner of projection "adm_p" to rebuild it', 'rebuild by a role that does not own the projection');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p', 2)$$, '42501',
                 'must be owner of projection "adm_p" to rebuild it', 'rebuild of a key by a role that does not own the projection');
SELECT throws_ok($$SELECT denorm.rebuild('adm_c')$$, '42501',
                 'must be owner of projection "adm_c" to rebuild it', 'rebuild of a column projection by a non-owner');
SELECT throws_ok($$SELECT denorm.rebuild('adm_c', 2)$$, '42501',
                 'must be owner of projection "adm_c" to rebuild it', 'rebuild of a group by a non-owner');
SELECT throws_ok($$SELECT denorm.repair('adm_p')$$, '42501',
                 'must be owner of projection "adm_p" to repair it', 'repair by a role that does not own the projection');
SELECT throws_ok($$SELECT denorm.repair()$$, '42501',
                 'must be owner of projection "adm_c" to repair it', 'repair of everything by a role that owns none of it');
SELECT throws_ok($$SELECT denorm.drop_projection('adm_p')$$, '42501',
                 'must be owner of projection "adm_p"', 'drop_projection by a role that does not own the projection');
SELECT throws_ok($$SELECT denorm.drop_invariant('adm_inv')$$, '42501',
                 'must be owner of invariant "adm_inv"', 'drop_invariant by a role that does not own the invariant');
-- lock_key: taking a key's lock needs UPDATE on the table whose writes it
-- orders (the source of a row projection, the target of a column one) —
-- an application role that writes the table may, ownership is not needed.
SELECT throws_ok($$SELECT denorm.lock_key('adm_p', 1)$$, '42501',
                 'permission denied to lock keys of projection "adm_p"', 'lock_key by a role without UPDATE on the source');
SELECT throws_ok($$SELECT denorm.lock_key('adm_c', 1)$$, '42501',
                 'permission denied to lock keys of projection "adm_c"', 'lock_key by a role without UPDATE on the target');
-- key_lock_tag is PUBLIC's and reads no data: it only computes a tag.
SELECT results_eq($$SELECT classid = 'tap_adm.src'::regclass, objsubid FROM denorm.key_lock_tag('adm_p', 1)$$,
                  $$VALUES (true, 20036)$$, 'key_lock_tag works for any role');
RESET ROLE;
-- Nothing the refused calls would have done happened.
SELECT results_eq($$SELECT projection, key, problem FROM denorm.audit() ORDER BY 1, 2$$,
                  $$VALUES ('adm_c', '2', 'different'), ('adm_p', '2', 'different')$$,
                  'the refused rebuilds and repairs changed nothing: the drift is still there');
SELECT is((SELECT count(*)::int FROM denorm.projection WHERE name IN ('adm_p', 'adm_c', 'adm_m')), 3,
          'the refused drops dropped nothing');
SELECT is((SELECT count(*)::int FROM denorm.invariant WHERE name = 'adm_inv'), 1,
          'the refused invariant drop dropped nothing');

GRANT UPDATE ON src, invoice TO denorm_tap_adm_other;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT lives_ok($$SELECT denorm.lock_key('adm_p', 1)$$, 'lock_key by a role with UPDATE on the source');
SELECT lives_ok($$SELECT denorm.lock_key('adm_c', 1)$$, 'lock_key by a role with UPDATE on the target');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- audit reads as the caller: without SELECT on what it compares it fails
-- with permission denied, and never shows rows the caller may not read.
-- ---------------------------------------------------------------------------
GRANT SELECT ON src TO denorm_tap_adm_other;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT * FROM denorm.audit('adm_p')$$, '42501',
                 'permission denied for table tgt', 'audit by a role that may read the source but not the target');
RESET ROLE;
REVOKE SELECT ON src FROM denorm_tap_adm_other;
GRANT SELECT ON tgt TO denorm_tap_adm_other;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT * FROM denorm.audit('adm_p')$$, '42501',
                 'permission denied for table src', 'audit by a role that may read the target but not the source');
SELECT throws_ok($$SELECT * FROM denorm.audit('adm_c')$$, '42501',
                 'permission denied for table invoice', 'audit of a column projection by a role that may read neither table');
SELECT throws_ok($$SELECT * FROM denorm.audit('adm_inv')$$, '42501',
                 'permission denied for view invariant_adm_inv', 'audit of an invariant by a role that may not read it');
SELECT throws_ok($$SELECT * FROM denorm.audit()$$, '42501', 'permission denied for table invoice',
                 'audit of everything by a role that may not read it all');
SELECT throws_ok($$SELECT * FROM denorm_def.adm_p$$, '42501',
                 'permission denied for view adm_p', 'nor can it read the definition view directly');
RESET ROLE;
GRANT SELECT ON src TO denorm_tap_adm_other;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT results_eq($$SELECT projection, key, problem, expected, actual FROM denorm.audit('adm_p')$$,
                  $$VALUES ('adm_p', '2', 'different',
                            '{"amount": 20.00, "canonical_pk": 2, "canonical_type": "x"}'::jsonb,
                            '{"amount": 0.00, "canonical_pk": 2, "canonical_type": "x"}'::jsonb)$$,
                  'a role that may read source and target can audit (it is not the owner)');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The owner, and a member of the owner's role, may (positive controls).
-- ---------------------------------------------------------------------------
SET LOCAL denorm.allow_direct_writes = on;
UPDATE own_tgt SET amount = 0;
SET LOCAL denorm.allow_direct_writes = off;
SET LOCAL ROLE denorm_tap_adm_owner;
SELECT results_eq($$SELECT key, problem FROM denorm.audit('adm_own')$$, $$VALUES ('1', 'different')$$,
                  'the owner audits its projection');
SELECT is(denorm.repair('adm_own'), 1::bigint, 'the owner repairs its projection');
SELECT is_empty($$SELECT * FROM denorm.audit('adm_own')$$, 'and the drift is gone');
SELECT is(denorm.rebuild('adm_own'), 0::bigint, 'the owner rebuilds its projection');
SELECT is(denorm.rebuild('adm_own', 1), 0::bigint, 'the owner rebuilds one key');
SELECT lives_ok($$SELECT denorm.lock_key('adm_own', 1)$$, 'the owner locks a key');
SELECT throws_ok($$SELECT denorm.rebuild('adm_p')$$, '42501',
                 'must be owner of projection "adm_p" to rebuild it', 'the owner of one projection cannot rebuild another');
SELECT throws_ok($$SELECT denorm.repair()$$, '42501',
                 'must be owner of projection "adm_c" to repair it', 'nor repair all of them');
RESET ROLE;
SET LOCAL ROLE denorm_tap_adm_member;
SELECT is(denorm.rebuild('adm_own'), 0::bigint, 'a member of the owner role rebuilds');
SELECT is(denorm.repair('adm_own'), 0::bigint, 'a member of the owner role repairs');
RESET ROLE;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT denorm.rebuild('adm_own')$$, '42501',
                 'must be owner of projection "adm_own" to rebuild it', 'a non-member cannot rebuild the owner''s projection');
RESET ROLE;
SELECT is(denorm.repair(), 2::bigint, 'the superuser repairs everything');
SELECT is_empty($$SELECT * FROM denorm.audit()$$, 'and nothing is left to report');
SET LOCAL ROLE denorm_tap_adm_owner;
SELECT lives_ok($$SELECT denorm.drop_projection('adm_own')$$, 'the owner drops its projection');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM denorm.projection WHERE name = 'adm_own'), 0, 'and it is gone');

-- ---------------------------------------------------------------------------
-- rebuild_target: unknown targets, callers, and what the new table must obey.
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT denorm.rebuild_target('src')$$, '42704',
                 'no projection writes into table "src"', 'rebuild_target of a table no projection writes');
SELECT throws_ok($$SELECT denorm.rebuild_target('tap_adm.no_such')$$, '42P01',
                 'relation "tap_adm.no_such" does not exist', 'rebuild_target of a table that does not exist');
SELECT is(denorm.rebuild_target(NULL), NULL, 'rebuild_target(NULL) is NULL (STRICT)');
GRANT EXECUTE ON FUNCTION denorm.rebuild_target(regclass, boolean)
  TO denorm_tap_adm_other, denorm_tap_adm_owner;
SET LOCAL ROLE denorm_tap_adm_other;
SELECT throws_ok($$SELECT denorm.rebuild_target('tgt')$$, '42501',
                 'must be owner of projection "adm_p" to rebuild it', 'rebuild_target by a role that does not own the projection');
RESET ROLE;

CREATE TABLE kind (name text PRIMARY KEY);
INSERT INTO kind VALUES ('r');
CREATE TABLE r_src (id int PRIMARY KEY, amount numeric(12,2), note text);
CREATE TABLE r_tgt (canonical_type text REFERENCES kind, canonical_pk int, amount numeric(12,2), note text,
                    PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('adm_r', 'r_tgt',
    $$SELECT 'r'::text AS canonical_type, s.id AS canonical_pk, s.amount, s.note FROM r_src s$$);
INSERT INTO r_src VALUES (1, 1, 'a'), (2, 2, 'b');
CREATE TEMP TABLE r_file AS SELECT pg_relation_filenode('r_tgt') AS before;
SELECT is(denorm.rebuild_target('r_tgt'), 2::bigint, 'the superuser rebuilds a target by a swap');
SELECT isnt((SELECT pg_relation_filenode('r_tgt')), (SELECT before FROM r_file), 'into a new file');
UPDATE r_file SET before = pg_relation_filenode('r_tgt');
-- An open cursor on the table: PostgreSQL's own check (55006).
DECLARE r_cur CURSOR FOR SELECT * FROM r_tgt;
FETCH 1 FROM r_cur;
SELECT throws_ok($$SELECT denorm.rebuild_target('r_tgt')$$, '55006',
                 'cannot denorm.rebuild_target "r_tgt" because it is being used by active queries in this session',
                 'rebuild_target of a table an open cursor reads');
CLOSE r_cur;
-- What the new table must obey, each with its SQLSTATE; drift is planted
-- with session_replication_role = replica (no trigger fires).
ALTER TABLE r_tgt ADD CONSTRAINT r_small CHECK (amount < 100) NOT VALID;
SET LOCAL session_replication_role = replica;
UPDATE r_src SET amount = 500 WHERE id = 1;
SET LOCAL session_replication_role = origin;
SELECT throws_ok($$SELECT denorm.rebuild_target('r_tgt')$$, '23514',
                 'new row for relation "r_tgt" violates check constraint "r_small"', 'a CHECK constraint the rebuilt rows break');
ALTER TABLE r_tgt DROP CONSTRAINT r_small;
ALTER TABLE r_tgt ALTER COLUMN note SET NOT NULL;
SET LOCAL session_replication_role = replica;
UPDATE r_src SET note = NULL WHERE id = 1;
SET LOCAL session_replication_role = origin;
SELECT throws_ok($$SELECT denorm.rebuild_target('r_tgt')$$, '23502',
                 'null value in column "note" of relation "r_tgt" violates not-null constraint', 'a NOT NULL the rebuilt rows break');
ALTER TABLE r_tgt ALTER COLUMN note DROP NOT NULL;
CREATE UNIQUE INDEX r_note ON r_tgt (note);
SET LOCAL session_replication_role = replica;
UPDATE r_src SET note = 'b' WHERE id = 1;
SET LOCAL session_replication_role = origin;
SELECT throws_ok($$SELECT denorm.rebuild_target('r_tgt')$$, '23505',
                 'could not create unique index "r_note"', 'a unique index the rebuilt rows break');
DROP INDEX r_note;
SET LOCAL session_replication_role = replica;
DELETE FROM kind;
SET LOCAL session_replication_role = origin;
SELECT throws_ok($$SELECT denorm.rebuild_target('r_tgt')$$, '23503',
                 'rebuilt table "r_tgt" violates foreign key constraint "r_tgt_canonical_type_fkey"',
                 'a foreign key the rebuilt rows break');
INSERT INTO kind VALUES ('r');
SELECT is((SELECT pg_relation_filenode('r_tgt')), (SELECT before FROM r_file),
          'each failure left the table in its file');
-- The projection's owner who no longer owns the table: rebuilt in place.
SET LOCAL ROLE denorm_tap_adm_owner;
CREATE TABLE o_src (id int PRIMARY KEY, amount numeric(12,2));
CREATE TABLE o_tgt (canonical_type text, canonical_pk int, amount numeric(12,2),
                    PRIMARY KEY (canonical_type, canonical_pk));
SELECT denorm.create_row_projection('adm_o', 'o_tgt',
    $$SELECT 'o'::text AS canonical_type, s.id AS canonical_pk, s.amount FROM o_src s$$);
INSERT INTO o_src VALUES (1, 1);
RESET ROLE;
ALTER TABLE o_tgt OWNER TO denorm_tap_adm_other;
GRANT ALL ON o_tgt TO denorm_tap_adm_owner;
SET LOCAL session_replication_role = replica;
UPDATE o_tgt SET amount = 0;
SET LOCAL session_replication_role = origin;
UPDATE r_file SET before = pg_relation_filenode('o_tgt');
SET LOCAL ROLE denorm_tap_adm_owner;
SELECT is(denorm.rebuild_target('o_tgt'), 1::bigint, 'the projection''s owner rebuilds a table it does not own');
RESET ROLE;
SELECT is((SELECT pg_relation_filenode('o_tgt')), (SELECT before FROM r_file),
          'in place: only the table''s owner may replace its file');

SELECT * FROM finish();
ROLLBACK;
