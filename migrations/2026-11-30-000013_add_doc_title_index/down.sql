DROP INDEX docs_lower_title_id_idx;
