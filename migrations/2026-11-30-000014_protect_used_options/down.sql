DROP TRIGGER plane_context_options_keep_used ON plane_context_options;
DROP FUNCTION refuse_losing_used_option();
