//! The plan's targets with their live figures (bảng theo dõi chỉ tiêu), one target's detail,
//! and the form where an agency enters the figures the register does not hold.
use super::PageForm as Form;
use super::{render, render_status, Ctx, Layout, PageError, PageErrorKind};
use crate::figures::{self, show, Computed};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use treem_domain::disclosure::{self, PublishedBreakdown, PublishedCell, PublishedResult};
use treem_domain::indicator::{
    definitions_vi, validate_reported, yearly, Definition, Known, ReportedValue, Settings,
    TargetResult, TargetStatus,
};
use treem_domain::plan::{with_unit_vi, Plan, Source, Target, Unit};
use treem_domain::register::Sex;
use treem_domain::role::Role;
use treem_domain::validation::parse_date;
use treem_domain::Date;
use treem_storage::ChildQuery;

pub fn status_class(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => "st-met",
        TargetStatus::NotMet => "st-notmet",
        TargetStatus::AtRisk => "st-risk",
        _ => "st-nodata",
    }
}

/// Agency codes of the plan that this role acts for.
pub fn my_agencies(plan: &Plan, role: Role) -> Vec<String> {
    plan.agencies
        .iter()
        .filter(|a| a.role == Some(role))
        .map(|a| a.code.clone())
        .collect()
}

/// The owner agency enters a reported figure; the officer consolidates any.
pub fn may_report(plan: &Plan, t: &Target, role: Role) -> bool {
    matches!(t.source, Source::Reported)
        && (role == Role::Officer || t.owners.iter().any(|o| my_agencies(plan, role).contains(o)))
}

fn owners_text(plan: &Plan, t: &Target) -> String {
    if t.owners.is_empty() {
        return "chưa phân công".into();
    }
    t.owners
        .iter()
        .map(|o| {
            plan.agency(o)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| o.clone())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A status as shown: "không công bố" when the province may not see it.
fn status_view(s: Option<TargetStatus>) -> (&'static str, &'static str) {
    match s {
        Some(s) => (s.label_vi(), status_class(s)),
        None => (STATUS_HIDDEN, "st-nodata"),
    }
}

/// The status of a target the province may not see (it would tell a hidden count).
const STATUS_HIDDEN: &str = "không công bố";

pub struct TargetRow {
    pub number: u16,
    pub text: String,
    pub figure: String,
    pub num_den: String,
    pub target: String,
    pub baseline: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub owners: String,
    pub last_entered: String,
    pub unstable: bool,
    /// "số liệu 6 tháng; quy ra một năm: …" for a yearly rate over part of a year.
    pub span: String,
}

pub struct GoalView {
    pub number: u16,
    pub title: String,
    pub rows: Vec<TargetRow>,
}

pub struct Todo {
    pub number: u16,
    pub text: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    year: i16,
    as_of: String,
    as_of_iso: String,
    /// Which records the figures read, in words.
    known_label: String,
    /// The day asked for in `recorded_by` (dd/mm/yyyy), or empty.
    recorded_by: String,
    /// `&recorded_by=…` for the links, or empty.
    links: String,
    period: String,
    goals: Vec<GoalView>,
    mine: Vec<TargetRow>,
    todo: Vec<Todo>,
    due: String,
    days_left: i64,
    counts: Vec<(&'static str, &'static str, usize)>,
    /// Plans approved within the Decree 56 time limit, over approvals due in the period.
    plans_on_time: Option<(String, String, String)>,
    /// The viewer sees figures as of quarter ends, with small counts protected.
    protected: bool,
}

/// A published figure with the digits its status needs ([`Target::figure_text_vi`]), "ẩn"
/// when the viewer may not see it, "—" when there is none.
fn figure_text(
    f: &disclosure::PublishedFigure,
    unit: Option<Unit>,
    text: impl Fn(f64) -> String,
) -> String {
    match (f.value_hidden, f.value) {
        (true, _) => "ẩn".into(),
        (false, Some(v)) => with_unit_vi(&text(v), unit),
        (false, None) => "—".into(),
    }
}

/// A target's line as the viewer sees it (`p`: [`figures::published`]).
fn row(plan: &Plan, t: &Target, r: &TargetResult, p: &PublishedResult, c: &Computed) -> TargetRow {
    let (status, class) = status_view(p.status);
    // A yearly rate over part of a year says so, with the rate for a year beside it.
    let span = if p.figure.value_hidden {
        None
    } else {
        yearly(&t.source, p.figure.value, c.period, c.as_of)
    };
    TargetRow {
        span: span
            .map(|y| {
                let n = treem_domain::plan::format_number_vi((y.per_year * 10.0).round() / 10.0);
                format!(
                    "số liệu {}; quy ra một năm: {}",
                    y.covers,
                    with_unit_vi(&n, t.unit)
                )
            })
            .unwrap_or_default(),
        number: t.number,
        text: t.text.clone(),
        figure: figure_text(&p.figure, t.unit, |v| t.figure_text_vi(v)),
        num_den: p.figure.num_den_text(),
        target: t.describe_vi(),
        baseline: t
            .baseline
            .as_ref()
            .map(|b| format!("{} ({})", show(b.value, t.unit), b.year))
            .unwrap_or_default(),
        status,
        status_class: class,
        owners: owners_text(plan, t),
        last_entered: r
            .figure
            .last_entered
            .as_deref()
            .map(crate::i18n::vn_datetime)
            .unwrap_or_default(),
        unstable: p.figure.unstable,
    }
}

/// The year, the date and which records the figures read ([`Known`]): `recorded_by` asks for
/// the figures as recorded by the end of that day.
fn params(ctx: &Ctx, q: &HashMap<String, String>) -> Result<(i16, Date, Known), PageError> {
    let today = treem_storage::today();
    let as_of = match q.get("as_of").filter(|s| !s.is_empty()) {
        Some(s) => parse_date(s).ok_or_else(|| ctx.error(PageErrorKind::NotFound))?,
        None => today,
    };
    let recorded_by = match q.get("recorded_by").filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_date(s).ok_or_else(|| ctx.error(PageErrorKind::NotFound))?),
        None => None,
    };
    // A year that is not a number, or outside the plan years, has no plan: not found (jiff
    // cannot even hold the dates of year 10000).
    let year = match q.get("year").filter(|y| !y.is_empty()) {
        Some(y) => y
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(treem_domain::limits::plan_year)
            .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?,
        None => as_of.year(),
    };
    let (as_of, known) =
        figures::date_for(ctx.user.role, as_of, Known::from_recorded_by(recorded_by));
    Ok((year, as_of, known))
}

/// The figures, or the page where the officer confirms the report periods they wait for.
async fn computed(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<std::sync::Arc<Computed>, PageError> {
    match figures::compute(&ctx.state, year, as_of, known).await {
        Ok(c) => Ok(c),
        Err(crate::ApiError::PeriodNotConfirmed(p)) => Err(PageError::page(
            periods_page(ctx, year, as_of, Some(p), None).await?,
        )),
        Err(e) => Err(ctx.fail_api(e)),
    }
}

/// The earlier figures the province's "có nguy cơ" needs ([`figures::earlier_points`]); none
/// for those who see exact results.
async fn earlier(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    known: Known,
) -> Result<Vec<std::sync::Arc<Computed>>, PageError> {
    if !ctx.user.role.sees_protected_counts() {
        return Ok(vec![]);
    }
    figures::earlier_points(&ctx.state, year, as_of, known)
        .await
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))
}

/// `&recorded_by=…` for the links of a page showing figures as recorded by a day.
fn known_query(known: Known) -> String {
    known
        .recorded_by()
        .map(|d| format!("&recorded_by={d}"))
        .unwrap_or_default()
}

pub struct PeriodRow {
    pub code: String,
    pub name: String,
    pub due: String,
    /// "Kế hoạch nêu kỳ", "Đã xác nhận (…)", "Chưa xác nhận".
    pub status: String,
    pub waiting: bool,
    pub stated: bool,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "report_periods.html")]
struct PeriodsPage {
    l: Layout,
    year: i16,
    as_of_iso: String,
    /// Why the figures wait, when they do.
    waiting: Option<String>,
    rows: Vec<PeriodRow>,
    may_confirm: bool,
    error: Option<String>,
}

/// The plan's reports with their periods; the officer confirms those the plan does not state.
async fn periods_page(
    ctx: &Ctx,
    year: i16,
    as_of: Date,
    waiting: Option<treem_domain::plan::PeriodNotConfirmed>,
    error: Option<String>,
) -> Result<Response, PageError> {
    use treem_domain::plan::ReportPeriod;
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let confirmed = ctx
        .state
        .store
        .confirmed_periods(year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows = plan
        .reports
        .iter()
        .map(|r| {
            let rp = plan.report_period(r, &confirmed);
            let shown = rp.shown();
            let status = match &rp {
                ReportPeriod::Stated(_) => "Kế hoạch nêu kỳ".to_string(),
                ReportPeriod::Confirmed(_) => {
                    let c = confirmed.iter().find(|c| c.code == r.code);
                    format!(
                        "Đã xác nhận ({}, {})",
                        c.map(|c| c.confirmed_by.as_str()).unwrap_or_default(),
                        c.map(|c| crate::i18n::vn_datetime(&c.confirmed_at))
                            .unwrap_or_default()
                    )
                }
                ReportPeriod::Unconfirmed { .. } => "Chưa xác nhận — kỳ đề xuất".to_string(),
            };
            PeriodRow {
                code: r.code.clone(),
                name: r.name.clone(),
                due: vn_date(&r.last_day().to_string()),
                status,
                waiting: matches!(rp, ReportPeriod::Unconfirmed { .. }),
                stated: matches!(rp, ReportPeriod::Stated(_)),
                start: vn_date(&shown.start.to_string()),
                end: vn_date(&shown.end.to_string()),
            }
        })
        .collect();
    let page = PeriodsPage {
        l: ctx.layout(format!("Kỳ báo cáo {year}")),
        year,
        as_of_iso: as_of.to_string(),
        waiting: waiting.map(|w| w.to_string()),
        rows,
        may_confirm: ctx.user.role == Role::Officer,
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

/// `/dashboard/periods?year=`: the reports' periods.
pub async fn periods(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if ctx.user.role == Role::Admin {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (year, as_of, _) = params(&ctx, &q)?;
    periods_page(&ctx, year, as_of, None, None).await
}

/// The officer confirms a report's period (the dates proposed, or others before the due date).
pub async fn confirm_period(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    if ctx.user.role != Role::Officer {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let year = get("year")
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(treem_domain::limits::plan_year)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let as_of = parse_date(&get("as_of")).unwrap_or_else(treem_storage::today);
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let code = get("code");
    let r = plan
        .reports
        .iter()
        .find(|r| r.code == code && !r.period_stated)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let date = |k: &str| {
        let text = get(k);
        (!text.trim().is_empty()).then(|| parse_date(&text))
    };
    let (start, end) = (date("period_start"), date("period_end"));
    if start == Some(None) || end == Some(None) {
        let msg = "Ngày bắt đầu và ngày cuối kỳ ghi theo dạng dd/mm/yyyy".to_string();
        return periods_page(&ctx, year, as_of, None, Some(msg)).await;
    }
    let period = match r.check_period(start.flatten(), end.flatten()) {
        Ok(p) => p,
        Err(e) => {
            let msg =
                e.0.iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
            return periods_page(&ctx, year, as_of, None, Some(format!("{}: {msg}", r.name))).await;
        }
    };
    ctx.state
        .store
        .confirm_report_period(&ctx.actor(), year, &r.code, period)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/dashboard?year={year}&as_of={as_of}")).into_response())
}

pub async fn dashboard(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if ctx.user.role == Role::Admin {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (year, as_of, known) = params(&ctx, &q)?;
    let c = computed(&ctx, year, as_of, known).await?;
    let earlier = earlier(&ctx, year, as_of, known).await?;
    let plan = &c.plan;
    let mine_codes = my_agencies(plan, ctx.user.role);
    let mut goals = Vec::new();
    let mut mine = Vec::new();
    let mut todo = Vec::new();
    let mut counts = [
        ("st-met", TargetStatus::Met.label_vi(), 0),
        ("st-notmet", TargetStatus::NotMet.label_vi(), 0),
        ("st-risk", TargetStatus::AtRisk.label_vi(), 0),
        ("st-nodata", TargetStatus::NoData.label_vi(), 0),
        ("st-nodata", STATUS_HIDDEN, 0),
    ];
    for g in &plan.goals {
        let mut rows = Vec::new();
        for t in plan.targets.iter().filter(|t| t.goal == g.number) {
            let Some(r) = c.results.iter().find(|r| r.number == t.number) else {
                continue;
            };
            let p = figures::published(ctx.user.role, t, r, &earlier);
            // Counted as shown: a count of each status would otherwise give a hidden one away.
            let bucket = match p.status {
                Some(s) => counts.iter_mut().find(|x| x.0 == status_class(s)),
                None => counts.iter_mut().find(|x| x.1 == STATUS_HIDDEN),
            };
            if let Some(x) = bucket {
                x.2 += 1;
            }
            if t.owners.iter().any(|o| mine_codes.contains(o)) {
                mine.push(row(plan, t, r, &p, &c));
                if matches!(t.source, Source::Reported) && r.figure.last_entered.is_none() {
                    todo.push(Todo {
                        number: t.number,
                        text: t.text.clone(),
                    });
                }
            }
            rows.push(row(plan, t, r, &p, &c));
        }
        goals.push(GoalView {
            number: g.number,
            title: g.title.clone(),
            rows,
        });
    }
    let report = plan
        .reports
        .iter()
        .filter(|r| r.last_day() >= treem_storage::today())
        .min_by_key(|r| r.due_before);
    let (due, days_left) = match report {
        Some(r) => (
            format!("{} — {}", r.name, vn_date(&r.last_day().to_string())),
            (r.last_day() - treem_storage::today()).get_days() as i64,
        ),
        None => (String::new(), 0),
    };
    // Counted from the case files with the figures: counts only, whoever looks; protected
    // as a share for the province.
    let plans_on_time = c.cases.plans_on_time.map(|(on_time, due)| {
        let (n, d) = if ctx.user.role.sees_protected_counts() {
            disclosure::share_totals(on_time as u64, due as u64)
        } else {
            (
                disclosure::Shown::Exact(on_time as u64),
                disclosure::Shown::Exact(due as u64),
            )
        };
        let share = match (n, d) {
            (_, disclosure::Shown::Exact(0)) => "chưa có kế hoạch đến hạn phê duyệt".to_string(),
            (disclosure::Shown::Exact(n), disclosure::Shown::Exact(d)) => show(
                Some(n as f64 / d as f64 * 100.0),
                Some(treem_domain::plan::Unit::Percent),
            ),
            _ => "ẩn".to_string(),
        };
        (n.text(), d.text(), share)
    });
    let page = DashboardPage {
        l: ctx.layout(format!("Chỉ tiêu {year}")),
        year,
        as_of: vn_date(&as_of.to_string()),
        as_of_iso: as_of.to_string(),
        known_label: known.label_vi(),
        recorded_by: known
            .recorded_by()
            .map(|d| vn_date(&d.to_string()))
            .unwrap_or_default(),
        links: known_query(known),
        period: format!(
            "{} – {}",
            vn_date(&c.period.start.to_string()),
            vn_date(&c.period.end.to_string())
        ),
        goals,
        mine,
        todo,
        due,
        days_left,
        counts: counts
            .into_iter()
            .filter(|x| x.1 != STATUS_HIDDEN || x.2 > 0)
            .collect(),
        plans_on_time,
        protected: ctx.user.role.sees_protected_counts(),
    };
    Ok(render(&page))
}

pub struct BreakRow {
    pub label: String,
    pub numerator: String,
    pub denominator: String,
    pub value: String,
}

pub struct Person {
    pub id: i64,
    pub name: String,
    pub village: String,
    pub dob: String,
}

#[derive(Template)]
#[template(path = "target.html")]
struct TargetPage {
    l: Layout,
    year: i16,
    as_of: String,
    as_of_iso: String,
    known_label: String,
    recorded_by: String,
    links: String,
    number: u16,
    text: String,
    measure: String,
    r: TargetRow,
    source: String,
    note: Option<String>,
    allowed: Option<String>,
    svg: String,
    breakdowns: Vec<(&'static str, Vec<BreakRow>)>,
    numerator_people: Vec<Person>,
    denominator_people: Vec<Person>,
    hidden_people: bool,
    more_numerator: usize,
    more_denominator: usize,
    can_report: bool,
    has_secondary: bool,
    periods: Vec<(String, String)>,
    error: Option<String>,
    /// Target 16 for those who open every case: each case counted, and whether it had an
    /// intervention (the figure itself carries no names).
    case_rows: Vec<(i64, bool)>,
    /// The viewer sees small counts protected ("<5", "ẩn").
    protected: bool,
    /// The second figure of a target that states two: (figure, counts).
    second: Option<(String, String)>,
    /// "Số liệu 6 tháng (…); quy ra một năm: …" for yearly rates over part of a year, first
    /// figure then second.
    yearly: Vec<String>,
    /// How the figure is computed ([`definitions_vi`]).
    definitions: Vec<Definition>,
    /// Figures shown beside the target's (the birth dose beside target 9): (title, figure,
    /// counts, unstable).
    related: Vec<(String, String, String, bool)>,
}

fn cells<K>(
    v: &[(K, PublishedCell)],
    unit: Option<treem_domain::plan::Unit>,
    label: impl Fn(&K) -> String,
) -> Vec<BreakRow> {
    v.iter()
        .map(|(k, c)| BreakRow {
            label: label(k),
            numerator: c.numerator.text(),
            denominator: c.denominator.text(),
            value: show(c.value, unit),
        })
        .collect()
}

/// A line chart drawn on the server: readable in print, no script needed.
fn trend_svg(
    points: &[(Date, Option<f64>)],
    goal: Option<f64>,
    unit: Option<treem_domain::plan::Unit>,
) -> String {
    let (w, h, left, bottom) = (560.0, 200.0, 56.0, 28.0);
    let top = 12.0;
    let max = points
        .iter()
        .filter_map(|p| p.1)
        .chain(goal)
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.15;
    let n = points.len().max(2) as f64;
    let x = |i: usize| left + (w - left - 16.0) * i as f64 / (n - 1.0);
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" role="img" aria-label="Xu hướng" class="trend"><rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##
    );
    for frac in [0.0, 0.5, 1.0] {
        let v = max / 1.15 * frac;
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"##,
            w - 8.0,
            left - 6.0,
            y(v) + 4.0,
            show(Some(v), unit),
            y = y(v)
        );
    }
    if let Some(g) = goal {
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#8c1b13" stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="11" fill="#8c1b13" text-anchor="end">chỉ tiêu</text>"##,
            w - 8.0,
            w - 8.0,
            y(g) - 4.0,
            y = y(g)
        );
    }
    let pts: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.1.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect();
    if pts.len() > 1 {
        s += &format!(
            r##"<polyline fill="none" stroke="#0b4f9c" stroke-width="2.5" points="{}"/>"##,
            pts.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        s += &format!(
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
            x(i),
            h - 8.0,
            &vn_date(&p.0.to_string())[..5]
        );
        if let Some(v) = p.1 {
            s += &format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b4f9c"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
                x(i),
                y(v),
                x(i),
                y(v) - 8.0,
                show(Some(v), unit)
            );
        }
    }
    s + "</svg>"
}

async fn people(ctx: &Ctx, ids: &[i64]) -> Result<Vec<Person>, PageError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let page = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                ids: Some(ids.iter().take(200).copied().collect()),
                include_absent: true,
                page: 1,
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(page
        .items
        .into_iter()
        .map(|c| Person {
            dob: c.birth_date().map(|b| b.text()).unwrap_or_default(),
            id: c.id,
            name: c.full_name,
            village: c.village,
        })
        .collect())
}

async fn target_page(
    ctx: &Ctx,
    number: u16,
    year: i16,
    (as_of, known): (Date, Known),
    error: Option<String>,
) -> Result<Response, PageError> {
    let c = computed(ctx, year, as_of, known).await?;
    let plan = &c.plan;
    let t = plan
        .target(number)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let r = c
        .results
        .iter()
        .find(|r| r.number == number)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let role = ctx.user.role;
    let earlier = earlier(ctx, year, as_of, known).await?;
    let p = figures::published(role, t, r, &earlier);
    // Each point of the trend is a figure of its own: the province sees those it may.
    let mut points = Vec::new();
    for d in figures::trend_dates(year, as_of) {
        let at = computed(ctx, year, d, known).await?;
        let value = at
            .results
            .iter()
            .find(|x| x.number == number)
            .and_then(|x| {
                if role.sees_protected_counts() && !disclosure::value_published(t, x) {
                    None
                } else {
                    x.figure.value
                }
            });
        points.push((d, value));
    }
    let b = if role.sees_protected_counts() {
        disclosure::publish_breakdown(&r.breakdown, t.unit)
    } else {
        PublishedBreakdown::exact(&r.breakdown)
    };
    let breakdowns = vec![
        ("Theo thôn/bản", cells(&b.by_village, t.unit, |k| k.clone())),
        (
            "Theo giới tính",
            cells(&b.by_sex, t.unit, |k| match k {
                Sex::Male => "Nam".into(),
                Sex::Female => "Nữ".into(),
                Sex::Unknown => "Không rõ".into(),
            }),
        ),
        (
            "Theo dân tộc",
            cells(&b.by_ethnicity, t.unit, |k| {
                k.and_then(treem_domain::ethnicity::name)
                    .unwrap_or("Chưa rõ")
                    .to_string()
            }),
        ),
        (
            "Theo nhóm tuổi",
            cells(&b.by_age_band, t.unit, |k| k.label_vi().to_string()),
        ),
    ];
    let may_see = ctx.user.role.reads_children();
    let (numerator_people, denominator_people) = if may_see {
        (
            people(ctx, &r.figure.numerator_ids).await?,
            people(ctx, &r.figure.denominator_ids).await?,
        )
    } else {
        (vec![], vec![])
    };
    let allowed = p.figure.allowed_events.map(|k| {
        format!(
            "Với mẫu số {}, chỉ tiêu «{}» cho phép tối đa {k} trường hợp.",
            p.figure.denominator.map(|d| d.text()).unwrap_or_default(),
            t.describe_vi()
        )
    });
    let case_rows = match &t.source {
        Source::Cases { indicator }
            if indicator == "abused_with_intervention"
                && matches!(ctx.user.role, Role::Officer | Role::Leader) =>
        {
            c.cases.counted.clone()
        }
        _ => vec![],
    };
    let settings = Settings::default();
    let second = match (&t.secondary, &p.secondary) {
        (Some(s), Some(f)) => Some((
            figure_text(f, s.unit, |v| s.figure_text_vi(v)),
            f.num_den_text(),
        )),
        _ => None,
    };
    let mut yearly_notes = Vec::new();
    if !p.figure.value_hidden {
        yearly_notes.extend(
            yearly(&t.source, p.figure.value, c.period, c.as_of)
                .map(|y| y.text_vi(t.unit, c.period, c.as_of)),
        );
    }
    if let (Some(s), Some(f)) = (&t.secondary, &p.secondary) {
        if !f.value_hidden {
            yearly_notes.extend(
                yearly(&s.source, f.value, c.period, c.as_of)
                    .map(|y| format!("Con số thứ hai: {}", y.text_vi(s.unit, c.period, c.as_of))),
            );
        }
    }
    // Related figures carry exact counts: not for those who see protected counts.
    let related = if role.sees_protected_counts() {
        vec![]
    } else {
        r.related
            .iter()
            .map(|x| {
                let f = disclosure::PublishedFigure::exact(&x.figure);
                (
                    x.title.clone(),
                    show(f.value, Some(Unit::Percent)),
                    f.num_den_text(),
                    f.unstable,
                )
            })
            .collect()
    };
    let confirmed = ctx
        .state
        .store
        .confirmed_periods(year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = TargetPage {
        second,
        yearly: yearly_notes,
        definitions: definitions_vi(t, &settings, c.period, c.as_of),
        related,
        case_rows,
        l: ctx.layout(format!("Chỉ tiêu {number}")),
        year,
        as_of: vn_date(&as_of.to_string()),
        as_of_iso: as_of.to_string(),
        known_label: known.label_vi(),
        recorded_by: known
            .recorded_by()
            .map(|d| vn_date(&d.to_string()))
            .unwrap_or_default(),
        links: known_query(known),
        number,
        text: t.text.clone(),
        measure: t.measure.clone(),
        r: row(plan, t, r, &p, &c),
        source: match &t.source {
            Source::Register { indicator } => format!("tính từ sổ trẻ em ({indicator})"),
            Source::Reported => "cơ quan phụ trách nhập số liệu".into(),
            Source::Assessment => "kết quả đánh giá".into(),
            Source::Cases { indicator } => {
                format!("tính từ hồ sơ trường hợp ({indicator}); chỉ có số lượng, không có tên")
            }
        },
        note: p.note.clone(),
        allowed,
        protected: role.sees_protected_counts(),
        svg: trend_svg(&points, t.value, t.unit),
        breakdowns,
        more_numerator: r.figure.numerator_ids.len().saturating_sub(200),
        more_denominator: r.figure.denominator_ids.len().saturating_sub(200),
        numerator_people,
        denominator_people,
        hidden_people: !may_see && !r.figure.denominator_ids.is_empty(),
        can_report: may_report(plan, t, ctx.user.role),
        has_secondary: t.secondary.is_some(),
        // Each report's period in force (the figures are computed, so it is stated or
        // confirmed).
        periods: plan
            .reports
            .iter()
            .filter_map(|p| {
                let period = plan.report_period(p, &confirmed).period()?;
                Some((
                    format!("{}|{}", period.start, period.end),
                    format!(
                        "{} ({} – {})",
                        p.name,
                        vn_date(&period.start.to_string()),
                        vn_date(&period.end.to_string())
                    ),
                ))
            })
            // Figures after the last report's period are the plan year's.
            .chain(std::iter::once((
                format!("{year}-01-01|{year}-12-31"),
                format!("Cả năm kế hoạch (01/01/{year} – 31/12/{year})"),
            )))
            .collect(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn target(
    ctx: Ctx,
    Path(n): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if ctx.user.role == Role::Admin {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let number: u16 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let (year, as_of, known) = params(&ctx, &q)?;
    target_page(&ctx, number, year, (as_of, known), None).await
}

/// Parses a decimal as Vietnamese officials write it ("8,3") or with a point.
pub fn parse_decimal(s: &str) -> Option<Option<f64>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    let normal = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else {
        s.to_string()
    };
    normal
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
}

pub async fn report(
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    let number: u16 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let year: i16 = match f.get("year").filter(|y| !y.is_empty()) {
        Some(y) => y
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(treem_domain::limits::plan_year)
            .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?,
        None => treem_storage::today().year(),
    };
    let as_of = f
        .get("as_of")
        .and_then(|d| parse_date(d))
        .unwrap_or_else(treem_storage::today);
    // An entry is made on the figures from every record known.
    let at = (as_of, Known::Now);
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let t = plan
        .target(number)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    if !may_report(&plan, t, ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let mut num = |k: &str, label: &str| match parse_decimal(&get(k)) {
        Some(v) => v,
        None => {
            problems.push(format!("{label}: không phải là số"));
            None
        }
    };
    let numerator = num("numerator", "Tử số");
    let denominator = num("denominator", "Mẫu số");
    let value = num("value", "Giá trị");
    let (start, end) = get("period")
        .split_once('|')
        .map(|(a, b)| (parse_date(a), parse_date(b)))
        .unwrap_or((None, None));
    let (Some(period_start), Some(period_end)) = (start, end) else {
        return target_page(
            &ctx,
            number,
            year,
            at,
            Some("Kỳ báo cáo: cần chọn kỳ".into()),
        )
        .await;
    };
    if !problems.is_empty() {
        return target_page(&ctx, number, year, at, Some(problems.join("; "))).await;
    }
    let rv = ReportedValue {
        target: number,
        secondary: get("secondary") == "1",
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        note: get("note").trim().to_string(),
        entered_by: ctx.user.username.clone(),
        entered_at: String::new(),
    };
    if let Err(e) = validate_reported(&rv, t) {
        return target_page(&ctx, number, year, at, Some(e.to_string())).await;
    }
    ctx.state
        .store
        .add_reported_value(&ctx.actor(), year, &rv)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!(
        "/dashboard/targets/{number}?year={year}&as_of={as_of}"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "plan_check.html")]
struct PlanCheckPage {
    l: Layout,
    year: i16,
    title: String,
    document: String,
    findings: Vec<(String, String)>,
}

/// What a careful officer wants to know before adopting the plan (kiểm tra kế hoạch).
pub async fn plan_check(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if ctx.user.role == Role::Admin {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (year, _, _) = params(&ctx, &q)?;
    let plan = figures::load_plan(&ctx.state, year)
        .await
        .map_err(|e| ctx.fail_api(e))?;
    let findings = treem_domain::plan::check::check(&plan)
        .into_iter()
        .map(|f| {
            let targets = f
                .targets
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            (targets, f.message)
        })
        .collect();
    let page = PlanCheckPage {
        l: ctx.layout(format!("Kiểm tra kế hoạch {year}")),
        year,
        title: plan.title.clone(),
        document: plan.document.reference(),
        findings,
    };
    Ok(render(&page))
}
