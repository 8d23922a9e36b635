-- The plan's work (issue 17, items 2-5): activities of every kind in one table (the kind's own
-- fields are columns, empty where a kind has none), the register children who took part in a
-- forum, the children's recommendations with their answers, and the directory of services.
CREATE TABLE activity (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    village_id INTEGER REFERENCES village(id),
    title TEXT NOT NULL,
    channel TEXT,
    occasion TEXT,
    form TEXT,
    level TEXT,
    girls INTEGER NOT NULL,
    boys INTEGER NOT NULL,
    total INTEGER NOT NULL,
    age_0_5 INTEGER NOT NULL,
    age_6_10 INTEGER NOT NULL,
    age_11_15 INTEGER NOT NULL,
    minority INTEGER NOT NULL,
    adults INTEGER NOT NULL,
    materials INTEGER NOT NULL,
    details TEXT NOT NULL,
    agency TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX activity_kind_date ON activity(kind, date);
CREATE TABLE activity_child (
    activity_id INTEGER NOT NULL REFERENCES activity(id),
    child_id INTEGER NOT NULL REFERENCES child(id),
    PRIMARY KEY (activity_id, child_id)
);
CREATE INDEX activity_child_child ON activity_child(child_id);
CREATE TABLE activity_recommendation (
    activity_id INTEGER NOT NULL REFERENCES activity(id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    answer TEXT NOT NULL,
    reason TEXT NOT NULL,
    agency TEXT NOT NULL,
    PRIMARY KEY (activity_id, seq)
);
CREATE TABLE service_entry (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    village_id INTEGER REFERENCES village(id),
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    contact TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
