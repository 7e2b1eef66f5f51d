-- bench/load/summary_totals.sql — the layout doc/design.md section 5
-- recommends against the ORM deadlock: the invoice totals kept by denorm in
-- a summary table the application never locks (a column projection), not on
-- the invoice row the ORM locks FOR UPDATE. Loaded on top of tpl_plain.
CREATE EXTENSION denorm;
CREATE TABLE invoice_summary (
    invoice_id   integer PRIMARY KEY REFERENCES invoice ON DELETE CASCADE,
    total_amount numeric(14,2) NOT NULL DEFAULT 0,
    item_count   integer NOT NULL DEFAULT 0
);
-- The application creates an invoice's summary row with the invoice.
INSERT INTO invoice_summary (invoice_id) SELECT id FROM invoice;
SELECT denorm.create_column_projection('summary_totals', 'invoice_summary', $$
    SELECT invoice_id,
           sum(round(quantity * unit_price * (1 + tax_rate), 2)) AS total_amount,
           count(*)::integer AS item_count
      FROM invoice_item GROUP BY invoice_id
$$);
SELECT denorm.rebuild('summary_totals');
