-- The admin customer list pages by (lower(name), id) with a row comparison,
-- and the forms look a name up case-insensitively (lower(name) = lower($1)):
-- both walk this index instead of sorting or scanning every customer.
CREATE INDEX customers_lower_name_id_idx ON customers (lower(name), id);
