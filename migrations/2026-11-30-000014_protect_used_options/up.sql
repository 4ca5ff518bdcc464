-- An option's value is stored as text on the issues that chose it
-- (issue_plane_contexts.value), not as a foreign key to the option, so
-- this trigger is that key: an option that any issue chose cannot be
-- deleted, nor its value or field changed (its label can). The app
-- retires such an option (is_active) instead. Deleting a field that any
-- issue answered is already refused by issue_plane_contexts' foreign key
-- (ON DELETE RESTRICT); deleting its plane or an unused field cascades
-- to the options, which pass through here too.
--
-- The lookup is an index probe on issue_plane_contexts
-- (plane_context_id, value).
CREATE FUNCTION refuse_losing_used_option() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.value = OLD.value
       AND NEW.plane_context_id = OLD.plane_context_id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM issue_plane_contexts ipc
               WHERE ipc.plane_context_id = OLD.plane_context_id
                 AND ipc.value = OLD.value) THEN
        RAISE EXCEPTION 'option "%" is chosen on issues: retire it instead', OLD.value
            USING ERRCODE = 'restrict_violation',
                  CONSTRAINT = 'plane_context_options_used_by_issues',
                  TABLE = 'plane_context_options';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER plane_context_options_keep_used
    BEFORE DELETE OR UPDATE OF value, plane_context_id ON plane_context_options
    FOR EACH ROW EXECUTE FUNCTION refuse_losing_used_option();
