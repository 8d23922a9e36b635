-- A load of a whole commune (`import all`) writes its health events with the packs' trigger
-- set aside and builds every pack once at the end (issue 19). Event by event, the trigger
-- rewrote a child's pack for each of its events: each rewrite a new row version, so at a
-- million children `health_pack` took 2.1 GB for 0.5 GB of packs, each pack on a page of its
-- own, and the figures' read of the packs 8.4 s instead of 3.4. The load says so for its own
-- transaction only (`SET LOCAL treem.bulk_load`): every other session, of this commune or
-- another, keeps the trigger. As 0017, with the commune (0018).
CREATE OR REPLACE FUNCTION treem_health_pack_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF current_setting('treem.bulk_load', true) = 'on' THEN
            RETURN NULL;
        END IF;
        IF NEW.child_id IS NOT NULL AND NEW.replaced_by IS NULL THEN
            INSERT INTO health_pack (child_id, kind, events)
            VALUES (NEW.child_id, NEW.kind, NEW.id || chr(31) || NEW.date || chr(31) || NEW.data)
            ON CONFLICT (commune, child_id, kind)
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
