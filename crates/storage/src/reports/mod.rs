//! Reports up the chain (báo cáo): opened for a kind and a period, each agency's section
//! written and submitted, sent to the leader, approved (frozen as JSON in the same transaction
//! as the approval, with the audit chain's head) or returned, amended. Who may take each step
//! is the domain's ([`treem_domain::report::take`]); here every step is checked against the
//! stored state and version in its transaction and audited there.
mod rows;
mod work;

use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::Reports;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use treem_domain::indicator::Period;
use treem_domain::plan::Plan;
use treem_domain::report::{
    may_read, take, FrozenReport, Narrative, Refusal, ReportState, SectionState, Step,
};
use treem_domain::role::Actor;
use treem_domain::Date;

/// A report to open: its kind and period as the domain set them
/// ([`treem_domain::plan::Report::opening`]), and the agencies that write a section.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub year: i16,
    pub kind: String,
    pub period: Period,
    pub due_before: Date,
    /// Agency codes, in the plan's order.
    pub sections: Vec<String>,
}

/// A report as stored, with its sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReport {
    pub id: i64,
    pub year: i16,
    pub kind: String,
    pub period: Period,
    pub due_before: Date,
    pub state: ReportState,
    pub version: i64,
    /// The report this one amends (báo cáo bổ sung).
    pub amends: Option<i64>,
    pub number: String,
    /// Why the leader returned it (the last time).
    pub returned_reason: Option<String>,
    pub opened_by: String,
    pub opened_at: String,
    pub sent_at: Option<String>,
    pub approved_at: Option<String>,
    pub sections: Vec<StoredSection>,
}

/// An agency's section as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSection {
    pub agency: String,
    #[serde(flatten)]
    pub narrative: Narrative,
    pub state: SectionState,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub version: i64,
}

impl StoredReport {
    pub fn section(&self, agency: &str) -> Option<&StoredSection> {
        self.sections.iter().find(|s| s.agency == agency)
    }
}

/// A refusal of the domain as storage says it: 403, 409 (with the reason), 422.
impl From<Refusal> for StorageError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Forbidden(_) => StorageError::Forbidden,
            Refusal::Invalid(field, msg) => StorageError::invalid(field, msg),
            other => StorageError::Refused(other.to_string()),
        }
    }
}

fn readable(actor: &Actor) -> StorageResult<()> {
    may_read(actor.role)
        .then_some(())
        .ok_or(StorageError::Forbidden)
}

fn stale(stored: i64, given: i64) -> StorageResult<()> {
    (stored == given)
        .then_some(())
        .ok_or(StorageError::Conflict { current: stored })
}

/// The section of `agency` in `rep`, or not found.
fn section_of<'a>(rep: &'a StoredReport, agency: &str) -> StorageResult<&'a StoredSection> {
    rep.section(agency).ok_or(StorageError::NotFound)
}

async fn set_state(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    state: ReportState,
    extra: &str,
    value: Option<&str>,
) -> StorageResult<()> {
    // `extra` is one of this module's column names, never input.
    let sql = if extra.is_empty() {
        "UPDATE report SET state = $1, version = version + 1 WHERE id = $2".to_string()
    } else {
        format!("UPDATE report SET state = $1, version = version + 1, {extra} = $3 WHERE id = $2")
    };
    let mut q = sqlx::query(&sql).bind(state.code()).bind(id);
    if !extra.is_empty() {
        q = q.bind(value.map(str::to_string));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn insert_report(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    new: &NewReport,
    amends: Option<i64>,
    texts: &[(String, Narrative)],
) -> StorageResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO report (year, kind, period_start, period_end, due_before, state, version, \
         amends_id, opened_by, opened_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9) \
         RETURNING id",
    )
    .bind(i64::from(new.year))
    .bind(&new.kind)
    .bind(new.period.start.to_string())
    .bind(new.period.end.to_string())
    .bind(new.due_before.to_string())
    .bind(ReportState::Preparing.code())
    .bind(amends)
    .bind(&actor.username)
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    for (seq, agency) in new.sections.iter().enumerate() {
        let text = texts
            .iter()
            .find(|(a, _)| a == agency)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO report_section (report_id, agency, done, results, difficulties, \
             proposals, state, version, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)",
        )
        .bind(id)
        .bind(agency)
        .bind(&text.done)
        .bind(&text.results)
        .bind(&text.difficulties)
        .bind(&text.proposals)
        .bind(SectionState::Draft.code())
        .bind(seq as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// A section step: checked by the domain, the version compared, the section written.
enum SectionChange<'a> {
    Save(&'a Narrative),
    Submit,
    Reopen,
}

impl Db {
    async fn change_section(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        agency: &str,
        version: i64,
        change: SectionChange<'_>,
    ) -> StorageResult<StoredReport> {
        let checked = match &change {
            SectionChange::Save(n) => Some(n.checked().map_err(StorageError::Invalid)?),
            _ => None,
        };
        let (_turn, mut tx) = self.begin_write().await?;
        let rep = rows::load(&mut tx, id).await?;
        let sec = section_of(&rep, agency)?;
        let step = match change {
            SectionChange::Save(_) => Step::SaveSection { agency },
            SectionChange::Submit => Step::SubmitSection { agency },
            SectionChange::Reopen => Step::ReopenSection { agency },
        };
        let (_, after) = take(plan, actor.role, step, rep.state, Some(sec.state))?;
        stale(sec.version, version)?;
        let after = after.unwrap_or(sec.state);
        let (action, detail) = match (&change, &checked) {
            (SectionChange::Save(_), Some(n)) => {
                sqlx::query(
                    "UPDATE report_section SET done = $1, results = $2, difficulties = $3, \
                     proposals = $4, version = version + 1 WHERE report_id = $5 AND agency = $6",
                )
                .bind(&n.done)
                .bind(&n.results)
                .bind(&n.difficulties)
                .bind(&n.proposals)
                .bind(id)
                .bind(agency)
                .execute(&mut *tx)
                .await?;
                ("update", "lưu nháp phần báo cáo")
            }
            (SectionChange::Submit, _) => ("submit", "nộp phần báo cáo"),
            _ => ("reopen", "mở lại phần báo cáo"),
        };
        if !matches!(change, SectionChange::Save(_)) {
            let (by, at) = match after {
                SectionState::Submitted => (Some(actor.username.clone()), Some(now_text())),
                SectionState::Draft => (None, None),
            };
            sqlx::query(
                "UPDATE report_section SET state = $1, submitted_by = $2, submitted_at = $3, \
                 version = version + 1 WHERE report_id = $4 AND agency = $5",
            )
            .bind(after.code())
            .bind(by)
            .bind(at)
            .bind(id)
            .bind(agency)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            action,
            "report",
            Some(id),
            &format!("{detail} của {agency}"),
        )
        .await?;
        let rep = rows::load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(rep)
    }

    /// A report step (send, return): checked, the version compared, the state written.
    async fn change_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        version: i64,
        step: Step<'_>,
    ) -> StorageResult<StoredReport> {
        let (_turn, mut tx) = self.begin_write().await?;
        let rep = rows::load(&mut tx, id).await?;
        let (after, _) = take(plan, actor.role, step, rep.state, None)?;
        stale(rep.version, version)?;
        let (action, detail) = match step {
            Step::Return { reason } => {
                let reason = reason.trim();
                set_state(&mut tx, id, after, "returned_reason", Some(reason)).await?;
                ("return", format!("trả lại báo cáo: {reason}"))
            }
            _ => {
                let now = now_text();
                set_state(&mut tx, id, after, "sent_at", Some(&now)).await?;
                ("send", "gửi lãnh đạo phê duyệt".to_string())
            }
        };
        audit::append(&mut tx, actor, action, "report", Some(id), &detail).await?;
        let rep = rows::load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(rep)
    }
}

#[async_trait::async_trait]
impl Reports for Db {
    async fn open_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        new: &NewReport,
    ) -> StorageResult<StoredReport> {
        take(plan, actor.role, Step::Open, ReportState::Preparing, None)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let id = insert_report(&mut tx, actor, new, None, &[]).await?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "report",
            Some(id),
            &format!("mở báo cáo {} năm {}", new.kind, new.year),
        )
        .await?;
        let rep = rows::load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(rep)
    }

    async fn reports(&self, actor: &Actor, year: Option<i16>) -> StorageResult<Vec<StoredReport>> {
        readable(actor)?;
        let mut tx = self.begin_read().await?;
        let cols = rows::REPORT_COLUMNS;
        let order = "ORDER BY year, due_before, id";
        let rows = match year {
            Some(y) => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM report WHERE year = $1 {order}"
                ))
                .bind(i64::from(y))
                .fetch_all(&mut *tx)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {cols} FROM report {order}"))
                    .fetch_all(&mut *tx)
                    .await?
            }
        };
        let mut out: Vec<StoredReport> = rows.iter().map(rows::report).collect::<Result<_, _>>()?;
        let ids: Vec<i64> = out.iter().map(|r| r.id).collect();
        for (rid, s) in rows::sections(&mut tx, &ids).await? {
            if let Some(r) = out.iter_mut().find(|r| r.id == rid) {
                r.sections.push(s);
            }
        }
        Ok(out)
    }

    async fn report(&self, actor: &Actor, id: i64) -> StorageResult<StoredReport> {
        readable(actor)?;
        let mut tx = self.begin_read().await?;
        rows::load(&mut tx, id).await
    }

    async fn save_section(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        agency: &str,
        version: i64,
        text: &Narrative,
    ) -> StorageResult<StoredReport> {
        self.change_section(actor, plan, id, agency, version, SectionChange::Save(text))
            .await
    }

    async fn submit_section(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        agency: &str,
        version: i64,
    ) -> StorageResult<StoredReport> {
        self.change_section(actor, plan, id, agency, version, SectionChange::Submit)
            .await
    }

    async fn reopen_section(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        agency: &str,
        version: i64,
    ) -> StorageResult<StoredReport> {
        self.change_section(actor, plan, id, agency, version, SectionChange::Reopen)
            .await
    }

    async fn send_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        version: i64,
    ) -> StorageResult<StoredReport> {
        self.change_report(actor, plan, id, version, Step::Send)
            .await
    }

    async fn return_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        version: i64,
        reason: &str,
    ) -> StorageResult<StoredReport> {
        self.change_report(actor, plan, id, version, Step::Return { reason })
            .await
    }

    async fn approve_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
        version: i64,
        mut frozen: FrozenReport,
    ) -> StorageResult<FrozenReport> {
        let (_turn, mut tx) = self.begin_write().await?;
        let rep = rows::load(&mut tx, id).await?;
        take(plan, actor.role, Step::Approve, rep.state, None)?;
        stale(rep.version, version)?;
        if frozen.kind != rep.kind || frozen.year != rep.year {
            return Err(StorageError::invalid(
                "report",
                "báo cáo đóng băng không khớp",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            "approve",
            "report",
            Some(id),
            &format!("phê duyệt báo cáo {} năm {}", rep.kind, rep.year),
        )
        .await?;
        // The head after the approval's own entry: the anchor the documents print.
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let head = crate::ChainHead {
            seq: head.try_get("seq")?,
            hash: head.try_get("hash")?,
        };
        frozen.id = id;
        frozen.amends = rep.amends;
        frozen.audit_head = head.to_string();
        let json = serde_json::to_string(&frozen)
            .map_err(|e| StorageError::Corrupt(format!("báo cáo {id}: {e}")))?;
        sqlx::query(
            "UPDATE report SET state = $1, version = version + 1, number = $2, approved_at = $3, \
             frozen = $4 WHERE id = $5 AND frozen IS NULL",
        )
        .bind(ReportState::Approved.code())
        .bind(&frozen.number)
        .bind(&frozen.approved.at)
        .bind(json)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(frozen)
    }

    async fn amend_report(
        &self,
        actor: &Actor,
        plan: &Plan,
        id: i64,
    ) -> StorageResult<StoredReport> {
        let (_turn, mut tx) = self.begin_write().await?;
        let orig = rows::load(&mut tx, id).await?;
        take(plan, actor.role, Step::Amend, orig.state, None)?;
        let new = NewReport {
            year: orig.year,
            kind: orig.kind.clone(),
            period: orig.period,
            due_before: orig.due_before,
            sections: orig.sections.iter().map(|s| s.agency.clone()).collect(),
        };
        // The agencies start from what they wrote: an amendment changes what changed.
        let texts: Vec<(String, Narrative)> = orig
            .sections
            .iter()
            .map(|s| (s.agency.clone(), s.narrative.clone()))
            .collect();
        let new_id = insert_report(&mut tx, actor, &new, Some(id), &texts).await?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "report",
            Some(new_id),
            &format!("mở báo cáo bổ sung cho báo cáo {id}"),
        )
        .await?;
        let rep = rows::load(&mut tx, new_id).await?;
        tx.commit().await?;
        Ok(rep)
    }

    async fn approved_report(
        &self,
        actor: &Actor,
        year: i16,
        kind: &str,
    ) -> StorageResult<Option<FrozenReport>> {
        readable(actor)?;
        let row = sqlx::query(
            "SELECT id, frozen FROM report WHERE year = $1 AND kind = $2 AND frozen IS NOT NULL \
             ORDER BY approved_at DESC, id DESC LIMIT 1",
        )
        .bind(i64::from(year))
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| parse_frozen(r.try_get("id")?, &r.try_get::<String, _>("frozen")?))
            .transpose()
    }

    async fn work_counts(
        &self,
        actor: &Actor,
        period: Period,
    ) -> StorageResult<treem_domain::report::WorkCounts> {
        readable(actor)?;
        let mut tx = self.begin_read().await?;
        work::counts(&mut tx, period).await
    }

    async fn frozen_report(&self, actor: &Actor, id: i64) -> StorageResult<FrozenReport> {
        readable(actor)?;
        let row = sqlx::query("SELECT frozen FROM report WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        let json: Option<String> = row.try_get("frozen")?;
        parse_frozen(id, &json.ok_or(StorageError::NotFound)?)
    }
}

fn parse_frozen(id: i64, json: &str) -> StorageResult<FrozenReport> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(format!("báo cáo {id}: {e}")))
}
