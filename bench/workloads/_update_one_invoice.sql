-- One transaction (a DO block) that changes the items of invoice 1
-- bench.reps times (a setting commit_time.sh passes), one UPDATE each.
DO $$
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        UPDATE invoice_item SET unit_price = unit_price + 0.01 WHERE id = 1 + i % 10;
    END LOOP;
END $$;
