-- Case files (hồ sơ trường hợp, Nghị định 56/2017 Chương III). A case is its append-only list
-- of entries; each entry's content (the domain's CaseEntry as JSON) is sealed with
-- ChaCha20-Poly1305 under a key kept outside the database (`nonce`, `sealed`: hex). The case
-- row caches what the lists need (state, assignments, next deadline), recomputed on each write;
-- `version` is the number of entries.
-- Keep in step with ../postgres/0004_cases.sql.
CREATE TABLE case_file (
    id INTEGER PRIMARY KEY,
    child_id INTEGER REFERENCES child(id),
    state TEXT NOT NULL,
    received_at TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    assigned TEXT NOT NULL DEFAULT '[]',
    next_due TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX case_file_state ON case_file(state);
CREATE INDEX case_file_child ON case_file(child_id);
CREATE TABLE case_entry (
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    corrects INTEGER,
    nonce TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
