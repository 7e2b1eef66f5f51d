-- Untimed, before a denorm rebuild of invoice totals from scratch: zero the
-- totals by hand (superuser), which denorm cascades to the invoice journal
-- lines, then vacuum and checkpoint so the timed step starts clean.
SET denorm.allow_direct_writes = on;
UPDATE invoice SET total_amount = 0, subtotal_amount = 0, item_count = 0;
RESET denorm.allow_direct_writes;
VACUUM invoice, account_transaction;
CHECKPOINT;
