-- bench/load/plpgsql_totals.sql — the hand-written alternative to denorm's
-- invoice_totals projection, for the ORM deadlock comparison: ordinary
-- PL/pgSQL AFTER ROW triggers on invoice_item that keep invoice.total_amount,
-- subtotal_amount and item_count by delta (same rounding as the projection in
-- examples/bookkeeping.sql). Loaded on a database with the canonical schema
-- and no denorm; the run starts by recomputing the totals of loaded data.

CREATE FUNCTION bench_item_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE invoice
           SET total_amount    = total_amount    - round(OLD.quantity * OLD.unit_price * (1 + OLD.tax_rate), 2),
               subtotal_amount = subtotal_amount - round(OLD.quantity * OLD.unit_price, 2),
               item_count      = item_count - 1
         WHERE id = OLD.invoice_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE invoice
           SET total_amount    = total_amount    + round(NEW.quantity * NEW.unit_price * (1 + NEW.tax_rate), 2),
               subtotal_amount = subtotal_amount + round(NEW.quantity * NEW.unit_price, 2),
               item_count      = item_count + 1
         WHERE id = NEW.invoice_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER bench_item_totals
    AFTER INSERT OR UPDATE OR DELETE ON invoice_item
    FOR EACH ROW EXECUTE FUNCTION bench_item_totals();

-- Bring the loaded data in line once.
UPDATE invoice i
   SET total_amount    = coalesce(s.total, 0),
       subtotal_amount = coalesce(s.subtotal, 0),
       item_count      = coalesce(s.n, 0)
  FROM (SELECT inv.id, sum(round(it.quantity * it.unit_price * (1 + it.tax_rate), 2)) AS total,
               sum(round(it.quantity * it.unit_price, 2)) AS subtotal, count(it.id)::integer AS n
          FROM invoice inv LEFT JOIN invoice_item it ON it.invoice_id = inv.id
         GROUP BY inv.id) s
 WHERE s.id = i.id;

-- The check run.sh makes after the run: invoices whose totals are wrong.
CREATE VIEW bench_totals_drift AS
SELECT i.id, i.total_amount, i.subtotal_amount, i.item_count,
       coalesce(s.total, 0) AS expected_total, coalesce(s.subtotal, 0) AS expected_subtotal,
       coalesce(s.n, 0) AS expected_count
  FROM invoice i
  LEFT JOIN (SELECT invoice_id, sum(round(quantity * unit_price * (1 + tax_rate), 2)) AS total,
                    sum(round(quantity * unit_price, 2)) AS subtotal, count(*)::integer AS n
               FROM invoice_item GROUP BY invoice_id) s ON s.invoice_id = i.id
 WHERE (i.total_amount, i.subtotal_amount, i.item_count)
       IS DISTINCT FROM (coalesce(s.total, 0), coalesce(s.subtotal, 0), coalesce(s.n, 0));
