//! Plans (kế hoạch) as stored TOML, the figures agencies report, support given to children and
//! assessment results: the inputs of the indicator engine besides the register.
use crate::audit;
use crate::db::{known_cutoff, now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::Plans;
use sqlx::Row;
use treem_domain::indicator::{AssessmentValue, Known, Period, ReportedValue, SupportRecord};
use treem_domain::plan::ConfirmedPeriod;
use treem_domain::role::{Actor, Role};
use treem_domain::Date;

/// A confirmed report period is a setting `report_period:YEAR:CODE` holding the
/// [`ConfirmedPeriod`] as JSON: no table of its own (exported and restored with the settings).
pub(crate) const PERIOD_KEY: &str = "report_period:";

fn date(s: &str) -> StorageResult<Date> {
    s.parse()
        .map_err(|e| StorageError::Corrupt(format!("ngày «{s}»: {e}")))
}

#[async_trait::async_trait]
impl Plans for Db {
    async fn plan_years(&self) -> StorageResult<Vec<i16>> {
        let rows = sqlx::query("SELECT year FROM plan ORDER BY year")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<i64, _>("year")? as i16))
            .collect()
    }

    async fn plan_toml(&self, year: i16) -> StorageResult<Option<String>> {
        let row = sqlx::query("SELECT toml FROM plan WHERE year = $1")
            .bind(year as i64)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("toml")).transpose()?)
    }

    async fn save_plan(&self, actor: &Actor, year: i16, toml: &str) -> StorageResult<()> {
        if !matches!(actor.role, Role::Officer | Role::Admin) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query("DELETE FROM plan WHERE year = $1")
            .bind(year as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO plan (year, toml, updated_at) VALUES ($1, $2, $3)")
            .bind(year as i64)
            .bind(toml)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, actor, "save", "plan", Some(year as i64), "").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reported_values(&self, year: i16, known: Known) -> StorageResult<Vec<ReportedValue>> {
        let rows = sqlx::query(
            "SELECT target, secondary, period_start, period_end, numerator, denominator, value, note, entered_by, entered_at \
             FROM reported_value WHERE year = $1 AND entered_at < $2 ORDER BY id",
        )
        .bind(year as i64)
        .bind(known_cutoff(known))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReportedValue {
                    target: r.try_get::<i64, _>("target")? as u16,
                    secondary: r.try_get::<i64, _>("secondary")? != 0,
                    period_start: date(&r.try_get::<String, _>("period_start")?)?,
                    period_end: date(&r.try_get::<String, _>("period_end")?)?,
                    numerator: r.try_get("numerator")?,
                    denominator: r.try_get("denominator")?,
                    value: r.try_get("value")?,
                    note: r.try_get("note")?,
                    entered_by: r.try_get("entered_by")?,
                    entered_at: r.try_get("entered_at")?,
                })
            })
            .collect()
    }

    async fn add_reported_value(
        &self,
        actor: &Actor,
        year: i16,
        rv: &ReportedValue,
    ) -> StorageResult<()> {
        may_report(actor)?;
        let (_turn, mut tx) = self.begin_write().await?;
        insert_reported(&mut tx, actor, year, rv, &now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn supports(
        &self,
        from: Date,
        to: Date,
        known: Known,
    ) -> StorageResult<Vec<SupportRecord>> {
        let rows = sqlx::query(
            "SELECT child_id, date, kind FROM support_record \
             WHERE date >= $1 AND date <= $2 AND recorded_at < $3 ORDER BY id",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(known_cutoff(known))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SupportRecord {
                    child_id: r.try_get("child_id")?,
                    date: date(&r.try_get::<String, _>("date")?)?,
                    kind: r.try_get("kind")?,
                })
            })
            .collect()
    }

    async fn add_supports(&self, actor: &Actor, records: &[SupportRecord]) -> StorageResult<()> {
        let now = now_text();
        insert_supports(self, actor, records, &vec![now; records.len()]).await
    }

    async fn assessments(&self, known: Known) -> StorageResult<Vec<AssessmentValue>> {
        let rows = sqlx::query(
            "SELECT target, date, met, score FROM assessment_value WHERE entered_at < $1 ORDER BY id",
        )
        .bind(known_cutoff(known))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssessmentValue {
                    target: r.try_get::<i64, _>("target")? as u16,
                    date: date(&r.try_get::<String, _>("date")?)?,
                    met: r.try_get::<Option<i64>, _>("met")?.map(|m| m != 0),
                    score: r.try_get("score")?,
                })
            })
            .collect()
    }

    async fn confirmed_periods(&self, year: i16) -> StorageResult<Vec<ConfirmedPeriod>> {
        let rows = sqlx::query("SELECT key, value FROM setting WHERE key LIKE $1 ORDER BY key")
            .bind(format!("{PERIOD_KEY}{year}:%"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let key: String = r.try_get("key")?;
                let value: String = r.try_get("value")?;
                serde_json::from_str(&value)
                    .map_err(|e| StorageError::Corrupt(format!("{key}: {e}")))
            })
            .collect()
    }

    async fn confirm_report_period(
        &self,
        actor: &Actor,
        year: i16,
        code: &str,
        period: Period,
    ) -> StorageResult<ConfirmedPeriod> {
        // The officer answers for the reports the commune sends.
        if actor.role != Role::Officer {
            return Err(StorageError::Forbidden);
        }
        let confirmed = ConfirmedPeriod {
            code: code.to_string(),
            start: period.start,
            end: period.end,
            confirmed_by: actor.username.clone(),
            confirmed_at: now_text(),
        };
        let json =
            serde_json::to_string(&confirmed).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let (_turn, mut tx) = self.begin_write().await?;
        crate::db::put_setting(&mut tx, &format!("{PERIOD_KEY}{year}:{code}"), &json).await?;
        audit::append(
            &mut tx,
            actor,
            "confirm",
            "report_period",
            Some(year as i64),
            &format!("{code}: {} – {}", period.start, period.end),
        )
        .await?;
        tx.commit().await?;
        Ok(confirmed)
    }

    async fn kept_package(
        &self,
        kind: &str,
        year: i16,
        as_of: Date,
        stamp: &str,
    ) -> StorageResult<Option<String>> {
        let row = sqlx::query(
            "SELECT content FROM figures_kept WHERE kind = $1 AND year = $2 AND as_of = $3 AND stamp = $4",
        )
        .bind(kind)
        .bind(year as i64)
        .bind(as_of.to_string())
        .bind(stamp)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("content")).transpose()?)
    }

    async fn keep_package(
        &self,
        kind: &str,
        year: i16,
        as_of: Date,
        stamp: &str,
        content: &str,
    ) -> StorageResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query("DELETE FROM figures_kept WHERE kind = $1 AND year = $2")
            .bind(kind)
            .bind(year as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO figures_kept (kind, year, as_of, stamp, content, kept_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kind)
        .bind(year as i64)
        .bind(as_of.to_string())
        .bind(stamp)
        .bind(content)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn figures_stamp(&self) -> StorageResult<String> {
        crate::stamps::figures(self).await
    }
}

/// Who may enter the figures agencies report: everyone but the province, the administrator and
/// village heads.
pub(crate) fn may_report(actor: &Actor) -> StorageResult<()> {
    if matches!(actor.role, Role::Province | Role::Admin | Role::VillageHead) {
        return Err(StorageError::Forbidden);
    }
    Ok(())
}

/// Stores one reported figure entered at `entered_at`, with its audit entry.
pub(crate) async fn insert_reported(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    year: i16,
    rv: &ReportedValue,
    entered_at: &str,
) -> StorageResult<()> {
    let id: i64 = sqlx::query(
        "INSERT INTO reported_value (year, target, secondary, period_start, period_end, numerator, denominator, value, note, entered_by, entered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(year as i64)
    .bind(rv.target as i64)
    .bind(rv.secondary as i64)
    .bind(rv.period_start.to_string())
    .bind(rv.period_end.to_string())
    .bind(rv.numerator)
    .bind(rv.denominator)
    .bind(rv.value)
    .bind(&rv.note)
    .bind(&actor.username)
    .bind(entered_at)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    audit::append(
        tx,
        actor,
        "report",
        "target",
        Some(rv.target as i64),
        &format!("năm {year}, bản ghi {id}"),
    )
    .await
}

/// Stores supports given to children, the i-th recorded at `recorded_at[i]`, in one
/// transaction with one audit entry.
pub(crate) async fn insert_supports(
    db: &Db,
    actor: &Actor,
    records: &[SupportRecord],
    recorded_at: &[String],
) -> StorageResult<()> {
    if !actor.role.writes_children() {
        return Err(StorageError::Forbidden);
    }
    SupportRecord::validate_batch(records).map_err(StorageError::Invalid)?;
    let (_turn, mut tx) = db.begin_write().await?;
    let rows = records
        .iter()
        .zip(recorded_at)
        .map(|(s, at)| {
            vec![
                crate::params::P::from(s.child_id),
                crate::params::P::from(s.date.to_string()),
                crate::params::P::from(s.kind.clone()),
                crate::params::P::from(actor.user_id),
                crate::params::P::from(at.clone()),
            ]
        })
        .collect();
    crate::params::insert_many(
        &mut tx,
        "support_record",
        &["child_id", "date", "kind", "recorded_by", "recorded_at"],
        rows,
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "support",
        None,
        &format!("{} lượt trợ giúp", records.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
