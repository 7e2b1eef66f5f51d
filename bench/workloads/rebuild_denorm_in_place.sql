-- Rebuild of each projection from scratch with denorm.rebuild (in place:
-- rows written into the live, indexed target), in the denorm variant's
-- database; rebuild_denorm.sql does the same per target with
-- denorm.rebuild_target. Each target is first emptied (untimed) with
-- denorm.allow_direct_writes (superuser): invoice totals set to 0 (which
-- also zeroes the invoice journal lines through denorm's cascade), the row
-- targets truncated. Then every projection writing that target is rebuilt
-- (timed, one step each; the report sums a group's steps). Rebuilding
-- invoice_totals includes denorm's cascade to the invoice journal lines.
\o /dev/null

\ir _empty_invoice_totals.sql
\set step invoice_totals/invoice_totals
\ir _step_begin.sql
SELECT denorm.rebuild('invoice_totals');
\ir _step_end.sql

\ir _empty_financial_transaction.sql
\set step financial_transaction/ft_income
\ir _step_begin.sql
SELECT denorm.rebuild('ft_income');
\ir _step_end.sql
\set step financial_transaction/ft_expense
\ir _step_begin.sql
SELECT denorm.rebuild('ft_expense');
\ir _step_end.sql
\set step financial_transaction/ft_payment
\ir _step_begin.sql
SELECT denorm.rebuild('ft_payment');
\ir _step_end.sql
\set step financial_transaction/ft_transfer
\ir _step_begin.sql
SELECT denorm.rebuild('ft_transfer');
\ir _step_end.sql

\ir _empty_journal.sql
\set step journal/je_invoice
\ir _step_begin.sql
SELECT denorm.rebuild('je_invoice');
\ir _step_end.sql
\set step journal/je_payment
\ir _step_begin.sql
SELECT denorm.rebuild('je_payment');
\ir _step_end.sql
\set step journal/je_income
\ir _step_begin.sql
SELECT denorm.rebuild('je_income');
\ir _step_end.sql
\set step journal/je_expense
\ir _step_begin.sql
SELECT denorm.rebuild('je_expense');
\ir _step_end.sql
\set step journal/je_transfer
\ir _step_begin.sql
SELECT denorm.rebuild('je_transfer');
\ir _step_end.sql
\set step journal/jl_invoice
\ir _step_begin.sql
SELECT denorm.rebuild('jl_invoice');
\ir _step_end.sql
\set step journal/jl_payment
\ir _step_begin.sql
SELECT denorm.rebuild('jl_payment');
\ir _step_end.sql
\set step journal/jl_income
\ir _step_begin.sql
SELECT denorm.rebuild('jl_income');
\ir _step_end.sql
\set step journal/jl_expense
\ir _step_begin.sql
SELECT denorm.rebuild('jl_expense');
\ir _step_end.sql
\set step journal/jl_transfer
\ir _step_begin.sql
SELECT denorm.rebuild('jl_transfer');
\ir _step_end.sql
