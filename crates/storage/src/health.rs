//! Health events (sự kiện y tế): kept as the domain's JSON with kind, child and date beside it.
//! Who may see them is stricter than the register: health data is sensitive personal data.
use crate::audit;
use crate::children::read_scope;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::packed::{agg, int, next_row, split, with_child_and_date, RS};
use crate::params::{bind_all, Params};
use crate::HealthLog;
use serde::Serialize;
use sqlx::Row;
use treem_domain::health::HealthRecords;
use treem_domain::register::{Child, ChildData};
use treem_domain::role::{Actor, Role};
use treem_domain::Date;

/// One stored event.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HealthEvent {
    pub id: i64,
    pub kind: String,
    pub child_id: Option<i64>,
    pub date: String,
    pub data: serde_json::Value,
}

/// The kinds the indicator engine reads.
const KINDS: [&str; 6] = [
    "birth",
    "death",
    "vaccination",
    "measurement",
    "injury",
    "hiv",
];

async fn join(
    h: tokio::task::JoinHandle<StorageResult<HealthRecords>>,
) -> StorageResult<HealthRecords> {
    h.await
        .map_err(|e| StorageError::Corrupt(format!("parse task: {e}")))?
}

fn append(to: &mut HealthRecords, mut more: HealthRecords) {
    to.births.append(&mut more.births);
    to.deaths.append(&mut more.deaths);
    to.vaccinations.append(&mut more.vaccinations);
    to.measurements.append(&mut more.measurements);
    to.injuries.append(&mut more.injuries);
    to.hiv.append(&mut more.hiv);
}

/// One slice of [`HealthLog::health_records`]: ids, kinds, children, dates, fields; kept in id
/// order (the order they were recorded).
fn parse_events(cols: &[Option<String>; 5]) -> StorageResult<HealthRecords> {
    let mut it = [
        split(&cols[0], ','),
        split(&cols[1], RS),
        split(&cols[2], ','),
        split(&cols[3], ','),
        split(&cols[4], RS),
    ];
    let mut rows: Vec<(i64, [&str; 5])> = Vec::new();
    while let Some(r) = next_row(&mut it)? {
        rows.push((int(r[0], "health_event.id")?, r));
    }
    if !rows.is_sorted_by_key(|r| r.0) {
        rows.sort_by_key(|r| r.0);
    }
    let mut h = HealthRecords::default();
    for (id, [_, kind, child, date, fields]) in rows {
        let child = match child {
            "" => None,
            c => Some(int(c, "health_event.child_id")?),
        };
        let bad = |e: serde_json::Error| StorageError::Corrupt(format!("sự kiện y tế {id}: {e}"));
        match kind {
            "birth" => h.births.push(typed(fields, child, date).map_err(bad)?),
            "death" => h.deaths.push(typed(fields, child, date).map_err(bad)?),
            "vaccination" => h
                .vaccinations
                .push(typed(fields, child, date).map_err(bad)?),
            "measurement" => h
                .measurements
                .push(typed(fields, child, date).map_err(bad)?),
            "injury" => h.injuries.push(typed(fields, child, date).map_err(bad)?),
            "hiv" => h.hiv.push(typed(fields, child, date).map_err(bad)?),
            _ => {}
        }
    }
    Ok(h)
}

/// The child and the date are kept beside the fields; an event with no child (HIV follow-up
/// counts) is its fields alone.
fn typed<'de, T: serde::Deserialize<'de>>(
    fields: &'de str,
    child: Option<i64>,
    date: &'de str,
) -> serde_json::Result<T> {
    match child {
        Some(c) => with_child_and_date(fields, c, date),
        None => serde_json::from_str(fields),
    }
}

/// Kinds a role may read. Village heads see vaccinations of their village (to remind families);
/// HIV follow-up is for the health station and the officer only.
pub fn readable_kinds(role: Role) -> &'static [&'static str] {
    match role {
        Role::Health | Role::Officer => &[
            "birth",
            "death",
            "vaccination",
            "measurement",
            "injury",
            "hiv",
        ],
        Role::Leader => &["birth", "death", "vaccination", "measurement", "injury"],
        Role::VillageHead => &["vaccination"],
        _ => &[],
    }
}

fn writes_health(role: Role) -> bool {
    matches!(role, Role::Health | Role::Officer)
}

#[async_trait::async_trait]
impl HealthLog for Db {
    async fn add_health_events(
        &self,
        actor: &Actor,
        events: &[(String, Option<i64>, Date, serde_json::Value)],
    ) -> StorageResult<Vec<i64>> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        let now = now_text();
        let mut ids = Vec::new();
        for (kind, child, date, data) in events {
            let village: Option<i64> = match child {
                Some(c) => Some(
                    sqlx::query("SELECT village_id FROM child WHERE id = $1")
                        .bind(*c)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| {
                            StorageError::invalid("child_id", "không có trẻ này trong sổ")
                        })?
                        .try_get("village_id")?,
                ),
                None => None,
            };
            let id: i64 = sqlx::query(
                "INSERT INTO health_event (kind, child_id, village_id, date, data, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(kind)
            .bind(*child)
            .bind(village)
            .bind(date.to_string())
            .bind(data.to_string())
            .bind(actor.user_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            ids.push(id);
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "health",
            None,
            &format!("{} sự kiện y tế", events.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn health_events_packed(
        &self,
        actor: &Actor,
        kinds: &[&str],
        to: Option<Date>,
    ) -> StorageResult<String> {
        let allowed = readable_kinds(actor.role);
        if kinds.iter().any(|k| !allowed.contains(k)) || actor.role == Role::VillageHead {
            return Err(StorageError::Forbidden);
        }
        // One text for all rows: the stored fields are JSON already, so concatenation packs
        // them without the database or the driver handling each row.
        let agg = match self.backend {
            crate::db::Backend::Sqlite => "group_concat",
            crate::db::Backend::Postgres => "string_agg",
        };
        let mut p = Params::default();
        let list: Vec<String> = kinds.iter().map(|k| p.push(*k)).collect();
        let mut sql = format!(
            "SELECT '[' || COALESCE({agg}('[' || id || ',\"' || kind || '\",' || COALESCE(CAST(child_id AS TEXT), 'null') || ',\"' || date || '\",' || data || ']', ','), '') || ']' AS j \
             FROM health_event WHERE kind IN ({})",
            list.join(", ")
        );
        if let Some(t) = to {
            sql += &format!(" AND date <= {}", p.push(t.to_string()));
        }
        let row = bind_all(sqlx::query(&sql), p.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(row
            .try_get::<Option<String>, _>("j")?
            .unwrap_or_else(|| "[]".into()))
    }

    async fn health_records(
        &self,
        actor: &Actor,
        to: Option<Date>,
    ) -> StorageResult<HealthRecords> {
        let allowed = readable_kinds(actor.role);
        if KINDS.iter().any(|k| !allowed.contains(k)) || actor.role == Role::VillageHead {
            return Err(StorageError::Forbidden);
        }
        let max_id: i64 =
            sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM health_event")
                .fetch_one(&self.pool)
                .await?
                .try_get("m")?;
        // Slices of ids (the primary key: a range scan), each column aggregated into one text;
        // each slice is parsed on another thread while the next one is read.
        let b = self.backend;
        let sql = format!(
            "SELECT {} AS i, {} AS k, {} AS c, {} AS d, {} AS j FROM health_event \
             WHERE id > $1 AND id <= $2 AND date <= $3",
            agg(b, "id", ',', "id"),
            agg(b, "kind", RS, "id"),
            agg(b, "COALESCE(CAST(child_id AS TEXT), '')", ',', "id"),
            agg(b, "date", ',', "id"),
            agg(b, "data", RS, "id"),
        );
        let until = to.map_or_else(|| "9999-12-31".to_string(), |t| t.to_string());
        const SLICE: i64 = 250_000;
        let mut out = HealthRecords::default();
        let mut parsing: Option<tokio::task::JoinHandle<StorageResult<HealthRecords>>> = None;
        let mut from = 0;
        while from < max_id {
            let row = sqlx::query(&sql)
                .bind(from)
                .bind(from + SLICE)
                .bind(&until)
                .fetch_one(&self.pool)
                .await?;
            let cols: [Option<String>; 5] = [
                row.try_get("i")?,
                row.try_get("k")?,
                row.try_get("c")?,
                row.try_get("d")?,
                row.try_get("j")?,
            ];
            if let Some(prev) = parsing.take() {
                append(&mut out, join(prev).await?);
            }
            parsing = Some(tokio::task::spawn_blocking(move || parse_events(&cols)));
            from += SLICE;
        }
        if let Some(prev) = parsing.take() {
            append(&mut out, join(prev).await?);
        }
        Ok(out)
    }

    async fn record_birth(
        &self,
        actor: &Actor,
        child: &ChildData,
        birth: &serde_json::Value,
    ) -> StorageResult<Child> {
        if !writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let date = child
            .date_of_birth
            .ok_or_else(|| StorageError::invalid("date_of_birth", "cần ngày sinh"))?;
        let mut tx = self.pool.begin().await?;
        let village_id = crate::villages::resolve_village(&mut tx, &child.village, None).await?;
        let id = self.insert_child(&mut tx, actor, child, village_id).await?;
        sqlx::query(
            "INSERT INTO health_event (kind, child_id, village_id, date, data, recorded_by, recorded_at) \
             VALUES ('birth', $1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(village_id)
        .bind(date.to_string())
        .bind(birth.to_string())
        .bind(actor.user_id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, actor, "create", "child", Some(id), "khai báo sinh").await?;
        tx.commit().await?;
        crate::Register::child(self, &Actor::system(), id).await
    }

    async fn health_events(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: Option<i64>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StorageResult<Vec<HealthEvent>> {
        let allowed = readable_kinds(actor.role);
        if kinds.iter().any(|k| !allowed.contains(k)) {
            return Err(StorageError::Forbidden);
        }
        let scope = if actor.role == Role::VillageHead {
            read_scope(actor)?
        } else {
            None
        };
        let mut p = Params::default();
        let list: Vec<String> = kinds.iter().map(|k| p.push(*k)).collect();
        let mut sql = format!(
            "SELECT id, kind, child_id, date, data FROM health_event WHERE kind IN ({})",
            list.join(", ")
        );
        if let Some(c) = child {
            sql += &format!(" AND child_id = {}", p.push(c));
        }
        if let Some(f) = from {
            sql += &format!(" AND date >= {}", p.push(f.to_string()));
        }
        if let Some(t) = to {
            sql += &format!(" AND date <= {}", p.push(t.to_string()));
        }
        if let Some(v) = scope {
            sql += &format!(" AND village_id = {}", p.push(v));
        }
        sql += " ORDER BY date, id";
        let rows = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HealthEvent {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    child_id: r.try_get("child_id")?,
                    date: r.try_get("date")?,
                    data: serde_json::from_str(&r.try_get::<String, _>("data")?)
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}
