-- What-if for bench/instructions.sh --setup: drop the maintenance triggers of
-- invoice and payment that W3 fires for nothing (the invoice's journal entry
-- and totals-target triggers) or never fires (DELETE, TRUNCATE, UPDATE of
-- payment). Measures what those trigger calls and list entries cost; the
-- projections are not maintained for those events afterwards.
DROP TRIGGER denorm_je_invoice_upd ON invoice;
DROP TRIGGER denorm_invoice_totals_tgt_upd ON invoice;
DROP TRIGGER denorm_invoice_totals_tgt_ins ON invoice;
DROP TRIGGER denorm_je_invoice_del ON invoice;
DROP TRIGGER denorm_je_invoice_trunc ON invoice;
DROP TRIGGER denorm_je_payment_del ON payment;
DROP TRIGGER denorm_je_payment_trunc ON payment;
DROP TRIGGER denorm_jl_payment_del ON payment;
DROP TRIGGER denorm_jl_payment_trunc ON payment;
DROP TRIGGER denorm_je_payment_upd ON payment;
DROP TRIGGER denorm_jl_payment_upd ON payment;
