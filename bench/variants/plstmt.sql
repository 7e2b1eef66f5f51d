-- (d) plstmt: the three projections kept by hand-written PL/pgSQL
-- statement-level triggers with transition tables (REFERENCING NEW TABLE /
-- OLD TABLE), set-based: one statement per projection table per canonical
-- statement, whatever the number of rows.
--   * invoice totals by delta: the statement's rows (+new, -old) summed per
--     invoice, one UPDATE of the touched invoices;
--   * the journal lines of invoices follow their totals through an AFTER
--     UPDATE statement trigger on invoice (item -> invoice -> lines);
--   * UPDATE triggers pair old and new rows by key and write only rows whose
--     projected columns changed.
-- PostgreSQL allows transition tables only on single-event triggers, so each
-- table has one trigger per event, all calling one function per table.
-- Like most hand-written code, it assumes primary keys are never updated.
\ir _base.sql

-- ---------------------------------------------------------------------------
-- invoice_item -> invoice totals
-- ---------------------------------------------------------------------------
CREATE FUNCTION plstmt_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE invoice i
           SET total_amount = i.total_amount + d.t,
               subtotal_amount = i.subtotal_amount + d.s,
               item_count = i.item_count + d.n
          FROM (SELECT invoice_id,
                       sum(coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0)) AS t,
                       sum(coalesce(round(quantity * unit_price, 2), 0)) AS s,
                       count(*) AS n
                  FROM new_rows GROUP BY invoice_id) d
         WHERE i.id = d.invoice_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE invoice i
           SET total_amount = i.total_amount - d.t,
               subtotal_amount = i.subtotal_amount - d.s,
               item_count = i.item_count - d.n
          FROM (SELECT invoice_id,
                       sum(coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0)) AS t,
                       sum(coalesce(round(quantity * unit_price, 2), 0)) AS s,
                       count(*) AS n
                  FROM old_rows GROUP BY invoice_id) d
         WHERE i.id = d.invoice_id;
    ELSE
        UPDATE invoice i
           SET total_amount = i.total_amount + d.t,
               subtotal_amount = i.subtotal_amount + d.s,
               item_count = i.item_count + d.n
          FROM (SELECT invoice_id, sum(t) AS t, sum(s) AS s, sum(n) AS n
                  FROM (SELECT invoice_id,
                               coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0) AS t,
                               coalesce(round(quantity * unit_price, 2), 0) AS s,
                               1 AS n
                          FROM new_rows
                        UNION ALL
                        SELECT invoice_id,
                               -coalesce(round(quantity * unit_price * (1 + tax_rate), 2), 0),
                               -coalesce(round(quantity * unit_price, 2), 0),
                               -1
                          FROM old_rows) c
                 GROUP BY invoice_id
                HAVING sum(t) <> 0 OR sum(s) <> 0 OR sum(n) <> 0) d
         WHERE i.id = d.invoice_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plstmt_item_ins AFTER INSERT ON invoice_item
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_item();
CREATE TRIGGER plstmt_item_upd AFTER UPDATE ON invoice_item
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_item();
CREATE TRIGGER plstmt_item_del AFTER DELETE ON invoice_item
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_item();

-- ---------------------------------------------------------------------------
-- invoice -> journal_entry + 3 account_transaction lines
-- ---------------------------------------------------------------------------
CREATE FUNCTION plstmt_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        SELECT n.business_pk, 'invoice', n.id, n.invoice_date, 'Invoice ' || n.number
          FROM new_rows n;
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        SELECT n.business_pk, 'invoice', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
               'Invoice ' || n.number
          FROM new_rows n
          JOIN business b ON b.id = n.business_pk
          CROSS JOIN LATERAL (VALUES
                (1, b.receivables_account_id, n.total_amount, 0::numeric),
                (2, b.revenue_account_id, 0::numeric, n.subtotal_amount),
                (3, b.tax_account_id, 0::numeric, n.total_amount - n.subtotal_amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM account_transaction a USING old_rows o
         WHERE a.canonical_type = 'invoice' AND a.canonical_pk = o.id;
        DELETE FROM journal_entry j USING old_rows o
         WHERE j.canonical_type = 'invoice' AND j.canonical_pk = o.id;
    ELSE
        UPDATE journal_entry j
           SET business_pk = n.business_pk, entry_date = n.invoice_date,
               description = 'Invoice ' || n.number
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.invoice_date, n.number) IS DISTINCT FROM (o.business_pk, o.invoice_date, o.number)
           AND j.canonical_type = 'invoice' AND j.canonical_pk = n.id;
        UPDATE account_transaction a
           SET business_pk = n.business_pk, account_id = l.account_id,
               debit_amount = l.debit_amount, credit_amount = l.credit_amount,
               description = 'Invoice ' || n.number
          FROM new_rows n
          JOIN old_rows o ON o.id = n.id
          JOIN business b ON b.id = n.business_pk
          CROSS JOIN LATERAL (VALUES
                (1, b.receivables_account_id, n.total_amount, 0::numeric),
                (2, b.revenue_account_id, 0::numeric, n.subtotal_amount),
                (3, b.tax_account_id, 0::numeric, n.total_amount - n.subtotal_amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount)
         WHERE (n.business_pk, n.number, n.total_amount, n.subtotal_amount)
               IS DISTINCT FROM (o.business_pk, o.number, o.total_amount, o.subtotal_amount)
           AND a.canonical_type = 'invoice' AND a.canonical_pk = n.id AND a.line_no = l.line_no
           AND (a.business_pk, a.account_id, a.debit_amount, a.credit_amount, a.description)
               IS DISTINCT FROM (n.business_pk, l.account_id, l.debit_amount, l.credit_amount, 'Invoice ' || n.number);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plstmt_invoice_ins AFTER INSERT ON invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_invoice();
CREATE TRIGGER plstmt_invoice_upd AFTER UPDATE ON invoice
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_invoice();
CREATE TRIGGER plstmt_invoice_del AFTER DELETE ON invoice
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_invoice();

-- ---------------------------------------------------------------------------
-- income / expense / payment / transfer -> financial_transaction,
-- journal_entry, 2 account_transaction lines.
-- ---------------------------------------------------------------------------
CREATE FUNCTION plstmt_income() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        SELECT n.business_pk, 'income', n.id, n.account_id, a.name, n.amount, n.currency, n.income_date, n.description
          FROM new_rows n LEFT JOIN account a ON a.id = n.account_id;
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        SELECT n.business_pk, 'income', n.id, n.income_date, 'Income ' || n.description FROM new_rows n;
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        SELECT n.business_pk, 'income', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
               'Income ' || n.description
          FROM new_rows n
          CROSS JOIN LATERAL (VALUES (1, n.account_id, n.amount, 0::numeric),
                                     (2, n.category_account_id, 0::numeric, n.amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction f USING old_rows o WHERE f.canonical_type = 'income' AND f.canonical_pk = o.id;
        DELETE FROM account_transaction a USING old_rows o WHERE a.canonical_type = 'income' AND a.canonical_pk = o.id;
        DELETE FROM journal_entry j USING old_rows o WHERE j.canonical_type = 'income' AND j.canonical_pk = o.id;
    ELSE
        UPDATE financial_transaction f
           SET business_pk = n.business_pk, account_id = n.account_id, account_name = a.name,
               amount = n.amount, currency = n.currency, transaction_date = n.income_date,
               description = n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id LEFT JOIN account a ON a.id = n.account_id
         WHERE (n.business_pk, n.account_id, n.amount, n.currency, n.income_date, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.amount, o.currency, o.income_date, o.description)
           AND f.canonical_type = 'income' AND f.canonical_pk = n.id;
        UPDATE journal_entry j
           SET business_pk = n.business_pk, entry_date = n.income_date, description = 'Income ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.income_date, n.description) IS DISTINCT FROM (o.business_pk, o.income_date, o.description)
           AND j.canonical_type = 'income' AND j.canonical_pk = n.id;
        UPDATE account_transaction t
           SET business_pk = n.business_pk,
               account_id = CASE t.line_no WHEN 1 THEN n.account_id ELSE n.category_account_id END,
               debit_amount = CASE t.line_no WHEN 1 THEN n.amount ELSE 0 END,
               credit_amount = CASE t.line_no WHEN 1 THEN 0 ELSE n.amount END,
               description = 'Income ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.account_id, n.category_account_id, n.amount, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.category_account_id, o.amount, o.description)
           AND t.canonical_type = 'income' AND t.canonical_pk = n.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plstmt_expense() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        SELECT n.business_pk, 'expense', n.id, n.account_id, a.name, -n.amount, n.currency, n.expense_date, n.description
          FROM new_rows n LEFT JOIN account a ON a.id = n.account_id;
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        SELECT n.business_pk, 'expense', n.id, n.expense_date, 'Expense ' || n.description FROM new_rows n;
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        SELECT n.business_pk, 'expense', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
               'Expense ' || n.description
          FROM new_rows n
          CROSS JOIN LATERAL (VALUES (1, n.category_account_id, n.amount, 0::numeric),
                                     (2, n.account_id, 0::numeric, n.amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction f USING old_rows o WHERE f.canonical_type = 'expense' AND f.canonical_pk = o.id;
        DELETE FROM account_transaction a USING old_rows o WHERE a.canonical_type = 'expense' AND a.canonical_pk = o.id;
        DELETE FROM journal_entry j USING old_rows o WHERE j.canonical_type = 'expense' AND j.canonical_pk = o.id;
    ELSE
        UPDATE financial_transaction f
           SET business_pk = n.business_pk, account_id = n.account_id, account_name = a.name,
               amount = -n.amount, currency = n.currency, transaction_date = n.expense_date,
               description = n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id LEFT JOIN account a ON a.id = n.account_id
         WHERE (n.business_pk, n.account_id, n.amount, n.currency, n.expense_date, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.amount, o.currency, o.expense_date, o.description)
           AND f.canonical_type = 'expense' AND f.canonical_pk = n.id;
        UPDATE journal_entry j
           SET business_pk = n.business_pk, entry_date = n.expense_date, description = 'Expense ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.expense_date, n.description) IS DISTINCT FROM (o.business_pk, o.expense_date, o.description)
           AND j.canonical_type = 'expense' AND j.canonical_pk = n.id;
        UPDATE account_transaction t
           SET business_pk = n.business_pk,
               account_id = CASE t.line_no WHEN 1 THEN n.category_account_id ELSE n.account_id END,
               debit_amount = CASE t.line_no WHEN 1 THEN n.amount ELSE 0 END,
               credit_amount = CASE t.line_no WHEN 1 THEN 0 ELSE n.amount END,
               description = 'Expense ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.account_id, n.category_account_id, n.amount, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.category_account_id, o.amount, o.description)
           AND t.canonical_type = 'expense' AND t.canonical_pk = n.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plstmt_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        SELECT n.business_pk, 'payment', n.id, n.account_id, a.name, n.amount, n.currency, n.payment_date, n.description
          FROM new_rows n LEFT JOIN account a ON a.id = n.account_id;
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        SELECT n.business_pk, 'payment', n.id, n.payment_date, 'Payment ' || n.description FROM new_rows n;
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        SELECT n.business_pk, 'payment', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
               'Payment ' || n.description
          FROM new_rows n
          JOIN business b ON b.id = n.business_pk
          CROSS JOIN LATERAL (VALUES (1, n.account_id, n.amount, 0::numeric),
                                     (2, b.receivables_account_id, 0::numeric, n.amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction f USING old_rows o WHERE f.canonical_type = 'payment' AND f.canonical_pk = o.id;
        DELETE FROM account_transaction a USING old_rows o WHERE a.canonical_type = 'payment' AND a.canonical_pk = o.id;
        DELETE FROM journal_entry j USING old_rows o WHERE j.canonical_type = 'payment' AND j.canonical_pk = o.id;
    ELSE
        UPDATE financial_transaction f
           SET business_pk = n.business_pk, account_id = n.account_id, account_name = a.name,
               amount = n.amount, currency = n.currency, transaction_date = n.payment_date,
               description = n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id LEFT JOIN account a ON a.id = n.account_id
         WHERE (n.business_pk, n.account_id, n.amount, n.currency, n.payment_date, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.amount, o.currency, o.payment_date, o.description)
           AND f.canonical_type = 'payment' AND f.canonical_pk = n.id;
        UPDATE journal_entry j
           SET business_pk = n.business_pk, entry_date = n.payment_date, description = 'Payment ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.payment_date, n.description) IS DISTINCT FROM (o.business_pk, o.payment_date, o.description)
           AND j.canonical_type = 'payment' AND j.canonical_pk = n.id;
        UPDATE account_transaction t
           SET business_pk = n.business_pk,
               account_id = CASE t.line_no WHEN 1 THEN n.account_id ELSE b.receivables_account_id END,
               debit_amount = CASE t.line_no WHEN 1 THEN n.amount ELSE 0 END,
               credit_amount = CASE t.line_no WHEN 1 THEN 0 ELSE n.amount END,
               description = 'Payment ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN business b ON b.id = n.business_pk
         WHERE (n.business_pk, n.account_id, n.amount, n.description)
               IS DISTINCT FROM (o.business_pk, o.account_id, o.amount, o.description)
           AND t.canonical_type = 'payment' AND t.canonical_pk = n.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plstmt_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        SELECT n.business_pk, 'transfer', n.id, n.from_account_id, a.name, -n.amount, n.currency, n.transfer_date, n.description
          FROM new_rows n LEFT JOIN account a ON a.id = n.from_account_id;
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        SELECT n.business_pk, 'transfer', n.id, n.transfer_date, 'Transfer ' || n.description FROM new_rows n;
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        SELECT n.business_pk, 'transfer', n.id, l.line_no, l.account_id, l.debit_amount, l.credit_amount,
               'Transfer ' || n.description
          FROM new_rows n
          CROSS JOIN LATERAL (VALUES (1, n.to_account_id, n.amount, 0::numeric),
                                     (2, n.from_account_id, 0::numeric, n.amount)
          ) AS l(line_no, account_id, debit_amount, credit_amount);
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction f USING old_rows o WHERE f.canonical_type = 'transfer' AND f.canonical_pk = o.id;
        DELETE FROM account_transaction a USING old_rows o WHERE a.canonical_type = 'transfer' AND a.canonical_pk = o.id;
        DELETE FROM journal_entry j USING old_rows o WHERE j.canonical_type = 'transfer' AND j.canonical_pk = o.id;
    ELSE
        UPDATE financial_transaction f
           SET business_pk = n.business_pk, account_id = n.from_account_id, account_name = a.name,
               amount = -n.amount, currency = n.currency, transaction_date = n.transfer_date,
               description = n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id LEFT JOIN account a ON a.id = n.from_account_id
         WHERE (n.business_pk, n.from_account_id, n.amount, n.currency, n.transfer_date, n.description)
               IS DISTINCT FROM (o.business_pk, o.from_account_id, o.amount, o.currency, o.transfer_date, o.description)
           AND f.canonical_type = 'transfer' AND f.canonical_pk = n.id;
        UPDATE journal_entry j
           SET business_pk = n.business_pk, entry_date = n.transfer_date, description = 'Transfer ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.transfer_date, n.description) IS DISTINCT FROM (o.business_pk, o.transfer_date, o.description)
           AND j.canonical_type = 'transfer' AND j.canonical_pk = n.id;
        UPDATE account_transaction t
           SET business_pk = n.business_pk,
               account_id = CASE t.line_no WHEN 1 THEN n.to_account_id ELSE n.from_account_id END,
               debit_amount = CASE t.line_no WHEN 1 THEN n.amount ELSE 0 END,
               credit_amount = CASE t.line_no WHEN 1 THEN 0 ELSE n.amount END,
               description = 'Transfer ' || n.description
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.business_pk, n.from_account_id, n.to_account_id, n.amount, n.description)
               IS DISTINCT FROM (o.business_pk, o.from_account_id, o.to_account_id, o.amount, o.description)
           AND t.canonical_type = 'transfer' AND t.canonical_pk = n.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plstmt_income_ins AFTER INSERT ON income
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_income();
CREATE TRIGGER plstmt_income_upd AFTER UPDATE ON income
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_income();
CREATE TRIGGER plstmt_income_del AFTER DELETE ON income
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_income();
CREATE TRIGGER plstmt_expense_ins AFTER INSERT ON expense
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_expense();
CREATE TRIGGER plstmt_expense_upd AFTER UPDATE ON expense
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_expense();
CREATE TRIGGER plstmt_expense_del AFTER DELETE ON expense
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_expense();
CREATE TRIGGER plstmt_payment_ins AFTER INSERT ON payment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_payment();
CREATE TRIGGER plstmt_payment_upd AFTER UPDATE ON payment
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_payment();
CREATE TRIGGER plstmt_payment_del AFTER DELETE ON payment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_payment();
CREATE TRIGGER plstmt_transfer_ins AFTER INSERT ON transfer
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_transfer();
CREATE TRIGGER plstmt_transfer_upd AFTER UPDATE ON transfer
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_transfer();
CREATE TRIGGER plstmt_transfer_del AFTER DELETE ON transfer
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_transfer();

-- ---------------------------------------------------------------------------
-- Lookups: account names and a business's accounts.
-- ---------------------------------------------------------------------------
CREATE FUNCTION plstmt_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- financial_transaction.account_id is the account whose name it shows.
    UPDATE financial_transaction f SET account_name = c.name
      FROM (SELECT n.id, n.name FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.name IS DISTINCT FROM o.name) c
     WHERE f.account_id = c.id
       AND f.account_name IS DISTINCT FROM c.name;
    RETURN NULL;
END $$;

CREATE TRIGGER plstmt_account_upd AFTER UPDATE ON account
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_account();

CREATE FUNCTION plstmt_business() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_transaction a
       SET account_id = CASE a.line_no WHEN 1 THEN c.receivables_account_id
                                       WHEN 2 THEN c.revenue_account_id
                                       ELSE c.tax_account_id END
      FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.receivables_account_id, n.revenue_account_id, n.tax_account_id)
                   IS DISTINCT FROM (o.receivables_account_id, o.revenue_account_id, o.tax_account_id)) c
      JOIN invoice i ON i.business_pk = c.id
     WHERE a.canonical_type = 'invoice' AND a.canonical_pk = i.id
       AND a.account_id IS DISTINCT FROM CASE a.line_no WHEN 1 THEN c.receivables_account_id
                                                       WHEN 2 THEN c.revenue_account_id
                                                       ELSE c.tax_account_id END;
    UPDATE account_transaction a SET account_id = c.receivables_account_id
      FROM (SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.receivables_account_id IS DISTINCT FROM o.receivables_account_id) c
      JOIN payment p ON p.business_pk = c.id
     WHERE a.canonical_type = 'payment' AND a.canonical_pk = p.id AND a.line_no = 2;
    RETURN NULL;
END $$;

CREATE TRIGGER plstmt_business_upd AFTER UPDATE ON business
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plstmt_business();
