-- Nothing on SQLite: a SQLite file is one commune on one machine
-- (../postgres/0025_citus.sql distributes a PostgreSQL database's tables on Citus).
SELECT 1;
