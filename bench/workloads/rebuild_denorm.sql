-- Rebuild of each target from scratch with denorm.rebuild_target, in the
-- denorm variant's database. The targets are emptied first (untimed) as in
-- rebuild_denorm_in_place.sql. financial_transaction, journal_entry and
-- account_transaction hold only their projections' rows: each is rebuilt by
-- filling a new table and swapping it in (src/swap.c), journal_entry before
-- account_transaction, whose foreign key references it. invoice is the
-- canonical table itself (a column projection's target): rebuild_target
-- rebuilds it in place, cascade to the invoice journal lines included.
\o /dev/null

SET denorm.allow_direct_writes = on;
UPDATE invoice SET total_amount = 0, subtotal_amount = 0, item_count = 0;
RESET denorm.allow_direct_writes;
VACUUM invoice, account_transaction;
CHECKPOINT;
\set step invoice_totals/invoice
\ir _step_begin.sql
SELECT denorm.rebuild_target('invoice');
\ir _step_end.sql

SET denorm.allow_direct_writes = on;
TRUNCATE financial_transaction;
RESET denorm.allow_direct_writes;
CHECKPOINT;
\set step financial_transaction/financial_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('financial_transaction');
\ir _step_end.sql

SET denorm.allow_direct_writes = on;
TRUNCATE journal_entry, account_transaction;
RESET denorm.allow_direct_writes;
CHECKPOINT;
\set step journal/journal_entry
\ir _step_begin.sql
SELECT denorm.rebuild_target('journal_entry');
\ir _step_end.sql
\set step journal/account_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('account_transaction');
\ir _step_end.sql
