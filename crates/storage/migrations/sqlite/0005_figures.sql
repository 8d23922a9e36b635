-- Narrow copies of what the indicator engine reads, beside the full records: the figures for a
-- million children read about 80 bytes a child version and a few hundred thousand packs of
-- health events, instead of every whole record and millions of event rows. The database keeps
-- them itself (triggers), so that no write path, import or restore can forget them. What each
-- copy holds is defined once, by the views `child_fact_source` and `health_pack_source`; the
-- rows already stored are copied from them after this script (`copies.rs`, which `treem
-- rebuild-copies` also runs). Keep in step with ../postgres/0005_figures.sql.

-- A child version as the figures read it, one line: `child_id,version,village_id,recorded_at`,
-- US (char 31), then the record's indicator fields as a JSON array, in this order: sex,
-- date_of_birth, dob_precision, ethnicity, village, birth_registered_on, school_level,
-- circumstances, moved_in, moved_out, died_on (the values exactly as in the record; a missing
-- one is null). Reading one stored line per version is half the database's work of reading
-- the columns.
CREATE TABLE child_fact (
    child_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (child_id, version)
) WITHOUT ROWID;

CREATE VIEW child_fact_source AS
SELECT child_id, version, village_id, recorded_at,
    child_id || ',' || version || ',' || village_id || ',' || recorded_at || char(31) || json_array(
        data -> '$.sex', data -> '$.date_of_birth', data -> '$.dob_precision',
        data -> '$.ethnicity', data -> '$.village', data -> '$.birth_registered_on',
        data -> '$.school_level', data -> '$.circumstances', data -> '$.moved_in',
        data -> '$.moved_out', data -> '$.died_on') AS line
FROM child_version;

CREATE TRIGGER child_fact_insert AFTER INSERT ON child_version BEGIN
    INSERT INTO child_fact (child_id, version, village_id, recorded_at, line)
    SELECT child_id, version, village_id, recorded_at, line FROM child_fact_source
    WHERE child_id = NEW.child_id AND version = NEW.version;
END;

CREATE TRIGGER child_fact_update AFTER UPDATE ON child_version BEGIN
    DELETE FROM child_fact WHERE child_id = OLD.child_id AND version = OLD.version;
    INSERT INTO child_fact (child_id, version, village_id, recorded_at, line)
    SELECT child_id, version, village_id, recorded_at, line FROM child_fact_source
    WHERE child_id = NEW.child_id AND version = NEW.version;
END;

CREATE TRIGGER child_fact_delete AFTER DELETE ON child_version BEGIN
    DELETE FROM child_fact WHERE child_id = OLD.child_id AND version = OLD.version;
END;

-- A child's health events of one kind, packed into one text: entries `id US date US data`
-- (US = char(31)) joined by RS (char(30)), in id order (the reader sorts a pack that is not).
-- Events without a child (the HIV follow-up counts) stay in health_event only. A new event is
-- appended; a changed or removed one rebuilds its child's pack. Packs are aggregated from an
-- ordered subquery rather than with `group_concat(... ORDER BY)`, which SQLite shells older
-- than 3.44 cannot parse: an operator's `sqlite3` must still open the database.
CREATE TABLE health_pack (
    child_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    events TEXT NOT NULL,
    PRIMARY KEY (child_id, kind)
) WITHOUT ROWID;

CREATE VIEW health_pack_source AS
SELECT child_id, kind, group_concat(id || char(31) || date || char(31) || data, char(30)) AS events
FROM (SELECT id, child_id, kind, date, data FROM health_event WHERE child_id IS NOT NULL
      ORDER BY child_id, kind, id)
GROUP BY child_id, kind;

CREATE TRIGGER health_pack_insert AFTER INSERT ON health_event
WHEN NEW.child_id IS NOT NULL BEGIN
    INSERT INTO health_pack (child_id, kind, events)
    VALUES (NEW.child_id, NEW.kind, NEW.id || char(31) || NEW.date || char(31) || NEW.data)
    ON CONFLICT (child_id, kind) DO UPDATE SET events = events || char(30) || excluded.events;
END;

CREATE TRIGGER health_pack_update AFTER UPDATE ON health_event BEGIN
    DELETE FROM health_pack WHERE (child_id = OLD.child_id AND kind = OLD.kind)
        OR (child_id = NEW.child_id AND kind = NEW.kind);
    INSERT INTO health_pack (child_id, kind, events)
    SELECT child_id, kind, events FROM health_pack_source
    WHERE (child_id = OLD.child_id AND kind = OLD.kind)
        OR (child_id = NEW.child_id AND kind = NEW.kind);
END;

CREATE TRIGGER health_pack_delete AFTER DELETE ON health_event
WHEN OLD.child_id IS NOT NULL BEGIN
    DELETE FROM health_pack WHERE child_id = OLD.child_id AND kind = OLD.kind;
    INSERT INTO health_pack (child_id, kind, events)
    SELECT child_id, kind, events FROM health_pack_source
    WHERE child_id = OLD.child_id AND kind = OLD.kind;
END;
