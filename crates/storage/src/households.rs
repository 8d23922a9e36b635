//! Households (hộ gia đình), versioned like children.
use crate::db::{now_text, Backend, Db};
use crate::error::{StorageError, StorageResult};
use crate::history::diff;
use crate::params::{bind_all, insert_many, Params, P};
use crate::scope::{read_scope, write_scope};
use crate::seal::{append_sealed, Seal, Sealed};
use crate::villages::{resolve_village, village_codes};
use sqlx::any::AnyRow;
use sqlx::{Row, Transaction};
use std::collections::HashMap;
use treem_domain::register::{ChildData, Household, HouseholdData, HouseholdEntry, HouseholdIndex};
use treem_domain::role::Actor;

/// A `household_version` row, in the sealed columns' order.
fn version_row(
    id: i64,
    version: i64,
    village_id: i64,
    now: &str,
    actor: &Actor,
    json: String,
) -> Vec<P> {
    vec![
        P::from(id),
        P::from(version),
        P::from(village_id),
        P::from(now),
        P::from(actor.user_id),
        P::from(json),
    ]
}

fn household_from(r: &AnyRow, codes: &HashMap<i64, String>) -> StorageResult<Household> {
    let mut data: HouseholdData = serde_json::from_str(&r.try_get::<String, _>("data")?)
        .map_err(|e| StorageError::Corrupt(format!("household data: {e}")))?;
    if let Some(c) = codes.get(&r.try_get::<i64, _>("village_id")?) {
        data.village = c.clone();
    }
    Ok(Household {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        data,
    })
}

pub(crate) async fn household(db: &Db, actor: &Actor, id: i64) -> StorageResult<Household> {
    let scope = read_scope(actor)?;
    let mut p = Params::default();
    let mut sql = format!(
        "SELECT id, village_id, data, version FROM household WHERE id = {}",
        p.push(id)
    );
    if let Some(s) = scope {
        sql += &format!(" AND village_id = {}", p.push(s));
    }
    let row = bind_all(sqlx::query(&sql), p.0)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
    household_from(&row, &village_codes(&db.pool).await?)
}

pub(crate) async fn households(
    db: &Db,
    actor: &Actor,
    village: Option<&str>,
) -> StorageResult<Vec<Household>> {
    let scope = read_scope(actor)?;
    let mut p = Params::default();
    let mut sql =
        String::from("SELECT h.id, h.village_id, h.data, h.version FROM household h WHERE 1=1");
    if let Some(s) = scope {
        sql += &format!(" AND h.village_id = {}", p.push(s));
    }
    if let Some(code) = village {
        sql += &format!(
            " AND h.village_id = (SELECT id FROM village WHERE code = {})",
            p.push(code)
        );
    }
    sql += " ORDER BY h.head_name, h.id LIMIT 5000";
    let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?;
    let codes = village_codes(&db.pool).await?;
    rows.iter().map(|r| household_from(r, &codes)).collect()
}

pub(crate) async fn create_household(
    db: &Db,
    actor: &Actor,
    data: &HouseholdData,
) -> StorageResult<Household> {
    let scope = write_scope(actor)?;
    data.validate().map_err(StorageError::Invalid)?;
    let (_turn, mut tx) = db.begin_write().await?;
    let village_id = resolve_village(&mut tx, &data.village, scope).await?;
    let now = now_text();
    let json = crate::stored::stored_json(data);
    let id: i64 = sqlx::query(
        "INSERT INTO household (village_id, head_name, data, version, updated_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
    )
    .bind(village_id)
    .bind(data.head_name.trim())
    .bind(&json)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let mut seal = Seal::begin(&mut tx).await?;
    seal.insert(
        &mut tx,
        Sealed::HouseholdVersion,
        vec![version_row(id, 1, village_id, &now, actor, json)],
    )
    .await?;
    append_sealed(
        &mut tx,
        actor,
        "create",
        "household",
        Some(id),
        "thêm hộ",
        seal,
    )
    .await?;
    tx.commit().await?;
    Ok(Household {
        id,
        version: 1,
        data: data.clone(),
    })
}

pub(crate) async fn update_household(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    data: &HouseholdData,
) -> StorageResult<Household> {
    let scope = write_scope(actor)?;
    data.validate().map_err(StorageError::Invalid)?;
    let before = household(db, actor, id).await?;
    if before.version != version {
        return Err(StorageError::Conflict {
            current: before.version,
        });
    }
    let (_turn, mut tx) = db.begin_write().await?;
    let village_id = resolve_village(&mut tx, &data.village, scope).await?;
    let now = now_text();
    let json = crate::stored::stored_json(data);
    let done = sqlx::query(
        "UPDATE household SET village_id = $1, head_name = $2, data = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
    )
    .bind(village_id)
    .bind(data.head_name.trim())
    .bind(&json)
    .bind(&now)
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StorageError::Conflict {
            current: version + 1,
        });
    }
    let mut seal = Seal::begin(&mut tx).await?;
    seal.insert(
        &mut tx,
        Sealed::HouseholdVersion,
        vec![version_row(id, version + 1, village_id, &now, actor, json)],
    )
    .await?;
    let changes = diff(
        &serde_json::to_value(&before.data).unwrap_or_default(),
        &serde_json::to_value(data).unwrap_or_default(),
    );
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    append_sealed(
        &mut tx,
        actor,
        "update",
        "household",
        Some(id),
        &format!("sửa: {}", fields.join(",")),
        seal,
    )
    .await?;
    tx.commit().await?;
    Ok(Household {
        id,
        version: version + 1,
        data: data.clone(),
    })
}

pub(crate) async fn import_households(
    db: &Db,
    actor: &Actor,
    rows: &[HouseholdData],
) -> StorageResult<Vec<i64>> {
    let scope = write_scope(actor)?;
    for (i, h) in rows.iter().enumerate() {
        h.validate().map_err(|e| {
            StorageError::Invalid(treem_domain::validation::FieldErrors(
                e.0.into_iter()
                    .map(|mut f| {
                        f.field = format!("rows[{i}].{}", f.field);
                        f
                    })
                    .collect(),
            ))
        })?;
    }
    let (_turn, mut tx) = db.begin_write().await?;
    if db.backend == crate::db::Backend::Postgres {
        sqlx::query("LOCK TABLE household IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let codes = village_codes(&mut *tx).await?;
    let by_code: HashMap<&str, i64> = codes.iter().map(|(id, c)| (c.as_str(), *id)).collect();
    let mut next: i64 =
        sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM household")
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
    let now = now_text();
    let mut ids = Vec::with_capacity(rows.len());
    let mut hrows = Vec::with_capacity(rows.len());
    let mut vrows = Vec::with_capacity(rows.len());
    for (i, h) in rows.iter().enumerate() {
        let village_id = match by_code.get(h.village.as_str()) {
            Some(v) if scope.is_none_or(|s| s == *v) => *v,
            _ => {
                return Err(StorageError::invalid(
                    &format!("rows[{i}].village"),
                    format!(
                        "không có thôn/bản mã «{}» (hoặc ngoài phạm vi của bạn)",
                        h.village
                    ),
                ))
            }
        };
        next += 1;
        ids.push(next);
        let json = crate::stored::stored_json(h);
        hrows.push(vec![
            P::from(next),
            P::from(village_id),
            P::from(h.head_name.trim()),
            P::from(json.clone()),
            P::from(1),
            P::from(now.clone()),
        ]);
        vrows.push(version_row(next, 1, village_id, &now, actor, json));
    }
    insert_many(
        &mut tx,
        "household",
        &[
            "id",
            "village_id",
            "head_name",
            "data",
            "version",
            "updated_at",
        ],
        hrows,
    )
    .await?;
    let mut seal = Seal::begin(&mut tx).await?;
    seal.insert(&mut tx, Sealed::HouseholdVersion, vrows)
        .await?;
    crate::db::fix_sequences(&mut tx, db.backend, &["household"]).await?;
    append_sealed(
        &mut tx,
        actor,
        "import",
        "household",
        None,
        &format!("nhập {} hộ", rows.len()),
        seal,
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// The household's code as the database reads it from the stored record.
fn code_expr(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "json_extract(h.data, '$.code')",
        Backend::Postgres => "(CAST(h.data AS json) ->> 'code')",
    }
}

/// The households children may be linked to: those of village `village` if given, else of
/// the scope (every village when `None`), with their codes, for a [`HouseholdIndex`]. One read.
pub(crate) async fn household_entries<'e, E>(
    e: E,
    backend: Backend,
    scope: Option<i64>,
    village: Option<i64>,
) -> StorageResult<Vec<HouseholdEntry>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut p = Params::default();
    let mut sql = format!(
        "SELECT h.id, v.code AS village, {} AS code, h.head_name FROM household h \
         JOIN village v ON v.id = h.village_id{} WHERE 1=1",
        code_expr(backend),
        crate::db::same_on(backend, "v", "h")
    );
    for v in [scope, village].into_iter().flatten() {
        sql += &format!(" AND h.village_id = {}", p.push(v));
    }
    let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(e).await?;
    rows.iter()
        .map(|r| {
            Ok(HouseholdEntry {
                id: r.try_get("id")?,
                village: r.try_get("village")?,
                code: r.try_get("code")?,
                head_name: r.try_get("head_name")?,
            })
        })
        .collect()
}

/// The household a child of `village_id` (code `village`) is linked to: the one its
/// `household_code` names, or the one `household_id` gives after checking it exists in that
/// village; an error naming the field `household` otherwise. Reads the households of the
/// child's village, and those of the whole scope only to explain a code not found there.
pub(crate) async fn link_household(
    tx: &mut Transaction<'_, sqlx::Any>,
    backend: Backend,
    d: &ChildData,
    village_id: i64,
    scope: Option<i64>,
) -> StorageResult<Option<i64>> {
    let Some(code) = &d.household_code else {
        check_household(tx, d.household_id, village_id).await?;
        return Ok(d.household_id);
    };
    let here =
        HouseholdIndex::new(household_entries(&mut **tx, backend, scope, Some(village_id)).await?);
    match here.resolve(code, &d.village) {
        Ok(id) => Ok(Some(id)),
        Err(_) => {
            let all =
                HouseholdIndex::new(household_entries(&mut **tx, backend, scope, None).await?);
            let e = all
                .resolve(code, &d.village)
                .err()
                .unwrap_or_else(|| format!("không có hộ mã {code}"));
            Err(StorageError::invalid("household", e))
        }
    }
}

/// The household a child is linked to exists and is in the child's village.
pub(crate) async fn check_household(
    tx: &mut Transaction<'_, sqlx::Any>,
    household: Option<i64>,
    village_id: i64,
) -> StorageResult<()> {
    if let Some(h) = household {
        let row = sqlx::query("SELECT village_id FROM household WHERE id = $1")
            .bind(h)
            .fetch_optional(&mut **tx)
            .await?;
        match row {
            None => {
                return Err(StorageError::invalid(
                    "household_id",
                    format!("không có hộ #{h}"),
                ))
            }
            Some(r) if r.try_get::<i64, _>("village_id")? != village_id => {
                return Err(StorageError::invalid(
                    "household_id",
                    "hộ gia đình thuộc thôn/bản khác",
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The households a writer may link children to ([`Register::household_entries`]).
pub(crate) async fn entries(
    db: &Db,
    actor: &Actor,
) -> StorageResult<Vec<treem_domain::register::HouseholdEntry>> {
    let scope = write_scope(actor)?;
    crate::households::household_entries(&db.pool, db.backend, scope, None).await
}
