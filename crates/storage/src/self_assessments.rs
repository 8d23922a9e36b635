//! The child-friendly commune self-assessment (QĐ 06/QĐ-TTg, 03/01/2019; target 1): a year's
//! scores stored as a new row each time they are entered (the earlier rows stay, the year's
//! history), and the outcome written in the same transaction into `assessment_value` for the
//! plan's targets measured by it, which the indicator engine reads.
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::SelfAssessments;
use serde::Serialize;
use sqlx::Row;
use treem_domain::role::Actor;
use treem_domain::self_assessment::{self as sa, CriterionScore, Outcome, SelfAssessment};

/// A stored self-assessment: what was entered, by whom, when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAssessment {
    pub id: i64,
    pub assessment: SelfAssessment,
    pub total: u32,
    pub met: Option<bool>,
    pub entered_by: String,
    pub entered_at: String,
}

fn from_row(r: &sqlx::any::AnyRow) -> StorageResult<StoredAssessment> {
    let date: String = r.try_get("date")?;
    let scores: String = r.try_get("scores")?;
    let scores: Vec<CriterionScore> = serde_json::from_str(&scores)
        .map_err(|e| StorageError::Corrupt(format!("self_assessment.scores: {e}")))?;
    Ok(StoredAssessment {
        id: r.try_get("id")?,
        assessment: SelfAssessment {
            year: r.try_get::<i64, _>("year")? as i16,
            date: date
                .parse()
                .map_err(|e| StorageError::Corrupt(format!("ngày «{date}»: {e}")))?,
            scores,
        },
        total: r.try_get::<i64, _>("total")? as u32,
        met: r.try_get::<Option<i64>, _>("met")?.map(|m| m != 0),
        entered_by: r.try_get("entered_by")?,
        entered_at: r.try_get("entered_at")?,
    })
}

#[async_trait::async_trait]
impl SelfAssessments for Db {
    async fn self_assessments(
        &self,
        actor: &Actor,
        year: i16,
    ) -> StorageResult<Vec<StoredAssessment>> {
        if !sa::may_read(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query(
            "SELECT id, year, date, scores, total, met, entered_by, entered_at \
             FROM self_assessment WHERE year = $1 ORDER BY id DESC",
        )
        .bind(year as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    async fn put_self_assessment(
        &self,
        actor: &Actor,
        a: &SelfAssessment,
        outcome: &Outcome,
        targets: &[u16],
    ) -> StorageResult<StoredAssessment> {
        if !sa::may_enter(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let now = now_text();
        let met = outcome.met.map(i64::from);
        let scores =
            serde_json::to_string(&a.scores).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let id: i64 = sqlx::query(
            "INSERT INTO self_assessment (year, date, scores, total, met, entered_by, entered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(a.year as i64)
        .bind(a.date.to_string())
        .bind(&scores)
        .bind(outcome.total as i64)
        .bind(met)
        .bind(&actor.username)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for t in targets {
            sqlx::query(
                "INSERT INTO assessment_value (target, date, met, score, note, entered_by, entered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(*t as i64)
            .bind(a.date.to_string())
            .bind(met)
            .bind(outcome.total as f64)
            .bind(format!("tự đánh giá năm {} (lần nhập {id})", a.year))
            .bind(&actor.username)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "update",
            "self_assessment",
            None,
            &format!("tự đánh giá năm {}: {}", a.year, outcome.label_vi()),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredAssessment {
            id,
            assessment: a.clone(),
            total: outcome.total,
            met: outcome.met,
            entered_by: actor.username.clone(),
            entered_at: now,
        })
    }
}
