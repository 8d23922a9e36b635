-- The province's table of many communes (issue 19): each commune's package as it would be now,
-- kept with the stamp of the data it was computed from (`figures_stamp`), so that the table
-- computes again only the communes whose data changed since. One row per report and year: a
-- newer day or stamp replaces it. A copy, never exported; an import clears it. A commune's
-- table like every other (0018).
CREATE TABLE figures_kept (
    kind TEXT NOT NULL,
    year BIGINT NOT NULL,
    as_of TEXT NOT NULL,
    stamp TEXT NOT NULL,
    content TEXT NOT NULL,
    kept_at TEXT NOT NULL,
    commune BIGINT NOT NULL DEFAULT treem_commune(),
    PRIMARY KEY (commune, kind, year)
) PARTITION BY HASH (commune);
DO $partitions$
BEGIN
    FOR i IN 0..7 LOOP
        EXECUTE format('CREATE TABLE figures_kept_p%s PARTITION OF figures_kept
            FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
    END LOOP;
END
$partitions$;
ALTER TABLE figures_kept ENABLE ROW LEVEL SECURITY;
CREATE POLICY commune_only ON figures_kept USING (commune = treem_commune())
    WITH CHECK (commune = treem_commune());
