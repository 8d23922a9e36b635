//! The board: every target of the plan by goal with its figure, the viewer's own targets and
//! the figures they still have to enter, the next report due.
use super::{
    computed, earlier, known_query, params, recorded_by_text, row, sees_plan, status_class,
    FiguresQuery, TargetRow, STATUS_HIDDEN,
};
use crate::figures::{self, show, Computed};
use crate::i18n::vn_date;
use crate::pages::{render, Ctx, Layout, PageError};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use std::sync::Arc;
use treem_domain::disclosure::{self, Shown};
use treem_domain::indicator::TargetStatus;
use treem_domain::plan::Unit;
use treem_domain::role::Role;

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
    /// "Công tác trong năm": the year's counts, for the roles that see them.
    year_work: Vec<treem_domain::report::WorkLine>,
}

/// The targets as the viewer sees them: by goal, their own, those waiting for their figure,
/// and how many have each status (as shown).
struct Board {
    goals: Vec<GoalView>,
    mine: Vec<TargetRow>,
    todo: Vec<Todo>,
    counts: Vec<(&'static str, &'static str, usize)>,
}

fn board(role: Role, c: &Computed, earlier: &[Arc<Computed>]) -> Board {
    let plan = &c.plan;
    let mut b = Board {
        goals: Vec::new(),
        mine: Vec::new(),
        todo: Vec::new(),
        counts: vec![
            ("st-met", TargetStatus::Met.label_vi(), 0),
            ("st-notmet", TargetStatus::NotMet.label_vi(), 0),
            ("st-risk", TargetStatus::AtRisk.label_vi(), 0),
            ("st-nodata", TargetStatus::NoData.label_vi(), 0),
            ("st-nodata", STATUS_HIDDEN, 0),
        ],
    };
    for g in &plan.goals {
        let mut rows = Vec::new();
        for t in plan.targets.iter().filter(|t| t.goal == g.number) {
            let Some(r) = c.results.iter().find(|r| r.number == t.number) else {
                continue;
            };
            let p = figures::published(role, t, r, earlier);
            // Counted as shown: a count of each status would otherwise give a hidden one away.
            let bucket = match p.status {
                Some(s) => b.counts.iter_mut().find(|x| x.0 == status_class(s)),
                None => b.counts.iter_mut().find(|x| x.1 == STATUS_HIDDEN),
            };
            if let Some(x) = bucket {
                x.2 += 1;
            }
            if plan.led_by(t, role) {
                b.mine.push(row(plan, t, r, &p, c));
            }
            if plan.awaits_entry_by(t, role, r.figure.last_entered.as_deref()) {
                b.todo.push(Todo {
                    number: t.number,
                    text: t.text.clone(),
                });
            }
            rows.push(row(plan, t, r, &p, c));
        }
        b.goals.push(GoalView {
            number: g.number,
            title: g.title.clone(),
            rows,
        });
    }
    b.counts.retain(|x| x.1 != STATUS_HIDDEN || x.2 > 0);
    b
}

/// Plans approved on time over approvals due, counted from the case files with the figures:
/// counts only, whoever looks; protected as a share for the province.
fn plans_on_time(role: Role, c: &Computed) -> Option<(String, String, String)> {
    c.cases.plans_on_time.map(|(on_time, due)| {
        let (n, d) = if role.sees_protected_counts() {
            disclosure::share_totals(on_time as u64, due as u64)
        } else {
            (Shown::Exact(on_time as u64), Shown::Exact(due as u64))
        };
        let share = match (n, d) {
            (_, Shown::Exact(0)) => "chưa có kế hoạch đến hạn phê duyệt".to_string(),
            (Shown::Exact(n), Shown::Exact(d)) => {
                show(Some(n as f64 / d as f64 * 100.0), Some(Unit::Percent))
            }
            _ => "ẩn".to_string(),
        };
        (n.text(), d.text(), share)
    })
}

pub async fn dashboard(ctx: Ctx, Query(q): Query<FiguresQuery>) -> Result<Response, PageError> {
    sees_plan(&ctx)?;
    let (year, as_of, known) = params(&ctx, q)?;
    let c = computed(&ctx, year, as_of, known).await?;
    let earlier = earlier(&ctx, year, as_of, known).await?;
    let role = ctx.user.role;
    let b = board(role, &c, &earlier);
    let today = treem_storage::today();
    let (due, days_left) = match c.plan.next_report(today) {
        Some(r) => (
            format!("{} — {}", r.name, vn_date(&r.last_day().to_string())),
            r.days_left(today),
        ),
        None => (String::new(), 0),
    };
    let year_work = if treem_domain::report::sees_year_work(role) {
        let start = jiff::civil::date(year, 1, 1);
        let end = as_of.min(jiff::civil::date(year, 12, 31)).max(start);
        let period = treem_domain::indicator::Period::new(start, end);
        let counts = ctx
            .state
            .store
            .work_counts(&ctx.actor(), period)
            .await
            .map_err(|e| ctx.fail(e))?;
        treem_domain::report::year_lines(role, &counts)
    } else {
        Vec::new()
    };
    let page = DashboardPage {
        l: ctx.layout(format!("Chỉ tiêu {year}")),
        year_work,
        year,
        as_of: vn_date(&as_of.to_string()),
        as_of_iso: as_of.to_string(),
        known_label: known.label_vi(),
        recorded_by: recorded_by_text(known),
        links: known_query(known),
        period: format!(
            "{} – {}",
            vn_date(&c.period.start.to_string()),
            vn_date(&c.period.end.to_string())
        ),
        goals: b.goals,
        mine: b.mine,
        todo: b.todo,
        due,
        days_left,
        counts: b.counts,
        plans_on_time: plans_on_time(role, &c),
        protected: role.sees_protected_counts(),
    };
    Ok(render(&page))
}
