-- The pairs of words carry the child's search text (issue 19): a search of three words reads
-- the children of its rarest pair and keeps those whose text has the third word. The text was
-- read from `child_token`, a lookup per row: «Giàng Thị Chở» on PostgreSQL read 4,471 rows of
-- (chở, giàng), every «Giàng A Chở» before the first «Giàng Thị Chở», each with a lookup, 28 ms.
-- The table is made again from the index, as 0020 made it, in key order.
DROP TABLE child_word_pair;
CREATE TABLE child_word_pair (
    word TEXT NOT NULL,
    other TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    present INTEGER NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (word, other, sort_key, child_id)
) WITHOUT ROWID;
CREATE INDEX child_token_fill ON child_token(child_id, token);
INSERT INTO child_word_pair (word, other, sort_key, child_id, village_id, present, search_text)
SELECT a.token, b.token, a.sort_key, a.child_id, a.village_id, a.present, a.search_text
FROM child_token a JOIN child_token b INDEXED BY child_token_fill
    ON b.child_id = a.child_id AND b.token <> a.token
ORDER BY a.token, b.token, a.sort_key, a.child_id;
DROP INDEX child_token_fill;
