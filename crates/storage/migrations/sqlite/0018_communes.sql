-- Many communes in one database (issue 19) is PostgreSQL's (../postgres/0018_communes.sql): a
-- SQLite file holds one commune, so its tables need no commune column. The number is kept so
-- that both backends count the same versions.
SELECT 1;
