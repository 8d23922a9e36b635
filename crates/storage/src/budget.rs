//! The plan's budget (kinh phí): lines by source and activity with what was spent on each,
//! read by those who see money ([`Role::reads_budget`]) and written by the economic office
//! ([`Role::writes_budget`]), each write in one transaction, audited, stored once under a
//! submission id. No child is read or written here.
//!
//! [`Role::reads_budget`]: treem_domain::role::Role::reads_budget
//! [`Role::writes_budget`]: treem_domain::role::Role::writes_budget
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::once::{claim, settle};
use crate::{BudgetLog, StoredOnce};
use serde::Serialize;
use sqlx::Row;
use treem_domain::budget::{amount_vi, FundingSource, LineFigures, NewBudgetLine, NewSpending};
use treem_domain::role::Actor;
use treem_domain::Date;

/// A spending as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spending {
    pub id: i64,
    pub line_id: i64,
    pub date: Date,
    pub amount: i64,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

fn reader(actor: &Actor) -> StorageResult<()> {
    if actor.role.reads_budget() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

fn writer(actor: &Actor) -> StorageResult<()> {
    if actor.role.writes_budget() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

#[async_trait::async_trait]
impl BudgetLog for Db {
    async fn budget_lines(&self, actor: &Actor, year: i16) -> StorageResult<Vec<LineFigures>> {
        reader(actor)?;
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!(
            "SELECT l.id, l.source, l.activity, l.planned, \
             CAST(COALESCE((SELECT SUM(s.amount) FROM budget_spending s \
                 WHERE s.line_id = l.id{}), 0) AS BIGINT) AS spent \
             FROM budget_line l WHERE l.year = $1 ORDER BY l.id",
            self.same("s", "l")
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await?;
        rows.iter()
            .map(|r| {
                let source: String = r.try_get("source")?;
                Ok(LineFigures {
                    id: r.try_get("id")?,
                    source: FundingSource::parse(&source)
                        .ok_or_else(|| StorageError::Corrupt(format!("nguồn «{source}»")))?,
                    activity: r.try_get("activity")?,
                    planned: r.try_get("planned")?,
                    spent: r.try_get("spent")?,
                })
            })
            .collect()
    }

    async fn spendings(&self, actor: &Actor, year: i16) -> StorageResult<Vec<Spending>> {
        reader(actor)?;
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!(
            "SELECT s.id, s.line_id, s.date, s.amount, s.note, s.recorded_at, \
             COALESCE(u.username, '') AS username FROM budget_spending s \
             JOIN budget_line l ON l.id = s.line_id{} LEFT JOIN app_user u ON u.id = s.recorded_by{} \
             WHERE l.year = $1 ORDER BY s.date, s.id",
            self.same("l", "s"),
            self.same("u", "s")
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await?;
        rows.iter()
            .map(|r| {
                let date: String = r.try_get("date")?;
                Ok(Spending {
                    id: r.try_get("id")?,
                    line_id: r.try_get("line_id")?,
                    date: date
                        .parse()
                        .map_err(|e| StorageError::Corrupt(format!("ngày «{date}»: {e}")))?,
                    amount: r.try_get("amount")?,
                    note: r.try_get("note")?,
                    recorded_by: r.try_get("username")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    async fn add_budget_line(
        &self,
        actor: &Actor,
        line: &NewBudgetLine,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        writer(actor)?;
        let now = now_text();
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if let Some(id) = claim(&mut tx, actor, t, "budget_line", &now).await? {
                tx.commit().await?;
                return Ok(StoredOnce { id, again: true });
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO budget_line (year, source, activity, planned, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(i64::from(line.year))
        .bind(line.source.code())
        .bind(&line.activity)
        .bind(line.planned)
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
            "budget_line",
            Some(id),
            &format!(
                "{} · {} · dự kiến {} đ",
                line.source.label_vi(),
                line.activity,
                amount_vi(line.planned)
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }

    async fn add_spending(
        &self,
        actor: &Actor,
        line: i64,
        spending: &NewSpending,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce> {
        writer(actor)?;
        let now = now_text();
        let (_turn, mut tx) = self.begin_write().await?;
        if let Some(t) = token {
            if let Some(id) = claim(&mut tx, actor, t, "spending", &now).await? {
                tx.commit().await?;
                return Ok(StoredOnce { id, again: true });
            }
        }
        let year: i64 = sqlx::query("SELECT year FROM budget_line WHERE id = $1")
            .bind(line)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?
            .try_get("year")?;
        if year != i64::from(spending.date.year()) {
            return Err(StorageError::invalid(
                "date",
                format!("ngày chi không thuộc năm {year} của dòng kinh phí"),
            ));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO budget_spending (line_id, date, amount, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(line)
        .bind(spending.date.to_string())
        .bind(spending.amount)
        .bind(&spending.note)
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
            "spending",
            Some(line),
            &format!("ngày {} · {} đ", spending.date, amount_vi(spending.amount)),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredOnce { id, again: false })
    }
}
