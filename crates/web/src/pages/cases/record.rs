//! `/cases/{id}`: one case's record of steps in words, its next deadline and the steps offered
//! (exactly what the domain's [`offered_steps`] allows); the filer of a report who may not open
//! the case sees its receipt.
use super::entry_words::{details, title};
use super::steps::action_label;
use super::{official_forms, open, vn_dt};
use crate::pages::{render, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use treem_domain::case::*;
use treem_storage::Actor;

pub struct EntryRow {
    pub seq: u32,
    pub at: String,
    pub by: String,
    pub title: &'static str,
    pub lines: Vec<(String, String)>,
    /// "thay cho mục N" / "bị gạch bỏ bởi mục N" / "đã được thay bằng mục N".
    pub notes: Vec<String>,
    pub struck: bool,
    pub may_strike: bool,
    pub may_replace: bool,
}

pub struct Action {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    l: Layout,
    id: i64,
    state: &'static str,
    deadline: String,
    overdue: bool,
    child_id: Option<i64>,
    /// The register child in words ([`super::list::child_words`]).
    child: String,
    /// A child not (yet) in the register, as the report describes them.
    new_child: String,
    assigned: Vec<String>,
    entries: Vec<EntryRow>,
    actions: Vec<Action>,
    forms: Vec<(u8, &'static str)>,
}

#[derive(Template)]
#[template(path = "case_receipt.html")]
struct ReceiptPage {
    l: Layout,
    id: i64,
    filed_at: String,
    filed_by: String,
}

/// `?saved=<step code>`: what the case page confirms after a save.
#[derive(serde::Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
}

pub async fn show(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    match open(&ctx, &id).await {
        Ok(case) => {
            let child_id = case.intake().and_then(|i| i.child.child_id());
            let named = match child_id {
                Some(c) => ctx
                    .state
                    .store
                    .case_child(&ctx.actor(), c)
                    .await
                    .map_err(|e| ctx.fail(e))?,
                None => None,
            };
            let child = super::list::child_words(child_id, named.as_ref());
            let mut page = case_page(&ctx, &case, child);
            page.l.flash = q.saved.as_deref().map(super::steps::saved_message);
            Ok(render(&page))
        }
        Err(e) if !matches!(e.kind, PageErrorKind::NotFound) => Err(e),
        Err(e) => receipt(&ctx, &id).await.ok_or(e),
    }
}

/// The filer of a report sees that it was received, nothing more.
async fn receipt(ctx: &Ctx, id: &str) -> Option<Response> {
    let n: i64 = id.parse().ok()?;
    let r = ctx.state.store.case_receipt(&ctx.actor(), n).await.ok()?;
    Some(render(&ReceiptPage {
        l: ctx.layout(format!("Đã tiếp nhận tin báo số {n}")),
        id: n,
        filed_at: vn_dt(r.filed_at),
        filed_by: r.filed_by,
    }))
}

fn case_page(ctx: &Ctx, case: &CaseFile, child: String) -> CasePage {
    let actor = ctx.actor();
    let next = next_deadline(case, ctx.state.store.calendar());
    let now = crate::api::cases_now();
    let printable = official_forms::available(case);
    CasePage {
        l: ctx.layout(format!("Hồ sơ {}", case.id())),
        id: case.id(),
        state: case.state().label_vi(),
        deadline: next
            .as_ref()
            .map(|d| format!("{}: {}", d.what.label_vi(), vn_dt(d.due)))
            .unwrap_or_default(),
        overdue: next.is_some_and(|d| urgency(d.due, now) == Urgency::Overdue),
        child_id: case.intake().and_then(|i| i.child.child_id()),
        entries: case
            .entries()
            .iter()
            .map(|e| entry_row(case, &actor, e, &child))
            .collect(),
        child,
        new_child: match case.intake().map(|i| &i.child) {
            Some(ChildRef::New(c)) if !c.full_name.is_empty() => c.full_name.clone(),
            Some(ChildRef::New(c)) => c.description.clone(),
            _ => String::new(),
        },
        assigned: case
            .assigned()
            .iter()
            .map(|a| format!("{} ({})", a.username, a.role.label_vi()))
            .collect(),
        actions: offered_steps(case, &actor)
            .into_iter()
            .map(|code| Action {
                code,
                label: action_label(code),
            })
            .collect(),
        forms: official_forms::FORMS
            .into_iter()
            .filter(|(n, _)| printable.contains(n))
            .collect(),
    }
}

/// One entry as the case page lists it, with what this person may do with it.
fn entry_row(case: &CaseFile, actor: &Actor, e: &CaseEntry, child: &str) -> EntryRow {
    let mut notes = vec![];
    if let Some(of) = e.corrects {
        notes.push(format!("thay cho mục {of}"));
    }
    if let Some(by) = case.replaced_by(e.seq) {
        notes.push(format!("đã được thay bằng mục {by}"));
    }
    let struck = case.struck_out_by(e.seq);
    if let Some(by) = struck {
        notes.push(format!("bị gạch bỏ bởi mục {by}"));
    }
    EntryRow {
        seq: e.seq,
        at: vn_dt(e.at),
        by: e.by.clone(),
        title: title(&e.kind),
        lines: details(&e.kind, child),
        notes,
        struck: struck.is_some(),
        may_strike: may_strike(case, actor, e.seq),
        may_replace: may_replace(case, actor, e.seq),
    }
}
