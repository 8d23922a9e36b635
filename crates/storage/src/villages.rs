//! The commune and its villages (thôn/bản).
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{unique_to_field, StorageError, StorageResult};
use crate::Commune;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use treem_domain::register::Village;
use treem_domain::role::Actor;

pub(crate) async fn commune(db: &Db) -> StorageResult<Option<Commune>> {
    let row = sqlx::query("SELECT name, province, code, sample FROM commune WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Commune {
            name: r.try_get("name")?,
            province: r.try_get("province")?,
            code: r.try_get("code")?,
            sample: r.try_get::<i64, _>("sample")? != 0,
        })
    })
    .transpose()
}

pub(crate) async fn set_commune(db: &Db, actor: &Actor, c: &Commune) -> StorageResult<()> {
    if !actor.role.manages_villages() && !actor.role.manages_users() {
        return Err(StorageError::Forbidden);
    }
    let (_turn, mut tx) = db.begin_write().await?;
    sqlx::query("DELETE FROM commune").execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO commune (id, name, province, code, sample) VALUES (1, $1, $2, $3, $4)",
    )
    .bind(&c.name)
    .bind(&c.province)
    .bind(&c.code)
    .bind(c.sample as i64)
    .execute(&mut *tx)
    .await?;
    audit::append(&mut tx, actor, "update", "commune", Some(1), &c.name).await?;
    tx.commit().await?;
    Ok(())
}

/// Village id → code, for putting current codes into stored records.
pub(crate) async fn village_codes<'e, E>(e: E) -> StorageResult<HashMap<i64, String>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query("SELECT id, code FROM village")
        .fetch_all(e)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?)))
        .collect()
}

/// Finds a village by code, refusing one outside the actor's scope.
pub(crate) async fn resolve_village(
    tx: &mut Transaction<'_, Any>,
    code: &str,
    scope: Option<i64>,
) -> StorageResult<i64> {
    let row = sqlx::query("SELECT id FROM village WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
    let id: i64 = match row {
        Some(r) => r.try_get("id")?,
        None => {
            return Err(StorageError::invalid(
                "village",
                format!("không có thôn/bản mã «{code}»"),
            ))
        }
    };
    if scope.is_some_and(|s| s != id) {
        return Err(StorageError::invalid(
            "village",
            "bạn chỉ được ghi trẻ của thôn/bản mình phụ trách",
        ));
    }
    Ok(id)
}

fn validate(code: &str, name: &str) -> StorageResult<()> {
    Village::check(code, name).map_err(StorageError::Invalid)
}

pub(crate) async fn villages(db: &Db, actor: &Actor) -> StorageResult<Vec<Village>> {
    // Village names are not personal data: every signed-in role may list them.
    let _ = actor;
    let rows = sqlx::query("SELECT id, code, name, version FROM village ORDER BY code")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Village {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

pub(crate) async fn create_village(
    db: &Db,
    actor: &Actor,
    code: &str,
    name: &str,
) -> StorageResult<Village> {
    if !actor.role.manages_villages() {
        return Err(StorageError::Forbidden);
    }
    validate(code, name)?;
    let (_turn, mut tx) = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO village (code, name, version, updated_at) VALUES ($1, $2, 1, $3) RETURNING id",
    )
    .bind(code.trim())
    .bind(name.trim())
    .bind(now_text())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_to_field(e, "code", "mã thôn/bản đã có"))?;
    let id: i64 = row.try_get("id")?;
    audit::append(&mut tx, actor, "create", "village", Some(id), code).await?;
    tx.commit().await?;
    Ok(Village {
        id,
        code: code.trim().into(),
        name: name.trim().into(),
        version: 1,
    })
}

pub(crate) async fn update_village(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    code: &str,
    name: &str,
) -> StorageResult<Village> {
    if !actor.role.manages_villages() {
        return Err(StorageError::Forbidden);
    }
    validate(code, name)?;
    let (_turn, mut tx) = db.begin_write().await?;
    let current: i64 = sqlx::query("SELECT version FROM village WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StorageError::NotFound)?
        .try_get("version")?;
    if current != version {
        return Err(StorageError::Conflict { current });
    }
    sqlx::query(
        "UPDATE village SET code = $1, name = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5",
    )
    .bind(code.trim())
    .bind(name.trim())
    .bind(now_text())
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_to_field(e, "code", "mã thôn/bản đã có"))?;
    audit::append(&mut tx, actor, "update", "village", Some(id), code).await?;
    tx.commit().await?;
    Ok(Village {
        id,
        code: code.trim().into(),
        name: name.trim().into(),
        version: version + 1,
    })
}
