//! Hazard sites (điểm nguy cơ tai nạn, thương tích) and their inspections: listed and written
//! under the hazard scope (`scope.rs`: a village head their own village), each write in one
//! transaction, audited, and stored once under a submission id.
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::once::{claim, settle};
use crate::scope::{hazard_read_scope, hazard_write_scope};
use crate::{HazardLog, StoredOnce};
use serde::Serialize;
use sqlx::Row;
use treem_domain::hazard::{
    status_of, HazardKind, HazardStatus, Measure, NewHazard, NewInspection, Position, SitePhoto,
};
use treem_domain::role::Actor;
use treem_domain::Date;

/// A hazard site as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardSite {
    pub id: i64,
    pub village_id: i64,
    pub village_code: String,
    pub village_name: String,
    pub kind: HazardKind,
    pub name: String,
    pub position: Position,
    pub measures: Vec<Measure>,
    pub note: String,
    pub status: HazardStatus,
    /// The day of the latest inspection, if any.
    pub last_inspected: Option<Date>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// An inspection of a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardInspection {
    pub id: i64,
    pub date: Date,
    pub finding: String,
    pub status: HazardStatus,
    pub recorded_by: String,
    pub recorded_at: String,
}

fn date_of(text: &str) -> StorageResult<Date> {
    text.parse()
        .map_err(|e| StorageError::Corrupt(format!("ngày «{text}»: {e}")))
}

/// The columns of a site and the tables they come from (each join naming the commune: `Db::same`).
fn site_columns(conn: &sqlx::AnyConnection) -> String {
    let same = |a, b| Db::same_in(conn, a, b);
    format!(
        "s.id, s.village_id, v.code AS village_code, v.name AS village_name, \
         s.kind, s.name, s.lat_e6, s.lon_e6, s.measures, s.note, s.status, s.recorded_at, \
         COALESCE(u.username, '') AS username, \
         (SELECT MAX(i.date) FROM hazard_inspection i WHERE i.site_id = s.id{}) AS last_inspected \
         FROM hazard_site s JOIN village v ON v.id = s.village_id{} \
         LEFT JOIN app_user u ON u.id = s.recorded_by{}",
        same("i", "s"),
        same("v", "s"),
        same("u", "s")
    )
}

fn site_of(r: &sqlx::any::AnyRow) -> StorageResult<HazardSite> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let last: Option<String> = r.try_get("last_inspected")?;
    Ok(HazardSite {
        id: r.try_get("id")?,
        village_id: r.try_get("village_id")?,
        village_code: r.try_get("village_code")?,
        village_name: r.try_get("village_name")?,
        kind: HazardKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("loại điểm nguy cơ «{kind}»")))?,
        name: r.try_get("name")?,
        position: Position {
            lat_e6: r.try_get("lat_e6")?,
            lon_e6: r.try_get("lon_e6")?,
        },
        measures: Measure::from_stored(&r.try_get::<String, _>("measures")?),
        note: r.try_get("note")?,
        status: HazardStatus::parse(&status)
            .ok_or_else(|| StorageError::Corrupt(format!("trạng thái «{status}»")))?,
        last_inspected: last.as_deref().map(date_of).transpose()?,
        recorded_by: r.try_get("username")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

/// The site `id` within `scope`, or [`StorageError::NotFound`].
async fn site_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    scope: Option<i64>,
) -> StorageResult<HazardSite> {
    // The scope is a number (never text), written into the query.
    let within = scope.map_or(String::new(), |v| format!(" AND s.village_id = {v}"));
    let columns = site_columns(tx);
    let row = sqlx::query(&format!("SELECT {columns} WHERE s.id = $1{within}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StorageError::NotFound)?;
    site_of(&row)
}

#[async_trait::async_trait]
impl HazardLog for Db {
    async fn hazards(&self, actor: &Actor, village: Option<i64>) -> StorageResult<Vec<HazardSite>> {
        let scope = hazard_read_scope(actor)?;
        let village = match (scope, village) {
            (Some(own), Some(asked)) if own != asked => return Err(StorageError::Forbidden),
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        let mut tx = self.begin_read().await?;
        // The village is a number (never text), written into the query.
        let within = village.map_or(String::new(), |v| format!(" WHERE s.village_id = {v}"));
        let columns = site_columns(&tx);
        let rows = sqlx::query(&format!("SELECT {columns}{within} ORDER BY v.code, s.id"))
            .fetch_all(&mut *tx)
            .await?;
        rows.iter().map(site_of).collect()
    }

    async fn hazard(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StorageResult<(HazardSite, Vec<HazardInspection>)> {
        let scope = hazard_read_scope(actor)?;
        let mut tx = self.begin_read().await?;
        let site = site_in(&mut tx, id, scope).await?;
        let rows = sqlx::query(&format!(
            "SELECT i.id, i.date, i.finding, i.status, i.recorded_at, \
             COALESCE(u.username, '') AS username FROM hazard_inspection i \
             LEFT JOIN app_user u ON u.id = i.recorded_by{} WHERE i.site_id = $1 \
             ORDER BY i.date DESC, i.id DESC",
            self.same("u", "i")
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let inspections = rows
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(HazardInspection {
                    id: r.try_get("id")?,
                    date: date_of(&r.try_get::<String, _>("date")?)?,
                    finding: r.try_get("finding")?,
                    status: HazardStatus::parse(&status)
                        .ok_or_else(|| StorageError::Corrupt(format!("trạng thái «{status}»")))?,
                    recorded_by: r.try_get("username")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect::<StorageResult<Vec<_>>>()?;
        Ok((site, inspections))
    }

    async fn add_hazard(
        &self,
        actor: &Actor,
        site: &NewHazard,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let scope = hazard_write_scope(actor)?;
        if scope.is_some_and(|own| own != site.village_id) {
            return Err(StorageError::invalid(
                "village_id",
                "trưởng thôn chỉ ghi điểm nguy cơ của thôn mình",
            ));
        }
        let now = now_text();
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if let Some(id) = claim(&mut tx, actor, t, "hazard", &now).await? {
                tx.commit().await?;
                return Ok(StoredOnce { id, again: true });
            }
        }
        let village = sqlx::query("SELECT name FROM village WHERE id = $1")
            .bind(site.village_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(village) = village else {
            return Err(StorageError::invalid(
                "village_id",
                "không có thôn, bản này",
            ));
        };
        let village_name: String = village.try_get("name")?;
        let id: i64 = sqlx::query(
            "INSERT INTO hazard_site (village_id, kind, name, lat_e6, lon_e6, measures, note, \
             status, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING id",
        )
        .bind(site.village_id)
        .bind(site.kind.code())
        .bind(&site.name)
        .bind(site.position.lat_e6)
        .bind(site.position.lon_e6)
        .bind(Measure::to_stored(&site.measures))
        .bind(&site.note)
        .bind(HazardStatus::Open.code())
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        if let Some(t) = token {
            settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "hazard",
            Some(id),
            &format!(
                "{} · {} · {}",
                site.kind.label_vi(),
                site.name,
                village_name
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn inspect_hazard(
        &self,
        actor: &Actor,
        site: i64,
        inspection: &NewInspection,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        let scope = hazard_write_scope(actor)?;
        let now = now_text();
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if let Some(id) = claim(&mut tx, actor, t, "hazard_inspection", &now).await? {
                tx.commit().await?;
                return Ok(StoredOnce { id, again: true });
            }
        }
        site_in(&mut tx, site, scope).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO hazard_inspection (site_id, date, finding, status, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(site)
        .bind(inspection.date.to_string())
        .bind(&inspection.finding)
        .bind(inspection.status.code())
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        // The site's status is its latest inspection's (the domain's rule).
        let all = sqlx::query("SELECT id, date, status FROM hazard_inspection WHERE site_id = $1")
            .bind(site)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok((
                    date_of(&r.try_get::<String, _>("date")?)?,
                    r.try_get::<i64, _>("id")?,
                    HazardStatus::parse(&status).unwrap_or(HazardStatus::Open),
                ))
            })
            .collect::<StorageResult<Vec<_>>>()?;
        sqlx::query("UPDATE hazard_site SET status = $1 WHERE id = $2")
            .bind(status_of(&all).code())
            .bind(site)
            .execute(&mut *tx)
            .await?;
        if let Some(t) = token {
            settle(&mut tx, t, id).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "hazard_inspection",
            Some(site),
            &format!(
                "ngày {} · {}",
                inspection.date,
                inspection.status.label_vi()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn set_hazard_photo(
        &self,
        actor: &Actor,
        site: i64,
        photo: &SitePhoto,
    ) -> StorageResult<()> {
        let scope = hazard_write_scope(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        site_in(&mut tx, site, scope).await?;
        sqlx::query("UPDATE hazard_site SET photo = $1 WHERE id = $2")
            .bind(photo.to_stored())
            .bind(site)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "update",
            "hazard",
            Some(site),
            &format!("ảnh {} · {} byte", photo.mime(), photo.bytes().len()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn hazard_photo(&self, actor: &Actor, site: i64) -> StorageResult<Option<SitePhoto>> {
        let scope = hazard_read_scope(actor)?;
        let mut tx = self.begin_read().await?;
        site_in(&mut tx, site, scope).await?;
        let stored: Option<String> = sqlx::query("SELECT photo FROM hazard_site WHERE id = $1")
            .bind(site)
            .fetch_one(&mut *tx)
            .await?
            .try_get("photo")?;
        match stored.filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => SitePhoto::from_stored(&text)
                .map(Some)
                .ok_or_else(|| StorageError::Corrupt(format!("ảnh của điểm nguy cơ {site}"))),
        }
    }
}
