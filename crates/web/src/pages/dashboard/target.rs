//! One target's page: its figure with the trend over the year, the breakdowns, the children
//! counted (for those who read children), how it is computed ([`definitions_vi`]), the
//! figures shown beside it, and the form to enter its figure.
use super::people::{counted, Listed, PeopleQuery};
use super::trend::{trend, Trend};
use super::{
    computed, earlier, figure_text, known_query, params, recorded_by_text, row, sees_plan,
    FiguresQuery, TargetRow,
};
use crate::figures::{self, show, Computed};
use crate::i18n::vn_date;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use treem_domain::disclosure::{self, PublishedBreakdown, PublishedCell, PublishedResult};
use treem_domain::indicator::{definitions_vi, yearly, Definition, Known, Settings, TargetResult};
use treem_domain::plan::{ConfirmedPeriod, Plan, Target, Unit};
use treem_domain::register::Sex;
use treem_domain::Date;

pub struct BreakRow {
    pub label: String,
    pub numerator: String,
    pub denominator: String,
    pub value: String,
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
    /// For a figure typed in: what it would take to compute it from records (records, who).
    needs: Option<(String, String)>,
    note: Option<String>,
    allowed: Option<String>,
    /// The trend over the year's quarter ends (a chart only with two figures or more).
    trend: Trend,
    breakdowns: Vec<(&'static str, Vec<BreakRow>)>,
    /// The children counted, 50 a page, in the village asked for: (title, anchor, list) for
    /// the numerator and the denominator.
    people_lists: Vec<(&'static str, &'static str, Listed)>,
    /// The figure counts children (its lists are shown, perhaps empty for a village).
    has_people: bool,
    people_village: String,
    villages: Vec<(String, String)>,
    hidden_people: bool,
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
    unit: Option<Unit>,
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

/// The figure by village, sex, ethnic group and age band, protected for the province.
fn breakdowns(ctx: &Ctx, t: &Target, r: &TargetResult) -> Vec<(&'static str, Vec<BreakRow>)> {
    let b = if ctx.user.role.sees_protected_counts() {
        disclosure::publish_breakdown(&r.breakdown, t.unit)
    } else {
        PublishedBreakdown::exact(&r.breakdown)
    };
    vec![
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
    ]
}

/// Each point of the trend is a figure of its own: the province sees those it may.
async fn trend_points(
    ctx: &Ctx,
    t: &Target,
    year: i16,
    (as_of, known): (Date, Known),
) -> Result<Vec<(Date, Option<f64>)>, PageError> {
    let protected = ctx.user.role.sees_protected_counts();
    let mut points = Vec::new();
    for d in figures::trend_dates(year, as_of) {
        let at = computed(ctx, year, d, known).await?;
        let value = at
            .results
            .iter()
            .find(|x| x.number == t.number)
            .and_then(|x| {
                if protected && !disclosure::value_published(t, x) {
                    None
                } else {
                    x.figure.value
                }
            });
        points.push((d, value));
    }
    Ok(points)
}

/// The second figure of a target that states two, as the viewer sees it.
fn second(t: &Target, p: &PublishedResult) -> Option<(String, String)> {
    match (&t.secondary, &p.secondary) {
        (Some(s), Some(f)) => Some((
            figure_text(f, s.unit, |v| s.figure_text_vi(v)),
            f.num_den_text(),
        )),
        _ => None,
    }
}

/// "Số liệu 6 tháng …; quy ra một năm: …" for each figure (first, then second) that is a
/// yearly rate over part of the year and that the viewer may see.
fn yearly_notes(t: &Target, p: &PublishedResult, c: &Computed) -> Vec<String> {
    let mut notes = Vec::new();
    if !p.figure.value_hidden {
        notes.extend(
            yearly(&t.source, p.figure.value, c.period, c.as_of)
                .map(|y| y.text_vi(t.unit, c.period, c.as_of)),
        );
    }
    if let (Some(s), Some(f)) = (&t.secondary, &p.secondary) {
        if !f.value_hidden {
            notes.extend(
                yearly(&s.source, f.value, c.period, c.as_of)
                    .map(|y| format!("Con số thứ hai: {}", y.text_vi(s.unit, c.period, c.as_of))),
            );
        }
    }
    notes
}

/// The figures shown beside the target's. They carry exact counts: not for those who see
/// protected counts.
fn related(ctx: &Ctx, r: &TargetResult) -> Vec<(String, String, String, bool)> {
    if ctx.user.role.sees_protected_counts() {
        return vec![];
    }
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
}

/// The periods a figure may be entered for: each report's period in force (the figures are
/// computed, so it is stated or confirmed), then the plan year's.
fn period_choices(plan: &Plan, year: i16, confirmed: &[ConfirmedPeriod]) -> Vec<(String, String)> {
    plan.reports
        .iter()
        .filter_map(|p| {
            let period = plan.report_period(p, confirmed).period()?;
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
        .collect()
}

/// "Với mẫu số …, chỉ tiêu «…» cho phép tối đa k trường hợp."
fn allowed_text(t: &Target, p: &PublishedResult) -> Option<String> {
    p.figure.allowed_events.map(|k| {
        format!(
            "Với mẫu số {}, chỉ tiêu «{}» cho phép tối đa {k} trường hợp.",
            p.figure.denominator.map(|d| d.text()).unwrap_or_default(),
            t.describe_vi()
        )
    })
}

pub(super) async fn target_page(
    ctx: &Ctx,
    number: u16,
    year: i16,
    (as_of, known): (Date, Known),
    people: &PeopleQuery,
    error: Option<String>,
) -> Result<Response, PageError> {
    let c = computed(ctx, year, as_of, known).await?;
    let plan = &c.plan;
    let not_found = || ctx.error(PageErrorKind::NotFound);
    let t = plan.target(number).ok_or_else(not_found)?;
    let r = c
        .results
        .iter()
        .find(|r| r.number == number)
        .ok_or_else(not_found)?;
    let role = ctx.user.role;
    let p = figures::published(role, t, r, &earlier(ctx, year, as_of, known).await?);
    let points = trend_points(ctx, t, year, (as_of, known)).await?;
    let base = format!(
        "/dashboard/targets/{number}?year={year}&as_of={as_of}{}",
        known_query(known)
    );
    let (numerator_people, denominator_people) = counted(
        ctx,
        &r.figure.numerator_ids,
        &r.figure.denominator_ids,
        people,
        &base,
    )
    .await?;
    let confirmed = ctx
        .state
        .store
        .confirmed_periods(year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = TargetPage {
        second: second(t, &p),
        yearly: yearly_notes(t, &p, &c),
        definitions: definitions_vi(t, &Settings::default(), c.period, c.as_of),
        related: related(ctx, r),
        case_rows: if t.counts_abuse_cases() && treem_domain::case::opens_every_case(&ctx.actor()) {
            c.cases.counted.clone()
        } else {
            vec![]
        },
        l: ctx.layout(format!("Chỉ tiêu {number}")),
        year,
        as_of: vn_date(&as_of.to_string()),
        as_of_iso: as_of.to_string(),
        known_label: known.label_vi(),
        recorded_by: recorded_by_text(known),
        links: known_query(known),
        number,
        text: t.text.clone(),
        measure: t.measure.clone(),
        r: row(plan, t, r, &p, &c),
        source: t.source_vi(),
        needs: treem_domain::reported_needs::for_target(t.number, &t.source)
            .map(|n| (n.records, n.who)),
        note: p.note.clone(),
        allowed: allowed_text(t, &p),
        protected: role.sees_protected_counts(),
        trend: trend(&points, t.value, t.unit),
        breakdowns: breakdowns(ctx, t, r),
        has_people: ctx.user.role.reads_children() && !r.figure.denominator_ids.is_empty(),
        people_village: people.village(),
        villages: ctx
            .state
            .store
            .villages(&ctx.actor())
            .await
            .map_err(|e| ctx.fail(e))?
            .into_iter()
            .map(|v| (v.code, v.name))
            .collect(),
        people_lists: vec![
            ("Trẻ trong tử số", "numerator", numerator_people),
            ("Trẻ trong mẫu số", "denominator", denominator_people),
        ],
        hidden_people: !role.reads_children() && !r.figure.denominator_ids.is_empty(),
        can_report: plan.may_report(t, role),
        has_secondary: t.secondary.is_some(),
        periods: period_choices(plan, year, &confirmed),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn target(
    ctx: Ctx,
    Path(n): Path<String>,
    Query(q): Query<FiguresQuery>,
    Query(people): Query<PeopleQuery>,
) -> Result<Response, PageError> {
    sees_plan(&ctx)?;
    let number: u16 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let (year, as_of, known) = params(&ctx, q)?;
    target_page(&ctx, number, year, (as_of, known), &people, None).await
}
