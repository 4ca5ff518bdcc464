DELETE FROM login_attempts WHERE scope = 'account_address' OR length(subject) > 320;
ALTER TABLE login_attempts ALTER COLUMN subject TYPE varchar(320);
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_scope_check;
ALTER TABLE login_attempts
    ADD CONSTRAINT login_attempts_scope_check CHECK (scope IN ('account', 'address'));
