-- Fingerprint of the data: per table, the row count and an order-independent
-- hash of the rows' text. The driver compares it across variants after each
-- bulk workload: every variant must hold the same canonical rows, and every
-- maintaining variant the same projection rows. Output "name|rows|hash".
\pset format unaligned
\pset tuples_only on
SELECT 'invoice', count(*), sum(hashtext((id, business_pk, customer_id, number, invoice_date, currency)::text)::bigint) FROM invoice;
SELECT 'invoice_item', count(*), sum(hashtext(t::text)::bigint) FROM invoice_item t;
SELECT 'income', count(*), sum(hashtext(t::text)::bigint) FROM income t;
SELECT 'expense', count(*), sum(hashtext(t::text)::bigint) FROM expense t;
SELECT 'payment', count(*), sum(hashtext(t::text)::bigint) FROM payment t;
SELECT 'transfer', count(*), sum(hashtext(t::text)::bigint) FROM transfer t;
SELECT 'account', count(*), sum(hashtext(t::text)::bigint) FROM account t;
SELECT 'business', count(*), sum(hashtext(t::text)::bigint) FROM business t;
SELECT 'invoice_totals', count(*), sum(hashtext((id, total_amount, subtotal_amount, item_count)::text)::bigint) FROM invoice;
SELECT 'financial_transaction', count(*), sum(hashtext(t::text)::bigint) FROM financial_transaction t;
SELECT 'journal_entry', count(*), sum(hashtext(t::text)::bigint) FROM journal_entry t;
SELECT 'account_transaction', count(*), sum(hashtext(t::text)::bigint) FROM account_transaction t;
