-- Sign-in is limited per (account, address) first, so a stranger's wrong
-- passwords from one address cannot lock the owner out from another; the
-- per-account count stays as a much higher, distributed-attack limit.
-- A pair's subject is "<e-mail> <address>", longer than an e-mail alone.
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_scope_check;
ALTER TABLE login_attempts
    ADD CONSTRAINT login_attempts_scope_check
    CHECK (scope IN ('account', 'address', 'account_address'));
ALTER TABLE login_attempts ALTER COLUMN subject TYPE varchar(400);
