-- Case summaries sealed at rest (hồ sơ trường hợp). Until now the case row kept in clear the
-- child, the filer, the step, the assignees and the dates (for the lists), and each entry row
-- its date, author, role and kind beside the sealed content. All of it is in the sealed entries
-- already: the clear columns go, and each case row gets a sealed summary (`nonce`, `sealed`:
-- hex) with what the lists need. The migration runs without the case key, so it leaves the
-- summary empty (NULL); treem seals it from the entries when it next starts with the key
-- (Db::seal_pending_cases), and reads it from the entries until then. The tables are rebuilt
-- (not altered) so that no clear value stays in the live table; the SQLite file is then
-- vacuumed (migrate.rs) so that none stays in free pages either.
-- Keep in step with ../postgres/0008_sealed_cases.sql.
CREATE TABLE case_file_sealed (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    nonce TEXT,
    sealed TEXT
);
INSERT INTO case_file_sealed (id, version) SELECT id, version FROM case_file;
CREATE TABLE case_entry_sealed (
    case_id INTEGER NOT NULL REFERENCES case_file_sealed(id),
    seq INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
INSERT INTO case_entry_sealed (case_id, seq, nonce, sealed)
    SELECT case_id, seq, nonce, sealed FROM case_entry;
DROP TABLE case_entry;
DROP TABLE case_file;
ALTER TABLE case_file_sealed RENAME TO case_file;
ALTER TABLE case_entry_sealed RENAME TO case_entry;
