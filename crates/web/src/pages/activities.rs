//! The plan's work (`/activities`, menu «Hoạt động»): per kind a list of the year with its
//! XLSX, a form to record one (phone-friendly), each record's page; and the directory of
//! services. Rules are the domain's (`treem_domain::activity`), scope storage's.
use super::{render, render_status, Ctx, PageError, PageErrorKind, PageForm, TypedForm};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use treem_domain::activity::directory::{self, Category, EntryInput};
use treem_domain::activity::{self as act, *};
use treem_domain::validation::FieldErrors;
use treem_storage::{ActivityRow, StorageError};

/// A row of a list as shown.
pub struct Row {
    pub id: i64,
    pub date: String,
    pub village: String,
    pub title: String,
    /// Channel and occasion, form and level.
    pub how: String,
    pub children: String,
    pub adults: u32,
    pub materials: u32,
    pub linked: u32,
}

fn how(r: &ActivityRow) -> String {
    [
        r.channel.map(|c| c.label_vi()),
        r.occasion.map(|c| c.label_vi()),
        r.form.map(|c| c.label_vi()),
        r.level.map(|c| c.label_vi()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

fn row(r: &ActivityRow) -> Row {
    let a = &r.audience;
    Row {
        id: r.id,
        date: vn_date(&r.date.to_string()),
        village: if r.village.is_empty() {
            "Cả xã".into()
        } else {
            r.village.clone()
        },
        title: r.title.clone(),
        how: how(r),
        children: format!("{} ({} gái, {} trai)", a.total, a.girls, a.boys),
        adults: a.adults,
        materials: r.materials,
        linked: r.children,
    }
}

fn kind_of(code: &str, ctx: &Ctx) -> Result<ActivityKind, PageError> {
    ActivityKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == code)
        .ok_or_else(|| ctx.error(PageErrorKind::NotFound))
}

pub struct KindLink {
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "activities.html")]
struct HubPage {
    l: super::Layout,
    kinds: Vec<KindLink>,
    year: i16,
}

/// `/activities`: the kinds the person reads, with this year's count, and the directory.
pub async fn hub(ctx: Ctx) -> Result<Response, PageError> {
    let year = accepted_year(treem_storage::today());
    let mut kinds = Vec::new();
    for k in ActivityKind::ALL {
        if !act::may_read(ctx.user.role, *k) {
            continue;
        }
        let n = ctx
            .state
            .store
            .activities(&ctx.actor(), *k, year)
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        kinds.push(KindLink {
            code: k.code(),
            label: k.label_vi(),
            count: n,
        });
    }
    Ok(render(&HubPage {
        l: ctx.layout("Hoạt động"),
        kinds,
        year,
    }))
}

#[derive(Template)]
#[template(path = "activity_list.html")]
struct ListPage {
    l: super::Layout,
    code: &'static str,
    label: &'static str,
    year: i16,
    rows: Vec<Row>,
    may_write: bool,
    is_forum: bool,
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i16>,
    saved: Option<String>,
}

/// `/activities/{kind}`: the year's records of a kind, newest first.
pub async fn list(
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind, &ctx)?;
    let year = q
        .year
        .filter(|y| treem_domain::limits::PLAN_YEARS.contains(y))
        .unwrap_or_else(|| accepted_year(treem_storage::today()));
    let rows = ctx
        .state
        .store
        .activities(&ctx.actor(), kind, year)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(render(&ListPage {
        l: ctx.layout(kind.label_vi()),
        code: kind.code(),
        label: kind.label_vi(),
        year,
        rows: rows.iter().map(row).collect(),
        may_write: act::may_write(ctx.user.role, kind),
        is_forum: kind == ActivityKind::Forum,
    }))
}

/// `/activities/{kind}/xlsx`: the year's list as a spreadsheet.
pub async fn xlsx(
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind, &ctx)?;
    let year = q
        .year
        .filter(|y| treem_domain::limits::PLAN_YEARS.contains(y))
        .unwrap_or_else(|| accepted_year(treem_storage::today()));
    let rows = ctx
        .state
        .store
        .activities(&ctx.actor(), kind, year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let bytes = workbook(kind, year, &rows)
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"hoat-dong-{}-{year}.xlsx\"",
                    kind.code()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn workbook(kind: ActivityKind, year: i16, rows: &[ActivityRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("{} năm {year}", kind.label_vi()), &bold)?;
    let heads = [
        "Ngày",
        "Thôn",
        title_word(kind),
        "Kênh, dịp, hình thức, cấp",
        "Trẻ em gái",
        "Trẻ em trai",
        "Tổng số trẻ em",
        "0–5 tuổi",
        "6–10 tuổi",
        "11–15 tuổi",
        "Dân tộc thiểu số",
        "Người lớn",
        "Tài liệu phát ra",
        "Trẻ có tên trong sổ",
        "Nội dung, kết quả",
        "Cơ quan chủ trì",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let y = 3 + i as u32;
        let a = &r.audience;
        ws.write_string(y, 0, vn_date(&r.date.to_string()))?;
        ws.write_string(
            y,
            1,
            if r.village.is_empty() {
                "Cả xã"
            } else {
                &r.village
            },
        )?;
        ws.write_string(y, 2, &r.title)?;
        ws.write_string(y, 3, how(r))?;
        for (c, n) in [
            a.girls,
            a.boys,
            a.total,
            a.age_0_5,
            a.age_6_10,
            a.age_11_15,
            a.minority,
            a.adults,
            r.materials,
            r.children,
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_number(y, 4 + c as u16, n as f64)?;
        }
        ws.write_string(y, 14, &r.details)?;
        ws.write_string(y, 15, &r.agency)?;
    }
    wb.save_to_buffer()
}

/// The form to record an activity, as typed.
#[derive(Default, Clone, serde::Deserialize)]
pub struct ActivityForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    #[serde(flatten)]
    pub input: ActivityInput,
}

#[derive(Template)]
#[template(path = "activity_form.html")]
struct FormPage {
    l: super::Layout,
    code: &'static str,
    label: &'static str,
    title_word: &'static str,
    is_event: bool,
    is_forum: bool,
    f: ActivityInput,
    villages: Vec<(String, String)>,
    channels: Vec<(&'static str, &'static str)>,
    occasions: Vec<(&'static str, &'static str)>,
    forms: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    answers: String,
    errors: Vec<(String, String)>,
    picker: Picker,
    /// The villages the picker offers, by code.
    pick_villages: Vec<(String, String)>,
}

/// A forum's participants picked by village (ticks) or by name (accents or not): the ticked
/// ids are added to the typed ids, which stay the stored form.
#[derive(serde::Deserialize, Default)]
pub struct Picker {
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub q: String,
    /// Children offered: (id, name, date of birth, village).
    #[serde(skip)]
    pub found: Vec<(i64, String, String, String)>,
}

/// At most this many children offered by a name search.
const PICK_SHOWN: usize = 200;

async fn picked(ctx: &Ctx, mut p: Picker) -> Result<Picker, PageError> {
    let (village, q) = (p.village.trim().to_string(), p.q.trim().to_string());
    if village.is_empty() && q.is_empty() {
        return Ok(p);
    }
    let entries = ctx
        .state
        .store
        .register_entries(
            &ctx.actor(),
            Some(village.as_str()).filter(|v| !v.is_empty()),
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    let wanted = treem_domain::text::fold(&q);
    p.found = entries
        .into_iter()
        .filter(|(e, _)| {
            wanted.is_empty() || treem_domain::text::fold(&e.full_name).contains(&wanted)
        })
        .take(PICK_SHOWN)
        .map(|(e, v)| {
            (
                e.id,
                e.full_name,
                e.date_of_birth
                    .map(|d| vn_date(&d.to_string()))
                    .unwrap_or_default(),
                v,
            )
        })
        .collect();
    Ok(p)
}

fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|k| (code(*k), label(*k))).collect()
}

async fn form_page(
    ctx: &Ctx,
    kind: ActivityKind,
    mut f: ActivityInput,
    errors: Option<FieldErrors>,
    picker: Picker,
) -> Result<Response, PageError> {
    if !act::may_write(ctx.user.role, kind) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    if f.submission.is_empty() {
        f.submission = super::new_submission_id();
    }
    if f.date.is_empty() {
        f.date = vn_date(&treem_storage::today().to_string());
    }
    let all_villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .unwrap_or_default();
    let pick_villages: Vec<(String, String)> = all_villages
        .iter()
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect();
    let villages = all_villages
        .into_iter()
        .filter(|v| {
            !act::confined_to_village(ctx.user.role) || Some(v.id) == ctx.user.actor().village_id
        })
        .map(|v| (v.id.to_string(), v.name))
        .collect();
    let refused = errors.is_some();
    let page = FormPage {
        l: ctx.layout(format!("Ghi mới · {}", kind.label_vi())),
        code: kind.code(),
        label: kind.label_vi(),
        title_word: title_word(kind),
        is_event: kind == ActivityKind::Event,
        is_forum: kind == ActivityKind::Forum,
        f,
        villages,
        channels: pairs(Channel::ALL, Channel::code, Channel::label_vi),
        occasions: pairs(Occasion::ALL, Occasion::code, Occasion::label_vi),
        forms: pairs(ForumForm::ALL, ForumForm::code, ForumForm::label_vi),
        levels: pairs(ForumLevel::ALL, ForumLevel::code, ForumLevel::label_vi),
        answers: Answer::choices_vi(),
        errors: errors
            .map(|e| e.0.into_iter().map(|x| (x.field, x.message)).collect())
            .unwrap_or_default(),
        picker,
        pick_villages,
    };
    Ok(render_status(&page, refused))
}

/// `/activities/{kind}/new`.
pub async fn new(
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(pick): Query<Picker>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind, &ctx)?;
    let picker = if kind == ActivityKind::Forum {
        picked(&ctx, pick).await?
    } else {
        Picker::default()
    };
    form_page(&ctx, kind, ActivityInput::default(), None, picker).await
}

/// Records one activity; the form sent again stores nothing more.
pub async fn create(
    ctx: Ctx,
    Path(kind): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // The children ticked in the picker ("pick", repeated) join the ids typed.
    let (picks, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "pick");
    let mut form: ActivityForm = super::page_form::typed(rest).map_err(|e| {
        ctx.error(PageErrorKind::BadForm(format!(
            "Không đọc được biểu mẫu gửi lên ({e}). Hãy tải lại trang rồi làm lại."
        )))
    })?;
    for (_, id) in picks {
        form.input.children_text.push(' ');
        form.input.children_text.push_str(&id);
    }
    ctx.check_csrf(form.csrf.as_ref())?;
    let kind = kind_of(&kind, &ctx)?;
    let a = match form.input.parse(kind, treem_storage::today()) {
        Ok(a) => a,
        Err(errs) => return form_page(&ctx, kind, form.input, Some(errs), Picker::default()).await,
    };
    let token =
        Some(form.input.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx.state.store.add_activity(&ctx.actor(), &a, token).await {
        Ok(done) => Ok(
            Redirect::to(&format!("/activities/{}/{}?saved=1", kind.code(), done.id))
                .into_response(),
        ),
        Err(StorageError::Invalid(errs)) => {
            form_page(&ctx, kind, form.input, Some(errs), Picker::default()).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub struct ParticipantView {
    pub id: i64,
    pub name: String,
    pub sex: String,
    pub dob: String,
    pub village: String,
    pub special: bool,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct DetailPage {
    l: super::Layout,
    code: &'static str,
    label: &'static str,
    title_word: &'static str,
    r: Row,
    details: String,
    agency: String,
    recorded_by: String,
    audience: Audience,
    participants: Vec<ParticipantView>,
    /// Linked children: girls, boys, in special circumstances.
    linked: (usize, usize, usize),
    recommendations: Vec<(String, &'static str, String, String)>,
}

/// `/activities/{kind}/{id}`.
pub async fn show(
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind, &ctx)?;
    let a = ctx
        .state
        .store
        .activity(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    if a.row.kind != kind {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let sex = |s: &str| {
        treem_domain::register::Sex::parse(s)
            .map(|x| x.label_vi())
            .unwrap_or("")
            .to_string()
    };
    let participants: Vec<ParticipantView> = a
        .participants
        .iter()
        .map(|p| ParticipantView {
            id: p.id,
            name: p.full_name.clone(),
            sex: sex(&p.sex),
            dob: p.dob.as_deref().map(vn_date).unwrap_or_default(),
            village: p.village.clone(),
            special: p.special,
        })
        .collect();
    let girls = a
        .participants
        .iter()
        .filter(|p| {
            treem_domain::register::Sex::parse(&p.sex) == Some(treem_domain::register::Sex::Female)
        })
        .count();
    let special = a.participants.iter().filter(|p| p.special).count();
    let mut l = ctx.layout(format!("{} · {}", kind.label_vi(), a.row.title));
    l.flash = q.saved.map(|_| "Đã ghi.".to_string());
    Ok(render(&DetailPage {
        l,
        code: kind.code(),
        label: kind.label_vi(),
        title_word: title_word(kind),
        r: row(&a.row),
        details: a.row.details.clone(),
        agency: a.row.agency.clone(),
        recorded_by: a.row.recorded_by.clone(),
        audience: a.row.audience,
        linked: (girls, participants.len() - girls, special),
        participants,
        recommendations: a
            .recommendations
            .iter()
            .map(|r| {
                (
                    r.text.clone(),
                    r.answer.label_vi(),
                    r.reason.clone(),
                    r.agency.clone(),
                )
            })
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    l: super::Layout,
    entries: Vec<treem_storage::ServiceEntry>,
    may_write: bool,
    categories: Vec<(&'static str, &'static str)>,
    villages: Vec<(String, String)>,
    f: EntryForm,
    errors: Vec<(String, String)>,
}

#[derive(Default, Clone, serde::Deserialize)]
pub struct EntryForm {
    #[serde(rename = "_csrf")]
    pub csrf: Option<String>,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub note: String,
}

impl From<&EntryForm> for EntryInput {
    fn from(f: &EntryForm) -> Self {
        EntryInput {
            category: f.category.clone(),
            name: f.name.clone(),
            village_id: f.village_id.clone(),
            address: f.address.clone(),
            phone: f.phone.clone(),
            contact: f.contact.clone(),
            note: f.note.clone(),
        }
    }
}

async fn directory_page(
    ctx: &Ctx,
    f: EntryForm,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let entries = ctx
        .state
        .store
        .directory(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.id.to_string(), v.name))
        .collect();
    let refused = errors.is_some();
    let mut l = ctx.layout("Danh bạ dịch vụ");
    l.flash = flash;
    Ok(render_status(
        &DirectoryPage {
            l,
            entries,
            may_write: directory::may_write(ctx.user.role),
            categories: pairs(Category::ALL, Category::code, Category::label_vi),
            villages,
            f,
            errors: errors
                .map(|e| e.0.into_iter().map(|x| (x.field, x.message)).collect())
                .unwrap_or_default(),
        },
        refused,
    ))
}

/// `/activities/directory`: the directory with a form to add to it.
pub async fn directory_show(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, PageError> {
    let flash = q.saved.map(|_| "Đã thêm vào danh bạ.".to_string());
    directory_page(&ctx, EntryForm::default(), None, flash).await
}

pub async fn directory_add(
    ctx: Ctx,
    TypedForm(form): TypedForm<EntryForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(form.csrf.as_ref())?;
    let e = match EntryInput::from(&form).parse() {
        Ok(e) => e,
        Err(errs) => return directory_page(&ctx, form, Some(errs), None).await,
    };
    match ctx.state.store.add_service_entry(&ctx.actor(), &e).await {
        Ok(_) => Ok(Redirect::to("/activities/directory?saved=1").into_response()),
        Err(StorageError::Invalid(errs)) => directory_page(&ctx, form, Some(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}
