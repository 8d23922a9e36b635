-- Hazard sites for injury prevention (điểm nguy cơ tai nạn, thương tích; plan V.3, target 15)
-- with their inspections, and the budget of the plan (kinh phí, section IV; V.2): budget lines
-- by source and activity, and what was spent on each. Positions are micro-degrees (integers,
-- the same on both backends); amounts are whole đồng. Nothing here names a child.
-- Keep in step with ../postgres/0015_hazards_budget.sql.
CREATE TABLE hazard_site (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id INTEGER NOT NULL REFERENCES village(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    lat_e6 INTEGER NOT NULL,
    lon_e6 INTEGER NOT NULL,
    measures TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    photo TEXT,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX hazard_site_village ON hazard_site(village_id);
CREATE TABLE hazard_inspection (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id INTEGER NOT NULL REFERENCES hazard_site(id),
    date TEXT NOT NULL,
    finding TEXT NOT NULL,
    status TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX hazard_inspection_site ON hazard_inspection(site_id, date);
CREATE TABLE budget_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    activity TEXT NOT NULL,
    planned INTEGER NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX budget_line_year ON budget_line(year);
CREATE TABLE budget_spending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id INTEGER NOT NULL REFERENCES budget_line(id),
    date TEXT NOT NULL,
    amount INTEGER NOT NULL,
    note TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX budget_spending_line ON budget_spending(line_id);
