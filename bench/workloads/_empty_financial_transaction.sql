-- Untimed, before a denorm rebuild of financial_transaction from scratch.
SET denorm.allow_direct_writes = on;
TRUNCATE financial_transaction;
RESET denorm.allow_direct_writes;
CHECKPOINT;
