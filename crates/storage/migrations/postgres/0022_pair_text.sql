-- The pairs of words carry the child's search text (issue 19): a search of three words reads
-- the children of its rarest pair and keeps those whose text has the third word. The text was
-- read from `child_token`, a lookup per row: «Giàng Thị Chở» at a million children read 4,471
-- rows of (chở, giàng), every «Giàng A Chở» before the first «Giàng Thị Chở», each with a
-- lookup, 28 ms. The village and presence ride in the key's index (INCLUDE), so that a search
-- of two words reads the index alone: «thi va»'s count bitmapped all 67,877 rows of (va…, thi…)
-- for the 1,503 it needed, 9 ms, then 0.7 ms. The table is made again from the index, as 0020
-- made it.
DROP TABLE child_word_pair;
CREATE TABLE child_word_pair (
    word TEXT COLLATE "C" NOT NULL,
    other TEXT COLLATE "C" NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    child_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    present BIGINT NOT NULL,
    search_text TEXT NOT NULL,
    commune BIGINT NOT NULL DEFAULT treem_commune(),
    PRIMARY KEY (commune, word, other, sort_key, child_id) INCLUDE (village_id, present)
) PARTITION BY HASH (commune);
DO $partitions$
BEGIN
    FOR i IN 0..7 LOOP
        EXECUTE format('CREATE TABLE child_word_pair_p%s PARTITION OF child_word_pair
            FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
    END LOOP;
END
$partitions$;
ALTER TABLE child_word_pair ENABLE ROW LEVEL SECURITY;
CREATE POLICY commune_only ON child_word_pair USING (commune = treem_commune())
    WITH CHECK (commune = treem_commune());
INSERT INTO child_word_pair (commune, word, other, sort_key, child_id, village_id, present, search_text)
SELECT a.commune, a.token, b.token, a.sort_key, a.child_id, a.village_id, a.present, a.search_text
FROM child_token a JOIN child_token b
    ON b.commune = a.commune AND b.child_id = a.child_id AND b.token <> a.token;
