DROP TRIGGER plane_context_options_bump_changes ON plane_context_options;
DROP TRIGGER plane_contexts_bump_changes ON plane_contexts;
DROP TRIGGER docs_bump_changes ON docs;
DROP SEQUENCE catalog_changes;
