-- The province's side (tỉnh nhận báo cáo): the communes whose public keys it trusts, and the
-- signed packages it has received from them (treem_domain::report::package). A package is
-- stored only when its signature holds under the commune's key; `content` is the content's
-- exact bytes (UTF-8 JSON), `content_hash` their SHA-256, `envelope` the file as received.
-- `on_time`: 1 when received before the kind's due date. Nothing here names a child.
-- Keep in step with ../postgres/0012_province.sql.
CREATE TABLE province_commune (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE province_package (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    commune TEXT NOT NULL REFERENCES province_commune(code),
    report_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amends INTEGER,
    number TEXT NOT NULL,
    received_by INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    on_time INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    envelope TEXT NOT NULL,
    UNIQUE (commune, report_id)
);
CREATE INDEX province_package_kind ON province_package(kind, year);
