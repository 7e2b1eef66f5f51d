-- A small business with accounts and a customer, for the demo and tests.
INSERT INTO business (id, name) VALUES (1, 'Acme Books');
INSERT INTO account (id, business_pk, code, name, kind) VALUES
    (1, 1, '1000', 'Cash',               'asset'),
    (2, 1, '1200', 'Receivables',        'asset'),
    (3, 1, '4000', 'Sales',              'income'),
    (4, 1, '2200', 'Sales tax payable',  'liability'),
    (5, 1, '1010', 'Bank',               'asset'),
    (6, 1, '4100', 'Consulting income',  'income'),
    (7, 1, '6000', 'Office expenses',    'expense');
UPDATE business SET cash_account_id = 1, receivables_account_id = 2,
                    revenue_account_id = 3, tax_account_id = 4 WHERE id = 1;
INSERT INTO customer (id, business_pk, name) VALUES (1, 1, 'Wile E. Coyote');
