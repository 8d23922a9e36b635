-- Reports up the chain (báo cáo): one row per report opened for a kind of the plan and a
-- period; each agency's section beside it. `version` counts every change (a stale edit is
-- refused), `frozen` holds the approved report as JSON (treem_domain::report::FrozenReport) and
-- is never rewritten; an amending report (báo cáo bổ sung) points at the one it amends.
-- Keep in step with ../postgres/0010_reports.sql.
CREATE TABLE report (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    due_before TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    amends_id INTEGER REFERENCES report(id),
    number TEXT NOT NULL DEFAULT '',
    returned_reason TEXT,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    sent_at TEXT,
    approved_at TEXT,
    frozen TEXT
);
CREATE INDEX report_year_kind ON report(year, kind);
CREATE TABLE report_section (
    report_id INTEGER NOT NULL REFERENCES report(id),
    agency TEXT NOT NULL,
    done TEXT NOT NULL DEFAULT '',
    results TEXT NOT NULL DEFAULT '',
    difficulties TEXT NOT NULL DEFAULT '',
    proposals TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    submitted_by TEXT,
    submitted_at TEXT,
    version INTEGER NOT NULL,
    -- The section's place in the report (the plan's order of agencies).
    seq INTEGER NOT NULL,
    PRIMARY KEY (report_id, agency)
);
