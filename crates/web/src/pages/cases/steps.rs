//! `/cases/{id}/step/{code}`: the form of one step and its saving; `/cases/{id}/replace/{seq}`:
//! the same form filled from a recorded entry, saved as its replacement. What may be recorded
//! or replaced is the domain's answer ([`may_record`], [`may_replace`]); the posted form is read
//! into an entry by [`super::entry_form`], and storage applies the domain's rules again.
use super::choices::{messages, Choices, FormValues};
use super::entry_form::{
    entry_to_form, parse_intake, parse_step, plan_to_form, put_ratings, Posted,
};
use super::entry_words::details;
use super::open;
use super::report::intake_page_at;
use crate::i18n::vn_date;
use crate::pages::PageForm as Form;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use treem_domain::case::*;
use treem_domain::validation::FieldErrors;
use treem_storage::StorageError;

/// What the case page says after a save (`?saved=<code>`): the step in words.
pub fn saved_message(code: &str) -> String {
    match (code, action_label(code)) {
        ("replace", _) => "Đã lưu mục thay thế vào hồ sơ.".into(),
        (_, "") => "Đã lưu vào hồ sơ.".into(),
        (_, label) => format!("Đã lưu: {label}."),
    }
}

/// What a step's form is headed with, and the case page's link to it.
pub fn action_label(code: &str) -> &'static str {
    match code {
        "initial_assessment" => "Đánh giá ban đầu (Mẫu 02)",
        "emergency_measures" => "Ghi biện pháp khẩn cấp",
        "specific_assessment" => "Đánh giá cụ thể, họp xác định nhu cầu",
        "plan" => "Lập kế hoạch (Mẫu 04)",
        "submit_for_approval" => "Trình phê duyệt (Mẫu 05)",
        "approve" => "Phê duyệt",
        "return" => "Trả lại, nêu lý do",
        "service" => "Ghi dịch vụ đã cung cấp",
        "visit" => "Ghi lần thăm",
        "referral" => "Chuyển gửi",
        "referral_answer" => "Ghi trả lời chuyển gửi",
        "offender_handling" => "Ghi việc xử lý người vi phạm",
        "review" => "Rà soát, đánh giá (Mẫu 06)",
        "assign" => "Phân công người tham gia",
        "unassign" => "Thôi phân công",
        "correction" => "Gạch bỏ một mục ghi nhầm",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "case_step.html")]
struct StepPage {
    l: Layout,
    action: String,
    id: i64,
    seq: u32,
    code: String,
    heading: &'static str,
    f: Posted,
    errors: BTreeMap<String, String>,
    other_errors: Vec<String>,
    c: Choices,
    /// The plan the leader is asked to approve, in words ([`plan_to_approve`]).
    approving: Vec<(String, String)>,
    /// The directory of services as "name — phone", offered in a `<datalist>`.
    directory: Vec<String>,
}

/// Field names each form shows; a message about any other field is shown at the top.
const SHOWN: &[&str] = &[
    "abuse_type",
    "sub_type",
    "abuse_description",
    "level",
    "measures",
    "taken_at",
    "taken_at_time",
    "description",
    "information",
    "needs",
    "meeting.held_at",
    "meeting.held_at_time",
    "meeting.attendees",
    "meeting.minutes",
    "objectives",
    "reason",
    "date",
    "kind",
    "by",
    "findings",
    "to",
    "organisation",
    "answer",
    "referral",
    "handling",
    "recovery",
    "decision",
    "username",
    "role",
    "of",
    "note",
    "rating_other",
];

fn shown(k: &str) -> bool {
    SHOWN.contains(&k) || k.starts_with("measures[") || k.starts_with("rating")
}

impl FormValues for StepPage {
    fn posted(&self) -> &Posted {
        &self.f
    }
    fn messages(&self) -> &BTreeMap<String, String> {
        &self.errors
    }
}

async fn step_page(
    ctx: &Ctx,
    case: &CaseFile,
    code: &str,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let action = format!("/cases/{}/step/{code}", case.id());
    form_page(ctx, case, code, action, action_label(code), f, errors).await
}

async fn form_page(
    ctx: &Ctx,
    case: &CaseFile,
    code: &str,
    action: String,
    heading: &'static str,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let refused = errors.is_some();
    let (errors, other_errors) = messages(errors, shown);
    // The directory of services suggested for who is responsible or referred to; the text
    // stays free (a person who may not read the directory gets no suggestions).
    let directory = ctx
        .state
        .store
        .directory(&ctx.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| match e.phone.trim() {
            "" => e.name,
            p => format!("{} — {p}", e.name),
        })
        .collect();
    let page = StepPage {
        directory,
        l: ctx.layout(format!("Hồ sơ {} — {heading}", case.id())),
        action,
        id: case.id(),
        seq: case.entries().len() as u32,
        code: code.to_string(),
        heading,
        f,
        errors,
        other_errors,
        c: Choices::for_case(case, &ctx.actor()),
        approving: plan_to_approve(case)
            .map(|p| details(&EntryKind::Plan(p.clone()), ""))
            .unwrap_or_default(),
    };
    render_status(&page, refused)
}

/// The query of a step's form: `of`, the entry a strike-out form starts with.
#[derive(Deserialize)]
pub struct StepQuery {
    of: Option<String>,
}

/// A new step's form, filled with today, now and this person, and with what the steps before
/// carry into it ([`carried`]: the latest ratings, the last plan or the needs found).
fn new_step_form(case: &CaseFile, code: &str, username: &str, of: Option<String>) -> Posted {
    let now = crate::api::cases_now();
    let mut f = Posted::default();
    let today = vn_date(&now.date().to_string());
    let hhmm = format!("{:02}:{:02}", now.hour(), now.minute());
    for k in ["date", "taken_at", "meeting.held_at"] {
        f.set(k, today.clone());
    }
    for k in ["taken_at_time", "meeting.held_at_time"] {
        f.set(k, hhmm.clone());
    }
    f.set("by", username);
    let start = carried(case, code);
    put_ratings(&mut f, start.ratings);
    if let Some(p) = start.plan {
        plan_to_form(p, &mut f);
    }
    if !start.objectives.is_empty() {
        f.set("objectives", start.objectives.join("\n"));
    }
    if let Some(of) = of {
        f.set("of", of);
    }
    f
}

pub async fn step_form(
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<StepQuery>,
) -> Result<Response, PageError> {
    let case = open(&ctx, &id).await?;
    if !may_record(&case, &ctx.actor(), &code) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let f = new_step_form(&case, &code, &ctx.user.username, q.of);
    Ok(step_page(&ctx, &case, &code, f, None).await)
}

pub async fn save_step(
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    let case = open(&ctx, &id).await?;
    if !may_record(&case, &ctx.actor(), &code) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let entry = match parse_step(&code, &f) {
        Ok(e) => e,
        Err(e) => return Ok(step_page(&ctx, &case, &code, f, Some(e)).await),
    };
    let seq: u32 = f.get("seq").parse().unwrap_or(0);
    let at = crate::api::cases_now();
    let written = ctx
        .state
        .store
        .add_case_entry(&ctx.actor(), case.id(), seq, entry, at)
        .await;
    match saved(&ctx, case.id(), &code, written)? {
        Saved::Done(to) => Ok(to),
        Saved::Again(e) => Ok(step_page(&ctx, &case, &code, f, Some(e)).await),
        Saved::Stale(e) => {
            // Someone recorded a step meanwhile: show the form again over the case as it is.
            let case = open(&ctx, &id).await?;
            Ok(step_page(&ctx, &case, &code, f, Some(e)).await)
        }
    }
}

/// What a write to a case comes to on the pages.
enum Saved {
    /// Written: back to the case.
    Done(Response),
    /// Refused with messages by the fields: the form again.
    Again(FieldErrors),
    /// Someone wrote first: the form again, with the case as it now is.
    Stale(FieldErrors),
}

/// Written, the case page says what was saved (`?saved=<step code>`, Post/Redirect/Get).
fn saved(
    ctx: &Ctx,
    id: i64,
    code: &str,
    written: Result<CaseFile, StorageError>,
) -> Result<Saved, PageError> {
    match written {
        Ok(_) => Ok(Saved::Done(
            Redirect::to(&format!("/cases/{id}?saved={code}")).into_response(),
        )),
        Err(StorageError::Invalid(e)) => Ok(Saved::Again(e)),
        Err(StorageError::Conflict { .. }) => Ok(Saved::Stale(FieldErrors::single(
            "entry",
            "hồ sơ vừa có người ghi thêm một bước: xem lại hồ sơ rồi lưu lại",
        ))),
        Err(StorageError::Forbidden) | Err(StorageError::NotFound) => {
            Err(ctx.error(PageErrorKind::NotFound))
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The case and the entry `seq` this person may replace, or the 404 of a missing one.
async fn replaceable(ctx: &Ctx, id: &str, seq: &str) -> Result<(CaseFile, u32), PageError> {
    let seq: u32 = seq
        .parse()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let case = open(ctx, id).await?;
    if !may_replace(&case, &ctx.actor(), seq) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    Ok((case, seq))
}

/// `/cases/{id}/replace/{seq}`: the form of entry `seq`, filled with what it recorded, to write
/// its replacement (the entry stays; the new one points to it).
pub async fn replace_form(
    ctx: Ctx,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (case, seq) = replaceable(&ctx, &id, &seq).await?;
    let entry = case.entry(seq).expect("checked").kind.clone();
    Ok(replacement_page(&ctx, &case, seq, &entry, entry_to_form(&entry), None).await)
}

async fn replacement_page(
    ctx: &Ctx,
    case: &CaseFile,
    seq: u32,
    entry: &EntryKind,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let action = format!("/cases/{}/replace/{seq}", case.id());
    match entry {
        EntryKind::Intake(_) => intake_page_at(ctx, action, f, errors).await,
        other => {
            form_page(
                ctx,
                case,
                other.code(),
                action,
                "Sửa: ghi mục thay thế",
                f,
                errors,
            )
            .await
        }
    }
}

pub async fn save_replacement(
    ctx: Ctx,
    Path((id, seq)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    let (case, seq) = replaceable(&ctx, &id, &seq).await?;
    let old = case.entry(seq).expect("checked").kind.clone();
    let parsed = match &old {
        EntryKind::Intake(_) => parse_intake(&f),
        other => parse_step(other.code(), &f),
    };
    let entry = match parsed {
        Ok(e) => e,
        Err(e) => return Ok(replacement_page(&ctx, &case, seq, &old, f, Some(e)).await),
    };
    let written = ctx
        .state
        .store
        .correct_case_entry(&ctx.actor(), case.id(), seq, entry, crate::api::cases_now())
        .await;
    match saved(&ctx, case.id(), "replace", written)? {
        Saved::Done(to) => Ok(to),
        Saved::Again(e) | Saved::Stale(e) => {
            Ok(replacement_page(&ctx, &case, seq, &old, f, Some(e)).await)
        }
    }
}
