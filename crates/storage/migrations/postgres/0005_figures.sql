-- Narrow copies of what the indicator engine reads, beside the full records: the figures for a
-- million children read about 80 bytes a child version and a few hundred thousand packs of
-- health events, instead of every whole record and millions of event rows. The database keeps
-- them itself (triggers), so that no write path, import or restore can forget them. What each
-- copy holds is defined once, by the views `child_fact_source` and `health_pack_source`; the
-- rows already stored are copied from them after this script (`copies.rs`, which `treem
-- rebuild-copies` also runs). Keep in step with ../sqlite/0005_figures.sql.

-- A child version as the figures read it, one line: `child_id,version,village_id,recorded_at`,
-- US (chr 31), then the record's indicator fields as a JSON array, in this order: sex,
-- date_of_birth, dob_precision, ethnicity, village, birth_registered_on, school_level,
-- circumstances, moved_in, moved_out, died_on (the values exactly as in the record; a missing
-- one is null). Reading one stored line per version is half the database's work of reading
-- the columns.
CREATE TABLE child_fact (
    child_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (child_id, version)
);

CREATE VIEW child_fact_source AS
SELECT child_id, version, village_id, recorded_at,
    child_id || ',' || version || ',' || village_id || ',' || recorded_at || chr(31) || jsonb_build_array(
        j -> 'sex', j -> 'date_of_birth', j -> 'dob_precision', j -> 'ethnicity', j -> 'village',
        j -> 'birth_registered_on', j -> 'school_level', j -> 'circumstances', j -> 'moved_in',
        j -> 'moved_out', j -> 'died_on')::text AS line
FROM (SELECT child_id, version, village_id, recorded_at, data::jsonb AS j FROM child_version) AS v;

CREATE FUNCTION treem_child_fact_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM child_fact WHERE child_id = OLD.child_id AND version = OLD.version;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO child_fact (child_id, version, village_id, recorded_at, line)
        SELECT child_id, version, village_id, recorded_at, line FROM child_fact_source
        WHERE child_id = NEW.child_id AND version = NEW.version;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER child_fact_sync AFTER INSERT OR UPDATE OR DELETE ON child_version
FOR EACH ROW EXECUTE FUNCTION treem_child_fact_sync();

-- A child's health events of one kind, packed into one text: entries `id US date US data`
-- (US = chr(31)) joined by RS (chr(30)), in id order. Events without a child (the HIV
-- follow-up counts) stay in health_event only. A new event is appended (the reader puts a pack
-- whose concurrent writers appended out of order back in id order); a changed or removed one
-- rebuilds its child's pack.
CREATE TABLE health_pack (
    child_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    events TEXT NOT NULL,
    PRIMARY KEY (child_id, kind)
);

CREATE VIEW health_pack_source AS
SELECT child_id, kind, string_agg(id || chr(31) || date || chr(31) || data, chr(30) ORDER BY id) AS events
FROM health_event WHERE child_id IS NOT NULL
GROUP BY child_id, kind;

CREATE FUNCTION treem_health_pack_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.child_id IS NOT NULL THEN
            INSERT INTO health_pack (child_id, kind, events)
            VALUES (NEW.child_id, NEW.kind, NEW.id || chr(31) || NEW.date || chr(31) || NEW.data)
            ON CONFLICT (child_id, kind)
            DO UPDATE SET events = health_pack.events || chr(30) || EXCLUDED.events;
        END IF;
        RETURN NULL;
    END IF;
    DELETE FROM health_pack WHERE child_id = OLD.child_id AND kind = OLD.kind;
    INSERT INTO health_pack (child_id, kind, events)
    SELECT child_id, kind, events FROM health_pack_source
    WHERE child_id = OLD.child_id AND kind = OLD.kind;
    IF TG_OP = 'UPDATE' AND NEW.child_id IS NOT NULL
        AND (NEW.child_id, NEW.kind) IS DISTINCT FROM (OLD.child_id, OLD.kind) THEN
        DELETE FROM health_pack WHERE child_id = NEW.child_id AND kind = NEW.kind;
        INSERT INTO health_pack (child_id, kind, events)
        SELECT child_id, kind, events FROM health_pack_source
        WHERE child_id = NEW.child_id AND kind = NEW.kind;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER health_pack_sync AFTER INSERT OR UPDATE OR DELETE ON health_event
FOR EACH ROW EXECUTE FUNCTION treem_health_pack_sync();
