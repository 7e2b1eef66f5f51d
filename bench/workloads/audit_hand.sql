-- The audit a developer would write by hand: per target, a FULL JOIN of the
-- target with the union of its projections' definitions (the plain views
-- denorm_def.*), on the target's key, counting missing, extra and different
-- rows. Runs in the denorm variant's database, on the same data as
-- audit_denorm.sql. Prints "@found <step> <rows>" (0 expected).
\o /dev/null

\set step invoice_totals/full_join
\ir _step_begin.sql
SELECT count(*) AS n
  FROM invoice t FULL JOIN denorm_def.invoice_totals d ON d.id = t.id
 WHERE t.id IS NULL
    OR (t.total_amount, t.subtotal_amount, t.item_count)
       IS DISTINCT FROM (coalesce(d.total_amount, 0), coalesce(d.subtotal_amount, 0), coalesce(d.item_count, 0)) \gset
\ir _step_end.sql
\echo @found invoice_totals/full_join :n

\set step financial_transaction/full_join
\ir _step_begin.sql
SELECT count(*) AS n
  FROM financial_transaction t
  FULL JOIN (SELECT * FROM denorm_def.ft_income UNION ALL SELECT * FROM denorm_def.ft_expense
             UNION ALL SELECT * FROM denorm_def.ft_payment UNION ALL SELECT * FROM denorm_def.ft_transfer) d
    ON d.canonical_type = t.canonical_type AND d.canonical_pk = t.canonical_pk
 WHERE t.canonical_pk IS NULL OR d.canonical_pk IS NULL
    OR (t.business_pk, t.account_id, t.account_name, t.amount, t.currency, t.transaction_date, t.description)
       IS DISTINCT FROM (d.business_pk, d.account_id, d.account_name, d.amount, d.currency, d.transaction_date, d.description) \gset
\ir _step_end.sql
\echo @found financial_transaction/full_join :n

\set step journal/journal_entry
\ir _step_begin.sql
SELECT count(*) AS n
  FROM journal_entry t
  FULL JOIN (SELECT * FROM denorm_def.je_invoice UNION ALL SELECT * FROM denorm_def.je_payment
             UNION ALL SELECT * FROM denorm_def.je_income UNION ALL SELECT * FROM denorm_def.je_expense
             UNION ALL SELECT * FROM denorm_def.je_transfer) d
    ON d.canonical_type = t.canonical_type AND d.canonical_pk = t.canonical_pk
 WHERE t.canonical_pk IS NULL OR d.canonical_pk IS NULL
    OR (t.business_pk, t.entry_date, t.description) IS DISTINCT FROM (d.business_pk, d.entry_date, d.description) \gset
\ir _step_end.sql
\echo @found journal/journal_entry :n

\set step journal/account_transaction
\ir _step_begin.sql
SELECT count(*) AS n
  FROM account_transaction t
  FULL JOIN (SELECT * FROM denorm_def.jl_invoice UNION ALL SELECT * FROM denorm_def.jl_payment
             UNION ALL SELECT * FROM denorm_def.jl_income UNION ALL SELECT * FROM denorm_def.jl_expense
             UNION ALL SELECT * FROM denorm_def.jl_transfer) d
    ON d.canonical_type = t.canonical_type AND d.canonical_pk = t.canonical_pk AND d.line_no = t.line_no
 WHERE t.canonical_pk IS NULL OR d.canonical_pk IS NULL
    OR (t.business_pk, t.account_id, t.debit_amount, t.credit_amount, t.description)
       IS DISTINCT FROM (d.business_pk, d.account_id, d.debit_amount, d.credit_amount, d.description) \gset
\ir _step_end.sql
\echo @found journal/account_transaction :n

-- The invariants of examples/bookkeeping.sql (their views: the same queries).
\set step invariants/balanced_entries
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm_def.invariant_balanced_entries \gset
\ir _step_end.sql
\echo @found invariants/balanced_entries :n

\set step invariants/entries_have_two_lines
\ir _step_begin.sql
SELECT count(*) AS n FROM denorm_def.invariant_entries_have_two_lines \gset
\ir _step_end.sql
\echo @found invariants/entries_have_two_lines :n
