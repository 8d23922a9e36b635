-- Health events of the health station: births, deaths, vaccinations, measurements, injuries,
-- and the aggregate HIV mother-to-child follow-up. One table, the event's fields as JSON (the
-- domain's types); kind, child and date as columns for the lists and the figures.
-- Keep in step with ../postgres/0003_health.sql.
CREATE TABLE health_event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    child_id INTEGER REFERENCES child(id),
    village_id INTEGER,
    date TEXT NOT NULL,
    data TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX health_event_kind_date ON health_event(kind, date);
CREATE INDEX health_event_child ON health_event(child_id, kind, date);
