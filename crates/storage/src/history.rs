//! A child's history: the versions of the record, field by field ([`ChildVersion`]), and the
//! differences between two stored versions ([`diff`]), which households use too.
use crate::db::Db;
use crate::error::{StorageError, StorageResult};
use crate::params::{bind_all, Params};
use crate::scope::read_scope;
use serde::Serialize;
use sqlx::Row;
use treem_domain::role::Actor;

/// One change in a child's history: who, when, which fields.
#[derive(Debug, Clone, Serialize)]
pub struct ChildVersion {
    pub version: i64,
    pub recorded_at: String,
    pub recorded_by: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// Field-level differences between two JSON versions of a record.
pub(crate) fn diff(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let x = b.get(k).cloned().unwrap_or(serde_json::Value::Null);
            let y = a.get(k).cloned().unwrap_or(serde_json::Value::Null);
            (x != y).then(|| FieldChange {
                field: k.clone(),
                before: x,
                after: y,
            })
        })
        .collect()
}

pub(crate) fn changed_fields(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| c.field.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) async fn child_history(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> StorageResult<Vec<ChildVersion>> {
    let scope = read_scope(actor)?;
    let mut p = Params::default();
    let mut sql = format!(
        "SELECT v.version, v.recorded_at, COALESCE(u.username, 'system') AS who, v.data \
         FROM child_version v JOIN child c ON c.id = v.child_id{} \
         LEFT JOIN app_user u ON u.id = v.recorded_by{} WHERE v.child_id = {}",
        db.same("c", "v"),
        db.same("u", "v"),
        p.push(id)
    );
    if let Some(s) = scope {
        sql += &format!(" AND c.village_id = {}", p.push(s));
    }
    sql += " ORDER BY v.version";
    let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?;
    if rows.is_empty() {
        return Err(StorageError::NotFound);
    }
    let mut prev = serde_json::Value::Null;
    let mut out = Vec::new();
    for r in rows {
        let data: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("data")?)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        out.push(ChildVersion {
            version: r.try_get("version")?,
            recorded_at: r.try_get("recorded_at")?,
            recorded_by: r.try_get("who")?,
            changes: diff(&prev, &data),
        });
        prev = data;
    }
    Ok(out)
}
