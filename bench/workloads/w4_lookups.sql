-- W4 lookup changes (an addition to the brief's workloads): one write to a
-- table the projections only look up, fanning out to many projection rows.
-- Variants none, plrow, plstmt, denorm; the limit variant runs
-- w4_lookups_limit.sql.

\set step rename_account
\ir _step_begin.sql
-- Business 1's bank account: account_name of its incomes, expenses and
-- transfers in financial_transaction (about 1/10 of them).
UPDATE account SET name = name || ' (renamed)' WHERE id = 15;
\ir _step_end.sql

\set step change_revenue_account
\ir _step_begin.sql
-- Business 1 books revenue to another account: line 2 of each of its
-- invoices' journal entries (1/10 of invoices).
UPDATE business SET revenue_account_id = 16 WHERE id = 1;
\ir _step_end.sql
