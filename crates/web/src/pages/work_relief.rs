//! The work pages for the field (issue 17): the relief given to each child affected by a
//! disaster (`/work/disasters/{id}`: tick, date, how, one submission for the whole list, stored
//! once), the upload of a distribution list as XLSX/CSV matched to the register with a confirm
//! step (`/work/distributions/upload`), and the disability follow-up of a child of group d
//! (`/work/disability/new?child=`). Rules are the domain's (`treem_domain::work`); scope and
//! audit are storage's.
use super::work::{field_vi, in_words, money, value_of};
use super::{render_status, Ctx, PageError, PageErrorKind, PageForm};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::support::SupportKind;
use treem_domain::validation::FieldErrors;
use treem_domain::work::{
    days_since, FundingSource, NewDisabilityRecord, NewDistribution, ReliefEntry,
};
use treem_storage::StorageError;

fn plan_year() -> i16 {
    treem_storage::today().year()
}

fn token_of(form: &[(String, String)]) -> Option<&str> {
    Some(value_of(form, "submission")).filter(|t| treem_storage::valid_submission_id(t))
}

fn submission_of(form: &[(String, String)]) -> String {
    match value_of(form, "submission") {
        "" => super::new_submission_id(),
        s => s.to_string(),
    }
}

// ---------------------------------------------------------------- relief per child

pub struct ReliefLine {
    pub id: i64,
    pub name: String,
    pub village: String,
    pub helped: bool,
    pub on: String,
    pub how: String,
}

#[derive(Template)]
#[template(path = "work_relief.html")]
struct ReliefPage {
    l: super::Layout,
    id: i64,
    may_write: bool,
    date: String,
    kind: &'static str,
    villages: String,
    note: String,
    days: i64,
    lines: Vec<ReliefLine>,
    not_helped: Vec<String>,
    submission: String,
    errors: Vec<(String, String)>,
}

/// The relief page; `form` (as sent) fills the lines when a sending was refused.
async fn relief_page(
    ctx: &Ctx,
    id: i64,
    form: Option<&[(String, String)]>,
    errors: Vec<(String, String)>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let disasters = store.disasters(&actor).await.map_err(|e| ctx.fail(e))?;
    let d = disasters
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?;
    let children = store
        .disaster_children(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let ticked: std::collections::HashSet<String> = form
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k == "helped")
        .map(|(_, v)| v.clone())
        .collect();
    let names = ctx.village_names().await?;
    let lines: Vec<ReliefLine> = children
        .iter()
        .map(|c| match form {
            Some(f) => ReliefLine {
                id: c.child_id,
                name: c.child_name.clone(),
                village: names.name(&c.village),
                helped: ticked.contains(&c.child_id.to_string()),
                on: value_of(f, &format!("on_{}", c.child_id)).to_string(),
                how: value_of(f, &format!("how_{}", c.child_id)).to_string(),
            },
            None => ReliefLine {
                id: c.child_id,
                name: c.child_name.clone(),
                village: names.name(&c.village),
                helped: c.helped_on.is_some(),
                on: c
                    .helped_on
                    .map(|d| vn_date(&d.to_string()))
                    .unwrap_or_default(),
                how: c.how.clone().unwrap_or_default(),
            },
        })
        .collect();
    let not_helped = children
        .iter()
        .filter(|c| c.helped_on.is_none())
        .map(|c| format!("{} ({})", c.child_name, names.name(&c.village)))
        .collect();
    let refused = !errors.is_empty();
    let mut l = ctx.layout(format!("Cứu trợ trẻ em: {}", d.kind.label_vi()));
    l.flash = flash;
    let page = ReliefPage {
        l,
        id,
        may_write: ctx.user.role.writes_children(),
        date: vn_date(&d.date.to_string()),
        kind: d.kind.label_vi(),
        villages: d
            .villages
            .iter()
            .map(|v| names.name(v))
            .collect::<Vec<_>>()
            .join(", "),
        note: d.note.clone(),
        days: days_since(d.date, treem_storage::today()),
        lines,
        not_helped,
        submission: form
            .map(submission_of)
            .unwrap_or_else(super::new_submission_id),
        errors,
    };
    Ok(render_status(&page, refused))
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/work/disasters/{id}`: the affected children, helped or not, and since how many days.
pub async fn relief(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let flash = q.saved.map(|_| "Đã lưu.".to_string());
    relief_page(&ctx, id, None, Vec::new(), flash).await
}

/// One submission for the whole list: every line read by the domain, every bad one named with
/// the child's name, nothing written then; sent again under the same submission id, nothing
/// more is written.
pub async fn save_relief(
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&value_of(&form, "_csrf").to_string()))?;
    let id = id
        .parse::<i64>()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let store = &ctx.state.store;
    let on = store.disaster_date(id).await.map_err(|e| ctx.fail(e))?;
    let children = store
        .disaster_children(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let today = treem_storage::today();
    let ticked: std::collections::HashSet<&str> = form
        .iter()
        .filter(|(k, _)| k == "helped")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for c in &children {
        let key = c.child_id.to_string();
        if !form.iter().any(|(k, v)| k == "child" && *v == key) {
            continue;
        }
        match ReliefEntry::from_tick(
            c.child_id,
            ticked.contains(key.as_str()),
            value_of(&form, &format!("on_{key}")),
            value_of(&form, &format!("how_{key}")),
            on,
            today,
        ) {
            Ok(e) => entries.push(e),
            Err(e) => {
                for fe in e.0 {
                    errors.push((
                        format!("{} — {}", c.child_name, relief_field(&fe.field)),
                        fe.message,
                    ));
                }
            }
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push((
            field_vi("children"),
            "không có trẻ nào trong danh sách gửi lên".to_string(),
        ));
    }
    if !errors.is_empty() {
        return relief_page(&ctx, id, Some(&form), errors, None).await;
    }
    match store
        .record_relief(&ctx.actor(), id, &entries, token_of(&form))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/work/disasters/{id}?saved=1")).into_response()),
        Err(StorageError::Invalid(e)) => {
            relief_page(&ctx, id, Some(&form), in_words(&e), None).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

fn relief_field(field: &str) -> &'static str {
    match field {
        "helped_on" => "Ngày cứu trợ",
        "how" => "Hình thức cứu trợ",
        _ => "Cứu trợ",
    }
}

// ---------------------------------------------------------------- disability follow-up

#[derive(serde::Deserialize, Default)]
pub struct ChildQuery {
    #[serde(default)]
    child: String,
}

#[derive(Template)]
#[template(path = "work_disability.html")]
struct DisabilityPage {
    l: super::Layout,
    child: i64,
    name: String,
    village: String,
    history: Vec<(String, String, String, String)>,
    form: Vec<(String, String)>,
    submission: String,
    errors: Vec<(String, String)>,
}

impl DisabilityPage {
    fn val(&self, key: &str) -> String {
        value_of(&self.form, key).to_string()
    }
}

fn disability_field(field: &str) -> String {
    match field {
        "date" => "Ngày đánh giá".into(),
        "needs" => "Nhu cầu được đánh giá".into(),
        "services" => "Dịch vụ đã nhận".into(),
        "devices" => "Dụng cụ hỗ trợ".into(),
        "child" => "Trẻ".into(),
        other => field_vi(other),
    }
}

async fn disability_page(
    ctx: &Ctx,
    child: i64,
    form: Vec<(String, String)>,
    errors: Option<FieldErrors>,
) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let c = store.child(&actor, child).await.map_err(|e| ctx.fail(e))?;
    let history = store
        .disability_records(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .filter(|r| r.child_id == child)
        .map(|r| (vn_date(&r.date.to_string()), r.needs, r.services, r.devices))
        .collect();
    let refused = errors.is_some();
    let submission = submission_of(&form);
    let page = DisabilityPage {
        l: ctx.layout(format!("Theo dõi trẻ khuyết tật: {}", c.data.full_name)),
        child,
        name: c.data.full_name.clone(),
        village: c.data.village.clone(),
        history,
        form,
        submission,
        errors: errors
            .map(|e| {
                e.0.iter()
                    .map(|fe| (disability_field(&fe.field), fe.message.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// `/work/disability/new?child=…`: needs assessed, services received, assistive devices.
pub async fn new_disability(ctx: Ctx, Query(q): Query<ChildQuery>) -> Result<Response, PageError> {
    let child = q
        .child
        .trim()
        .parse::<i64>()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    disability_page(&ctx, child, Vec::new(), None).await
}

pub async fn save_disability(
    ctx: Ctx,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&value_of(&form, "_csrf").to_string()))?;
    let child = value_of(&form, "child")
        .trim()
        .parse::<i64>()
        .map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let v = |k| value_of(&form, k);
    let rec = match NewDisabilityRecord::parse(
        v("date"),
        v("needs"),
        v("services"),
        v("devices"),
        plan_year(),
        treem_storage::today(),
    ) {
        Ok(r) => r,
        Err(e) => return disability_page(&ctx, child, form, Some(e)).await,
    };
    match ctx
        .state
        .store
        .record_disability(&ctx.actor(), child, &rec, token_of(&form))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{child}")).into_response()),
        Err(StorageError::Invalid(e)) => disability_page(&ctx, child, form, Some(e)).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

// ---------------------------------------------------------------- distribution list upload

#[derive(Template)]
#[template(path = "work_upload.html")]
struct UploadPage {
    l: super::Layout,
    support_kinds: Vec<(&'static str, &'static str)>,
    fundings: Vec<(&'static str, &'static str)>,
    form: Vec<(String, String)>,
    /// A problem with the file itself (too large, unreadable, no rows).
    problem: Option<String>,
    /// «dòng N: …» for every row that matched no child.
    unmatched: Vec<String>,
    errors: Vec<(String, String)>,
    /// The children matched, waiting for confirmation: (id, name, date of birth, village).
    ready: Vec<(i64, String, String, String)>,
    value: String,
    submission: String,
}

impl UploadPage {
    fn val(&self, key: &str) -> String {
        value_of(&self.form, key).to_string()
    }
    fn kind_label(&self) -> &'static str {
        SupportKind::parse(&self.val("kind"))
            .map(SupportKind::label_vi)
            .unwrap_or("")
    }
    fn funding_label(&self) -> &'static str {
        FundingSource::parse(&self.val("funding"))
            .map(FundingSource::label_vi)
            .unwrap_or("")
    }
}

fn upload_page(ctx: &Ctx, form: Vec<(String, String)>) -> UploadPage {
    UploadPage {
        l: ctx.layout("Danh sách cấp phát từ tệp XLSX/CSV"),
        support_kinds: SupportKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_vi()))
            .collect(),
        fundings: FundingSource::ALL
            .iter()
            .map(|f| (f.code(), f.label_vi()))
            .collect(),
        submission: submission_of(&form),
        form,
        problem: None,
        unmatched: Vec::new(),
        errors: Vec::new(),
        ready: Vec::new(),
        value: String::new(),
    }
}

/// `/work/distributions/upload`: the list's details and its file.
pub async fn upload_form(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    Ok(super::render(&upload_page(&ctx, Vec::new())))
}

/// The template to fill: the columns the upload matches on.
pub async fn upload_template(ctx: Ctx) -> Result<Response, PageError> {
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách")?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (i, h) in [
            "Số định danh cá nhân",
            "Họ và tên",
            "Ngày sinh",
            "Thôn, bản",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(0, i as u16, *h, &bold)?;
            ws.set_column_width(i as u16, 24)?;
        }
        wb.save_to_buffer()
    };
    let bytes = build().map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"mau-danh-sach-cap-phat.xlsx\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The multipart body as sent: its text fields, the file, and whether the body went past the
/// route's limit (then the file is refused as too large, not taken for a missing one).
async fn read_multipart(
    mut mp: Multipart,
) -> (Vec<(String, String)>, Option<(String, Vec<u8>)>, bool) {
    let mut form = Vec::new();
    let mut file = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == "file" {
                    let fname = field.file_name().unwrap_or("danh-sach.csv").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((fname, b.to_vec())),
                        Err(e) => return (form, None, e.status() == StatusCode::PAYLOAD_TOO_LARGE),
                    }
                } else if let Ok(t) = field.text().await {
                    form.push((name, t));
                }
            }
            Ok(None) => return (form, file, false),
            Err(e) => return (form, file, e.status() == StatusCode::PAYLOAD_TOO_LARGE),
        }
    }
}

/// Reads the file, matches every row to the register (as the API does), and shows either the
/// unmatched rows with nothing written, or the children found with a confirm button that sends
/// the list once (to `/work/distributions/new`, under this page's submission id).
pub async fn upload_check(ctx: Ctx, mp: Multipart) -> Result<Response, PageError> {
    if !ctx.user.role.writes_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let (form, file, too_large) = read_multipart(mp).await;
    let mut p = upload_page(&ctx, form);
    if too_large {
        p.problem = Some(format!(
            "Tệp quá lớn: tối đa {} MB mỗi lần tải lên; hãy chia danh sách thành nhiều tệp.",
            treem_domain::limits::IMPORT_PAGE.file_bytes / (1024 * 1024)
        ));
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, super::render(&p)).into_response());
    }
    ctx.check_csrf(Some(&p.val("_csrf")))?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        p.problem = Some("Chưa chọn tệp, hoặc tệp rỗng.".into());
        return Ok(render_status(&p, true));
    };
    let actor = ctx.actor();
    let children = match crate::api::work::match_sheet(&ctx.state, &actor, &name, bytes).await {
        Ok(c) => c,
        Err(crate::ApiError::Invalid(e)) => {
            for fe in e.0 {
                if fe.field == "file" {
                    p.problem = Some(fe.message);
                } else {
                    p.unmatched.push(format!("{}: {}", fe.field, fe.message));
                }
            }
            return Ok(render_status(&p, true));
        }
        Err(e) => return Err(ctx.fail_api(e)),
    };
    let v = |k: &str| p.val(k);
    match NewDistribution::parse(
        &v("title"),
        &v("date"),
        &v("kind"),
        &v("value"),
        &v("funding"),
        &v("giver"),
        &children,
        plan_year(),
        treem_storage::today(),
    ) {
        Ok(list) => {
            let entries = ctx
                .state
                .store
                .register_entries(&actor, None)
                .await
                .map_err(|e| ctx.fail(e))?;
            let by_id: std::collections::HashMap<i64, _> =
                entries.iter().map(|(e, v)| (e.id, (e, v))).collect();
            p.ready = list
                .children
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|(e, v)| {
                    (
                        e.id,
                        e.full_name.clone(),
                        e.date_of_birth
                            .map(|d| vn_date(&d.to_string()))
                            .unwrap_or_default(),
                        v.to_string(),
                    )
                })
                .collect();
            p.value = money(list.details.value_vnd);
            Ok(super::render(&p))
        }
        Err(e) => {
            p.errors = in_words(&e);
            Ok(render_status(&p, true))
        }
    }
}
