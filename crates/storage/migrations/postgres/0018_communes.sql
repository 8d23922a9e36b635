-- Many communes in one database (issue 19). Keep the SQLite file of this number in step (there
-- it changes nothing: a SQLite file holds one commune).
--
-- Every table of a commune's work gets the column `commune`, the distribution column of a
-- Citus cluster and here the partition key: primary keys, unique keys and foreign keys lead
-- with it, every index leads with it, and each table is split into 8 hash partitions by it, the
-- stand-in for shards. Row-level security scopes every statement of the application to the
-- commune its connection was opened for (`treem.commune`, set by `Db` on each connection, read
-- by `treem_commune()`); the application's connections run as the role `treem_tenant`, which
-- never bypasses it. Rows already stored belong to commune 1.
--
-- The conversion reads the catalogue rather than naming tables, so that it covers every table
-- the earlier migrations made (those of any branch merged before it), and skips what belongs to an
-- extension (Citus keeps views such as `citus_tables` in the public schema).

CREATE FUNCTION treem_commune() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('treem.commune', true), '')::BIGINT $$;

-- The communes this database hosts (global: the same on every node of a cluster). The
-- commune's own row (`commune`, its name and province) stays with its data.
CREATE TABLE hosted_commune (
    id BIGINT PRIMARY KEY,
    code TEXT UNIQUE,
    name TEXT,
    host TEXT UNIQUE,
    added_at TEXT NOT NULL
);
INSERT INTO hosted_commune (id, code, name, host, added_at)
VALUES (1, (SELECT code FROM commune WHERE id = 1), (SELECT name FROM commune WHERE id = 1), NULL,
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));

DO $migration$
DECLARE
    global_tables CONSTANT TEXT[] := ARRAY['schema_migration', 'province_commune',
        'province_package', 'hosted_commune'];
    tenant TEXT[];
    t TEXT;
    r RECORD;
    i INT;
    cols TEXT;
BEGIN
    SELECT array_agg(c.relname::TEXT ORDER BY c.relname) INTO tenant
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition
      AND c.relname <> ALL (global_tables) AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');

    -- What the old tables carry, to make again on the new ones.
    CREATE TEMP TABLE saved_constraint ON COMMIT DROP AS
    SELECT c.conrelid::regclass::TEXT AS tbl, c.conname::TEXT AS name, c.contype AS kind,
           pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c
    WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f', 'c')
      AND c.conrelid::regclass::TEXT = ANY (tenant);
    CREATE TEMP TABLE saved_index ON COMMIT DROP AS
    SELECT i.tablename::TEXT AS tbl, i.indexname::TEXT AS name, i.indexdef AS def
    FROM pg_indexes i
    WHERE i.schemaname = 'public' AND i.tablename = ANY (tenant)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                      AND c.connamespace = 'public'::regnamespace);
    CREATE TEMP TABLE saved_view ON COMMIT DROP AS
    SELECT v.viewname::TEXT AS name, v.definition AS def
    FROM pg_views v WHERE v.schemaname = 'public'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = format('%I', v.viewname)::regclass AND d.deptype = 'e');
    CREATE TEMP TABLE saved_trigger ON COMMIT DROP AS
    SELECT pg_get_triggerdef(g.oid) AS def
    FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
    WHERE NOT g.tgisinternal AND c.relnamespace = 'public'::regnamespace
      AND c.relname = ANY (tenant);
    CREATE TEMP TABLE saved_identity ON COMMIT DROP AS
    SELECT c.relname::TEXT AS tbl, a.attname::TEXT AS col
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relname = ANY (tenant) AND c.relnamespace = 'public'::regnamespace
      AND a.attidentity <> '' AND NOT a.attisdropped;

    FOR r IN SELECT name FROM saved_view LOOP
        EXECUTE format('DROP VIEW %I', r.name);
    END LOOP;

    FOREACH t IN ARRAY tenant LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_before_communes');
        EXECUTE format(
            'CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED,
                commune BIGINT NOT NULL DEFAULT treem_commune()) PARTITION BY HASH (commune)',
            t, t || '_before_communes');
        FOR i IN 0..7 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 8, REMAINDER %s)',
                t || '_p' || i, t, i);
        END LOOP;
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
        FROM pg_attribute a
        WHERE a.attrelid = (t || '_before_communes')::regclass AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format('INSERT INTO %I (%s, commune) SELECT %s, 1 FROM %I',
            t, cols, cols, t || '_before_communes');
    END LOOP;

    FOREACH t IN ARRAY tenant LOOP
        EXECUTE format('DROP TABLE %I CASCADE', t || '_before_communes');
    END LOOP;

    -- Keys lead with the commune: primary and unique first, then the foreign keys that point
    -- at them, then checks.
    FOR r IN SELECT * FROM saved_constraint WHERE kind IN ('p', 'u') ORDER BY kind, tbl, name LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.tbl, r.name,
            regexp_replace(r.def, '^(PRIMARY KEY|UNIQUE) \(', '\1 (commune, '));
    END LOOP;
    FOR r IN SELECT * FROM saved_constraint WHERE kind = 'f' ORDER BY tbl, name LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.tbl, r.name,
            regexp_replace(
                regexp_replace(r.def, '^FOREIGN KEY \(', 'FOREIGN KEY (commune, '),
                'REFERENCES ([a-z_.]+)\(', 'REFERENCES \1(commune, '));
    END LOOP;
    FOR r IN SELECT * FROM saved_constraint WHERE kind = 'c' ORDER BY tbl, name LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.tbl, r.name, r.def);
    END LOOP;
    FOR r IN SELECT * FROM saved_index ORDER BY tbl, name LOOP
        EXECUTE regexp_replace(r.def, ' USING (\w+) \(', ' USING \1 (commune, ');
    END LOOP;

    -- Identity columns count on from the ids already given.
    FOR r IN SELECT * FROM saved_identity LOOP
        EXECUTE format(
            'SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE((SELECT MAX(%I) FROM %I), 0) + 1, false)',
            r.tbl, r.col, r.col, r.tbl);
    END LOOP;

    -- Views read with the rights (and so the row security) of whoever reads them.
    FOR r IN SELECT * FROM saved_view ORDER BY name LOOP
        EXECUTE format('CREATE VIEW %I WITH (security_invoker = true) AS %s', r.name, r.def);
    END LOOP;
    FOR r IN SELECT * FROM saved_trigger LOOP
        EXECUTE r.def;
    END LOOP;

    -- Trigger functions that upsert name the commune in their conflict target.
    FOR r IN SELECT p.oid FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
               AND p.prosrc ~ 'ON CONFLICT \('
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                               AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE regexp_replace(pg_get_functiondef(r.oid), 'ON CONFLICT \(', 'ON CONFLICT (commune, ', 'g');
    END LOOP;

    FOREACH t IN ARRAY tenant LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY commune_only ON %I USING (commune = treem_commune())
                WITH CHECK (commune = treem_commune())', t);
    END LOOP;
END
$migration$;

-- The province's side (the communes it trusts, the packages it received: their `commune`
-- column is the sender's code) belongs to the database's first commune, its seat — the
-- province or district that runs a database hosting many communes, or the province's own
-- database. No other commune sees or writes it, whatever accounts it makes.
ALTER TABLE province_commune ENABLE ROW LEVEL SECURITY;
CREATE POLICY seat_only ON province_commune USING (treem_commune() = 1) WITH CHECK (treem_commune() = 1);
ALTER TABLE province_package ENABLE ROW LEVEL SECURITY;
CREATE POLICY seat_only ON province_package USING (treem_commune() = 1) WITH CHECK (treem_commune() = 1);

-- The role the application's connections take. Creating it needs a superuser or CREATEROLE; a
-- database administrator may create it beforehand instead (docs/operations.md).
DO $role$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'treem_tenant') THEN
        BEGIN
            CREATE ROLE treem_tenant NOLOGIN NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'treem_tenant', 'MEMBER') THEN
        EXECUTE format('GRANT treem_tenant TO %I', current_user);
    END IF;
END
$role$;

-- What the role may do: read and write the tables through their parents (never a partition, so
-- never past the row security), use the sequences, make temporary tables. Granted again by the
-- migration runner after every migration (`treem_grant_tenant`), so later tables are covered.
CREATE FUNCTION treem_grant_tenant() RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    EXECUTE 'GRANT USAGE ON SCHEMA public TO treem_tenant';
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO treem_tenant', current_database());
    FOR r IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
               AND NOT c.relispartition
               AND c.relname NOT IN ('hosted_commune', 'schema_migration')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO treem_tenant', r.relname);
    END LOOP;
    -- The list of communes and the schema's version: read, never written, by a commune.
    EXECUTE 'GRANT SELECT ON hosted_commune, schema_migration TO treem_tenant';
    EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO treem_tenant';
END
$$;
SELECT treem_grant_tenant();
