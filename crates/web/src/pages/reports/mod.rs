//! Reports up the chain (báo cáo): the list with states and due dates, opening a report, the
//! consolidated view with the steps the person may take, and each agency's section
//! ([`section`]). Which step is offered is the domain's ([`take`]); the figures are the
//! engine's ([`crate::reports`]).
mod section;

pub use section::{save_section, show_section};

use super::{render_status, Ctx, PageError, TypedForm};
use crate::reports as svc;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::plan::{format_date_vi, Plan};
use treem_domain::report::{overdue, take, ReportState, SectionState, Step};
use treem_domain::validation::FieldErrors;
use treem_storage::{StorageError, StoredReport};

/// A report in the list.
pub struct ReportRow {
    pub id: i64,
    pub kind: String,
    pub period: String,
    pub state: &'static str,
    pub due: String,
    pub overdue: bool,
    pub submitted: String,
    pub amends: Option<i64>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    l: super::Layout,
    year: i16,
    rows: Vec<ReportRow>,
    may_open: bool,
    /// (code, name) of each kind of the plan.
    kinds: Vec<(String, String)>,
    errors: Vec<String>,
}

#[derive(Default, serde::Deserialize)]
pub struct OpenForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub forum_date: String,
}

#[derive(serde::Deserialize)]
pub struct Flash {
    saved: Option<String>,
}

/// The confirmation after a step, by the word the redirect carries.
fn flash_words(saved: Option<&str>) -> Option<String> {
    let words = match saved? {
        "opened" => "Đã mở báo cáo.",
        "draft" => "Đã lưu nháp phần báo cáo.",
        "submitted" => "Đã nộp phần báo cáo.",
        "reopened" => "Đã mở lại phần báo cáo để sửa.",
        "sent" => "Đã gửi lãnh đạo phê duyệt.",
        "approved" => {
            "Đã phê duyệt báo cáo. Số liệu của báo cáo được giữ nguyên như lúc phê duyệt."
        }
        "returned" => "Đã trả lại báo cáo kèm lý do.",
        "amend" => "Đã lập báo cáo bổ sung.",
        _ => return None,
    };
    Some(words.to_string())
}

fn row(plan: &Plan, r: &StoredReport, today: treem_domain::Date) -> ReportRow {
    let done = r
        .sections
        .iter()
        .filter(|s| s.state == SectionState::Submitted)
        .count();
    ReportRow {
        id: r.id,
        kind: plan
            .report(&r.kind)
            .map_or(r.kind.clone(), |k| k.name.clone()),
        period: format!(
            "{} – {}",
            format_date_vi(r.period.start),
            format_date_vi(r.period.end)
        ),
        state: r.state.label_vi(),
        due: format_date_vi(r.due_before),
        overdue: overdue(today, r.due_before, r.state, None),
        submitted: format!("{done}/{}", r.sections.len()),
        amends: r.amends,
    }
}

async fn list_page(ctx: &Ctx, errors: Vec<String>) -> Result<Response, PageError> {
    let year = treem_storage::today().year();
    let plan = crate::figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let reps = ctx
        .state
        .store
        .reports(&ctx.actor(), Some(year))
        .await
        .map_err(|e| ctx.fail(e))?;
    let today = treem_storage::today();
    let refused = !errors.is_empty();
    let page = ReportsPage {
        l: ctx.layout("Báo cáo"),
        year,
        rows: reps.iter().map(|r| row(&plan, r, today)).collect(),
        may_open: take(
            &plan,
            ctx.user.role,
            Step::Open,
            ReportState::Preparing,
            None,
        )
        .is_ok(),
        kinds: plan
            .reports
            .iter()
            .map(|k| (k.code.clone(), k.name.clone()))
            .collect(),
        errors,
    };
    Ok(render_status(&page, refused))
}

/// `/reports`: the plan year's reports.
pub async fn list(ctx: Ctx) -> Result<Response, PageError> {
    list_page(&ctx, Vec::new()).await
}

fn words(e: &FieldErrors) -> Vec<String> {
    e.0.iter().map(|f| f.message.clone()).collect()
}

/// Opens a report of the kind chosen.
pub async fn open(ctx: Ctx, TypedForm(f): TypedForm<OpenForm>) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let forum = f.forum_date.trim();
    let forum_date = match forum {
        "" => None,
        d => match treem_domain::plan::parse_date(d) {
            Some(x) => Some(x),
            None => {
                return list_page(
                    &ctx,
                    vec!["Ngày tổ chức diễn đàn không hợp lệ (dd/mm/yyyy).".into()],
                )
                .await
            }
        },
    };
    let year = treem_storage::today().year();
    match svc::open(&ctx.state, &ctx.actor(), year, &f.kind, forum_date).await {
        Ok(r) => Ok(Redirect::to(&format!("/reports/{}?saved=opened", r.id)).into_response()),
        Err(crate::ApiError::Invalid(e)) => list_page(&ctx, words(&e)).await,
        Err(e) => Err(ctx.fail_api(e)),
    }
}

/// A section's line in the consolidated view.
pub struct SectionRow {
    pub agency: String,
    pub name: String,
    pub state: &'static str,
    pub by: String,
    pub overdue: bool,
    /// What the records say for the period (frozen once approved).
    pub lines: Vec<treem_domain::report::WorkLine>,
}

/// A figure's line.
pub struct FigureRow {
    pub target: u16,
    pub measure: String,
    pub plan_value: String,
    pub numerator: String,
    pub denominator: String,
    pub shown: String,
    pub status: String,
    pub status_class: String,
    pub source: String,
    pub agency: String,
}

pub(super) fn figure_rows(figs: &[serde_json::Value]) -> Vec<FigureRow> {
    let num = |v: &serde_json::Value| {
        v.as_f64()
            .map_or("—".into(), treem_domain::plan::format_number_vi)
    };
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    figs.iter()
        .map(|f| FigureRow {
            target: f["target"].as_u64().unwrap_or_default() as u16,
            measure: s(&f["measure"]),
            plan_value: s(&f["plan_value"]),
            numerator: num(&f["numerator"]),
            denominator: num(&f["denominator"]),
            shown: s(&f["shown"]),
            status: s(&f["status_vi"]),
            status_class: format!("st-{}", s(&f["status"]).replace('_', "")),
            source: s(&f["source"]),
            agency: s(&f["agency"]),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    l: super::Layout,
    id: i64,
    kind: String,
    period: String,
    state: &'static str,
    approved: bool,
    due: String,
    overdue: bool,
    version: i64,
    amends: Option<i64>,
    returned_reason: Option<String>,
    sections: Vec<SectionRow>,
    figures: Vec<FigureRow>,
    /// Approved: what would differ now, in words.
    differences: Vec<String>,
    /// An amending report: what it changes from the one it amends, in words.
    changes: Vec<String>,
    number: String,
    may_send: bool,
    may_decide: bool,
    may_amend: bool,
    errors: Vec<String>,
}

async fn report_page(
    ctx: &Ctx,
    id: i64,
    flash: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let actor = ctx.actor();
    let rep = ctx
        .state
        .store
        .report(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let (plan, kind) = svc::plan_and_kind(&ctx.state, rep.year, &rep.kind)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let today = treem_storage::today();
    let role = ctx.user.role;
    let approved = rep.state == ReportState::Approved;
    let (figures, differences, changes) = if approved {
        let frozen = ctx
            .state
            .store
            .frozen_report(&actor, id)
            .await
            .map_err(|e| ctx.fail(e))?;
        let diff = svc::differences(&ctx.state, &frozen)
            .await
            .map_err(|e| ctx.fail_api(e))?;
        let results: Vec<_> = frozen.figures.iter().map(|f| f.result.clone()).collect();
        let words = |c: &treem_domain::report::FigureChange| {
            svc::change_json(c)["words"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        (
            svc::figures_json(&plan, &kind, &results, None),
            diff.iter().map(words).collect(),
            frozen.changes.iter().map(words).collect(),
        )
    } else {
        let c = svc::computed(&ctx.state, rep.year, rep.period, svc::as_of(&rep))
            .await
            .map_err(|e| ctx.fail_api(e))?;
        (
            svc::figures_json(&plan, &kind, &c.results, None),
            Vec::new(),
            Vec::new(),
        )
    };
    let mut lines = svc::lines_of(&ctx.state, &actor, &plan, &rep)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let sections = rep
        .sections
        .iter()
        .map(|s| SectionRow {
            lines: lines
                .iter_mut()
                .find(|(a, _)| *a == s.agency)
                .map(|(_, l)| std::mem::take(l))
                .unwrap_or_default(),
            agency: s.agency.clone(),
            name: plan
                .agency(&s.agency)
                .map_or(s.agency.clone(), |a| a.name.clone()),
            state: s.state.label_vi(),
            by: match (&s.submitted_by, &s.submitted_at) {
                (Some(b), Some(a)) => format!("{b} · {}", crate::i18n::vn_datetime(a)),
                _ => String::new(),
            },
            overdue: overdue(today, rep.due_before, rep.state, Some(s.state)),
        })
        .collect();
    let may = |step| take(&plan, role, step, rep.state, None).is_ok();
    let mut l = ctx.layout(format!("{} · {}", kind.name, rep.year));
    l.flash = flash;
    let refused = !errors.is_empty();
    let page = ReportPage {
        l,
        id,
        kind: kind.name.clone(),
        period: format!(
            "{} – {}",
            format_date_vi(rep.period.start),
            format_date_vi(rep.period.end)
        ),
        state: rep.state.label_vi(),
        approved,
        due: format_date_vi(rep.due_before),
        overdue: overdue(today, rep.due_before, rep.state, None),
        version: rep.version,
        amends: rep.amends,
        returned_reason: rep
            .returned_reason
            .clone()
            .filter(|_| rep.state == ReportState::Returned),
        sections,
        figures: figure_rows(&figures),
        differences,
        changes,
        number: rep.number.clone(),
        may_send: may(Step::Send),
        may_decide: may(Step::Approve),
        may_amend: may(Step::Amend),
        errors,
    };
    Ok(render_status(&page, refused))
}

/// `/reports/{id}`: the consolidated view.
pub async fn show(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    report_page(&ctx, id, flash_words(q.saved.as_deref()), Vec::new()).await
}

#[derive(Default, serde::Deserialize)]
pub struct StepForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    /// The version the page showed (a form sends text).
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub number: String,
}

/// The version a form sent; what is not a number is no version (answered as stale).
pub(super) fn version_of(s: &str) -> i64 {
    s.trim().parse().unwrap_or(-1)
}

/// What a refused step says on the report's page (a 403 stays a 403).
async fn refused(ctx: &Ctx, id: i64, e: StorageError) -> Result<Response, PageError> {
    match e {
        StorageError::Invalid(f) => report_page(ctx, id, None, words(&f)).await,
        StorageError::Refused(m) => report_page(ctx, id, None, vec![m]).await,
        StorageError::Conflict { .. } => {
            report_page(ctx, id, None, vec!["Báo cáo đã được người khác thay đổi sau khi bạn mở trang; đã tải lại, hãy làm lại.".into()]).await
        }
        other => Err(ctx.fail(other)),
    }
}

async fn year_plan(ctx: &Ctx, id: i64) -> Result<Plan, PageError> {
    let rep = ctx
        .state
        .store
        .report(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    crate::figures::load_plan(&ctx.state, rep.year)
        .await
        .map_err(|e| ctx.fail_api(e))
}

fn done(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/reports/{id}?saved={what}")).into_response()
}

/// Gửi lãnh đạo.
pub async fn send(
    ctx: Ctx,
    Path(id): Path<i64>,
    TypedForm(f): TypedForm<StepForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let plan = year_plan(&ctx, id).await?;
    match ctx
        .state
        .store
        .send_report(&ctx.actor(), &plan, id, version_of(&f.version))
        .await
    {
        Ok(_) => Ok(done(id, "sent")),
        Err(e) => refused(&ctx, id, e).await,
    }
}

/// Trả lại với lý do.
pub async fn return_report(
    ctx: Ctx,
    Path(id): Path<i64>,
    TypedForm(f): TypedForm<StepForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let plan = year_plan(&ctx, id).await?;
    match ctx
        .state
        .store
        .return_report(&ctx.actor(), &plan, id, version_of(&f.version), &f.reason)
        .await
    {
        Ok(_) => Ok(done(id, "returned")),
        Err(e) => refused(&ctx, id, e).await,
    }
}

/// Phê duyệt.
pub async fn approve(
    ctx: Ctx,
    Path(id): Path<i64>,
    TypedForm(f): TypedForm<StepForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    match svc::approve(
        &ctx.state,
        &ctx.actor(),
        id,
        version_of(&f.version),
        &f.number,
    )
    .await
    {
        Ok(_) => Ok(done(id, "approved")),
        Err(crate::ApiError::Invalid(e)) => refused(&ctx, id, StorageError::Invalid(e)).await,
        Err(crate::ApiError::Refused(m)) => refused(&ctx, id, StorageError::Refused(m)).await,
        Err(crate::ApiError::Conflict { current }) => {
            refused(&ctx, id, StorageError::Conflict { current }).await
        }
        Err(e) => Err(ctx.fail_api(e)),
    }
}

/// Lập báo cáo bổ sung.
pub async fn amend(
    ctx: Ctx,
    Path(id): Path<i64>,
    TypedForm(f): TypedForm<StepForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let plan = year_plan(&ctx, id).await?;
    match ctx.state.store.amend_report(&ctx.actor(), &plan, id).await {
        Ok(r) => Ok(done(r.id, "amend")),
        Err(e) => refused(&ctx, id, e).await,
    }
}

/// A line of a home page: a section to write or a report to decide, with its due date.
pub struct Duty {
    pub href: String,
    pub text: String,
    pub due: String,
    pub overdue: bool,
}

/// The home page's report duties: the person's sections still drafts in reports being
/// prepared, and the reports waiting for their approval.
pub async fn duties(ctx: &Ctx) -> Vec<Duty> {
    let actor = ctx.actor();
    let Ok(reps) = ctx.state.store.reports(&actor, None).await else {
        return Vec::new();
    };
    let today = treem_storage::today();
    let mut out = Vec::new();
    for r in reps.iter().filter(|r| r.state != ReportState::Approved) {
        let Ok(plan) = crate::figures::load_plan(&ctx.state, r.year).await else {
            continue;
        };
        let name = plan
            .report(&r.kind)
            .map_or(r.kind.clone(), |k| k.name.clone());
        let due = format_date_vi(r.due_before);
        if take(&plan, actor.role, Step::Approve, r.state, None).is_ok() {
            out.push(Duty {
                href: format!("/reports/{}", r.id),
                text: format!("{name} {} chờ phê duyệt", r.year),
                due: due.clone(),
                overdue: overdue(today, r.due_before, r.state, None),
            });
        }
        for s in &r.sections {
            let step = Step::SubmitSection { agency: &s.agency };
            if take(&plan, actor.role, step, r.state, Some(s.state)).is_ok() {
                let agency = plan
                    .agency(&s.agency)
                    .map_or(s.agency.clone(), |a| a.name.clone());
                out.push(Duty {
                    href: format!("/reports/{}/sections/{}", r.id, s.agency),
                    text: format!("Phần của {agency} — {name} {}", r.year),
                    due: due.clone(),
                    overdue: overdue(today, r.due_before, r.state, Some(s.state)),
                });
            }
        }
    }
    out
}
