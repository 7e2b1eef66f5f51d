-- Before the OLTP runs (not timed): sequences for the ids pgbench creates,
-- starting after the loaded rows, and fresh statistics.
CREATE SEQUENCE bench_invoice_id;
CREATE SEQUENCE bench_item_id;
CREATE SEQUENCE bench_payment_id;
SELECT setval('bench_invoice_id', (SELECT max(id) FROM invoice));
SELECT setval('bench_item_id', (SELECT max(id) FROM invoice_item));
SELECT setval('bench_payment_id', (SELECT max(id) FROM payment));
VACUUM ANALYZE;
