-- The register, accounts and the audit log. Keep in step with ../postgres/0001_register.sql.
CREATE TABLE commune (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    province TEXT NOT NULL,
    code TEXT,
    sample INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE village (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE household (
    id INTEGER PRIMARY KEY,
    village_id INTEGER NOT NULL REFERENCES village(id),
    head_name TEXT NOT NULL,
    data TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX household_village ON household(village_id);
CREATE TABLE household_version (
    household_id INTEGER NOT NULL REFERENCES household(id),
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (household_id, version)
);
CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    village_id INTEGER NOT NULL REFERENCES village(id),
    household_id INTEGER REFERENCES household(id),
    full_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    sex TEXT NOT NULL,
    dob TEXT,
    personal_id TEXT UNIQUE,
    ethnicity INTEGER,
    birth_registered INTEGER NOT NULL,
    disability INTEGER NOT NULL,
    present INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX child_sort ON child(sort_key);
CREATE INDEX child_village_sort ON child(village_id, sort_key);
CREATE INDEX child_updated ON child(updated_at);
CREATE INDEX child_village_activity ON child(village_id, present, updated_at);
-- The "missing data" lists of the home pages.
CREATE INDEX child_no_personal_id ON child(village_id) WHERE personal_id IS NULL AND present = 1;
CREATE INDEX child_birth_unregistered ON child(village_id) WHERE birth_registered = 0 AND present = 1;
CREATE INDEX child_dob_unknown ON child(village_id) WHERE dob IS NULL AND present = 1;
CREATE TABLE child_version (
    child_id INTEGER NOT NULL REFERENCES child(id),
    version INTEGER NOT NULL,
    village_id INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (child_id, version)
);
CREATE TABLE child_token (
    token TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES child(id),
    village_id INTEGER NOT NULL,
    present INTEGER NOT NULL,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (token, child_id)
) WITHOUT ROWID;
CREATE TABLE child_circumstance (
    child_id INTEGER NOT NULL REFERENCES child(id),
    code TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT
);
CREATE INDEX child_circumstance_code ON child_circumstance(code, child_id);
CREATE INDEX child_circumstance_child ON child_circumstance(child_id);
CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    village_id INTEGER REFERENCES village(id),
    must_change_password INTEGER NOT NULL,
    active INTEGER NOT NULL,
    lang TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE app_session (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
