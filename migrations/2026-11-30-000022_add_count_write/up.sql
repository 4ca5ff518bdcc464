-- Counts one write (delta 1) or takes one back (delta -1) for the write
-- limits (auth::write_limits) and returns the window's count. The app
-- calls it as a statement of its own, outside any transaction: the
-- window's row is then locked only while the statement runs, and its
-- commit does not wait for the disk (a count lost in a crash is a guard's
-- loss, not data's). Counting inside the write's transaction, or in a
-- transaction of the app's, held the lock across round trips and a
-- durable commit, so one account's concurrent writes queued behind each
-- other. Never call it inside a transaction that writes anything else:
-- that transaction's commit would not wait for the disk either.
CREATE FUNCTION count_write(p_user uuid, p_action varchar, p_window timestamptz, p_delta int)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO write_counts AS w (user_id, action, window_start, count)
    VALUES (p_user, p_action, p_window, greatest(p_delta, 0))
    ON CONFLICT (user_id, action, window_start)
        DO UPDATE SET count = greatest(w.count + p_delta, 0)
    RETURNING w.count INTO n;
    RETURN n;
END;
$$;
