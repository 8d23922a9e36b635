-- Name searches of two words that each start many names but rarely the same name ("thi va":
-- «Thị» starts half a million names and «Văn» a hundred thousand, none of them together): each
-- pair of distinct words of one child's name and aliases, both ways round, so that such a search
-- reads only the children that have both (issue 19), in name order: the sort key follows the
-- two words in the key, so a pair's children are read first to last by name. Village and presence
-- ride along, as on `child_token`; the rows are written and removed with the child's words,
-- in the child's own transaction. No foreign key to `child`: the rows are derived, a child is
-- never deleted, and PostgreSQL's check of each row cost four fifths of writing them (20,000
-- children imported: 5.5 s for the pairs with the check, 1.2 s without). A commune's table like
-- every other (0018): the commune leads every key, 8 hash partitions, row security.
CREATE TABLE child_word_pair (
    word TEXT COLLATE "C" NOT NULL,
    other TEXT COLLATE "C" NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    child_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    present BIGINT NOT NULL,
    commune BIGINT NOT NULL DEFAULT treem_commune(),
    PRIMARY KEY (commune, word, other, sort_key, child_id)
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
INSERT INTO child_word_pair (commune, word, other, sort_key, child_id, village_id, present)
SELECT a.commune, a.token, b.token, a.sort_key, a.child_id, a.village_id, a.present
FROM child_token a JOIN child_token b
    ON b.commune = a.commune AND b.child_id = a.child_id AND b.token <> a.token;
