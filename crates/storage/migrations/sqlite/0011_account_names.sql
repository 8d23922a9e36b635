-- Accounts' full name (họ và tên) and position (chức vụ), which official forms and reports sign
-- with (issue 16 part 4, issue 18 item 8). Keep in step with ../postgres/0011_account_names.sql.
-- Required for new accounts; an account made before this migration keeps working with both
-- empty until the administrator sets them (the documents fall back to the login meanwhile).
ALTER TABLE app_user ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
ALTER TABLE app_user ADD COLUMN position TEXT NOT NULL DEFAULT '';
