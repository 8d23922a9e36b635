-- Plans as data, figures reported by agencies, support given, assessments.
-- Keep in step with ../postgres/0002_plans.sql.
CREATE TABLE plan (
    year INTEGER PRIMARY KEY,
    toml TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE reported_value (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    target INTEGER NOT NULL,
    secondary INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    numerator REAL,
    denominator REAL,
    value REAL,
    note TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX reported_value_year ON reported_value(year, target);
CREATE TABLE support_record (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child(id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX support_record_date ON support_record(date);
CREATE TABLE assessment_value (
    id INTEGER PRIMARY KEY,
    target INTEGER NOT NULL,
    date TEXT NOT NULL,
    met INTEGER,
    score REAL,
    note TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
