-- Rebuild of each target from scratch with denorm.rebuild_target, in the
-- denorm variant's database. The targets are emptied first (untimed) as in
-- rebuild_denorm_in_place.sql. financial_transaction, journal_entry and
-- account_transaction hold only their projections' rows: each is rebuilt by
-- filling a new table and swapping it in (src/swap.c), journal_entry before
-- account_transaction, whose foreign key references it. invoice is the
-- canonical table itself (a column projection's target): rebuild_target
-- rebuilds it in place, cascade to the invoice journal lines included.
\o /dev/null

\ir _empty_invoice_totals.sql
\set step invoice_totals/invoice
\ir _step_begin.sql
SELECT denorm.rebuild_target('invoice');
\ir _step_end.sql

\ir _empty_financial_transaction.sql
\set step financial_transaction/financial_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('financial_transaction');
\ir _step_end.sql

\ir _empty_journal.sql
\set step journal/journal_entry
\ir _step_begin.sql
SELECT denorm.rebuild_target('journal_entry');
\ir _step_end.sql
\set step journal/account_transaction
\ir _step_begin.sql
SELECT denorm.rebuild_target('account_transaction');
\ir _step_end.sql
