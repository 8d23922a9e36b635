-- Accounts that wait for the commune leader's confirmation (issue 13). Keep in step with
-- ../sqlite/0006_account_confirmation.sql.
-- When the administrator makes an account whose role reads children or case files, resets its
-- password or enables it again, the account cannot log in until the leader (or the operator on
-- the machine, `treem user confirm`) confirms: `pending` says what waits ('create', 'reset',
-- 'enable'; NULL: nothing), `pending_by_id` who asked (the administrator's user id) and
-- `pending_at` when.
ALTER TABLE app_user ADD COLUMN pending TEXT CHECK (pending IN ('create', 'reset', 'enable'));
ALTER TABLE app_user ADD COLUMN pending_by_id BIGINT;
ALTER TABLE app_user ADD COLUMN pending_at TEXT;
