-- Citus (issue 19), as found by running the whole test suite on a cluster.
--
-- 1. `treem_distribute()` truncated each table's local rows as soon as it was distributed.
--    Citus cascades that truncation along the foreign keys that point at the table, so a table
--    not yet distributed lost its rows before they were copied to the shards: a database with
--    data in it (an upgrade, `import all` into an older schema) came out of its first opening on
--    Citus without its children's versions, case entries and seals. The local rows are now
--    truncated once every table is distributed. And the copying triggers are put back only
--    then: left in place, they copied each version and health event again as it reached its
--    shard, beside the copy that travelled with the figures' tables.
-- 2. A load's `treem.bulk_load` reaches the workers (`copies::bulk_load` says it with `SET LOCAL`
--    under `citus.propagate_set_commands = local`), and the Citus copying triggers set the load's
--    new rows aside as 0023 and 0024 do on one server: the load copies them once at its end
--    instead of row by row on the workers.

CREATE OR REPLACE FUNCTION treem_child_fact_sync_citus() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    facts TEXT := treem_citus_shard('child_fact', COALESCE(NEW.commune, OLD.commune));
BEGIN
    IF TG_OP = 'INSERT' AND current_setting('treem.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
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

CREATE OR REPLACE FUNCTION treem_health_pack_sync_citus() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF current_setting('treem.bulk_load', true) = 'on' THEN
            RETURN NULL;
        END IF;
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

CREATE OR REPLACE FUNCTION treem_distribute() RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    global_tables CONSTANT TEXT[] := ARRAY['schema_migration', 'province_commune',
        'province_package', 'hosted_commune'];
    todo TEXT[];
    r RECORD;
    progress BOOLEAN;
    part TEXT;
    done TEXT[] := ARRAY[]::TEXT[];
    swap BOOLEAN;
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
    swap := NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'child_version'::regclass);
    IF swap THEN
        -- The copies travel to the shards with the rows they copy: a trigger left in place
        -- would copy each row again as it reached its shard.
        DROP TRIGGER child_fact_sync ON child_version;
        DROP TRIGGER health_pack_sync ON health_event;
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
            done := done || r.t;
            progress := true;
        END LOOP;
        IF NOT progress THEN
            RAISE EXCEPTION 'treem_distribute: no order distributes %', todo;
        END IF;
    END LOOP;
    IF swap THEN
        CREATE TRIGGER child_fact_sync AFTER INSERT OR UPDATE OR DELETE ON child_version
        FOR EACH ROW EXECUTE FUNCTION treem_child_fact_sync_citus();
        CREATE TRIGGER health_pack_sync AFTER INSERT OR UPDATE OR DELETE ON health_event
        FOR EACH ROW EXECUTE FUNCTION treem_health_pack_sync_citus();
    END IF;
    -- The rows were copied to the shards; the local copies are no longer read. Only now that
    -- every table is distributed: the truncation cascades along the foreign keys that point at
    -- a table, and a table not yet distributed would lose its rows before they were copied.
    FOR part IN SELECT c.oid::regclass::TEXT FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
                WHERE i.inhparent::regclass::TEXT = ANY (done)
                UNION ALL SELECT t FROM unnest(done) t
                WHERE (SELECT relkind FROM pg_class WHERE oid = t::regclass) = 'r' LOOP
        PERFORM truncate_local_data_after_distributing_table(part);
    END LOOP;
    PERFORM treem_commune_roles();
END
$$;
