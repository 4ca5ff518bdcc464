DROP TRIGGER users_bump_changes ON users;
DROP TRIGGER planes_bump_changes ON planes;
DROP TRIGGER environments_bump_changes ON environments;
DROP TRIGGER customers_bump_changes ON customers;
DROP TRIGGER issues_bump_changes ON issues;
DROP FUNCTION bump_change_counter();
DROP SEQUENCE directory_changes;
DROP SEQUENCE issue_changes;
