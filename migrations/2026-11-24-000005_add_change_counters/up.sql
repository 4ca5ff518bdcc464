-- Change counters for the app's caches. Every statement that writes a
-- ticket bumps issue_changes; every statement that writes the names and
-- lists pages show (customers, environments, planes, users) bumps
-- directory_changes. A cache entry is kept while its counter reads the same,
-- so one cheap read replaces recounting and reloading. Sequences take no
-- row locks, so concurrent writers never wait on each other here.
CREATE SEQUENCE issue_changes;
CREATE SEQUENCE directory_changes;

CREATE FUNCTION bump_change_counter() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval(TG_ARGV[0]::regclass);
    RETURN NULL;
END;
$$;

CREATE TRIGGER issues_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON issues
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('issue_changes');
CREATE TRIGGER customers_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('directory_changes');
CREATE TRIGGER environments_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON environments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('directory_changes');
CREATE TRIGGER planes_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON planes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('directory_changes');
CREATE TRIGGER users_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('directory_changes');
