//! The home page's numbers: children present by village and sex, and when each village's
//! list last changed.
use crate::db::Db;
use crate::error::StorageResult;
use crate::params::{bind_all, Params};
use crate::scope::{count_scope, read_scope};
use serde::Serialize;
use sqlx::Row;
use treem_domain::role::Actor;

/// Số trẻ theo thôn và giới tính.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChildCount {
    pub village: String,
    pub sex: String,
    pub count: i64,
}

/// A village with when its list last changed (for "not updated this month").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VillageActivity {
    pub code: String,
    pub name: String,
    pub children: i64,
    pub last_change: Option<String>,
}

pub(crate) async fn child_counts(db: &Db, actor: &Actor) -> StorageResult<Vec<ChildCount>> {
    let scope = count_scope(actor)?;
    let mut p = Params::default();
    let mut sql = format!(
        "SELECT v.code AS village, c.sex, CAST(COUNT(*) AS BIGINT) AS n FROM child c \
         JOIN village v ON v.id = c.village_id{} WHERE c.present = 1",
        db.same("v", "c")
    );
    if let Some(v) = scope {
        sql += &format!(" AND c.village_id = {}", p.push(v));
    }
    sql += " GROUP BY v.code, c.sex ORDER BY v.code, c.sex";
    let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(ChildCount {
                village: r.try_get("village")?,
                sex: r.try_get("sex")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}

pub(crate) async fn village_activity(
    db: &Db,
    actor: &Actor,
) -> StorageResult<Vec<VillageActivity>> {
    let scope = read_scope(actor)?;
    let mut p = Params::default();
    // One index range per village (village_id, present, updated_at): a count and two
    // maxima, never a scan of the whole register.
    let same = db.same("c", "v");
    let mut sql = format!(
        "SELECT v.code, v.name, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM child c WHERE c.village_id = v.id{same} AND c.present = 1) AS n, \
         (SELECT MAX(c.updated_at) FROM child c WHERE c.village_id = v.id{same} AND c.present = 1) AS last_present, \
         (SELECT MAX(c.updated_at) FROM child c WHERE c.village_id = v.id{same} AND c.present = 0) AS last_absent \
         FROM village v",
    );
    if let Some(s) = scope {
        sql += &format!(" WHERE v.id = {}", p.push(s));
    }
    sql += " ORDER BY v.code";
    let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(VillageActivity {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                children: r.try_get("n")?,
                last_change: std::cmp::max(
                    r.try_get::<Option<String>, _>("last_present")?,
                    r.try_get::<Option<String>, _>("last_absent")?,
                ),
            })
        })
        .collect()
}
