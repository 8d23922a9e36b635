-- The child-friendly commune self-assessment (QĐ 06/QĐ-TTg, 03/01/2019): each time a year's
-- assessment is entered a new row; the latest row of a year is current, the earlier ones its
-- history. Its outcome for target 1 is written beside it into assessment_value.
CREATE TABLE self_assessment (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    scores TEXT NOT NULL,
    total INTEGER NOT NULL,
    met INTEGER,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX self_assessment_year ON self_assessment(year, id);
