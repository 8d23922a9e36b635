//! Register writes stored once (ghi một lần): a child added or updated, a case reported, under
//! an id the sender made (a phone's entry kept while there was no signal, an API client's
//! `Idempotency-Key`, a form's submission id). The id is claimed in `form_submission` (shared
//! with the health forms and supports) inside the write's own transaction, before anything else
//! is written: sent twice — the phone retrying on a weak signal, two tabs — the second finds
//! the id claimed and gets what the first stored, and nothing is written again.
use crate::error::{StorageError, StorageResult};
use sqlx::Row;
use treem_domain::role::Actor;

/// A submission id as a client may send it: 8 to 100 characters, letters, digits, `-` and `_`
/// (a phone's `crypto.randomUUID()` is one).
pub fn valid_submission_id(s: &str) -> bool {
    (8..=100).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a write under an id did: the record it stored, and whether that id had been used (then
/// nothing was written now and `id` is what the first sending stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoredOnce {
    pub id: i64,
    pub again: bool,
}

/// Claims `token` for a write of `kind` ("child", "child_update", "case"). `None` when it was
/// claimed: `Some(id)` is what that write stored. On PostgreSQL a second transaction claiming
/// the same id waits for the first and then finds it claimed (`ON CONFLICT DO NOTHING`), so the
/// record is never written twice; on SQLite writes take turns already.
pub(crate) async fn claim(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    token: &str,
    kind: &str,
    now: &str,
) -> StorageResult<Option<i64>> {
    if !valid_submission_id(token) {
        return Err(StorageError::invalid(
            "submission",
            "mã lần gửi không hợp lệ (8–100 chữ cái, chữ số, - hoặc _)",
        ));
    }
    let inserted = sqlx::query(
        "INSERT INTO form_submission (token, kind, recorded_by, recorded_at, result) \
         VALUES ($1, $2, $3, $4, '{}') ON CONFLICT DO NOTHING",
    )
    .bind(token)
    .bind(kind)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT kind, result FROM form_submission WHERE token = $1")
        .bind(token)
        .fetch_one(&mut **tx)
        .await?;
    let stored_kind: String = row.try_get("kind")?;
    let result: String = row.try_get("result")?;
    let id = serde_json::from_str::<serde_json::Value>(&result)
        .ok()
        .and_then(|v| v["ids"].get(0).and_then(|x| x.as_i64()));
    match id {
        Some(id) if stored_kind == kind => Ok(Some(id)),
        _ => Err(StorageError::invalid(
            "submission",
            "mã lần gửi đã dùng cho việc khác",
        )),
    }
}

/// Records what the write under `token` stored (in the same transaction as the claim).
pub(crate) async fn settle(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token: &str,
    id: i64,
) -> StorageResult<()> {
    sqlx::query("UPDATE form_submission SET result = $1 WHERE token = $2")
        .bind(serde_json::json!({ "ids": [id] }).to_string())
        .bind(token)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The record a write of `kind` by this person stored under `token`, if any (a form sent again
/// is answered with it before any warning meant for a first sending).
pub(crate) async fn stored_under(
    db: &crate::db::Db,
    actor: &Actor,
    token: &str,
    kind: &str,
) -> StorageResult<Option<i64>> {
    let mut tx = db.begin_read().await?;
    let row = sqlx::query(
        "SELECT result FROM form_submission WHERE token = $1 AND kind = $2 AND recorded_by = $3",
    )
    .bind(token)
    .bind(kind)
    .bind(actor.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    let result: String = row.try_get("result")?;
    Ok(serde_json::from_str::<serde_json::Value>(&result)
        .ok()
        .and_then(|v| v["ids"].get(0).and_then(|x| x.as_i64())))
}
