-- The admin's doc list: ordered and keyset-paged by (lower(title), id).
CREATE INDEX docs_lower_title_id_idx ON docs (lower(title), id);
