//! The steps of a report that need more than storage: opening it on its kind's period,
//! the engine's figures for it, freezing it at approval, what would differ now. Shared by the
//! API and the pages so both do the same.
use crate::error::ApiError;
use crate::figures::{self, Computed};
use crate::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use treem_domain::indicator::{Known, Period, TargetResult};
use treem_domain::plan::{format_date_vi, Plan, Report};
use treem_domain::report::{
    freeze, overdue, section_lines, signer_of, take, Approval, Commune, FigureChange, Freezing,
    FrozenReport, ReportState, SectionText, Step, WorkCounts, WorkLine,
};
use treem_domain::role::Actor;
use treem_domain::Date;
use treem_storage::{NewReport, StoredReport};

/// The plan of the report's year and its kind.
pub async fn plan_and_kind(
    state: &AppState,
    year: i16,
    kind: &str,
) -> Result<(Plan, Report), ApiError> {
    let plan = figures::load_plan(state, year).await?;
    let k = plan.report(kind).cloned().ok_or_else(|| {
        ApiError::Invalid(treem_domain::validation::FieldErrors::single(
            "kind",
            format!("kế hoạch năm {year} không có loại báo cáo «{kind}»"),
        ))
    })?;
    Ok((plan, k))
}

/// Opens a report of `kind` on its stated or confirmed period (a forum's: its day).
pub async fn open(
    state: &AppState,
    actor: &Actor,
    year: i16,
    kind: &str,
    forum_date: Option<Date>,
) -> Result<StoredReport, ApiError> {
    let (plan, k) = plan_and_kind(state, year, kind).await?;
    take(&plan, actor.role, Step::Open, ReportState::Preparing, None)
        .map_err(treem_storage::StorageError::from)?;
    let confirmed = state.store.confirmed_periods(year).await?;
    let opening = k.opening(year, &confirmed, forum_date)?;
    let new = NewReport {
        year,
        kind: k.code.clone(),
        period: opening.period,
        due_before: opening.due_before,
        sections: plan
            .report_sections(&k)
            .iter()
            .map(|a| a.code.clone())
            .collect(),
    };
    Ok(state.store.open_report(actor, &plan, &new).await?)
}

/// The day the report's figures are as of: its period's end, or today when earlier.
pub fn as_of(rep: &StoredReport) -> Date {
    rep.period.end.min(treem_storage::today())
}

/// The engine's figures for a report of `year` over `period`, as of `as_of` (every record
/// known now). A periodic report's period is the one the dashboard computes for that day
/// (kept, shared with the dashboard); another kind's (the Month of Action, a forum, the
/// self-assessment) is its own.
pub async fn computed(
    state: &AppState,
    year: i16,
    period: Period,
    as_of: Date,
) -> Result<Arc<Computed>, ApiError> {
    match figures::compute(state, year, as_of, Known::Now).await {
        Ok(c) if c.period == period => return Ok(c),
        // The dashboard's period for the day may wait for the officer: the report's own is set.
        Ok(_) | Err(ApiError::PeriodNotConfirmed(_)) => {}
        Err(e) => return Err(e),
    }
    figures::compute_for_period(state, year, period, as_of, Known::Now).await
}

/// The report's targets' results now, in the plan's order.
pub fn results_for(plan: &Plan, kind: &Report, c: &Computed) -> Vec<TargetResult> {
    plan.report_targets(kind)
        .iter()
        .filter_map(|t| c.results.iter().find(|r| r.number == t.number).cloned())
        .collect()
}

/// Phê duyệt: the report frozen with the figures now, its sections, the leader as signer;
/// for an amending report, what differs from the report it amends.
pub async fn approve(
    state: &AppState,
    actor: &Actor,
    id: i64,
    version: i64,
    number: &str,
) -> Result<FrozenReport, ApiError> {
    let rep = state.store.report(actor, id).await?;
    let (plan, kind) = plan_and_kind(state, rep.year, &rep.kind).await?;
    // Refused before the figures are computed.
    take(&plan, actor.role, Step::Approve, rep.state, None)
        .map_err(treem_storage::StorageError::from)?;
    let as_of = as_of(&rep);
    let c = computed(state, rep.year, rep.period, as_of).await?;
    let results = results_for(&plan, &kind, &c);
    let changes = match rep.amends {
        Some(orig) => state
            .store
            .frozen_report(actor, orig)
            .await?
            .changes_against(&results),
        None => Vec::new(),
    };
    // What the records say for the period, counted now and frozen with the sections.
    let work = state.store.work_counts(actor, rep.period).await?;
    let commune = state.store.commune().await?;
    // The leader's full name and position as their account holds them now.
    let account = state
        .store
        .signers(actor, std::slice::from_ref(&actor.username))
        .await?
        .pop()
        .unwrap_or_else(|| treem_domain::account::Signer {
            login: actor.username.clone(),
            ..Default::default()
        });
    let (full_name, position) = signer_of(&account, actor.role);
    let at = jiff::Timestamp::now();
    let frozen = freeze(
        &plan,
        &kind,
        &results,
        Freezing {
            id,
            year: rep.year,
            period: rep.period,
            as_of,
            number: number.trim().to_string(),
            commune: Commune {
                code: commune
                    .as_ref()
                    .and_then(|c| c.code.clone())
                    .unwrap_or_default(),
                name: commune
                    .as_ref()
                    .map_or(plan.commune.clone(), |c| c.name.clone()),
                province: commune
                    .as_ref()
                    .map(|c| c.province.clone())
                    .or(plan.province.clone())
                    .unwrap_or_default(),
            },
            sections: section_texts(&plan, &rep, &work),
            approved: Approval {
                login: actor.username.clone(),
                full_name,
                position,
                at: at.to_string(),
                date: treem_storage::today(),
            },
            amends: rep.amends,
            changes,
            audit_head: String::new(),
        },
    );
    Ok(state
        .store
        .approve_report(actor, &plan, id, version, frozen)
        .await?)
}

/// The stored sections as the frozen report holds them, with their lines from `work`.
fn section_texts(plan: &Plan, rep: &StoredReport, work: &WorkCounts) -> Vec<SectionText> {
    rep.sections
        .iter()
        .map(|s| SectionText {
            agency: s.agency.clone(),
            agency_name: String::new(),
            done: s.narrative.done.clone(),
            results: s.narrative.results.clone(),
            difficulties: s.narrative.difficulties.clone(),
            proposals: s.narrative.proposals.clone(),
            submitted_by: s.submitted_by.clone(),
            submitted_at: s.submitted_at.clone(),
            lines: section_lines(plan, &s.agency, work),
        })
        .collect()
}

/// Each section's lines (agency code, lines): as frozen for an approved report, else counted
/// from the records now.
pub async fn lines_of(
    state: &AppState,
    actor: &Actor,
    plan: &Plan,
    rep: &StoredReport,
) -> Result<Vec<(String, Vec<WorkLine>)>, ApiError> {
    if rep.state == ReportState::Approved {
        let f = state.store.frozen_report(actor, rep.id).await?;
        return Ok(f
            .sections
            .into_iter()
            .map(|s| (s.agency, s.lines))
            .collect());
    }
    let work = state.store.work_counts(actor, rep.period).await?;
    Ok(rep
        .sections
        .iter()
        .map(|s| (s.agency.clone(), section_lines(plan, &s.agency, &work)))
        .collect())
}

/// Lines as the API gives them.
pub fn lines_json(lines: &[WorkLine]) -> Value {
    json!(lines
        .iter()
        .map(|l| json!({"label": l.label, "value": l.value}))
        .collect::<Vec<_>>())
}

/// Số liệu đã thay đổi sau khi phê duyệt: the frozen figures against the records now.
pub async fn differences(
    state: &AppState,
    frozen: &FrozenReport,
) -> Result<Vec<FigureChange>, ApiError> {
    let c = computed(state, frozen.year, frozen.period, frozen.as_of).await?;
    Ok(frozen.changes_against(&c.results))
}

/// A report as the API and the pages list it.
pub fn summary_json(plan: &Plan, rep: &StoredReport, today: Date) -> Value {
    let kind = plan.report(&rep.kind);
    let sections: Vec<Value> = rep
        .sections
        .iter()
        .map(|s| {
            json!({
                "agency": s.agency,
                "agency_name": plan.agency(&s.agency).map_or(s.agency.as_str(), |a| a.name.as_str()),
                "state": s.state,
                "state_vi": s.state.label_vi(),
                "version": s.version,
                "submitted_by": s.submitted_by,
                "submitted_at": s.submitted_at,
                "overdue": overdue(today, rep.due_before, rep.state, Some(s.state)),
            })
        })
        .collect();
    json!({
        "id": rep.id,
        "year": rep.year,
        "kind": rep.kind,
        "kind_name": kind.map_or(rep.kind.as_str(), |k| k.name.as_str()),
        "period": {"start": rep.period.start.to_string(), "end": rep.period.end.to_string()},
        "period_vi": format!("{}–{}", format_date_vi(rep.period.start), format_date_vi(rep.period.end)),
        "due_before": rep.due_before.to_string(),
        "due_vi": format_date_vi(rep.due_before),
        "state": rep.state,
        "state_vi": rep.state.label_vi(),
        "version": rep.version,
        "amends": rep.amends,
        "number": rep.number,
        "returned_reason": rep.returned_reason,
        "overdue": overdue(today, rep.due_before, rep.state, None),
        "sections": sections,
    })
}

/// One line of the consolidated view: a target's figure with its counts, source, status and
/// agency; `agency` limits the lines to the targets that agency leads.
pub fn figures_json(
    plan: &Plan,
    kind: &Report,
    results: &[TargetResult],
    agency: Option<&str>,
) -> Vec<Value> {
    plan.report_targets(kind)
        .into_iter()
        .filter(|t| agency.is_none_or(|a| t.owners.iter().any(|o| o == a)))
        .filter_map(|t| {
            let r = results.iter().find(|r| r.number == t.number)?;
            Some(json!({
                "target": t.number,
                "measure": t.measure,
                "plan_value": t.describe_vi(),
                "numerator": r.figure.numerator,
                "denominator": r.figure.denominator,
                "value": r.figure.value,
                "shown": figures::show(r.figure.value, t.unit),
                "status": r.status,
                "status_vi": r.status.label_vi(),
                "source": t.source.label_vi(),
                "agency": plan.owners_vi(t),
                "agency_codes": t.owners,
            }))
        })
        .collect()
}

/// A change of a frozen figure, in words and numbers.
pub fn change_json(c: &FigureChange) -> Value {
    let n = |x: Option<f64>| x.map_or("—".to_string(), treem_domain::plan::format_number_vi);
    json!({
        "target": c.target,
        "numerator": [c.numerator.0, c.numerator.1],
        "denominator": [c.denominator.0, c.denominator.1],
        "value": [c.value.0, c.value.1],
        "status": [c.status.0, c.status.1],
        "words": format!(
            "Chỉ tiêu {}: tử số {} → {}, mẫu số {} → {}, giá trị {} → {}, {} → {}",
            c.target,
            n(c.numerator.0), n(c.numerator.1),
            n(c.denominator.0), n(c.denominator.1),
            n(c.value.0), n(c.value.1),
            c.status.0.label_vi(), c.status.1.label_vi()
        ),
    })
}
