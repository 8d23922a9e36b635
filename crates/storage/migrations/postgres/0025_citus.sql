-- Ready for Citus (issue 19): on a database where the `citus` extension is installed, every
-- commune table is distributed by `commune`, all co-located with `commune` (so a commune's
-- joins, foreign keys and triggers stay on one node), and the list of communes is a reference
-- table (a copy on every node). The migration runner calls `treem_distribute()` after every
-- run, so a table made by a later migration is distributed too; without Citus it does nothing.
-- The province's own tables and the migrations' record stay on the coordinator.
--
-- On Citus a statement's shards are read on the workers over connections of the coordinator's
-- current role, which do not carry the connection's `treem.commune`: row security there would
-- see no commune and find nothing. So on Citus each hosted commune has its own login role,
-- `treem_c_<number>` (a member of `treem_tenant`, never bypassing row security), its
-- connections take that role, and `treem_commune()` reads the commune from the role first, on
-- every node alike. Without Citus nothing changes: no such role exists and the setting decides.

CREATE OR REPLACE FUNCTION treem_commune() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN left(current_user, 8) = 'treem_c_' THEN substr(current_user, 9)::BIGINT
              ELSE NULLIF(current_setting('treem.commune', true), '')::BIGINT END $$;

-- The role of each hosted commune, on Citus (made again for a commune added later).
CREATE FUNCTION treem_commune_roles() RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    role TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    FOR role IN SELECT 'treem_c_' || id FROM hosted_commune ORDER BY id LOOP
        IF to_regrole(role) IS NULL THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOBYPASSRLS IN ROLE treem_tenant', role);
        END IF;
        IF NOT pg_has_role(current_user, role, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', role, current_user);
        END IF;
    END LOOP;
END
$$;

-- The views that define the figures' copies also give each copy's commune, from its source
-- row: the statements that fill the copies from them name it (`copies.rs`, `health/mod.rs`),
-- which lets Citus write each copy on its source's node. Filled with the column's default
-- instead, Citus moved the rows through the coordinator by `COPY`, which it refuses under row
-- security («COPY FROM not supported with row-level security»). As 0005 and 0017 otherwise,
-- the new column last.
CREATE OR REPLACE VIEW child_fact_source WITH (security_invoker = true) AS
SELECT child_id, version, village_id, recorded_at,
    child_id || ',' || version || ',' || village_id || ',' || recorded_at || chr(31) || jsonb_build_array(
        j -> 'sex', j -> 'date_of_birth', j -> 'dob_precision', j -> 'ethnicity', j -> 'village',
        j -> 'birth_registered_on', j -> 'school_level', j -> 'circumstances', j -> 'moved_in',
        j -> 'moved_out', j -> 'died_on')::text AS line,
    commune
FROM (SELECT child_id, version, village_id, recorded_at, data::jsonb AS j, commune FROM child_version) AS v;

CREATE OR REPLACE VIEW health_pack_source WITH (security_invoker = true) AS
SELECT child_id, kind, string_agg(id || chr(31) || date || chr(31) || data, chr(30) ORDER BY id) AS events,
    commune
FROM health_event WHERE child_id IS NOT NULL AND replaced_by IS NULL
GROUP BY commune, child_id, kind;

-- The figures' copies on Citus. The triggers that keep `child_fact` and `health_pack` in step
-- (0005, 0017, 0023, 0024) run on the worker, on the shard the row is in, where a statement on a
-- distributed table is refused («cannot execute a distributed query from a query on a shard»);
-- Citus's setting that would allow it gives no guarantee of correctness: such a statement may run
-- over another connection, which does not see the row being written. So on Citus the triggers
-- write the co-located shard of the copy, on the same node and in the same transaction: the same
-- lines as the views `child_fact_source` and `health_pack_source` make (`treem check` compares
-- them). `treem_distribute()` puts these in the triggers' place before distributing; a later
-- migration that changes the copies changes these too.
CREATE FUNCTION treem_citus_shard(tbl TEXT, commune BIGINT) RETURNS TEXT LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN shard_name(tbl::regclass, get_shard_id_for_distribution_column(tbl::regclass, commune));
END
$$;

CREATE FUNCTION treem_child_fact_sync_citus() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    facts TEXT := treem_citus_shard('child_fact', COALESCE(NEW.commune, OLD.commune));
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('DELETE FROM %s WHERE commune = $1 AND child_id = $2 AND version = $3', facts)
        USING OLD.commune, OLD.child_id, OLD.version;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format(
            'INSERT INTO %s (commune, child_id, version, village_id, recorded_at, line)
             SELECT $1, $2, $3, $4, $5,
                 $2 || '','' || $3 || '','' || $4 || '','' || $5 || chr(31) || jsonb_build_array(
                 j -> ''sex'', j -> ''date_of_birth'', j -> ''dob_precision'', j -> ''ethnicity'',
                 j -> ''village'', j -> ''birth_registered_on'', j -> ''school_level'',
                 j -> ''circumstances'', j -> ''moved_in'', j -> ''moved_out'', j -> ''died_on'')::text
             FROM (SELECT $6::jsonb AS j) AS v', facts)
        USING NEW.commune, NEW.child_id, NEW.version, NEW.village_id, NEW.recorded_at, NEW.data;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION treem_health_pack_rebuild_citus(commune BIGINT, child BIGINT, kind TEXT)
RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    packs TEXT := treem_citus_shard('health_pack', commune);
    events TEXT := treem_citus_shard('health_event', commune);
BEGIN
    EXECUTE format('DELETE FROM %s WHERE commune = $1 AND child_id = $2 AND kind = $3', packs)
    USING commune, child, kind;
    EXECUTE format(
        'INSERT INTO %s (commune, child_id, kind, events)
         SELECT commune, child_id, kind,
             string_agg(id || chr(31) || date || chr(31) || data, chr(30) ORDER BY id)
         FROM %s WHERE commune = $1 AND child_id = $2 AND kind = $3 AND replaced_by IS NULL
         GROUP BY commune, child_id, kind', packs, events)
    USING commune, child, kind;
END
$$;

CREATE FUNCTION treem_health_pack_sync_citus() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.child_id IS NOT NULL AND NEW.replaced_by IS NULL THEN
            EXECUTE format(
                'INSERT INTO %s AS p (commune, child_id, kind, events) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (commune, child_id, kind)
                 DO UPDATE SET events = p.events || chr(30) || EXCLUDED.events',
                treem_citus_shard('health_pack', NEW.commune))
            USING NEW.commune, NEW.child_id, NEW.kind, NEW.id || chr(31) || NEW.date || chr(31) || NEW.data;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM treem_health_pack_rebuild_citus(OLD.commune, OLD.child_id, OLD.kind);
    IF TG_OP = 'UPDATE' AND NEW.child_id IS NOT NULL
        AND (NEW.child_id, NEW.kind) IS DISTINCT FROM (OLD.child_id, OLD.kind) THEN
        PERFORM treem_health_pack_rebuild_citus(NEW.commune, NEW.child_id, NEW.kind);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION treem_distribute() RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    global_tables CONSTANT TEXT[] := ARRAY['schema_migration', 'province_commune',
        'province_package', 'hosted_commune'];
    todo TEXT[];
    r RECORD;
    progress BOOLEAN;
    part TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    -- One connection a node for the whole run: tables with foreign keys to a reference table
    -- cannot be distributed over several in one transaction.
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    -- The triggers (the figures' copies, the audit chain) run on the node of the commune's
    -- shards, where every table they write is co-located.
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'child_version'::regclass) THEN
        DROP TRIGGER child_fact_sync ON child_version;
        CREATE TRIGGER child_fact_sync AFTER INSERT OR UPDATE OR DELETE ON child_version
        FOR EACH ROW EXECUTE FUNCTION treem_child_fact_sync_citus();
        DROP TRIGGER health_pack_sync ON health_event;
        CREATE TRIGGER health_pack_sync AFTER INSERT OR UPDATE OR DELETE ON health_event
        FOR EACH ROW EXECUTE FUNCTION treem_health_pack_sync_citus();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'hosted_commune'::regclass) THEN
        PERFORM create_reference_table('hosted_commune');
    END IF;
    -- Parents before the tables that point at them: a foreign key must find its table
    -- distributed already.
    LOOP
        SELECT array_agg(c.relname::TEXT ORDER BY c.relname <> 'commune', c.relname) INTO todo
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
          AND NOT c.relispartition AND c.relname <> ALL (global_tables)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
          AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid);
        EXIT WHEN todo IS NULL;
        progress := false;
        FOR r IN SELECT t FROM unnest(todo) t LOOP
            CONTINUE WHEN EXISTS (
                SELECT 1 FROM pg_constraint k
                WHERE k.contype = 'f' AND k.conparentid = 0 AND k.conrelid = r.t::regclass
                  AND k.confrelid <> k.conrelid
                  AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = k.confrelid));
            IF r.t = 'commune' THEN
                PERFORM create_distributed_table(r.t, 'commune');
            ELSE
                PERFORM create_distributed_table(r.t, 'commune', colocate_with => 'commune');
            END IF;
            -- The rows were copied to the shards; the local copies are no longer read.
            FOR part IN SELECT c.oid::regclass::TEXT FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
                        WHERE i.inhparent = r.t::regclass
                        UNION ALL SELECT r.t WHERE (SELECT relkind FROM pg_class WHERE oid = r.t::regclass) = 'r' LOOP
                PERFORM truncate_local_data_after_distributing_table(part);
            END LOOP;
            progress := true;
        END LOOP;
        IF NOT progress THEN
            RAISE EXCEPTION 'treem_distribute: no order distributes %', todo;
        END IF;
    END LOOP;
    PERFORM treem_commune_roles();
END
$$;
