-- (c) plrow: the three projections kept by hand-written PL/pgSQL row-level
-- triggers, as a competent developer would write them:
--   * invoice totals by delta (sum and count), one UPDATE per item row;
--   * the journal lines of an invoice follow its totals through an AFTER
--     UPDATE trigger on invoice (item -> invoice -> account_transaction);
--   * financial_transaction, journal_entry and account_transaction rows of
--     income, expense, payment and transfer written row by row;
--   * UPDATE triggers fire only when a column the projections read changed
--     (WHEN clause); journal lines are rewritten only when their value changes;
--   * renaming an account or changing a business's accounts is propagated
--     (lookups), through the indexes of the canonical tables.
-- Like most hand-written code, it assumes primary keys are never updated.
\ir _base.sql

-- ---------------------------------------------------------------------------
-- invoice_item -> invoice totals
-- ---------------------------------------------------------------------------
CREATE FUNCTION plrow_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_t numeric := 0; new_s numeric := 0;
    old_t numeric := 0; old_s numeric := 0;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        new_t := coalesce(round(NEW.quantity * NEW.unit_price * (1 + NEW.tax_rate), 2), 0);
        new_s := coalesce(round(NEW.quantity * NEW.unit_price, 2), 0);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_t := coalesce(round(OLD.quantity * OLD.unit_price * (1 + OLD.tax_rate), 2), 0);
        old_s := coalesce(round(OLD.quantity * OLD.unit_price, 2), 0);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.invoice_id = OLD.invoice_id THEN
        IF new_t <> old_t OR new_s <> old_s THEN
            UPDATE invoice
               SET total_amount = total_amount + (new_t - old_t),
                   subtotal_amount = subtotal_amount + (new_s - old_s)
             WHERE id = NEW.invoice_id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE invoice
           SET total_amount = total_amount - old_t,
               subtotal_amount = subtotal_amount - old_s,
               item_count = item_count - 1
         WHERE id = OLD.invoice_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE invoice
           SET total_amount = total_amount + new_t,
               subtotal_amount = subtotal_amount + new_s,
               item_count = item_count + 1
         WHERE id = NEW.invoice_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plrow_item AFTER INSERT OR DELETE ON invoice_item
    FOR EACH ROW EXECUTE FUNCTION plrow_item();
CREATE TRIGGER plrow_item_upd AFTER UPDATE OF invoice_id, quantity, unit_price, tax_rate ON invoice_item
    FOR EACH ROW
    WHEN ((OLD.invoice_id, OLD.quantity, OLD.unit_price, OLD.tax_rate)
          IS DISTINCT FROM (NEW.invoice_id, NEW.quantity, NEW.unit_price, NEW.tax_rate))
    EXECUTE FUNCTION plrow_item();

-- ---------------------------------------------------------------------------
-- invoice -> journal_entry + 3 account_transaction lines
-- ---------------------------------------------------------------------------
CREATE FUNCTION plrow_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b business;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM account_transaction WHERE canonical_type = 'invoice' AND canonical_pk = OLD.id;
        DELETE FROM journal_entry WHERE canonical_type = 'invoice' AND canonical_pk = OLD.id;
        RETURN NULL;
    END IF;
    SELECT * INTO b FROM business WHERE id = NEW.business_pk;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        VALUES (NEW.business_pk, 'invoice', NEW.id, NEW.invoice_date, 'Invoice ' || NEW.number);
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        VALUES (NEW.business_pk, 'invoice', NEW.id, 1, b.receivables_account_id, NEW.total_amount, 0, 'Invoice ' || NEW.number),
               (NEW.business_pk, 'invoice', NEW.id, 2, b.revenue_account_id, 0, NEW.subtotal_amount, 'Invoice ' || NEW.number),
               (NEW.business_pk, 'invoice', NEW.id, 3, b.tax_account_id, 0, NEW.total_amount - NEW.subtotal_amount, 'Invoice ' || NEW.number);
        RETURN NULL;
    END IF;
    IF (NEW.business_pk, NEW.invoice_date, NEW.number) IS DISTINCT FROM (OLD.business_pk, OLD.invoice_date, OLD.number) THEN
        UPDATE journal_entry
           SET business_pk = NEW.business_pk, entry_date = NEW.invoice_date,
               description = 'Invoice ' || NEW.number
         WHERE canonical_type = 'invoice' AND canonical_pk = NEW.id;
    END IF;
    UPDATE account_transaction a
       SET business_pk = NEW.business_pk, account_id = l.account_id,
           debit_amount = l.debit_amount, credit_amount = l.credit_amount,
           description = 'Invoice ' || NEW.number
      FROM (VALUES (1, b.receivables_account_id, NEW.total_amount, 0::numeric),
                   (2, b.revenue_account_id, 0::numeric, NEW.subtotal_amount),
                   (3, b.tax_account_id, 0::numeric, NEW.total_amount - NEW.subtotal_amount)
           ) AS l(line_no, account_id, debit_amount, credit_amount)
     WHERE a.canonical_type = 'invoice' AND a.canonical_pk = NEW.id AND a.line_no = l.line_no
       AND (a.business_pk, a.account_id, a.debit_amount, a.credit_amount, a.description)
           IS DISTINCT FROM (NEW.business_pk, l.account_id, l.debit_amount, l.credit_amount, 'Invoice ' || NEW.number);
    RETURN NULL;
END $$;

CREATE TRIGGER plrow_invoice AFTER INSERT OR DELETE ON invoice
    FOR EACH ROW EXECUTE FUNCTION plrow_invoice();
CREATE TRIGGER plrow_invoice_upd AFTER UPDATE ON invoice
    FOR EACH ROW
    WHEN ((OLD.business_pk, OLD.invoice_date, OLD.number, OLD.total_amount, OLD.subtotal_amount)
          IS DISTINCT FROM (NEW.business_pk, NEW.invoice_date, NEW.number, NEW.total_amount, NEW.subtotal_amount))
    EXECUTE FUNCTION plrow_invoice();

-- ---------------------------------------------------------------------------
-- income / expense / payment / transfer -> financial_transaction,
-- journal_entry, 2 account_transaction lines. One function per table.
-- ---------------------------------------------------------------------------
CREATE FUNCTION plrow_income() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction WHERE canonical_type = 'income' AND canonical_pk = OLD.id;
        DELETE FROM account_transaction WHERE canonical_type = 'income' AND canonical_pk = OLD.id;
        DELETE FROM journal_entry WHERE canonical_type = 'income' AND canonical_pk = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        VALUES (NEW.business_pk, 'income', NEW.id, NEW.account_id,
                (SELECT name FROM account WHERE id = NEW.account_id),
                NEW.amount, NEW.currency, NEW.income_date, NEW.description);
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        VALUES (NEW.business_pk, 'income', NEW.id, NEW.income_date, 'Income ' || NEW.description);
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        VALUES (NEW.business_pk, 'income', NEW.id, 1, NEW.account_id, NEW.amount, 0, 'Income ' || NEW.description),
               (NEW.business_pk, 'income', NEW.id, 2, NEW.category_account_id, 0, NEW.amount, 'Income ' || NEW.description);
    ELSE
        UPDATE financial_transaction
           SET business_pk = NEW.business_pk, account_id = NEW.account_id,
               account_name = (SELECT name FROM account WHERE id = NEW.account_id),
               amount = NEW.amount, currency = NEW.currency,
               transaction_date = NEW.income_date, description = NEW.description
         WHERE canonical_type = 'income' AND canonical_pk = NEW.id;
        IF (NEW.business_pk, NEW.income_date, NEW.description) IS DISTINCT FROM (OLD.business_pk, OLD.income_date, OLD.description) THEN
            UPDATE journal_entry
               SET business_pk = NEW.business_pk, entry_date = NEW.income_date,
                   description = 'Income ' || NEW.description
             WHERE canonical_type = 'income' AND canonical_pk = NEW.id;
        END IF;
        IF (NEW.business_pk, NEW.account_id, NEW.category_account_id, NEW.amount, NEW.description)
           IS DISTINCT FROM (OLD.business_pk, OLD.account_id, OLD.category_account_id, OLD.amount, OLD.description) THEN
            UPDATE account_transaction
               SET business_pk = NEW.business_pk,
                   account_id = CASE line_no WHEN 1 THEN NEW.account_id ELSE NEW.category_account_id END,
                   debit_amount = CASE line_no WHEN 1 THEN NEW.amount ELSE 0 END,
                   credit_amount = CASE line_no WHEN 1 THEN 0 ELSE NEW.amount END,
                   description = 'Income ' || NEW.description
             WHERE canonical_type = 'income' AND canonical_pk = NEW.id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plrow_expense() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction WHERE canonical_type = 'expense' AND canonical_pk = OLD.id;
        DELETE FROM account_transaction WHERE canonical_type = 'expense' AND canonical_pk = OLD.id;
        DELETE FROM journal_entry WHERE canonical_type = 'expense' AND canonical_pk = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        VALUES (NEW.business_pk, 'expense', NEW.id, NEW.account_id,
                (SELECT name FROM account WHERE id = NEW.account_id),
                -NEW.amount, NEW.currency, NEW.expense_date, NEW.description);
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        VALUES (NEW.business_pk, 'expense', NEW.id, NEW.expense_date, 'Expense ' || NEW.description);
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        VALUES (NEW.business_pk, 'expense', NEW.id, 1, NEW.category_account_id, NEW.amount, 0, 'Expense ' || NEW.description),
               (NEW.business_pk, 'expense', NEW.id, 2, NEW.account_id, 0, NEW.amount, 'Expense ' || NEW.description);
    ELSE
        UPDATE financial_transaction
           SET business_pk = NEW.business_pk, account_id = NEW.account_id,
               account_name = (SELECT name FROM account WHERE id = NEW.account_id),
               amount = -NEW.amount, currency = NEW.currency,
               transaction_date = NEW.expense_date, description = NEW.description
         WHERE canonical_type = 'expense' AND canonical_pk = NEW.id;
        IF (NEW.business_pk, NEW.expense_date, NEW.description) IS DISTINCT FROM (OLD.business_pk, OLD.expense_date, OLD.description) THEN
            UPDATE journal_entry
               SET business_pk = NEW.business_pk, entry_date = NEW.expense_date,
                   description = 'Expense ' || NEW.description
             WHERE canonical_type = 'expense' AND canonical_pk = NEW.id;
        END IF;
        IF (NEW.business_pk, NEW.account_id, NEW.category_account_id, NEW.amount, NEW.description)
           IS DISTINCT FROM (OLD.business_pk, OLD.account_id, OLD.category_account_id, OLD.amount, OLD.description) THEN
            UPDATE account_transaction
               SET business_pk = NEW.business_pk,
                   account_id = CASE line_no WHEN 1 THEN NEW.category_account_id ELSE NEW.account_id END,
                   debit_amount = CASE line_no WHEN 1 THEN NEW.amount ELSE 0 END,
                   credit_amount = CASE line_no WHEN 1 THEN 0 ELSE NEW.amount END,
                   description = 'Expense ' || NEW.description
             WHERE canonical_type = 'expense' AND canonical_pk = NEW.id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plrow_payment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    receivables integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction WHERE canonical_type = 'payment' AND canonical_pk = OLD.id;
        DELETE FROM account_transaction WHERE canonical_type = 'payment' AND canonical_pk = OLD.id;
        DELETE FROM journal_entry WHERE canonical_type = 'payment' AND canonical_pk = OLD.id;
        RETURN NULL;
    END IF;
    SELECT receivables_account_id INTO receivables FROM business WHERE id = NEW.business_pk;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        VALUES (NEW.business_pk, 'payment', NEW.id, NEW.account_id,
                (SELECT name FROM account WHERE id = NEW.account_id),
                NEW.amount, NEW.currency, NEW.payment_date, NEW.description);
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        VALUES (NEW.business_pk, 'payment', NEW.id, NEW.payment_date, 'Payment ' || NEW.description);
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        VALUES (NEW.business_pk, 'payment', NEW.id, 1, NEW.account_id, NEW.amount, 0, 'Payment ' || NEW.description),
               (NEW.business_pk, 'payment', NEW.id, 2, receivables, 0, NEW.amount, 'Payment ' || NEW.description);
    ELSE
        UPDATE financial_transaction
           SET business_pk = NEW.business_pk, account_id = NEW.account_id,
               account_name = (SELECT name FROM account WHERE id = NEW.account_id),
               amount = NEW.amount, currency = NEW.currency,
               transaction_date = NEW.payment_date, description = NEW.description
         WHERE canonical_type = 'payment' AND canonical_pk = NEW.id;
        IF (NEW.business_pk, NEW.payment_date, NEW.description) IS DISTINCT FROM (OLD.business_pk, OLD.payment_date, OLD.description) THEN
            UPDATE journal_entry
               SET business_pk = NEW.business_pk, entry_date = NEW.payment_date,
                   description = 'Payment ' || NEW.description
             WHERE canonical_type = 'payment' AND canonical_pk = NEW.id;
        END IF;
        IF (NEW.business_pk, NEW.account_id, NEW.amount, NEW.description)
           IS DISTINCT FROM (OLD.business_pk, OLD.account_id, OLD.amount, OLD.description) THEN
            UPDATE account_transaction
               SET business_pk = NEW.business_pk,
                   account_id = CASE line_no WHEN 1 THEN NEW.account_id ELSE receivables END,
                   debit_amount = CASE line_no WHEN 1 THEN NEW.amount ELSE 0 END,
                   credit_amount = CASE line_no WHEN 1 THEN 0 ELSE NEW.amount END,
                   description = 'Payment ' || NEW.description
             WHERE canonical_type = 'payment' AND canonical_pk = NEW.id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION plrow_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM financial_transaction WHERE canonical_type = 'transfer' AND canonical_pk = OLD.id;
        DELETE FROM account_transaction WHERE canonical_type = 'transfer' AND canonical_pk = OLD.id;
        DELETE FROM journal_entry WHERE canonical_type = 'transfer' AND canonical_pk = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO financial_transaction (business_pk, canonical_type, canonical_pk, account_id, account_name,
                                           amount, currency, transaction_date, description)
        VALUES (NEW.business_pk, 'transfer', NEW.id, NEW.from_account_id,
                (SELECT name FROM account WHERE id = NEW.from_account_id),
                -NEW.amount, NEW.currency, NEW.transfer_date, NEW.description);
        INSERT INTO journal_entry (business_pk, canonical_type, canonical_pk, entry_date, description)
        VALUES (NEW.business_pk, 'transfer', NEW.id, NEW.transfer_date, 'Transfer ' || NEW.description);
        INSERT INTO account_transaction (business_pk, canonical_type, canonical_pk, line_no,
                                         account_id, debit_amount, credit_amount, description)
        VALUES (NEW.business_pk, 'transfer', NEW.id, 1, NEW.to_account_id, NEW.amount, 0, 'Transfer ' || NEW.description),
               (NEW.business_pk, 'transfer', NEW.id, 2, NEW.from_account_id, 0, NEW.amount, 'Transfer ' || NEW.description);
    ELSE
        UPDATE financial_transaction
           SET business_pk = NEW.business_pk, account_id = NEW.from_account_id,
               account_name = (SELECT name FROM account WHERE id = NEW.from_account_id),
               amount = -NEW.amount, currency = NEW.currency,
               transaction_date = NEW.transfer_date, description = NEW.description
         WHERE canonical_type = 'transfer' AND canonical_pk = NEW.id;
        IF (NEW.business_pk, NEW.transfer_date, NEW.description) IS DISTINCT FROM (OLD.business_pk, OLD.transfer_date, OLD.description) THEN
            UPDATE journal_entry
               SET business_pk = NEW.business_pk, entry_date = NEW.transfer_date,
                   description = 'Transfer ' || NEW.description
             WHERE canonical_type = 'transfer' AND canonical_pk = NEW.id;
        END IF;
        IF (NEW.business_pk, NEW.from_account_id, NEW.to_account_id, NEW.amount, NEW.description)
           IS DISTINCT FROM (OLD.business_pk, OLD.from_account_id, OLD.to_account_id, OLD.amount, OLD.description) THEN
            UPDATE account_transaction
               SET business_pk = NEW.business_pk,
                   account_id = CASE line_no WHEN 1 THEN NEW.to_account_id ELSE NEW.from_account_id END,
                   debit_amount = CASE line_no WHEN 1 THEN NEW.amount ELSE 0 END,
                   credit_amount = CASE line_no WHEN 1 THEN 0 ELSE NEW.amount END,
                   description = 'Transfer ' || NEW.description
             WHERE canonical_type = 'transfer' AND canonical_pk = NEW.id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plrow_income AFTER INSERT OR DELETE ON income
    FOR EACH ROW EXECUTE FUNCTION plrow_income();
CREATE TRIGGER plrow_income_upd AFTER UPDATE ON income
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION plrow_income();
CREATE TRIGGER plrow_expense AFTER INSERT OR DELETE ON expense
    FOR EACH ROW EXECUTE FUNCTION plrow_expense();
CREATE TRIGGER plrow_expense_upd AFTER UPDATE ON expense
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION plrow_expense();
CREATE TRIGGER plrow_payment AFTER INSERT OR DELETE ON payment
    FOR EACH ROW EXECUTE FUNCTION plrow_payment();
CREATE TRIGGER plrow_payment_upd AFTER UPDATE ON payment
    FOR EACH ROW
    WHEN ((OLD.business_pk, OLD.account_id, OLD.amount, OLD.payment_date, OLD.currency, OLD.description)
          IS DISTINCT FROM (NEW.business_pk, NEW.account_id, NEW.amount, NEW.payment_date, NEW.currency, NEW.description))
    EXECUTE FUNCTION plrow_payment();
CREATE TRIGGER plrow_transfer AFTER INSERT OR DELETE ON transfer
    FOR EACH ROW EXECUTE FUNCTION plrow_transfer();
CREATE TRIGGER plrow_transfer_upd AFTER UPDATE ON transfer
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION plrow_transfer();

-- ---------------------------------------------------------------------------
-- Lookups: an account's name (financial_transaction.account_name) and a
-- business's receivables / revenue / tax accounts (journal lines).
-- ---------------------------------------------------------------------------
CREATE FUNCTION plrow_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE financial_transaction f SET account_name = NEW.name
      FROM (SELECT 'income' AS t, id FROM income WHERE account_id = NEW.id
            UNION ALL SELECT 'expense', id FROM expense WHERE account_id = NEW.id
            UNION ALL SELECT 'payment', id FROM payment WHERE account_id = NEW.id
            UNION ALL SELECT 'transfer', id FROM transfer WHERE from_account_id = NEW.id) s
     WHERE f.canonical_type = s.t AND f.canonical_pk = s.id
       AND f.account_name IS DISTINCT FROM NEW.name;
    RETURN NULL;
END $$;

CREATE TRIGGER plrow_account AFTER UPDATE OF name ON account
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION plrow_account();

CREATE FUNCTION plrow_business() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_transaction a
       SET account_id = CASE a.line_no WHEN 1 THEN NEW.receivables_account_id
                                       WHEN 2 THEN NEW.revenue_account_id
                                       ELSE NEW.tax_account_id END
      FROM invoice i
     WHERE i.business_pk = NEW.id
       AND a.canonical_type = 'invoice' AND a.canonical_pk = i.id
       AND a.account_id IS DISTINCT FROM CASE a.line_no WHEN 1 THEN NEW.receivables_account_id
                                                       WHEN 2 THEN NEW.revenue_account_id
                                                       ELSE NEW.tax_account_id END;
    IF NEW.receivables_account_id IS DISTINCT FROM OLD.receivables_account_id THEN
        UPDATE account_transaction a SET account_id = NEW.receivables_account_id
          FROM payment p
         WHERE p.business_pk = NEW.id
           AND a.canonical_type = 'payment' AND a.canonical_pk = p.id AND a.line_no = 2;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER plrow_business AFTER UPDATE OF receivables_account_id, revenue_account_id, tax_account_id ON business
    FOR EACH ROW
    WHEN ((OLD.receivables_account_id, OLD.revenue_account_id, OLD.tax_account_id)
          IS DISTINCT FROM (NEW.receivables_account_id, NEW.revenue_account_id, NEW.tax_account_id))
    EXECUTE FUNCTION plrow_business();
