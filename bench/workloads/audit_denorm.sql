-- denorm.audit of each projection (one step each; the report sums a
-- target's projections), in the denorm variant's database. Prints
-- "@found <step> <rows>": the drifted keys audit reported (0 expected);
-- the last step audits everything in one call.
\o /dev/null
\set step invoice_totals/invoice_totals
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('invoice_totals') \gset
\ir _step_end.sql
\echo @found invoice_totals/invoice_totals :n
\set step financial_transaction/ft_income
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('ft_income') \gset
\ir _step_end.sql
\echo @found financial_transaction/ft_income :n
\set step financial_transaction/ft_expense
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('ft_expense') \gset
\ir _step_end.sql
\echo @found financial_transaction/ft_expense :n
\set step financial_transaction/ft_payment
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('ft_payment') \gset
\ir _step_end.sql
\echo @found financial_transaction/ft_payment :n
\set step financial_transaction/ft_transfer
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('ft_transfer') \gset
\ir _step_end.sql
\echo @found financial_transaction/ft_transfer :n
\set step journal/je_invoice
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('je_invoice') \gset
\ir _step_end.sql
\echo @found journal/je_invoice :n
\set step journal/je_payment
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('je_payment') \gset
\ir _step_end.sql
\echo @found journal/je_payment :n
\set step journal/je_income
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('je_income') \gset
\ir _step_end.sql
\echo @found journal/je_income :n
\set step journal/je_expense
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('je_expense') \gset
\ir _step_end.sql
\echo @found journal/je_expense :n
\set step journal/je_transfer
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('je_transfer') \gset
\ir _step_end.sql
\echo @found journal/je_transfer :n
\set step journal/jl_invoice
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('jl_invoice') \gset
\ir _step_end.sql
\echo @found journal/jl_invoice :n
\set step journal/jl_payment
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('jl_payment') \gset
\ir _step_end.sql
\echo @found journal/jl_payment :n
\set step journal/jl_income
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('jl_income') \gset
\ir _step_end.sql
\echo @found journal/jl_income :n
\set step journal/jl_expense
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('jl_expense') \gset
\ir _step_end.sql
\echo @found journal/jl_expense :n
\set step journal/jl_transfer
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit('jl_transfer') \gset
\ir _step_end.sql
\echo @found journal/jl_transfer :n
-- Everything at once, as an operator runs it (pg_denorm audit): every
-- projection and invariant. Reported as "all", against the sum of the
-- hand-written queries.
\set step all/audit()
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm.audit() \gset
\ir _step_end.sql
\echo @found all/audit() :n
