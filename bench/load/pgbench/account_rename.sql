-- bench/load/pgbench/account_rename.sql — rename one of the accounts the
-- mix is writing rows for. account is a lookup of the four
-- financial_transaction projections (account_name), so this is the lookup
-- path: denorm maps the account to every income, expense, payment and
-- transfer that shows its name and rewrites those rows, while other clients
-- insert rows that read the same account. Run at a low weight next to
-- mix.sql (run.sh's "lookup" configurations), accounts :acct_min..:acct_max.
\set acct random(:acct_min, :acct_max)
BEGIN;
UPDATE account SET name = 'Bank account ' || :acct || ', renamed by client ' || :client_id
 WHERE id = :acct;
END;
