-- Row generators for the W1 bulk load, installed in every variant's template
-- (not timed). Plain SQL set-returning functions: the planner inlines them,
-- so `INSERT ... SELECT * FROM bench.gen_items(n)` is the same plan as the
-- INSERT ... SELECT generate_series(...) written out, and every variant (the
-- limit variant's CTEs included) inserts exactly the same canonical rows.
--
-- Shape, for n invoices: items 10 per invoice, contiguous ids (invoice k has
-- items 10k-9 .. 10k); about 0.1% of items have no price (NULL, skipped by
-- sum); n incomes, n expenses, n payments (payment g pays invoice
-- 1 + (g-1) % n), n/10 transfers. Dates over 2026, 10 businesses.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE FUNCTION bench.gen_invoices(n integer)
RETURNS TABLE (id integer, business_pk integer, customer_id integer, number text, invoice_date date)
LANGUAGE sql AS $$
    SELECT g, 1 + g % 10, 1 + g % 100, 'INV-' || g, date '2026-01-01' + g % 365
      FROM generate_series(1, n) g
$$;

CREATE FUNCTION bench.gen_items(n integer)
RETURNS TABLE (id integer, invoice_id integer, product text, quantity numeric, unit_price numeric, tax_rate numeric)
LANGUAGE sql AS $$
    SELECT g, (g - 1) / 10 + 1, 'Product ' || g % 500,
           (1 + g % 7) + CASE WHEN g % 4 = 0 THEN 0.5 ELSE 0 END,
           CASE WHEN g % 997 = 0 THEN NULL ELSE 0.99 + (g % 5000) / 100.0 END,
           (g % 3) * 0.05
      FROM generate_series(1, 10 * n) g
$$;

CREATE FUNCTION bench.gen_incomes(n integer)
RETURNS TABLE (id integer, business_pk integer, account_id integer, category_account_id integer,
               amount numeric, income_date date, description text)
LANGUAGE sql AS $$
    SELECT g, 1 + g % 10, 10 * (1 + g % 10) + 5, 10 * (1 + g % 10) + 6,
           10 + (g % 1000) * 1.25, date '2026-01-01' + g % 365, 'Consulting ' || g
      FROM generate_series(1, n) g
$$;

CREATE FUNCTION bench.gen_expenses(n integer)
RETURNS TABLE (id integer, business_pk integer, account_id integer, category_account_id integer,
               amount numeric, expense_date date, description text)
LANGUAGE sql AS $$
    SELECT g, 1 + g % 10, 10 * (1 + g % 10) + 5, 10 * (1 + g % 10) + 7,
           5 + (g % 700) * 0.75, date '2026-01-01' + g % 365, 'Supplies ' || g
      FROM generate_series(1, n) g
$$;

-- Payment g pays invoice k = 1 + (g-1) % ninv, of business 1 + k % 10, into
-- that business's cash account.
CREATE FUNCTION bench.gen_payments(n integer, ninv integer)
RETURNS TABLE (id integer, business_pk integer, invoice_id integer, account_id integer,
               amount numeric, payment_date date, description text)
LANGUAGE sql AS $$
    SELECT g, 1 + (1 + (g - 1) % ninv) % 10, 1 + (g - 1) % ninv, 10 * (1 + (1 + (g - 1) % ninv) % 10) + 1,
           20 + (g % 500) * 0.5, date '2026-01-01' + g % 365, 'for INV-' || (1 + (g - 1) % ninv)
      FROM generate_series(1, n) g
$$;

CREATE FUNCTION bench.gen_transfers(n integer)
RETURNS TABLE (id integer, business_pk integer, from_account_id integer, to_account_id integer,
               amount numeric, transfer_date date, description text)
LANGUAGE sql AS $$
    SELECT g, 1 + g % 10, 10 * (1 + g % 10) + 5, 10 * (1 + g % 10) + 1,
           100 + g % 50, date '2026-01-01' + g % 365, 'Cash withdrawal ' || g
      FROM generate_series(1, n) g
$$;
