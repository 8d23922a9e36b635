-- The plan's work as records (issue 17, items 1, 6, 7, 8): a support's value (đồng), funding
-- source and giver; distribution lists (one support given to many children in one go, stored
-- once); disasters with the register children affected and the help each got (target 17);
-- child marriages (target 18); the disability follow-up of a child of group d (II.5).
-- Keep in step with ../postgres/0013_plan_work.sql.
CREATE TABLE support_distribution (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    value_vnd INTEGER,
    funding TEXT,
    giver TEXT NOT NULL,
    child_count INTEGER NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
ALTER TABLE support_record ADD COLUMN value_vnd INTEGER;
ALTER TABLE support_record ADD COLUMN funding TEXT;
ALTER TABLE support_record ADD COLUMN giver TEXT;
ALTER TABLE support_record ADD COLUMN distribution_id INTEGER REFERENCES support_distribution(id);
CREATE INDEX support_record_distribution ON support_record(distribution_id);
CREATE TABLE disaster (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    villages TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE disaster_child (
    disaster_id INTEGER NOT NULL REFERENCES disaster(id),
    child_id INTEGER NOT NULL REFERENCES child(id),
    helped_on TEXT,
    how TEXT,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (disaster_id, child_id)
);
CREATE TABLE child_marriage (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    village_id INTEGER NOT NULL REFERENCES village(id),
    ethnicity INTEGER,
    child_id INTEGER REFERENCES child(id),
    wife_age INTEGER,
    husband_age INTEGER,
    prevented INTEGER NOT NULL,
    note TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX child_marriage_date ON child_marriage(date);
CREATE TABLE disability_record (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child(id),
    date TEXT NOT NULL,
    needs TEXT NOT NULL,
    services TEXT NOT NULL,
    devices TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX disability_record_child ON disability_record(child_id);
