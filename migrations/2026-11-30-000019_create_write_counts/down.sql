DROP TABLE write_counts;
