-- Reference data every variant starts from (part of each variant's template,
-- not timed): 10 businesses with 7 accounts each, 100 customers.
-- Account ids are 10 * business + k, k = 1 cash, 2 receivables, 3 sales,
-- 4 sales tax payable, 5 bank, 6 consulting income, 7 office expenses.
INSERT INTO business (id, name)
SELECT b, 'Business ' || b FROM generate_series(1, 10) b;

INSERT INTO account (id, business_pk, code, name, kind)
SELECT 10 * b + a.k, b, a.code, a.name || ' #' || b, a.kind
  FROM generate_series(1, 10) b
 CROSS JOIN (VALUES (1, '1000', 'Cash', 'asset'),
                    (2, '1200', 'Receivables', 'asset'),
                    (3, '4000', 'Sales', 'income'),
                    (4, '2200', 'Sales tax payable', 'liability'),
                    (5, '1010', 'Bank', 'asset'),
                    (6, '4100', 'Consulting income', 'income'),
                    (7, '6000', 'Office expenses', 'expense')) AS a(k, code, name, kind);

UPDATE business SET cash_account_id = 10 * id + 1, receivables_account_id = 10 * id + 2,
                    revenue_account_id = 10 * id + 3, tax_account_id = 10 * id + 4;

INSERT INTO customer (id, business_pk, name)
SELECT c, 1 + c % 10, 'Customer ' || c FROM generate_series(1, 100) c;
