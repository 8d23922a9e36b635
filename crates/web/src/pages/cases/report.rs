//! `/cases/new`: the report (Mẫu 01) that opens a case, laid out for a phone. Who may file one
//! is the domain's [`may_file_report`]; whether the child may be named is storage's rule.
use super::choices::{messages, Choices, FormValues};
use super::entry_form::{code_of, parse_intake, Posted};
use super::vn_dt;
use crate::i18n::vn_date;
use crate::pages::PageForm as Form;
use crate::pages::{render_status, Ctx, Layout, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use treem_domain::birth_date::text_or_unknown;
use treem_domain::case::{default_channel, may_file_report};
use treem_domain::validation::FieldErrors;
use treem_storage::{ChildQuery, StorageError};

#[derive(Template)]
#[template(path = "case_intake.html")]
struct IntakePage {
    l: Layout,
    action: String,
    /// The reports this person filed: (case id, received at).
    mine: Vec<(i64, String)>,
    f: Posted,
    errors: BTreeMap<String, String>,
    /// Every problem, for the summary at the top: (the field's id to link to, or empty, and
    /// the field and what is wrong in words).
    problems: Vec<(String, String)>,
    child_name: String,
    /// The register's children this person may name (a village head: their village's), to
    /// choose by name; `None` when they are too many for one list (the commune's).
    children: Option<Vec<(String, String)>>,
    /// When the children are too many to list: those whose name matches the name searched
    /// (`child_find`), to choose by name; `None` before a search.
    found: Option<Vec<(String, String)>>,
    c: Choices,
}

/// The most children a search by name lists.
const CHILDREN_FOUND: i64 = 50;

/// The most children listed to choose from: a village's (a few hundred), not a commune's.
const CHILDREN_LISTED: i64 = 500;

/// The label of a field of the report, as the form shows it, for the problems' summary.
fn field_label(k: &str) -> &'static str {
    match k {
        "channel" => "Tin đến từ",
        "received_at" => "Nhận tin lúc (ngày)",
        "received_at_time" => "Giờ nhận tin",
        "category" => "Tình trạng của trẻ",
        "child_id" | "child" => "Trẻ trong sổ",
        "child.full_name" => "Họ tên trẻ",
        "child.sex" => "Giới tính",
        "child.dob_precision" => "Ngày sinh",
        "child.date_of_birth" => "Ngày sinh (nếu biết)",
        "child.estimated_age" => "Tuổi ước tính",
        "child.village" => "Thôn/bản",
        "child.description" => "Đặc điểm nhận dạng",
        "place" => "Nơi xảy ra",
        "current_condition" => "Tình trạng hiện tại của trẻ",
        "predicted_consequence" => "Dự đoán hậu quả",
        "actions_taken" => "Việc đã làm trước khi báo",
        "father.age" => "Tuổi cha",
        "mother.age" => "Tuổi mẹ",
        "informant.consent" => "Người báo tin đồng ý",
        k if k.starts_with("informant.") => "Người báo tin",
        k if k.starts_with("father.") => "Cha",
        k if k.starts_with("mother.") => "Mẹ",
        _ => "",
    }
}

/// The summary of the problems: each shown field's message with its label and a link to it,
/// then those about no field the form shows.
fn summary(errors: &BTreeMap<String, String>, other: Vec<String>) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = errors
        .iter()
        .filter(|(k, _)| shown(k))
        .map(|(k, m)| {
            let anchor = if k == "child" { "child_id" } else { k.as_str() };
            let label = field_label(k);
            let text = if label.is_empty() {
                m.clone()
            } else {
                format!("{label}: {m}")
            };
            (anchor.to_string(), text)
        })
        .collect();
    lines.extend(other.into_iter().map(|m| (String::new(), m)));
    lines
}

/// The children of the register this person may name, by name (storage applies the scope),
/// or `None` when they are more than one list can hold.
async fn children_to_choose(ctx: &Ctx) -> Option<Vec<(String, String)>> {
    let query = ChildQuery {
        page: 1,
        per_page: CHILDREN_LISTED,
        ..Default::default()
    };
    let page = ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .ok()?;
    if page.total > CHILDREN_LISTED {
        return None;
    }
    named_choices(ctx, page.items).await
}

/// The children whose name matches `name` (accents or not), within this person's scope.
async fn children_named(ctx: &Ctx, name: &str) -> Option<Vec<(String, String)>> {
    let query = ChildQuery {
        q: Some(treem_domain::text::fold(name)),
        page: 1,
        per_page: CHILDREN_FOUND,
        ..Default::default()
    };
    let page = ctx
        .state
        .store
        .search_children(&ctx.actor(), &query)
        .await
        .ok()?;
    named_choices(ctx, page.items).await
}

/// Each child as the list names them: "Giàng Thị Mỷ · 02/03/2024 · Sính Phình".
async fn named_choices(
    ctx: &Ctx,
    items: Vec<treem_storage::ChildSummary>,
) -> Option<Vec<(String, String)>> {
    let names = ctx.village_names().await.ok()?;
    Some(
        items
            .iter()
            .map(|c| {
                let born = text_or_unknown(c.birth_date());
                (
                    c.id.to_string(),
                    format!("{} · {} · {}", c.full_name, born, names.name(&c.village)),
                )
            })
            .collect(),
    )
}

const INTAKE_SHOWN: &[&str] = &[
    "channel",
    "received_at",
    "received_at_time",
    "category",
    "child_id",
    "child",
    "place",
    "current_condition",
];

fn shown(k: &str) -> bool {
    INTAKE_SHOWN.contains(&k)
        || ["child.", "informant.", "father.", "mother."]
            .iter()
            .any(|p| k.starts_with(p))
}

impl IntakePage {
    /// The box for a register number: shown unless a search by name found children to choose.
    fn number_box(&self) -> bool {
        self.found.as_ref().is_none_or(|l| l.is_empty())
    }
}

impl FormValues for IntakePage {
    fn posted(&self) -> &Posted {
        &self.f
    }
    fn messages(&self) -> &BTreeMap<String, String> {
        &self.errors
    }
}

async fn intake_page(ctx: &Ctx, f: Posted, errors: Option<FieldErrors>) -> Response {
    intake_page_at(ctx, "/cases/new".into(), f, errors).await
}

/// The report's form, posting to `action` (a new report, or the replacement of one).
pub(super) async fn intake_page_at(
    ctx: &Ctx,
    action: String,
    f: Posted,
    errors: Option<FieldErrors>,
) -> Response {
    let mut c = Choices::new();
    c.villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
        .collect();
    let child_name = child_name(ctx, &f).await;
    let mine = ctx
        .state
        .store
        .my_reports(&ctx.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(id, at)| (id, vn_dt(at)))
        .collect();
    let refused = errors.is_some();
    let (errors, other_errors) = messages(errors, shown);
    let problems = summary(&errors, other_errors);
    let children = children_to_choose(ctx).await;
    let wanted = f.get("child_find").trim().to_string();
    let found = match (&children, wanted.is_empty()) {
        (None, false) => Some(children_named(ctx, &wanted).await.unwrap_or_default()),
        _ => None,
    };
    // One child found: already chosen.
    let mut f = f;
    if let Some([(id, _)]) = found.as_deref() {
        if f.get("child_id").is_empty() {
            f.set("child_id", id.clone());
        }
    }
    let page = IntakePage {
        l: ctx.layout("Báo tin trẻ em cần bảo vệ (Mẫu 01)"),
        action,
        mine,
        f,
        errors,
        problems,
        child_name,
        children,
        found,
        c,
    };
    render_status(&page, refused)
}

/// The child's name when the report starts from their page (a read the register audits).
async fn child_name(ctx: &Ctx, f: &Posted) -> String {
    let Ok(id) = f.get("child_id").parse::<i64>() else {
        return String::new();
    };
    ctx.state
        .store
        .child(&ctx.actor(), id)
        .await
        .map(|c| c.data.full_name)
        .unwrap_or_default()
}

/// The query of the report's form: `child`, the register child it starts from.
#[derive(Deserialize)]
pub struct ReportQuery {
    child: Option<String>,
}

pub async fn intake_form(ctx: Ctx, Query(q): Query<ReportQuery>) -> Result<Response, PageError> {
    if !may_file_report(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let now = crate::api::cases_now();
    let mut f = Posted::default();
    f.set("_submission", crate::pages::new_submission_id());
    // When the form was written: a copy the phone kept for no signal, opened later, takes
    // the phone's time instead (static/app.js).
    f.set("_now", jiff::Timestamp::now().as_millisecond().to_string());
    f.set("received_at", vn_date(&now.date().to_string()));
    f.set(
        "received_at_time",
        format!("{:02}:{:02}", now.hour(), now.minute()),
    );
    if let Some(channel) = default_channel(ctx.user.role) {
        f.set("channel", code_of(&channel));
    }
    match q.child.filter(|c| !c.is_empty()) {
        Some(id) => {
            f.set("child_type", "registered");
            f.set("child_id", id);
        }
        None => f.set("child_type", "new"),
    }
    Ok(intake_page(&ctx, f, None).await)
}

pub async fn save_intake(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Posted(pairs);
    ctx.check_csrf(Some(&f.get("_csrf").to_string()))?;
    if !may_file_report(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    // «Tìm» by a child's name: the same form again, the children found to choose from,
    // nothing stored. «Tìm» is the form's first button, so Enter in any box sends it too: a
    // search only for a name typed and not yet searched, or none chosen yet.
    let name = f.get("child_find").trim();
    let search = !f.get("_find").is_empty()
        && !name.is_empty()
        && (f.get("child_id").is_empty() || name != f.get("_searched").trim());
    if search {
        let mut f = f;
        f.set("child_type", "registered");
        return Ok(intake_page(&ctx, f, None).await);
    }
    let entry = match parse_intake(&f) {
        Ok(e) => e,
        Err(e) => return Ok(intake_page(&ctx, f, Some(e)).await),
    };
    // Whether the child may be named (a village head: their own village) is storage's rule, the
    // same for the API: a refusal comes back as an error on `child_id`.
    match ctx
        .state
        .store
        .open_case_once(
            &ctx.actor(),
            entry,
            crate::api::cases_now(),
            crate::pages::sent_id(&headers, Some(f.get("_submission"))).as_deref(),
        )
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/cases/{}", done.id)).into_response()),
        Err(StorageError::Invalid(e)) => Ok(intake_page(&ctx, f, Some(e)).await),
        Err(e) => Err(ctx.fail(e)),
    }
}
