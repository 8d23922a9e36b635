//! Accounts' full names and positions (họ và tên, chức vụ): set by the administrator or the
//! account itself, read by whoever prints a form or a report signed by them.
use crate::audit;
use crate::db::Db;
use crate::error::{StorageError, StorageResult};
use sqlx::Row;
use treem_domain::account::Signer;
use treem_domain::role::Actor;
use treem_domain::validation::FieldErrors;

pub(crate) async fn set_signer(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    full_name: &str,
    position: &str,
) -> StorageResult<()> {
    if actor.user_id != user_id && !actor.role.manages_users() {
        return Err(StorageError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let full_name = treem_domain::account::full_name(full_name)
        .map_err(|m| errs.push("full_name", m))
        .unwrap_or_default();
    let position = treem_domain::account::position(position)
        .map_err(|m| errs.push("position", m))
        .unwrap_or_default();
    if !errs.is_empty() {
        return Err(StorageError::Invalid(errs));
    }
    let (_turn, mut tx) = db.begin_write().await?;
    let before = sqlx::query("SELECT username, full_name, position FROM app_user WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StorageError::NotFound)?;
    let (username, old_name, old_position): (String, String, String) = (
        before.try_get("username")?,
        before.try_get("full_name")?,
        before.try_get("position")?,
    );
    sqlx::query(
        "UPDATE app_user SET full_name = $1, position = $2, version = version + 1 WHERE id = $3",
    )
    .bind(&full_name)
    .bind(&position)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        "profile",
        "user",
        Some(user_id),
        &format!(
            "{username}: họ và tên «{old_name}» → «{full_name}», chức vụ «{old_position}» → «{position}»"
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn signers(
    db: &Db,
    _actor: &Actor,
    logins: &[String],
) -> StorageResult<Vec<Signer>> {
    // Names and positions are printed on every document an account signs: any signed-in
    // account may read them (no child or case data here).
    let mut out = Vec::with_capacity(logins.len());
    for login in logins {
        let row = sqlx::query(
            "SELECT username, full_name, position FROM app_user WHERE lower(username) = lower($1) ORDER BY id LIMIT 1",
        )
        .bind(login)
        .fetch_optional(&db.pool)
        .await?;
        if let Some(r) = row {
            out.push(Signer {
                login: login.clone(),
                full_name: r.try_get("full_name")?,
                position: r.try_get("position")?,
            });
        }
    }
    Ok(out)
}
