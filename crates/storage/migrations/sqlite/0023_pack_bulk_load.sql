-- Nothing on SQLite (issue 19): PostgreSQL's packs' trigger is set aside by a whole commune's
-- load (../postgres/0023_pack_bulk_load.sql) because each rewrite of a pack there leaves a row
-- version behind; SQLite rewrites the pack in place.
SELECT 1;
