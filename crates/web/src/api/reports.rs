//! Reports up the chain (`/reports…`): list, open, the consolidated view, each agency's
//! section, send, approve, return, amend. Who may take a step is the domain's; a refusal is
//! 403 (role, agency), 409 (approved, already sent, stale version) or 422 (a field).
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::reports as svc;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::report::Narrative;
use treem_domain::validation::FieldErrors;

#[derive(Deserialize)]
pub struct ListQuery {
    /// Text, so that a bad year is a 422 naming the field, not a bare 400.
    year: Option<String>,
}

#[derive(Deserialize)]
pub struct OpenBody {
    year: Option<i16>,
    #[serde(default)]
    kind: String,
    /// dd/mm/yyyy or YYYY-MM-DD; forum reports only.
    forum_date: Option<String>,
}

#[derive(Deserialize)]
pub struct SectionBody {
    version: Option<i64>,
    #[serde(flatten)]
    narrative: Narrative,
}

#[derive(Deserialize)]
pub struct StepBody {
    version: Option<i64>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    number: String,
}

fn version(v: Option<i64>) -> Result<i64, ApiError> {
    v.ok_or_else(|| {
        ApiError::Invalid(FieldErrors::single(
            "version",
            "cần gửi phiên bản (version) đã đọc",
        ))
    })
}

pub async fn list(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => Some(y.parse::<i16>().map_err(|_| {
            ApiError::Invalid(FieldErrors::single("year", "năm phải là số, ví dụ 2026"))
        })?),
    };
    let reps = s.store.reports(&user.actor(), year).await?;
    let today = treem_storage::today();
    let mut items = Vec::new();
    for r in &reps {
        let plan = crate::figures::load_plan(&s, r.year).await?;
        items.push(svc::summary_json(&plan, r, today));
    }
    Ok(Json(json!({ "items": items })))
}

pub async fn open(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<OpenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut errs = FieldErrors::default();
    let year = b.year.unwrap_or_else(|| treem_storage::today().year());
    if b.kind.trim().is_empty() {
        errs.push("kind", "cần chọn loại báo cáo");
    }
    let forum = match b
        .forum_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match treem_domain::plan::parse_date(d) {
            Some(x) => Some(x),
            None => {
                errs.push(
                    "forum_date",
                    "ngày tổ chức diễn đàn không hợp lệ (dd/mm/yyyy)",
                );
                None
            }
        },
    };
    if !errs.is_empty() {
        return Err(ApiError::Invalid(errs));
    }
    let rep = svc::open(&s, &user.actor(), year, b.kind.trim(), forum).await?;
    let plan = crate::figures::load_plan(&s, rep.year).await?;
    Ok((
        StatusCode::CREATED,
        Json(svc::summary_json(&plan, &rep, treem_storage::today())),
    ))
}

/// The consolidated view: the report, its figures (frozen once approved, with what would
/// differ now), which agencies submitted.
pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let actor = user.actor();
    let rep = s.store.report(&actor, parse_id(&id)?).await?;
    let (plan, kind) = svc::plan_and_kind(&s, rep.year, &rep.kind).await?;
    let mut out = svc::summary_json(&plan, &rep, treem_storage::today());
    if rep.state == treem_domain::report::ReportState::Approved {
        let frozen = s.store.frozen_report(&actor, rep.id).await?;
        let diff = svc::differences(&s, &frozen).await?;
        out["figures"] = json!(svc::figures_json(
            &plan,
            &kind,
            &frozen_results(&frozen),
            None
        ));
        out["changes"] = json!(frozen
            .changes
            .iter()
            .map(svc::change_json)
            .collect::<Vec<_>>());
        out["differences_now"] = json!(diff.iter().map(svc::change_json).collect::<Vec<_>>());
        out["frozen"] = json!(frozen);
    } else {
        let c = svc::computed(&s, rep.year, rep.period, svc::as_of(&rep)).await?;
        out["figures"] = json!(svc::figures_json(&plan, &kind, &c.results, None));
    }
    Ok(Json(out))
}

fn frozen_results(
    f: &treem_domain::report::FrozenReport,
) -> Vec<treem_domain::indicator::TargetResult> {
    f.figures.iter().map(|x| x.result.clone()).collect()
}

/// One agency's section with the figures of the targets it leads.
pub async fn section(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, agency)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let rep = s.store.report(&user.actor(), parse_id(&id)?).await?;
    let sec = rep.section(&agency).ok_or(ApiError::NotFound)?.clone();
    let (plan, kind) = svc::plan_and_kind(&s, rep.year, &rep.kind).await?;
    let c = svc::computed(&s, rep.year, rep.period, svc::as_of(&rep)).await?;
    let lines = svc::lines_of(&s, &user.actor(), &plan, &rep)
        .await?
        .into_iter()
        .find(|(a, _)| *a == agency)
        .map(|(_, l)| l)
        .unwrap_or_default();
    Ok(Json(json!({
        "report": rep.id,
        "report_version": rep.version,
        "agency": sec.agency,
        "agency_name": plan.agency(&agency).map(|a| a.name.clone()),
        "state": sec.state,
        "state_vi": sec.state.label_vi(),
        "version": sec.version,
        "done": sec.narrative.done,
        "results": sec.narrative.results,
        "difficulties": sec.narrative.difficulties,
        "proposals": sec.narrative.proposals,
        "submitted_by": sec.submitted_by,
        "submitted_at": sec.submitted_at,
        "figures": svc::figures_json(&plan, &kind, &c.results, Some(&agency)),
        "lines": svc::lines_json(&lines),
    })))
}

async fn section_answer(
    s: &AppState,
    rep: &treem_storage::StoredReport,
    agency: &str,
) -> Result<Json<Value>, ApiError> {
    let plan = crate::figures::load_plan(s, rep.year).await?;
    let sec = rep.section(agency).ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "report": svc::summary_json(&plan, rep, treem_storage::today()),
        "agency": agency,
        "state": sec.state,
        "version": sec.version,
    })))
}

pub async fn save_section(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, agency)): Path<(String, String)>,
    JsonBody(b): JsonBody<SectionBody>,
) -> Result<Json<Value>, ApiError> {
    let v = version(b.version)?;
    let actor = user.actor();
    let id = parse_id(&id)?;
    let plan = plan_of(&s, &actor, id).await?;
    let rep = s
        .store
        .save_section(&actor, &plan, id, &agency, v, &b.narrative)
        .await?;
    section_answer(&s, &rep, &agency).await
}

/// `POST …/sections/{agency}/submit` and `…/reopen`.
pub async fn submit_section(
    st: State<AppState>,
    user: ApiUser,
    path: Path<(String, String)>,
    body: JsonBody<StepBody>,
) -> Result<Json<Value>, ApiError> {
    section_step(st, user, path, body, true).await
}

pub async fn reopen_section(
    st: State<AppState>,
    user: ApiUser,
    path: Path<(String, String)>,
    body: JsonBody<StepBody>,
) -> Result<Json<Value>, ApiError> {
    section_step(st, user, path, body, false).await
}

async fn section_step(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, agency)): Path<(String, String)>,
    JsonBody(b): JsonBody<StepBody>,
    submit: bool,
) -> Result<Json<Value>, ApiError> {
    let v = version(b.version)?;
    let actor = user.actor();
    let id = parse_id(&id)?;
    let plan = plan_of(&s, &actor, id).await?;
    let rep = if submit {
        s.store
            .submit_section(&actor, &plan, id, &agency, v)
            .await?
    } else {
        s.store
            .reopen_section(&actor, &plan, id, &agency, v)
            .await?
    };
    section_answer(&s, &rep, &agency).await
}

/// `POST /reports/{id}/send`, `/return`, `/approve`.
pub async fn send(
    st: State<AppState>,
    user: ApiUser,
    path: Path<String>,
    body: JsonBody<StepBody>,
) -> Result<Json<Value>, ApiError> {
    report_step(st, user, path, body, ReportStep::Send).await
}

pub async fn return_report(
    st: State<AppState>,
    user: ApiUser,
    path: Path<String>,
    body: JsonBody<StepBody>,
) -> Result<Json<Value>, ApiError> {
    report_step(st, user, path, body, ReportStep::Return).await
}

pub async fn approve(
    st: State<AppState>,
    user: ApiUser,
    path: Path<String>,
    body: JsonBody<StepBody>,
) -> Result<Json<Value>, ApiError> {
    report_step(st, user, path, body, ReportStep::Approve).await
}

/// The leader's and the officer's steps on a whole report.
enum ReportStep {
    Send,
    Return,
    Approve,
}

/// The plan of the report's year (the report read within the actor's rights).
async fn plan_of(
    s: &AppState,
    actor: &treem_storage::Actor,
    id: i64,
) -> Result<treem_domain::plan::Plan, ApiError> {
    let year = s.store.report(actor, id).await?.year;
    crate::figures::load_plan(s, year).await
}

async fn report_step(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<StepBody>,
    step: ReportStep,
) -> Result<Json<Value>, ApiError> {
    let v = version(b.version)?;
    let actor = user.actor();
    let id = parse_id(&id)?;
    let plan = plan_of(&s, &actor, id).await?;
    let rep = match step {
        ReportStep::Send => s.store.send_report(&actor, &plan, id, v).await?,
        ReportStep::Return => {
            s.store
                .return_report(&actor, &plan, id, v, &b.reason)
                .await?
        }
        ReportStep::Approve => {
            svc::approve(&s, &actor, id, v, &b.number).await?;
            s.store.report(&actor, id).await?
        }
    };
    Ok(Json(svc::summary_json(&plan, &rep, treem_storage::today())))
}

pub async fn amend(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = user.actor();
    let id = parse_id(&id)?;
    let plan = plan_of(&s, &actor, id).await?;
    let rep = s.store.amend_report(&actor, &plan, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(svc::summary_json(&plan, &rep, treem_storage::today())),
    ))
}
