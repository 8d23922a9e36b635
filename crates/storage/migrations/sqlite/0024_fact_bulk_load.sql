-- Nothing on SQLite (issue 19): a large load there drops the copying trigger and writes the
-- copies with its rows (`bulk.rs`); PostgreSQL's trigger is set aside for a load's own
-- transaction (../postgres/0024_fact_bulk_load.sql).
SELECT 1;
