//! Hazard sites (`/hazards`, `/hazards/{id}`, `/hazards/map`) and the plan's budget
//! (`/budget`): lists with their forms, the offline map and the XLSX exports. The checks are
//! the domain's; who may read and write, and the village scope, are storage's.
use super::{render, render_status, Ctx, PageError, PageErrorKind, PageForm};
use crate::i18n::vn_date;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::HashMap;
use treem_domain::budget::{amount_vi, totals, BudgetLineDraft, FundingSource, SpendingDraft};
use treem_domain::hazard::map::{draw, MapSite, Reference, VillagePositions};
use treem_domain::hazard::{
    HazardDraft, HazardKind, HazardStatus, InspectionDraft, Measure, SitePhoto, PHOTO_MAX_BYTES,
};
use treem_domain::register::Village;
use treem_domain::validation::FieldErrors;
use treem_storage::{HazardSite, StorageError};

fn field_vi(field: &str) -> &str {
    match field {
        "village_id" => "Thôn, bản",
        "kind" => "Loại điểm nguy cơ",
        "name" => "Tên, mô tả vị trí",
        "lat" => "Vĩ độ",
        "lon" => "Kinh độ",
        "measures" => "Biện pháp",
        "note" => "Ghi chú",
        "date" => "Ngày",
        "finding" => "Kết quả kiểm tra",
        "status" => "Trạng thái",
        "source" => "Nguồn kinh phí",
        "activity" => "Hoạt động",
        "planned" => "Kinh phí dự kiến",
        "amount" => "Số tiền",
        "line" => "Dòng kinh phí",
        "submission" => "Lần gửi",
        "photo" => "Ảnh",
        other => other,
    }
}

fn in_words(errors: &FieldErrors) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|fe| (field_vi(&fe.field).to_string(), fe.message.clone()))
        .collect()
}

fn xlsx_response(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A site as a row of the list.
pub struct SiteRow {
    pub number: usize,
    pub id: i64,
    pub village: String,
    pub kind: &'static str,
    pub name: String,
    pub position: String,
    pub measures: String,
    pub status: &'static str,
    pub open: bool,
    pub last_inspected: String,
}

fn rows(sites: &[HazardSite]) -> Vec<SiteRow> {
    sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (lat, lon) = s.position.text();
            SiteRow {
                number: i + 1,
                id: s.id,
                village: s.village_name.clone(),
                kind: s.kind.label_vi(),
                name: s.name.clone(),
                position: format!("{lat}, {lon}"),
                measures: Measure::words(&s.measures),
                status: s.status.label_vi(),
                open: s.status == HazardStatus::Open,
                last_inspected: s
                    .last_inspected
                    .map(|d| vn_date(&d.to_string()))
                    .unwrap_or_else(|| "chưa kiểm tra".into()),
            }
        })
        .collect()
}

/// `?village=` (a village's code).
#[derive(serde::Deserialize, Default)]
pub struct VillageQuery {
    village: Option<String>,
    saved: Option<String>,
}

/// The villages the person may choose (a village head their own) and the one asked for.
async fn villages_and_asked(
    ctx: &Ctx,
    code: Option<&str>,
) -> Result<(Vec<Village>, Option<Village>), PageError> {
    let actor = ctx.actor();
    if !actor.role.reads_hazards() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let mut villages = ctx
        .state
        .store
        .villages(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    if let Some(own) = actor.village_id {
        villages.retain(|v| v.id == own);
    }
    let asked = match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            villages
                .iter()
                .find(|v| v.code == c)
                .cloned()
                .ok_or_else(|| ctx.error(PageErrorKind::NotFound))?,
        ),
    };
    Ok((villages, asked))
}

#[derive(Template)]
#[template(path = "hazards.html")]
struct HazardsPage {
    l: super::Layout,
    rows: Vec<SiteRow>,
    villages: Vec<(i64, String, String)>,
    village_code: String,
    may_write: bool,
    kinds: Vec<(&'static str, &'static str)>,
    measures: Vec<(&'static str, &'static str, bool)>,
    form: HazardDraft,
    submission: String,
    errors: Vec<(String, String)>,
    open_count: usize,
}

async fn list_page(
    ctx: &Ctx,
    code: Option<&str>,
    form: HazardDraft,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let (villages, asked) = villages_and_asked(ctx, code).await?;
    let sites = ctx
        .state
        .store
        .hazards(&ctx.actor(), asked.as_ref().map(|v| v.id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let refused = errors.is_some();
    let mut l = ctx.layout("Điểm nguy cơ tai nạn, thương tích");
    l.flash = flash;
    let rows = rows(&sites);
    let page = HazardsPage {
        l,
        open_count: rows.iter().filter(|r| r.open).count(),
        rows,
        villages: villages
            .iter()
            .map(|v| (v.id, v.code.clone(), v.name.clone()))
            .collect(),
        village_code: asked.map(|v| v.code).unwrap_or_default(),
        may_write: ctx.user.role.writes_hazards(),
        kinds: HazardKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_vi()))
            .collect(),
        measures: Measure::ALL
            .iter()
            .map(|m| {
                (
                    m.code(),
                    m.label_vi(),
                    form.measures.iter().any(|x| x == m.code()),
                )
            })
            .collect(),
        form,
        submission: super::new_submission_id(),
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// `/hazards`: the sites (a village head's own village), with the form to add one.
pub async fn list(ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Response, PageError> {
    let flash = q.saved.as_ref().map(|_| "Đã ghi điểm nguy cơ.".to_string());
    list_page(
        &ctx,
        q.village.as_deref(),
        HazardDraft::default(),
        None,
        flash,
    )
    .await
}

/// Records a site; sent again (back button, double click) it stores nothing more.
pub async fn create(
    ctx: Ctx,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut one: HashMap<String, String> = HashMap::new();
    let mut measures = Vec::new();
    for (k, v) in pairs {
        if k == "measures" {
            measures.push(v);
        } else {
            one.insert(k, v);
        }
    }
    ctx.check_csrf(one.get("_csrf"))?;
    let take = |k: &str| one.get(k).cloned().unwrap_or_default();
    let draft = HazardDraft {
        village_id: take("village_id"),
        kind: take("kind"),
        name: take("name"),
        lat: take("lat"),
        lon: take("lon"),
        measures,
        note: take("note"),
    };
    let site = match draft.parse() {
        Ok(s) => s,
        Err(errs) => return list_page(&ctx, None, draft, Some(errs), None).await,
    };
    let token = one
        .get("submission")
        .map(String::as_str)
        .filter(|t| treem_storage::valid_submission_id(t));
    match ctx.state.store.add_hazard(&ctx.actor(), &site, token).await {
        Ok(done) => Ok(Redirect::to(&format!("/hazards/{}?saved=1", done.id)).into_response()),
        Err(StorageError::Invalid(errs)) => list_page(&ctx, None, draft, Some(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub struct InspectionRow {
    pub date: String,
    pub finding: String,
    pub status: &'static str,
    pub recorded_by: String,
}

#[derive(Template)]
#[template(path = "hazard.html")]
struct HazardPage {
    l: super::Layout,
    site: SiteRow,
    note: String,
    village_code: String,
    inspections: Vec<InspectionRow>,
    may_write: bool,
    form: InspectionDraft,
    submission: String,
    errors: Vec<(String, String)>,
    svg: String,
    has_photo: bool,
}

async fn site_page(
    ctx: &Ctx,
    id: i64,
    form: InspectionDraft,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let (site, inspections) = ctx
        .state
        .store
        .hazard(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let has_photo = ctx
        .state
        .store
        .hazard_photo(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?
        .is_some();
    let refused = errors.is_some();
    let mut l = ctx.layout(format!("Điểm nguy cơ · {}", site.name));
    l.flash = flash;
    let positions = VillagePositions::embedded();
    let references: Vec<Reference> = positions
        .of(&site.village_code)
        .map(|p| Reference {
            name: site.village_name.clone(),
            position: p,
        })
        .into_iter()
        .collect();
    let svg = draw(
        &format!("Vị trí: {}", site.name),
        &references,
        &[MapSite {
            number: 1,
            kind: site.kind,
            status: site.status,
            position: site.position,
        }],
        positions.approximate,
    );
    let page = HazardPage {
        l,
        note: site.note.clone(),
        village_code: site.village_code.clone(),
        site: rows(std::slice::from_ref(&site)).remove(0),
        inspections: inspections
            .iter()
            .map(|i| InspectionRow {
                date: vn_date(&i.date.to_string()),
                finding: i.finding.clone(),
                status: i.status.label_vi(),
                recorded_by: i.recorded_by.clone(),
            })
            .collect(),
        may_write: ctx.user.role.writes_hazards(),
        form: InspectionDraft {
            date: if form.date.is_empty() {
                vn_date(&treem_storage::today().to_string())
            } else {
                form.date
            },
            ..form
        },
        submission: super::new_submission_id(),
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
        svg,
        has_photo,
    };
    Ok(render_status(&page, refused))
}

/// `/hazards/{id}`: a site, its inspections, the form to add one.
pub async fn show(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<VillageQuery>,
) -> Result<Response, PageError> {
    let flash = q.saved.map(|_| "Đã ghi.".to_string());
    site_page(&ctx, id, InspectionDraft::default(), None, flash).await
}

#[derive(serde::Deserialize, Default)]
pub struct InspectionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    submission: String,
}

pub async fn inspect(
    ctx: Ctx,
    Path(id): Path<i64>,
    super::TypedForm(f): super::TypedForm<InspectionForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let draft = InspectionDraft {
        date: f.date,
        finding: f.finding,
        status: f.status,
    };
    let inspection = match draft.parse(treem_storage::today()) {
        Ok(i) => i,
        Err(errs) => return site_page(&ctx, id, draft, Some(errs), None).await,
    };
    let token = Some(f.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .inspect_hazard(&ctx.actor(), id, &inspection, token)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/hazards/{id}?saved=1")).into_response()),
        Err(StorageError::Invalid(errs)) => site_page(&ctx, id, draft, Some(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The body limit of `/hazards/{id}/photo`: the photo and the form's few fields.
pub const PHOTO_BODY_BYTES: usize = PHOTO_MAX_BYTES + 16 * 1024;

/// `GET /hazards/{id}/photo`: the site's photo with its content type, kept private.
pub async fn photo(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, PageError> {
    let photo = ctx
        .state
        .store
        .hazard_photo(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?
        .ok_or_else(|| ctx.fail(StorageError::NotFound))?;
    Ok((
        [
            (CONTENT_TYPE, photo.mime()),
            (axum::http::header::CACHE_CONTROL, "private"),
        ],
        photo.bytes().to_vec(),
    )
        .into_response())
}

/// `POST /hazards/{id}/photo` (multipart `_csrf`, `photo`): set the site's photo.
pub async fn upload_photo(
    ctx: Ctx,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let mut csrf = None;
    let mut bytes = None;
    let mut too_large = false;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("photo") => match field.bytes().await {
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(e) => {
                        too_large |= e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
                        break;
                    }
                },
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                too_large |= e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    if too_large {
        // Nothing is stored: the refusal needs no CSRF token (it may lie past the limit).
        let draft = InspectionDraft::default();
        return site_page(&ctx, id, draft, Some(SitePhoto::too_big()), None).await;
    }
    ctx.check_csrf(csrf.as_ref())?;
    let photo = match SitePhoto::parse(bytes.unwrap_or_default()) {
        Ok(p) => p,
        Err(errs) => {
            return site_page(&ctx, id, InspectionDraft::default(), Some(errs), None).await
        }
    };
    match ctx
        .state
        .store
        .set_hazard_photo(&ctx.actor(), id, &photo)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/hazards/{id}?saved=1")).into_response()),
        Err(StorageError::Invalid(errs)) => {
            site_page(&ctx, id, InspectionDraft::default(), Some(errs), None).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "hazard_map.html")]
struct MapPage {
    l: super::Layout,
    svg: String,
    rows: Vec<SiteRow>,
    villages: Vec<(String, String)>,
    village_code: String,
    village_name: String,
    approximate: bool,
    today: String,
}

/// `/hazards/map?village=`: the map drawn on the server from the positions (no tile server,
/// no script), printable, one village or the commune.
pub async fn map(ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Response, PageError> {
    let (villages, asked) = villages_and_asked(&ctx, q.village.as_deref()).await?;
    let sites = ctx
        .state
        .store
        .hazards(&ctx.actor(), asked.as_ref().map(|v| v.id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let positions = VillagePositions::embedded();
    let shown: Vec<&Village> = match &asked {
        Some(v) => vec![v],
        None => villages.iter().collect(),
    };
    let references: Vec<Reference> = shown
        .iter()
        .filter_map(|v| {
            positions.of(&v.code).map(|p| Reference {
                name: v.name.clone(),
                position: p,
            })
        })
        .collect();
    let marks: Vec<MapSite> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| MapSite {
            number: i + 1,
            kind: s.kind,
            status: s.status,
            position: s.position,
        })
        .collect();
    let village_name = asked
        .as_ref()
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "toàn xã".into());
    let title = format!("Bản đồ điểm nguy cơ tai nạn, thương tích — {village_name}");
    let svg = draw(&title, &references, &marks, positions.approximate);
    let page = MapPage {
        l: ctx.layout(title),
        svg,
        rows: rows(&sites),
        villages: villages
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        village_code: asked.map(|v| v.code).unwrap_or_default(),
        village_name,
        approximate: positions.approximate,
        today: vn_date(&treem_storage::today().to_string()),
    };
    Ok(render(&page))
}

fn xlsx_err(ctx: &Ctx) -> impl Fn(XlsxError) -> PageError + '_ {
    move |e| ctx.error(PageErrorKind::Internal(e.to_string()))
}

/// `/hazards.xlsx?village=`: the list as a spreadsheet.
pub async fn list_xlsx(ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Response, PageError> {
    let (_, asked) = villages_and_asked(&ctx, q.village.as_deref()).await?;
    let sites = ctx
        .state
        .store
        .hazards(&ctx.actor(), asked.as_ref().map(|v| v.id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let bytes = hazards_xlsx(&sites).map_err(xlsx_err(&ctx))?;
    let file = match &asked {
        Some(v) => format!("diem-nguy-co-{}.xlsx", v.code),
        None => "diem-nguy-co.xlsx".into(),
    };
    Ok(xlsx_response(bytes, &file))
}

fn hazards_xlsx(sites: &[HazardSite]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Điểm nguy cơ")?;
    let head = [
        "STT",
        "Thôn, bản",
        "Loại",
        "Tên, mô tả vị trí",
        "Vĩ độ",
        "Kinh độ",
        "Biện pháp",
        "Trạng thái",
        "Kiểm tra gần nhất",
        "Ghi chú",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, s) in sites.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, &s.village_name)?;
        ws.write_string(r, 2, s.kind.label_vi())?;
        ws.write_string(r, 3, &s.name)?;
        ws.write_number(r, 4, s.position.lat())?;
        ws.write_number(r, 5, s.position.lon())?;
        ws.write_string(r, 6, Measure::words(&s.measures))?;
        ws.write_string(r, 7, s.status.label_vi())?;
        ws.write_string(
            r,
            8,
            s.last_inspected
                .map(|d| vn_date(&d.to_string()))
                .unwrap_or_default(),
        )?;
        ws.write_string(r, 9, &s.note)?;
    }
    ws.autofit();
    wb.save_to_buffer()
}

pub struct SumRow {
    pub label: String,
    pub planned: String,
    pub spent: String,
    pub percent: String,
}

pub struct LineRow {
    pub id: i64,
    pub source: &'static str,
    pub activity: String,
    pub planned: String,
    pub spent: String,
}

pub struct SpendingRow {
    pub date: String,
    pub line: String,
    pub amount: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "budget.html")]
struct BudgetPage {
    l: super::Layout,
    year: i16,
    by_source: Vec<SumRow>,
    by_activity: Vec<SumRow>,
    all: SumRow,
    lines: Vec<LineRow>,
    spendings: Vec<SpendingRow>,
    may_write: bool,
    sources: Vec<(&'static str, &'static str)>,
    line_form: BudgetLineDraft,
    spending_form: SpendingDraft,
    spending_line: String,
    submission: String,
    errors: Vec<(String, String)>,
}

fn sum_row(label: &str, s: &treem_domain::budget::Sum) -> SumRow {
    SumRow {
        label: label.to_string(),
        planned: amount_vi(s.planned),
        spent: amount_vi(s.spent),
        percent: s
            .percent()
            .map(|p| format!("{p:.1}%").replace('.', ","))
            .unwrap_or_else(|| "—".into()),
    }
}

#[derive(Default)]
struct BudgetForms {
    line: BudgetLineDraft,
    spending: SpendingDraft,
    spending_line: String,
}

async fn budget_page(
    ctx: &Ctx,
    forms: BudgetForms,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let actor = ctx.actor();
    if !actor.role.reads_budget() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let year = treem_storage::today().year();
    let store = &ctx.state.store;
    let (lines, spendings) = tokio::try_join!(
        store.budget_lines(&actor, year),
        store.spendings(&actor, year)
    )
    .map_err(|e| ctx.fail(e))?;
    let t = totals(&lines);
    let refused = errors.is_some();
    let mut l = ctx.layout(format!("Kinh phí thực hiện kế hoạch năm {year}"));
    l.flash = flash;
    let activity_of: HashMap<i64, String> = lines
        .iter()
        .map(|l| (l.id, format!("{} · {}", l.activity, l.source.label_vi())))
        .collect();
    let page = BudgetPage {
        l,
        year,
        by_source: t
            .by_source
            .iter()
            .map(|(s, sum)| sum_row(s.label_vi(), sum))
            .collect(),
        by_activity: t
            .by_activity
            .iter()
            .map(|(a, sum)| sum_row(a, sum))
            .collect(),
        all: sum_row("Tổng cộng", &t.all),
        lines: lines
            .iter()
            .map(|l| LineRow {
                id: l.id,
                source: l.source.label_vi(),
                activity: l.activity.clone(),
                planned: amount_vi(l.planned),
                spent: amount_vi(l.spent),
            })
            .collect(),
        spendings: spendings
            .iter()
            .map(|s| SpendingRow {
                date: vn_date(&s.date.to_string()),
                line: activity_of.get(&s.line_id).cloned().unwrap_or_default(),
                amount: amount_vi(s.amount),
                note: s.note.clone(),
            })
            .collect(),
        may_write: actor.role.writes_budget(),
        sources: FundingSource::ALL
            .iter()
            .map(|s| (s.code(), s.label_vi()))
            .collect(),
        line_form: forms.line,
        spending_form: SpendingDraft {
            date: if forms.spending.date.is_empty() {
                vn_date(&treem_storage::today().to_string())
            } else {
                forms.spending.date.clone()
            },
            ..forms.spending
        },
        spending_line: forms.spending_line,
        submission: super::new_submission_id(),
        errors: errors.map(|e| in_words(&e)).unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// `/budget`: the year's totals, lines and spendings, with the economic office's forms.
pub async fn budget(ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Response, PageError> {
    let flash = q.saved.map(|_| "Đã ghi.".to_string());
    budget_page(&ctx, BudgetForms::default(), None, flash).await
}

#[derive(serde::Deserialize, Default)]
pub struct LineForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    activity: String,
    #[serde(default)]
    planned: String,
    #[serde(default)]
    submission: String,
}

pub async fn add_line(
    ctx: Ctx,
    super::TypedForm(f): super::TypedForm<LineForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !ctx.user.role.writes_budget() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let draft = BudgetLineDraft {
        source: f.source,
        activity: f.activity,
        planned: f.planned,
    };
    let forms = |draft: BudgetLineDraft| BudgetForms {
        line: draft,
        ..Default::default()
    };
    let line = match draft.parse(treem_storage::today()) {
        Ok(l) => l,
        Err(errs) => return budget_page(&ctx, forms(draft), Some(errs), None).await,
    };
    let token = Some(f.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .add_budget_line(&ctx.actor(), &line, token)
        .await
    {
        Ok(_) => Ok(Redirect::to("/budget?saved=1").into_response()),
        Err(StorageError::Invalid(errs)) => budget_page(&ctx, forms(draft), Some(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct SpendForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    line: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    submission: String,
}

pub async fn add_spending(
    ctx: Ctx,
    super::TypedForm(f): super::TypedForm<SpendForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !ctx.user.role.writes_budget() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let draft = SpendingDraft {
        date: f.date,
        amount: f.amount,
        note: f.note,
    };
    let forms = |draft: SpendingDraft| BudgetForms {
        spending: draft,
        spending_line: f.line.clone(),
        ..Default::default()
    };
    let line = f.line.trim().parse::<i64>().ok();
    let parsed = draft.parse(treem_storage::today());
    let (line, spending) = match (line, parsed) {
        (Some(l), Ok(s)) => (l, s),
        (l, r) => {
            let mut errs = r.err().unwrap_or_default();
            if l.is_none() {
                errs.push("line", "cần chọn dòng kinh phí");
            }
            return budget_page(&ctx, forms(draft), Some(errs), None).await;
        }
    };
    let token = Some(f.submission.as_str()).filter(|t| treem_storage::valid_submission_id(t));
    match ctx
        .state
        .store
        .add_spending(&ctx.actor(), line, &spending, token)
        .await
    {
        Ok(_) => Ok(Redirect::to("/budget?saved=1").into_response()),
        Err(StorageError::Invalid(errs)) => budget_page(&ctx, forms(draft), Some(errs), None).await,
        Err(StorageError::NotFound) => {
            let errs = FieldErrors::single("line", "không có dòng kinh phí này");
            budget_page(&ctx, forms(draft), Some(errs), None).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `/budget.xlsx`: lines, spendings and totals, one sheet each.
pub async fn budget_xlsx(ctx: Ctx) -> Result<Response, PageError> {
    let actor = ctx.actor();
    let year = treem_storage::today().year();
    let store = &ctx.state.store;
    let (lines, spendings) = tokio::try_join!(
        store.budget_lines(&actor, year),
        store.spendings(&actor, year)
    )
    .map_err(|e| ctx.fail(e))?;
    let bytes = (|| -> Result<Vec<u8>, XlsxError> {
        let t = totals(&lines);
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("#,##0");
        let ws = wb.add_worksheet();
        ws.set_name("Tổng hợp")?;
        for (c, h) in ["Nhóm", "Dự kiến (đ)", "Đã chi (đ)"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, (label, sum)) in (1u32..).zip(
            t.by_source
                .iter()
                .map(|(s, sum)| (format!("Nguồn: {}", s.label_vi()), sum))
                .chain(
                    t.by_activity
                        .iter()
                        .map(|(a, sum)| (format!("Hoạt động: {a}"), sum)),
                )
                .chain(std::iter::once(("Tổng cộng".to_string(), &t.all))),
        ) {
            ws.write_string(r, 0, &label)?;
            ws.write_number_with_format(r, 1, sum.planned as f64, &money)?;
            ws.write_number_with_format(r, 2, sum.spent as f64, &money)?;
        }
        ws.autofit();
        let ws = wb.add_worksheet();
        ws.set_name("Dòng kinh phí")?;
        for (c, h) in ["Mã", "Nguồn", "Hoạt động", "Dự kiến (đ)", "Đã chi (đ)"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, l) in lines.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_number(r, 0, l.id as f64)?;
            ws.write_string(r, 1, l.source.label_vi())?;
            ws.write_string(r, 2, &l.activity)?;
            ws.write_number_with_format(r, 3, l.planned as f64, &money)?;
            ws.write_number_with_format(r, 4, l.spent as f64, &money)?;
        }
        ws.autofit();
        let ws = wb.add_worksheet();
        ws.set_name("Khoản chi")?;
        for (c, h) in ["Ngày", "Mã dòng", "Số tiền (đ)", "Nội dung"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, s) in spendings.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, vn_date(&s.date.to_string()))?;
            ws.write_number(r, 1, s.line_id as f64)?;
            ws.write_number_with_format(r, 2, s.amount as f64, &money)?;
            ws.write_string(r, 3, &s.note)?;
        }
        ws.autofit();
        wb.save_to_buffer()
    })()
    .map_err(xlsx_err(&ctx))?;
    Ok(xlsx_response(bytes, &format!("kinh-phi-{year}.xlsx")))
}
