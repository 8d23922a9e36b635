//! Case files on the pages: the officer's and leader's list with deadlines, and one case's
//! record of steps. Who may open a case is decided in storage by the domain's rules.
use super::{render, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use treem_domain::case::{next_deadline, WorkingCalendar};
use treem_storage::StorageError;

/// "dd/mm/yyyy hh:mm" from a civil date-time.
pub fn vn_dt(d: jiff::civil::DateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        vn_date(&d.date().to_string()),
        d.hour(),
        d.minute()
    )
}

pub struct CaseRow {
    pub id: i64,
    pub state: &'static str,
    pub received: String,
    pub due: String,
    pub overdue: bool,
}

/// Open cases with their next deadline, soonest first; empty when cases cannot be read here.
pub async fn due_rows(ctx: &Ctx) -> Vec<CaseRow> {
    let Ok(mut cases) = ctx.state.store.cases(&ctx.actor()).await else {
        return vec![];
    };
    cases.sort_by_key(|c| c.next_due);
    let now = crate::api::cases_now();
    cases
        .into_iter()
        .filter(|c| c.state != treem_domain::case::CaseState::Closed)
        .map(|c| CaseRow {
            id: c.id,
            state: c.state.label_vi(),
            received: vn_dt(c.received_at),
            due: c.next_due.map(vn_dt).unwrap_or_default(),
            overdue: c.next_due.is_some_and(|d| d < now),
        })
        .collect()
}

pub struct EntryRow {
    pub seq: u32,
    pub at: String,
    pub by: String,
    pub kind: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    l: Layout,
    id: i64,
    state: &'static str,
    deadline: String,
    entries: Vec<EntryRow>,
    /// The Decree 56 forms whose step is recorded: (number, name).
    forms: Vec<(u8, &'static str)>,
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let case = match ctx.state.store.case_file(&ctx.actor(), id).await {
        Ok(c) => c,
        Err(StorageError::Forbidden) | Err(StorageError::NotFound) => {
            return Err(ctx.error(PageErrorKind::NotFound))
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let deadline = next_deadline(&case, &WorkingCalendar::default())
        .map(|d| format!("{}: {}", d.what.label_vi(), vn_dt(d.due)))
        .unwrap_or_default();
    let printable = super::case_forms::available(&case);
    let forms = super::case_forms::FORMS
        .into_iter()
        .filter(|(n, _)| printable.contains(n))
        .collect();
    let page = CasePage {
        l: ctx.layout(format!("Hồ sơ {id}")),
        forms,
        id,
        state: case.state().label_vi(),
        deadline,
        entries: case
            .entries()
            .iter()
            .map(|e| EntryRow {
                seq: e.seq,
                at: vn_dt(e.at),
                by: e.by.clone(),
                kind: e.kind.code().replace('_', " "),
            })
            .collect(),
    };
    Ok(render(&page))
}
