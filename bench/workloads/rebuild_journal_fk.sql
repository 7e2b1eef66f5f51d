-- What the check of the foreign key account_transaction -> journal_entry
-- costs a rebuild by swap (denorm variant; run by bench/fresh_copies.sh):
-- the journal tables emptied and rebuilt with denorm.rebuild_target, with
-- the foreign key, then again after dropping it (in this copy only).
\o /dev/null
\ir _empty_journal.sql
\set step with_fk/journal_entry
\ir _step_begin.sql
SELECT denorm.rebuild_target('journal_entry');
\ir _step_end.sql
\set step with_fk/account_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('account_transaction');
\ir _step_end.sql

ALTER TABLE account_transaction DROP CONSTRAINT account_transaction_canonical_type_canonical_pk_fkey;
\ir _empty_journal.sql
\set step without_fk/journal_entry
\ir _step_begin.sql
SELECT denorm.rebuild_target('journal_entry');
\ir _step_end.sql
\set step without_fk/account_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('account_transaction');
\ir _step_end.sql
