-- Corrections of a health event by replacement (issue 17, item 12): nothing is deleted. The
-- replaced record keeps its row and is marked: `replaced_by` (the replacing event's id; NULL =
-- the record in use), `replaced_at` (when the replacement was recorded, so that the figures "as
-- recorded by a day" before it still read the old record) and `replace_reason`. The packs the
-- figures read hold records in use only: the replacement is inserted (appended to its pack),
-- then the old row marked, which rebuilds the pack through `health_pack_update` without it.
-- Keep in step with ../postgres/0017_health_replacement.sql.
ALTER TABLE health_event ADD COLUMN replaced_by INTEGER;
ALTER TABLE health_event ADD COLUMN replaced_at TEXT;
ALTER TABLE health_event ADD COLUMN replace_reason TEXT;

DROP VIEW health_pack_source;
CREATE VIEW health_pack_source AS
SELECT child_id, kind, group_concat(id || char(31) || date || char(31) || data, char(30)) AS events
FROM (SELECT id, child_id, kind, date, data FROM health_event
      WHERE child_id IS NOT NULL AND replaced_by IS NULL
      ORDER BY child_id, kind, id)
GROUP BY child_id, kind;

-- A row stored already replaced (a restore, an import of an export) is not appended.
DROP TRIGGER health_pack_insert;
CREATE TRIGGER health_pack_insert AFTER INSERT ON health_event
WHEN NEW.child_id IS NOT NULL AND NEW.replaced_by IS NULL BEGIN
    INSERT INTO health_pack (child_id, kind, events)
    VALUES (NEW.child_id, NEW.kind, NEW.id || char(31) || NEW.date || char(31) || NEW.data)
    ON CONFLICT (child_id, kind) DO UPDATE SET events = events || char(30) || excluded.events;
END;
