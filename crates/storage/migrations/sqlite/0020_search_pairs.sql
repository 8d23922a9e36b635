-- Name searches of two words that each start many names but rarely the same name ("thi va":
-- «Thị» starts half a million names and «Văn» a hundred thousand, none of them together): each
-- pair of distinct words of one child's name and aliases, both ways round, so that such a search
-- reads only the children that have both (issue 19), in name order: the sort key follows the
-- two words in the key, so a pair's children are read first to last by name. Village and presence
-- ride along, as on `child_token`; the rows are written and removed with the child's words,
-- in the child's own transaction. No foreign key to `child`: the rows are derived, a child is
-- never deleted, and PostgreSQL's check of each row cost four fifths of writing them (20,000
-- children imported: 5.5 s for the pairs with the check, 1.2 s without).
CREATE TABLE child_word_pair (
    word TEXT NOT NULL,
    other TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    present INTEGER NOT NULL,
    PRIMARY KEY (word, other, sort_key, child_id)
) WITHOUT ROWID;
-- A child's words side by side, for the fill only: without it SQLite pairs every row of the index
-- with every other (hours at a million children).
CREATE INDEX child_token_fill ON child_token(child_id, token);
INSERT INTO child_word_pair (word, other, sort_key, child_id, village_id, present)
SELECT a.token, b.token, a.sort_key, a.child_id, a.village_id, a.present
FROM child_token a JOIN child_token b INDEXED BY child_token_fill
    ON b.child_id = a.child_id AND b.token <> a.token
ORDER BY a.token, b.token, a.sort_key, a.child_id;
DROP INDEX child_token_fill;
