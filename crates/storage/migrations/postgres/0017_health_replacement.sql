-- Corrections of a health event by replacement (issue 17, item 12): nothing is deleted. The
-- replaced record keeps its row and is marked: `replaced_by` (the replacing event's id; NULL =
-- the record in use), `replaced_at` (when the replacement was recorded, so that the figures "as
-- recorded by a day" before it still read the old record) and `replace_reason`. The packs the
-- figures read hold records in use only: the replacement is inserted (appended to its pack),
-- then the old row marked, which rebuilds the pack through `treem_health_pack_sync` without it.
-- Keep in step with ../sqlite/0017_health_replacement.sql.
ALTER TABLE health_event ADD COLUMN replaced_by BIGINT;
ALTER TABLE health_event ADD COLUMN replaced_at TEXT;
ALTER TABLE health_event ADD COLUMN replace_reason TEXT;

CREATE OR REPLACE VIEW health_pack_source AS
SELECT child_id, kind, string_agg(id || chr(31) || date || chr(31) || data, chr(30) ORDER BY id) AS events
FROM health_event WHERE child_id IS NOT NULL AND replaced_by IS NULL
GROUP BY child_id, kind;

-- As in 0005, except that a row stored already replaced (a restore, an import of an export)
-- is not appended.
CREATE OR REPLACE FUNCTION treem_health_pack_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.child_id IS NOT NULL AND NEW.replaced_by IS NULL THEN
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
