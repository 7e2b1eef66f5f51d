-- Rebuild of each projection from scratch by hand, in the limit variant's
-- database: the least work a rebuild can do. The same targets are emptied
-- first (untimed) as in rebuild_denorm.sql (invoice totals and invoice
-- journal lines zeroed, row targets truncated), then one statement per
-- target built from the very definitions of examples/bookkeeping.sql
-- (recorded in bench.definition): UPDATE ... FROM the aggregate (plus the
-- invoice lines, as denorm's cascade does), INSERT ... SELECT of the union.
\o /dev/null

UPDATE invoice SET total_amount = 0, subtotal_amount = 0, item_count = 0;
UPDATE account_transaction SET debit_amount = 0, credit_amount = 0 WHERE canonical_type = 'invoice';
VACUUM invoice, account_transaction;
SELECT query AS def FROM bench.definition WHERE name = 'invoice_totals' \gset
CHECKPOINT;
\set step invoice_totals/invoice_totals
\ir _step_begin.sql
WITH agg AS (:def
), inv AS (
    UPDATE invoice i
       SET total_amount = x.total_amount, subtotal_amount = x.subtotal_amount, item_count = x.item_count
      FROM (SELECT i2.id, coalesce(a.total_amount, 0) AS total_amount,
                   coalesce(a.subtotal_amount, 0) AS subtotal_amount, coalesce(a.item_count, 0) AS item_count
              FROM invoice i2 LEFT JOIN agg a ON a.id = i2.id) x
     WHERE i.id = x.id
       AND (i.total_amount, i.subtotal_amount, i.item_count)
           IS DISTINCT FROM (x.total_amount, x.subtotal_amount, x.item_count)
    RETURNING i.id, i.total_amount, i.subtotal_amount
)
UPDATE account_transaction a
   SET debit_amount = l.debit_amount, credit_amount = l.credit_amount
  FROM inv
 CROSS JOIN LATERAL (VALUES (1, inv.total_amount, 0::numeric),
                            (2, 0::numeric, inv.subtotal_amount),
                            (3, 0::numeric, inv.total_amount - inv.subtotal_amount)
      ) AS l(line_no, debit_amount, credit_amount)
 WHERE a.canonical_type = 'invoice' AND a.canonical_pk = inv.id AND a.line_no = l.line_no
   AND (a.debit_amount, a.credit_amount) IS DISTINCT FROM (l.debit_amount, l.credit_amount);
\ir _step_end.sql

TRUNCATE financial_transaction;
SELECT string_agg('(' || query || ')', ' UNION ALL ' ORDER BY name) AS def
  FROM bench.definition WHERE target = 'financial_transaction'::regclass \gset
CHECKPOINT;
\set step financial_transaction/insert
\ir _step_begin.sql
INSERT INTO financial_transaction SELECT * FROM (:def) d;
\ir _step_end.sql

TRUNCATE journal_entry, account_transaction;
SELECT string_agg('(' || query || ')', ' UNION ALL ' ORDER BY name) AS je_def
  FROM bench.definition WHERE target = 'journal_entry'::regclass \gset
SELECT string_agg('(' || query || ')', ' UNION ALL ' ORDER BY name) AS at_def
  FROM bench.definition WHERE target = 'account_transaction'::regclass \gset
CHECKPOINT;
\set step journal/journal_entry
\ir _step_begin.sql
INSERT INTO journal_entry SELECT * FROM (:je_def) d;
\ir _step_end.sql
\set step journal/account_transaction
\ir _step_begin.sql
INSERT INTO account_transaction SELECT * FROM (:at_def) d;
\ir _step_end.sql
