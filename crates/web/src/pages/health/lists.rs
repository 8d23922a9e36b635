//! Lists people act on (danh sách cần theo dõi): vaccinations due and overdue (printable for a
//! village head without a phone), under-5s not weighed for six months, and those whose last
//! measurement shows malnutrition — which indicator, in words, with its z-score — 50 a page.
//! Which child is on which list is the domain's rule
//! ([`treem_domain::health::growth_watch`], the schedule's due list).
use super::forms::ListsQuery;
use crate::i18n::vn_date;
use crate::pages::{render, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use std::collections::HashMap;
use treem_domain::health::{growth_watch, Compiled, Event, GrowthWatch, Measurement, Vaccination};
use treem_domain::role::Role;
use treem_domain::Date;
use treem_storage::{ChildQuery, ChildSummary};

pub struct DueRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub caregiver: String,
    pub doses: String,
    pub overdue: bool,
}

pub struct WatchRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
    pub detail: String,
    /// "thấp còi nặng (chiều dài/chiều cao theo tuổi, chỉ số Z −3,2)", each low indicator.
    pub findings: Vec<String>,
    pub severe: bool,
}

/// Rows a page of a growth list shows.
const PER_PAGE: usize = 50;

/// One page of a growth list: its rows, how many in all, and the links before and after.
#[derive(Default)]
pub struct Paged {
    pub rows: Vec<WatchRow>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// Page `asked` (from 1; a page past the end is the last) of `all`; `link` makes a page's
/// address.
fn paged(all: Vec<WatchRow>, asked: &Option<String>, link: impl Fn(usize) -> String) -> Paged {
    let total = all.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = asked
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    Paged {
        rows: all
            .into_iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .collect(),
        total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

#[derive(Template)]
#[template(path = "health_lists.html")]
struct ListsPage {
    l: Layout,
    village: String,
    village_name: String,
    villages: Vec<(String, String)>,
    today: String,
    due: Vec<DueRow>,
    unmeasured: Paged,
    /// Underweight, stunted or wasted at the last weighing (z < −2).
    low: Paged,
    sees_measurements: bool,
    /// The commune's hepatitis B birth-dose coverage in the current reporting period: (figure,
    /// counts, period), computed with the plan's figures (beside target 9).
    birth_dose: Option<(String, String, String)>,
}

/// The birth-dose figure the plan's figures carry for today ([`RelatedFigure`] of target 9),
/// for those who see exact counts; `None` without a plan for the year.
///
/// [`RelatedFigure`]: treem_domain::indicator::RelatedFigure
async fn birth_dose(ctx: &Ctx, today: Date) -> Option<(String, String, String)> {
    if ctx.user.role.sees_protected_counts() {
        return None;
    }
    let c = crate::figures::compute(
        &ctx.state,
        today.year(),
        today,
        treem_domain::indicator::Known::Now,
    )
    .await
    .ok()?;
    let code = treem_domain::indicator::RegisterIndicator::HepBBirthDose.as_str();
    let f = c
        .results
        .iter()
        .flat_map(|r| &r.related)
        .find(|x| x.indicator == code)?;
    let p = treem_domain::disclosure::PublishedFigure::exact(&f.figure);
    Some((
        crate::figures::show(p.value, Some(treem_domain::plan::Unit::Percent)),
        p.num_den_text(),
        format!(
            "{} – {}",
            vn_date(&c.period.start.to_string()),
            vn_date(&c.as_of.min(c.period.end).to_string())
        ),
    ))
}

/// The health records the lists read, typed, by child: vaccinations given, and the last
/// measurement (when the role reads measurements), dated up to `today`.
#[derive(Default)]
struct Records {
    given: HashMap<i64, Vec<Vaccination>>,
    last: HashMap<i64, Measurement>,
}

async fn records(ctx: &Ctx, today: Date, measurements: bool) -> Result<Records, PageError> {
    let kinds: &[&str] = if measurements {
        &["vaccination", "measurement"]
    } else {
        &["vaccination"]
    };
    let events = ctx
        .state
        .store
        .health_events(&ctx.actor(), kinds, None, None, Some(today))
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut r = Records::default();
    // In date order: the last measurement of a child is the last one seen.
    for e in &events {
        match e.event() {
            Ok(Event::Vaccination(v)) => r.given.entry(v.child_id).or_default().push(v),
            Ok(Event::Measurement(m)) => {
                r.last.insert(m.child_id, m);
            }
            _ => {}
        }
    }
    Ok(r)
}

/// The under-5s of the village (and a little older, whose doses may still be due).
async fn children_of(ctx: &Ctx, village: &str) -> Result<Vec<ChildSummary>, PageError> {
    let query = ChildQuery {
        village: Some(village.into()),
        age_max: Some(5),
        page: 1,
        per_page: 500,
        ..Default::default()
    };
    Ok(ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .map_err(|e| ctx.fail(e))?
        .items)
}

/// The due list: each child with a dose due around their birth date's window (overdue only
/// when overdue for every day of it), with the first caregiver of their record, read for the
/// whole list at once (one audited read).
async fn due_rows(
    ctx: &Ctx,
    kids: &[ChildSummary],
    r: &Records,
    village: &str,
    today: Date,
) -> Result<Vec<DueRow>, PageError> {
    let schedule = Compiled::embedded();
    let mut due = Vec::new();
    for c in kids {
        let Some(born) = c.birth_date() else { continue };
        let given = r.given.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
        let doses = schedule.due_list_around(born.window(today), &schedule.given(given), today);
        if !doses.is_empty() {
            due.push((c, born, doses));
        }
    }
    let ids: Vec<i64> = due.iter().map(|(c, _, _)| c.id).collect();
    let list = format!("danh sách tiêm chủng đến hạn thôn {village}");
    let records = ctx
        .state
        .store
        .children_for_list(&ctx.actor(), &list, &ids)
        .await
        .map_err(|e| ctx.fail(e))?;
    let caregiver = |id: i64| {
        let c = records.iter().find(|c| c.id == id)?;
        let g = c.data.caregivers.first()?;
        let phone = g.phone.clone().unwrap_or_default();
        Some(format!("{} ({}) {phone}", g.full_name, g.relationship))
    };
    Ok(due
        .into_iter()
        .map(|(c, born, doses)| DueRow {
            id: c.id,
            name: c.full_name.clone(),
            dob: born.text_with_age(today),
            caregiver: caregiver(c.id).unwrap_or_default(),
            overdue: doses.iter().any(|d| d.overdue),
            doses: doses
                .iter()
                .map(|d| d.text())
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect())
}

/// The growth watch: (unmeasured, malnourished), by the domain's rule; the severe first.
fn watch_rows(kids: &[ChildSummary], r: &Records, today: Date) -> (Vec<WatchRow>, Vec<WatchRow>) {
    let (mut unmeasured, mut low) = (Vec::new(), Vec::new());
    for c in kids {
        let Some(born) = c.birth_date() else { continue };
        let row = |detail: String| WatchRow {
            id: c.id,
            name: c.full_name.clone(),
            dob: born.text_with_age(today),
            detail,
            findings: vec![],
            severe: false,
        };
        match growth_watch(born.date, today, r.last.get(&c.id)) {
            Some(GrowthWatch::Unmeasured { last }) => unmeasured.push(row(last
                .map(|d| format!("lần cuối {}", vn_date(&d.to_string())))
                .unwrap_or_else(|| "chưa cân đo".into()))),
            Some(GrowthWatch::Malnourished {
                measurement,
                findings,
            }) => low.push(WatchRow {
                findings: findings.iter().map(|f| f.text()).collect(),
                severe: findings.iter().any(|f| f.severe),
                ..row(format!("cân đo {}", vn_date(&measurement.date.to_string())))
            }),
            None => {}
        }
    }
    low.sort_by_key(|r: &WatchRow| !r.severe);
    (unmeasured, low)
}

/// The village the lists are for: the one asked for; a village head's own otherwise.
fn chosen_village(ctx: &Ctx, q: ListsQuery, villages: &[(String, String)]) -> String {
    q.village
        .filter(|v| !v.is_empty())
        .or_else(|| {
            (ctx.user.role == Role::VillageHead)
                .then(|| villages.first().map(|v| v.0.clone()))
                .flatten()
        })
        .unwrap_or_default()
}

pub async fn lists(ctx: Ctx, Query(q): Query<ListsQuery>) -> Result<Response, PageError> {
    let kinds = treem_storage::readable_kinds(ctx.user.role);
    if !kinds.contains(&"vaccination") {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let today = treem_storage::today();
    let villages: Vec<(String, String)> = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .filter(|v| ctx.user.village_id.is_none_or(|m| m == v.id))
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect();
    let (low_page, unmeasured_page) = (q.low_page.clone(), q.unmeasured_page.clone());
    let village = chosen_village(&ctx, q, &villages);
    let mut page = ListsPage {
        l: ctx.layout("Danh sách cần theo dõi"),
        village_name: villages
            .iter()
            .find(|v| v.0 == village)
            .map(|v| v.1.clone())
            .unwrap_or_default(),
        village,
        villages,
        today: vn_date(&today.to_string()),
        due: vec![],
        unmeasured: Paged::default(),
        low: Paged::default(),
        sees_measurements: kinds.contains(&"measurement"),
        birth_dose: birth_dose(&ctx, today).await,
    };
    if !page.village.is_empty() {
        let kids = children_of(&ctx, &page.village).await?;
        let r = records(&ctx, today, page.sees_measurements).await?;
        page.due = due_rows(&ctx, &kids, &r, &page.village, today).await?;
        if page.sees_measurements {
            let (unmeasured, low) = watch_rows(&kids, &r, today);
            let v = page.village.clone();
            page.low = paged(low, &low_page, |n| {
                format!("/health/lists?village={v}&low_page={n}#low")
            });
            page.unmeasured = paged(unmeasured, &unmeasured_page, |n| {
                format!("/health/lists?village={v}&unmeasured_page={n}#unmeasured")
            });
        }
    }
    Ok(render(&page))
}
