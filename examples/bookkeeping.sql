-- The bookkeeping example of the talk "Denormalize All the Things".
--
-- Canonical tables: business, account, customer, invoice, invoice_item,
-- payment, income, expense, transfer. Projections:
--
--   1. invoice.total_amount / subtotal_amount / item_count   (column projection,
--      aggregates of invoice_item, kept by delta)
--   2. financial_transaction: one row per income, expense, payment and transfer
--      (four row projections into one target, told apart by canonical_type;
--      each reads its account's name through a lookup join)
--   3. the double-entry journal: journal_entry (one per invoice, payment,
--      income, expense, transfer) and account_transaction (its debit and
--      credit lines). Invoice lines read the maintained invoice totals, so a
--      change to an item cascades: item -> invoice total -> journal lines.
--
-- Load with: psql -f examples/bookkeeping.sql (needs CREATE EXTENSION denorm).

CREATE TABLE business (
    id                      integer PRIMARY KEY,
    name                    text NOT NULL,
    cash_account_id         integer,
    receivables_account_id  integer,
    revenue_account_id      integer,
    tax_account_id          integer
);

CREATE TABLE account (
    id          integer PRIMARY KEY,
    business_pk integer NOT NULL REFERENCES business,
    code        text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense'))
);

CREATE TABLE customer (
    id          integer PRIMARY KEY,
    business_pk integer NOT NULL REFERENCES business,
    name        text NOT NULL
);

CREATE TABLE invoice (
    id              integer PRIMARY KEY,
    business_pk     integer NOT NULL REFERENCES business,
    customer_id     integer REFERENCES customer,
    number          text NOT NULL,
    invoice_date    date NOT NULL,
    currency        char(3) NOT NULL DEFAULT 'USD',
    total_amount    numeric(14,2) NOT NULL DEFAULT 0,   -- maintained by invoice_totals
    subtotal_amount numeric(14,2) NOT NULL DEFAULT 0,   -- maintained by invoice_totals
    item_count      integer NOT NULL DEFAULT 0          -- maintained by invoice_totals
);
CREATE INDEX ON invoice (business_pk, total_amount);

CREATE TABLE invoice_item (
    id          integer PRIMARY KEY,
    invoice_id  integer NOT NULL REFERENCES invoice ON DELETE CASCADE,
    product     text NOT NULL,
    quantity    numeric(12,3) NOT NULL,
    unit_price  numeric(12,2),
    tax_rate    numeric(5,4) NOT NULL DEFAULT 0
);
CREATE INDEX ON invoice_item (invoice_id);

CREATE TABLE payment (
    id           integer PRIMARY KEY,
    business_pk  integer NOT NULL REFERENCES business,
    invoice_id   integer REFERENCES invoice ON DELETE SET NULL,
    account_id   integer NOT NULL REFERENCES account,     -- the cash account paid into
    amount       numeric(14,2) NOT NULL,
    payment_date date NOT NULL,
    currency     char(3) NOT NULL DEFAULT 'USD',
    description  text NOT NULL DEFAULT ''
);
CREATE INDEX ON payment (account_id);

CREATE TABLE income (
    id                  integer PRIMARY KEY,
    business_pk         integer NOT NULL REFERENCES business,
    account_id          integer NOT NULL REFERENCES account,   -- bank account
    category_account_id integer NOT NULL REFERENCES account,   -- income category
    amount              numeric(14,2) NOT NULL,
    income_date         date NOT NULL,
    currency            char(3) NOT NULL DEFAULT 'USD',
    description         text NOT NULL DEFAULT ''
);
CREATE INDEX ON income (account_id);

CREATE TABLE expense (
    id                  integer PRIMARY KEY,
    business_pk         integer NOT NULL REFERENCES business,
    account_id          integer NOT NULL REFERENCES account,   -- bank account
    category_account_id integer NOT NULL REFERENCES account,   -- expense category
    amount              numeric(14,2) NOT NULL,
    expense_date        date NOT NULL,
    currency            char(3) NOT NULL DEFAULT 'USD',
    description         text NOT NULL DEFAULT ''
);
CREATE INDEX ON expense (account_id);

CREATE TABLE transfer (
    id              integer PRIMARY KEY,
    business_pk     integer NOT NULL REFERENCES business,
    from_account_id integer NOT NULL REFERENCES account,
    to_account_id   integer NOT NULL REFERENCES account,
    amount          numeric(14,2) NOT NULL,
    transfer_date   date NOT NULL,
    currency        char(3) NOT NULL DEFAULT 'USD',
    description     text NOT NULL DEFAULT ''
);
CREATE INDEX ON transfer (from_account_id);

-- ---------------------------------------------------------------------------
-- Targets. Nobody but denorm writes them.
-- ---------------------------------------------------------------------------

CREATE TABLE financial_transaction (
    business_pk      integer NOT NULL,
    canonical_type   text NOT NULL,
    canonical_pk     integer NOT NULL,
    account_id       integer NOT NULL,
    account_name     text,
    amount           numeric(14,2) NOT NULL,     -- signed: money in is positive
    currency         char(3) NOT NULL,
    transaction_date date NOT NULL,
    description      text NOT NULL,
    PRIMARY KEY (canonical_type, canonical_pk)
);
CREATE INDEX ON financial_transaction (business_pk, transaction_date);

CREATE TABLE journal_entry (
    business_pk    integer NOT NULL,
    canonical_type text NOT NULL,
    canonical_pk   integer NOT NULL,
    entry_date     date NOT NULL,
    description    text NOT NULL,
    PRIMARY KEY (canonical_type, canonical_pk)
);

CREATE TABLE account_transaction (
    business_pk    integer NOT NULL,
    canonical_type text NOT NULL,
    canonical_pk   integer NOT NULL,
    line_no        integer NOT NULL,
    account_id     integer,
    debit_amount   numeric(14,2) NOT NULL,
    credit_amount  numeric(14,2) NOT NULL,
    description    text NOT NULL,
    PRIMARY KEY (canonical_type, canonical_pk, line_no),
    FOREIGN KEY (canonical_type, canonical_pk) REFERENCES journal_entry
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ON account_transaction (account_id);

-- ---------------------------------------------------------------------------
-- 1. Aggregate: invoice totals (sum and count, kept by delta).
-- ---------------------------------------------------------------------------

SELECT denorm.create_column_projection('invoice_totals', 'invoice', $$
    SELECT invoice_id AS id,
           sum(round(quantity * unit_price * (1 + tax_rate), 2)) AS total_amount,
           sum(round(quantity * unit_price, 2))                  AS subtotal_amount,
           count(*)::integer                                     AS item_count
      FROM invoice_item
     GROUP BY invoice_id
$$);

-- ---------------------------------------------------------------------------
-- 2. Union: financial_transaction.
-- ---------------------------------------------------------------------------

SELECT denorm.create_row_projection('ft_income', 'financial_transaction', $$
    SELECT i.business_pk, 'income'::text AS canonical_type, i.id AS canonical_pk,
           i.account_id, a.name AS account_name, i.amount,
           i.currency, i.income_date AS transaction_date, i.description
      FROM income i LEFT JOIN account a ON a.id = i.account_id
$$);

SELECT denorm.create_row_projection('ft_expense', 'financial_transaction', $$
    SELECT e.business_pk, 'expense'::text AS canonical_type, e.id AS canonical_pk,
           e.account_id, a.name AS account_name, -e.amount AS amount,
           e.currency, e.expense_date AS transaction_date, e.description
      FROM expense e LEFT JOIN account a ON a.id = e.account_id
$$);

SELECT denorm.create_row_projection('ft_payment', 'financial_transaction', $$
    SELECT p.business_pk, 'payment'::text AS canonical_type, p.id AS canonical_pk,
           p.account_id, a.name AS account_name, p.amount,
           p.currency, p.payment_date AS transaction_date, p.description
      FROM payment p LEFT JOIN account a ON a.id = p.account_id
$$);

SELECT denorm.create_row_projection('ft_transfer', 'financial_transaction', $$
    SELECT t.business_pk, 'transfer'::text AS canonical_type, t.id AS canonical_pk,
           t.from_account_id AS account_id, a.name AS account_name, -t.amount AS amount,
           t.currency, t.transfer_date AS transaction_date, t.description
      FROM transfer t LEFT JOIN account a ON a.id = t.from_account_id
$$);

-- ---------------------------------------------------------------------------
-- 3. Fan-out: the double-entry journal.
-- ---------------------------------------------------------------------------

SELECT denorm.create_row_projection('je_invoice', 'journal_entry', $$
    SELECT i.business_pk, 'invoice'::text AS canonical_type, i.id AS canonical_pk,
           i.invoice_date AS entry_date, 'Invoice ' || i.number AS description
      FROM invoice i
$$);

SELECT denorm.create_row_projection('je_payment', 'journal_entry', $$
    SELECT p.business_pk, 'payment'::text AS canonical_type, p.id AS canonical_pk,
           p.payment_date AS entry_date, 'Payment ' || p.description AS description
      FROM payment p
$$);

SELECT denorm.create_row_projection('je_income', 'journal_entry', $$
    SELECT i.business_pk, 'income'::text AS canonical_type, i.id AS canonical_pk,
           i.income_date AS entry_date, 'Income ' || i.description AS description
      FROM income i
$$);

SELECT denorm.create_row_projection('je_expense', 'journal_entry', $$
    SELECT e.business_pk, 'expense'::text AS canonical_type, e.id AS canonical_pk,
           e.expense_date AS entry_date, 'Expense ' || e.description AS description
      FROM expense e
$$);

SELECT denorm.create_row_projection('je_transfer', 'journal_entry', $$
    SELECT t.business_pk, 'transfer'::text AS canonical_type, t.id AS canonical_pk,
           t.transfer_date AS entry_date, 'Transfer ' || t.description AS description
      FROM transfer t
$$);

-- Invoice: debit receivables with the total, credit revenue with the net,
-- credit tax payable with the tax. Reads the totals invoice_totals maintains.
SELECT denorm.create_row_projection('jl_invoice', 'account_transaction', $$
    SELECT i.business_pk, 'invoice'::text AS canonical_type, i.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Invoice ' || i.number AS description
      FROM invoice i
      JOIN business b ON b.id = i.business_pk
      CROSS JOIN LATERAL (VALUES
            (1, b.receivables_account_id, i.total_amount, 0::numeric),
            (2, b.revenue_account_id,     0::numeric,     i.subtotal_amount),
            (3, b.tax_account_id,         0::numeric,     i.total_amount - i.subtotal_amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');

-- Payment: debit the cash account paid into, credit receivables.
SELECT denorm.create_row_projection('jl_payment', 'account_transaction', $$
    SELECT p.business_pk, 'payment'::text AS canonical_type, p.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Payment ' || p.description AS description
      FROM payment p
      JOIN business b ON b.id = p.business_pk
      CROSS JOIN LATERAL (VALUES
            (1, p.account_id,               p.amount,     0::numeric),
            (2, b.receivables_account_id,   0::numeric,   p.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');

-- Income: debit the bank account, credit the income category.
SELECT denorm.create_row_projection('jl_income', 'account_transaction', $$
    SELECT i.business_pk, 'income'::text AS canonical_type, i.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Income ' || i.description AS description
      FROM income i
      CROSS JOIN LATERAL (VALUES
            (1, i.account_id,          i.amount,   0::numeric),
            (2, i.category_account_id, 0::numeric, i.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');

-- Expense: debit the expense category, credit the bank account.
SELECT denorm.create_row_projection('jl_expense', 'account_transaction', $$
    SELECT e.business_pk, 'expense'::text AS canonical_type, e.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Expense ' || e.description AS description
      FROM expense e
      CROSS JOIN LATERAL (VALUES
            (1, e.category_account_id, e.amount,   0::numeric),
            (2, e.account_id,          0::numeric, e.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');

-- Transfer: debit the account money goes to, credit the one it leaves.
SELECT denorm.create_row_projection('jl_transfer', 'account_transaction', $$
    SELECT t.business_pk, 'transfer'::text AS canonical_type, t.id AS canonical_pk,
           l.line_no, l.account_id, l.debit_amount, l.credit_amount,
           'Transfer ' || t.description AS description
      FROM transfer t
      CROSS JOIN LATERAL (VALUES
            (1, t.to_account_id,   t.amount,   0::numeric),
            (2, t.from_account_id, 0::numeric, t.amount)
      ) AS l(line_no, account_id, debit_amount, credit_amount)
$$, row_key => '{line_no}');

-- ---------------------------------------------------------------------------
-- Invariants audit checks on top of the projections.
-- ---------------------------------------------------------------------------

SELECT denorm.create_invariant('balanced_entries', $$
    SELECT canonical_type, canonical_pk,
           sum(debit_amount) AS debits, sum(credit_amount) AS credits
      FROM account_transaction
     GROUP BY canonical_type, canonical_pk
    HAVING sum(debit_amount) <> sum(credit_amount)
$$);

SELECT denorm.create_invariant('entries_have_two_lines', $$
    SELECT e.canonical_type, e.canonical_pk, count(l.line_no) AS lines
      FROM journal_entry e
      LEFT JOIN account_transaction l USING (canonical_type, canonical_pk)
     GROUP BY e.canonical_type, e.canonical_pk
    HAVING count(l.line_no) < 2
$$);
