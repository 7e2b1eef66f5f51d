-- Materialized views of the projections' definitions (from bench.definition,
-- i.e. examples/bookkeeping.sql), in the limit variant's database, created
-- empty (not timed), with the same unique and secondary indexes as the
-- targets so that a refresh writes what a rebuild writes.
\o /dev/null
SELECT format('CREATE MATERIALIZED VIEW bench.mv_invoice_totals AS %s WITH NO DATA', query)
  FROM bench.definition WHERE name = 'invoice_totals' \gexec
CREATE UNIQUE INDEX ON bench.mv_invoice_totals (id);

SELECT format('CREATE MATERIALIZED VIEW bench.mv_%s AS %s WITH NO DATA', target,
              string_agg('(' || query || ')', ' UNION ALL ' ORDER BY name))
  FROM bench.definition WHERE kind = 'row' GROUP BY target \gexec
CREATE UNIQUE INDEX ON bench.mv_financial_transaction (canonical_type, canonical_pk);
CREATE INDEX ON bench.mv_financial_transaction (business_pk, transaction_date);
CREATE UNIQUE INDEX ON bench.mv_journal_entry (canonical_type, canonical_pk);
CREATE UNIQUE INDEX ON bench.mv_account_transaction (canonical_type, canonical_pk, line_no);
CREATE INDEX ON bench.mv_account_transaction (account_id);
