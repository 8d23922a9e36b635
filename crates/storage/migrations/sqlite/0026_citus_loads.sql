-- Nothing on SQLite: Citus's distribution and loads (../postgres/0026_citus_loads.sql).
SELECT 1;
