-- Forms already stored (lần gửi đã lưu): a weighing day's form carries a submission id issued
-- with the page, and an API client may send an Idempotency-Key; the id is recorded in the same
-- transaction as what the form stored, so a form sent again (the back button, a double click,
-- a retry on a weak signal) stores nothing new and is answered "already saved". `result` is
-- the stored events' ids as a JSON array. Keep in step with ../postgres/0009_form_submissions.sql.
CREATE TABLE form_submission (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    result TEXT NOT NULL
);
