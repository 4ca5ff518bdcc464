DROP FUNCTION count_write(uuid, varchar, timestamptz, int);
