//! Reading reports and sections back from their rows.
use super::{StoredReport, StoredSection};
use crate::error::{StorageError, StorageResult};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use treem_domain::indicator::Period;
use treem_domain::report::{Narrative, ReportState, SectionState};
use treem_domain::Date;

pub(super) const REPORT_COLUMNS: &str = "id, year, kind, period_start, period_end, due_before, \
     state, version, amends_id, number, returned_reason, opened_by, opened_at, sent_at, \
     approved_at";

fn date(r: &AnyRow, col: &str) -> StorageResult<Date> {
    let s: String = r.try_get(col)?;
    s.parse()
        .map_err(|e| StorageError::Corrupt(format!("report.{col} «{s}»: {e}")))
}

pub(super) fn report(r: &AnyRow) -> StorageResult<StoredReport> {
    let state: String = r.try_get("state")?;
    let year: i64 = r.try_get("year")?;
    Ok(StoredReport {
        id: r.try_get("id")?,
        year: year as i16,
        kind: r.try_get("kind")?,
        period: Period::new(date(r, "period_start")?, date(r, "period_end")?),
        due_before: date(r, "due_before")?,
        state: ReportState::from_code(&state)
            .ok_or_else(|| StorageError::Corrupt(format!("report.state «{state}»")))?,
        version: r.try_get("version")?,
        amends: r.try_get("amends_id")?,
        number: r.try_get("number")?,
        returned_reason: r.try_get("returned_reason")?,
        opened_by: r.try_get("opened_by")?,
        opened_at: r.try_get("opened_at")?,
        sent_at: r.try_get("sent_at")?,
        approved_at: r.try_get("approved_at")?,
        sections: Vec::new(),
    })
}

fn section(r: &AnyRow) -> StorageResult<StoredSection> {
    let state: String = r.try_get("state")?;
    Ok(StoredSection {
        agency: r.try_get("agency")?,
        narrative: Narrative {
            done: r.try_get("done")?,
            results: r.try_get("results")?,
            difficulties: r.try_get("difficulties")?,
            proposals: r.try_get("proposals")?,
        },
        state: SectionState::from_code(&state)
            .ok_or_else(|| StorageError::Corrupt(format!("report_section.state «{state}»")))?,
        submitted_by: r.try_get("submitted_by")?,
        submitted_at: r.try_get("submitted_at")?,
        version: r.try_get("version")?,
    })
}

/// One report with its sections, inside a transaction.
pub(super) async fn load(tx: &mut Transaction<'_, Any>, id: i64) -> StorageResult<StoredReport> {
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM report WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StorageError::NotFound)?;
    let mut rep = report(&row)?;
    rep.sections = sections(tx, &[id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    Ok(rep)
}

/// The sections of these reports, (report id, section), in the order they were opened.
pub(super) async fn sections(
    tx: &mut Transaction<'_, Any>,
    ids: &[i64],
) -> StorageResult<Vec<(i64, StoredSection)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // The ids are integers read from the database: safe to write into the statement.
    let rows = sqlx::query(&format!(
        "SELECT report_id, agency, done, results, difficulties, proposals, state, submitted_by, \
         submitted_at, version, seq FROM report_section WHERE report_id IN ({list}) \
         ORDER BY report_id, seq"
    ))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("report_id")?, section(r)?)))
        .collect()
}
