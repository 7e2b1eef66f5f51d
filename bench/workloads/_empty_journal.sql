-- Untimed, before a denorm rebuild of the journal tables from scratch.
SET denorm.allow_direct_writes = on;
TRUNCATE journal_entry, account_transaction;
RESET denorm.allow_direct_writes;
CHECKPOINT;
