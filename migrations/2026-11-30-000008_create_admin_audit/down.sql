DROP TABLE admin_audit;
DROP FUNCTION admin_audit_reject_update();
DROP TYPE audit_kind;
