-- The province's table of many communes (issue 19): each commune's package as it would be now,
-- kept with the stamp of the data it was computed from (`figures_stamp`), so that the table
-- computes again only the communes whose data changed since. One row per report and year: a
-- newer day or stamp replaces it. A copy, never exported; an import clears it.
CREATE TABLE figures_kept (
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    stamp TEXT NOT NULL,
    content TEXT NOT NULL,
    kept_at TEXT NOT NULL,
    PRIMARY KEY (kind, year)
);
