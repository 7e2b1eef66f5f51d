-- What-if for bench/instructions.sh --setup: jl_invoice redefined without its
-- join to business (constant accounts), to measure what that join costs the
-- in-place update of the journal lines in a cascade. The accounts it writes
-- are wrong: for instruction counts only.
SELECT denorm.drop_projection('jl_invoice');
SELECT denorm.create_row_projection('jl_invoice', 'account_transaction', $$
    SELECT i.business_pk, 'invoice'::text AS canonical_type, i.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Invoice ' || i.number AS description
      FROM invoice i
      CROSS JOIN LATERAL (VALUES
            (1, 11, i.total_amount, 0::numeric),
            (2, 12, 0::numeric,     i.subtotal_amount),
            (3, 13, 0::numeric,     i.total_amount - i.subtotal_amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');
