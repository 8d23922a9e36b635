//! `/cases`: the cases a person may open, soonest deadline first; counts by step for those who
//! may open none; and the home page's list of cases due.
use super::{no_key, vn_dt};
use crate::pages::{render, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::response::Response;
use treem_domain::case::{
    case_listing, may_file_report, urgency, waits_for, working_days_left, CaseListing, Urgency,
};
use treem_storage::{CaseSummary, NamedChild, StorageError};

#[derive(Clone)]
pub struct CaseRow {
    pub id: i64,
    pub state: &'static str,
    pub received: String,
    pub due: String,
    pub overdue: bool,
    pub due_today: bool,
    pub child_id: Option<i64>,
    /// The child in words: "Giàng Thị Mai (Thôn Sính Phình)", or why there is no name.
    pub child: String,
    /// The case waits for this person (the leader's approvals, [`waits_for`]).
    pub waits_for_me: bool,
    /// "còn 3 ngày làm việc" / "hết hạn hôm nay" / "quá hạn", for a case with a deadline.
    pub days_left: String,
}

/// A case's child as the lists and the case page name them: the register's name and village
/// when the reader may see them.
pub fn child_words(child_id: Option<i64>, named: Option<&NamedChild>) -> String {
    match (child_id, named) {
        (_, Some(n)) => format!("{} ({})", n.full_name, n.village),
        (Some(_), None) => "trẻ trong sổ (ngoài phạm vi được xem)".into(),
        (None, None) => "chưa có trong sổ".into(),
    }
}

/// A case list's child: the register's name, or the name the report gives a child not in
/// the register.
fn listed_child(c: &CaseSummary) -> String {
    match (&c.child, &c.new_child_name) {
        (None, Some(name)) if c.child_id.is_none() => format!("{name} (chưa có trong sổ)"),
        _ => child_words(c.child_id, c.child.as_ref()),
    }
}

impl CaseRow {
    fn new(c: CaseSummary, now: jiff::civil::DateTime, ctx: &Ctx) -> CaseRow {
        let when = c.next_due.map(|d| urgency(d, now));
        let calendar = ctx.state.store.calendar();
        let days_left = match c.next_due.map(|d| working_days_left(calendar, d, now)) {
            None => String::new(),
            Some(None) => "quá hạn".into(),
            Some(Some(0)) => "hết hạn trong hôm nay".into(),
            Some(Some(n)) => format!("còn {n} ngày làm việc"),
        };
        CaseRow {
            id: c.id,
            state: c.state.label_vi(),
            received: vn_dt(c.received_at),
            due: c.next_due.map(vn_dt).unwrap_or_default(),
            overdue: when == Some(Urgency::Overdue),
            due_today: when == Some(Urgency::DueToday),
            child_id: c.child_id,
            child: listed_child(&c),
            waits_for_me: waits_for(c.state, ctx.user.role),
            days_left,
        }
    }
}

/// Cases this person may open, with their next deadline, soonest first; `None` when storage
/// refuses to list any.
async fn rows(ctx: &Ctx, open_only: bool) -> Option<Vec<CaseRow>> {
    let mut cases = ctx.state.store.cases(&ctx.actor()).await.ok()?;
    cases.sort_by_key(|c| (c.next_due.is_none(), c.next_due));
    let now = crate::api::cases_now();
    Some(
        cases
            .into_iter()
            .filter(|c| !open_only || c.state.is_open())
            .map(|c| CaseRow::new(c, now, ctx))
            .collect(),
    )
}

/// The home page's list: open cases overdue or due today first, then the rest.
pub async fn due_rows(ctx: &Ctx) -> Vec<CaseRow> {
    rows(ctx, true).await.unwrap_or_default()
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    l: Layout,
    rows: Option<Vec<CaseRow>>,
    /// Cases that do not open (hồ sơ bị hỏng), for those who open every case.
    damaged: Vec<i64>,
    counts: Vec<(&'static str, String)>,
    may_report: bool,
}

/// `/cases`: what [`case_listing`] shows this person: their cases, counts by step, or nothing.
pub async fn list(ctx: Ctx) -> Result<Response, PageError> {
    let rows = rows(&ctx, false).await;
    let (rows, counts, damaged) = match case_listing(ctx.user.role, rows.as_ref().map(Vec::len)) {
        CaseListing::Nothing => return Err(ctx.error(PageErrorKind::Forbidden)),
        CaseListing::Cases => (rows, vec![], damaged(&ctx).await?),
        CaseListing::Counts => (None, counts(&ctx).await?, vec![]),
    };
    Ok(render(&ListPage {
        l: ctx.layout("Hồ sơ trường hợp"),
        rows,
        damaged,
        counts,
        may_report: may_file_report(ctx.user.role),
    }))
}

/// Cases by step, as this person may see them (protected for the province).
async fn counts(ctx: &Ctx) -> Result<Vec<(&'static str, String)>, PageError> {
    let counts = crate::api::cases_counts_as_seen(&ctx.state, ctx.user.role)
        .await
        .map_err(|e| match e {
            StorageError::Invalid(e) => ctx.error(no_key(&e)),
            e => ctx.fail(e),
        })?;
    Ok(counts
        .into_iter()
        .map(|(s, n)| (s.label_vi(), n.text()))
        .collect())
}

/// The cases that do not open, for those storage tells.
async fn damaged(ctx: &Ctx) -> Result<Vec<i64>, PageError> {
    ctx.state
        .store
        .damaged_cases(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))
}
