-- W4 lookup changes for the limit variant: see w4_lookups.sql.

\set step rename_account
\ir _step_begin.sql
WITH a AS (
    UPDATE account SET name = name || ' (renamed)' WHERE id = 15 RETURNING id, name
)
UPDATE financial_transaction f SET account_name = a.name
  FROM a WHERE f.account_id = a.id;
\ir _step_end.sql

\set step change_revenue_account
\ir _step_begin.sql
WITH b AS (
    UPDATE business SET revenue_account_id = 16 WHERE id = 1 RETURNING id, revenue_account_id
)
UPDATE account_transaction t SET account_id = b.revenue_account_id
  FROM b JOIN invoice i ON i.business_pk = b.id
 WHERE t.canonical_type = 'invoice' AND t.canonical_pk = i.id AND t.line_no = 2;
\ir _step_end.sql
