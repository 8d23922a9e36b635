//! Support given to children (trợ giúp trẻ em có hoàn cảnh đặc biệt): recorded one at a time, for
//! a child the person may write, under the form's submission id so that a form sent twice
//! stores one support; listed for a child; and the commune's setting of which kinds answer which
//! circumstance group (target 14), kept in `setting` under [`ANSWERS_KEY`].
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::scope::{read_scope, write_scope};
use crate::SupportLog;
use serde::Serialize;
use sqlx::Row;
use treem_domain::role::Actor;
use treem_domain::support::{NewSupport, SupportAnswers, SupportKind};
use treem_domain::Date;

/// The setting holding [`SupportAnswers`] as JSON.
pub(crate) const ANSWERS_KEY: &str = "support_answers";

/// A support recorded for a child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GivenSupport {
    pub id: i64,
    pub date: Date,
    pub kind: SupportKind,
    /// The words recorded, for records older than the kinds (otherwise the kind's label).
    pub words: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What [`SupportLog::give_support`] stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GivenOnce {
    pub id: i64,
    /// True when the submission id had been used: nothing was stored now.
    pub again: bool,
}

#[async_trait::async_trait]
impl SupportLog for Db {
    async fn child_supports(&self, actor: &Actor, child: i64) -> StorageResult<Vec<GivenSupport>> {
        let scope = read_scope(actor)?;
        let mut tx = self.begin_read().await?;
        self.read_child_in(&mut tx, child, scope).await?;
        let rows = sqlx::query(&format!(
            "SELECT s.id, s.date, s.kind, s.recorded_at, COALESCE(u.username, '') AS username \
             FROM support_record s LEFT JOIN app_user u ON u.id = s.recorded_by{} \
             WHERE s.child_id = $1 ORDER BY s.date DESC, s.id DESC",
            self.same("u", "s")
        ))
        .bind(child)
        .fetch_all(&mut *tx)
        .await?;
        rows.iter()
            .map(|r| {
                let words: String = r.try_get("kind")?;
                let date: String = r.try_get("date")?;
                Ok(GivenSupport {
                    id: r.try_get("id")?,
                    date: date
                        .parse()
                        .map_err(|e| StorageError::Corrupt(format!("ngày «{date}»: {e}")))?,
                    kind: SupportKind::of_record(&words),
                    words,
                    recorded_by: r.try_get("username")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    async fn give_support(
        &self,
        actor: &Actor,
        child: i64,
        support: &NewSupport,
        token: Option<&str>,
    ) -> StorageResult<GivenOnce> {
        let scope = write_scope(actor)?;
        for attempt in 0..2 {
            let (_turn, mut tx) = self.begin_write().await?;
            if let Some(t) = token {
                // A form id is shared with the health forms' table: the support it stored.
                if let Some(done) = crate::health::read_submission(&mut tx, t).await? {
                    let id = done.ids.first().copied().ok_or_else(|| {
                        StorageError::invalid("submission", "mã biểu mẫu đã dùng cho biểu mẫu khác")
                    })?;
                    return Ok(GivenOnce { id, again: true });
                }
            }
            self.read_child_in(&mut tx, child, scope).await?;
            let now = now_text();
            let id: i64 = sqlx::query(
                "INSERT INTO support_record (child_id, date, kind, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(child)
            .bind(support.date.to_string())
            .bind(support.kind.code())
            .bind(actor.user_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            if let Some(t) = token {
                let inserted = sqlx::query(
                    "INSERT INTO form_submission (token, kind, recorded_by, recorded_at, result) \
                     VALUES ($1, 'support', $2, $3, $4)",
                )
                .bind(t)
                .bind(actor.user_id)
                .bind(&now)
                .bind(serde_json::json!({ "ids": [id] }).to_string())
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    // The same id committed meanwhile on another connection (PostgreSQL): what
                    // it stored is the answer.
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt == 0 => {
                        continue
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            audit::append(
                &mut tx,
                actor,
                "create",
                "support",
                Some(child),
                &format!("{} ngày {}", support.kind.label_vi(), support.date),
            )
            .await?;
            tx.commit().await?;
            return Ok(GivenOnce { id, again: false });
        }
        Err(StorageError::Busy)
    }

    async fn support_answers(&self) -> StorageResult<SupportAnswers> {
        let row = sqlx::query("SELECT value FROM setting WHERE key = $1")
            .bind(ANSWERS_KEY)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(SupportAnswers::default()),
            Some(r) => SupportAnswers::from_setting(&r.try_get::<String, _>("value")?)
                .map_err(|e| StorageError::Corrupt(format!("{ANSWERS_KEY}: {e}"))),
        }
    }

    async fn set_support_answers(
        &self,
        actor: &Actor,
        answers: &SupportAnswers,
    ) -> StorageResult<()> {
        if !SupportAnswers::may_set(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        crate::db::put_setting(&mut tx, ANSWERS_KEY, &answers.to_setting()).await?;
        audit::append(
            &mut tx,
            actor,
            "update",
            "support_answers",
            None,
            "hình thức trợ giúp được tính cho chỉ tiêu 14",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
