//! The child-friendly commune self-assessment (`/self-assessment`) and the national children's
//! database clean-up (`/national-db`: the list per village, printable for the commune police,
//! their verified IDs typed back in one go, the export keyed by personal ID). Rules are the
//! domain's (`treem_domain::self_assessment`, `treem_domain::national_db`).
use super::{render_status, Ctx, PageError, PageErrorKind, PageForm};
use crate::assess::{self, AssessmentBody, ScoreBody};
use crate::i18n::{vn_date, vn_datetime};
use askama::Template;
use axum::extract::Query;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::national_db::{self as nd, TypedAnswer};
use treem_domain::self_assessment::{self as sa, Scorecard};
use treem_domain::validation::FieldErrors;

/// One criterion's line of the form.
pub struct CriterionRow {
    pub number: u8,
    pub name: String,
    pub max: u32,
    pub verified: bool,
    pub parts: String,
    pub score: String,
    pub evidence: String,
    /// "Tỷ lệ tính từ hồ sơ: 97,5 % (gợi ý 50 điểm)".
    pub rate: String,
    pub error: String,
}

pub struct HistoryRow {
    pub entered: String,
    pub date: String,
    pub total: u32,
    pub met: &'static str,
}

#[derive(Template)]
#[template(path = "self_assessment.html")]
struct AssessmentPage {
    l: super::Layout,
    year: i16,
    decision: String,
    threshold: u32,
    max_total: u32,
    date: String,
    rows: Vec<CriterionRow>,
    outcome: String,
    may_enter: bool,
    errors: Vec<String>,
    history: Vec<HistoryRow>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<String>,
    saved: Option<String>,
}

fn year_asked(ctx: &Ctx, y: Option<&str>) -> Result<i16, PageError> {
    match y.filter(|s| !s.is_empty()) {
        None => Ok(treem_storage::today().year()),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .and_then(treem_domain::limits::plan_year)
            .ok_or_else(|| ctx.error(PageErrorKind::NotFound)),
    }
}

fn met_vi(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "đạt",
        Some(false) => "chưa đạt",
        None => "chưa chấm đủ",
    }
}

async fn assessment_page(
    ctx: &Ctx,
    year: i16,
    typed: Option<AssessmentBody>,
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    if !sa::may_read(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let card = Scorecard::default();
    let entries = ctx
        .state
        .store
        .self_assessments(&ctx.actor(), year)
        .await
        .map_err(|e| ctx.fail(e))?;
    let rates = assess::rates(&ctx.state, year).await;
    let current = entries.first();
    let refused = errors.is_some();
    let errors = errors.unwrap_or_default();
    let shown: AssessmentBody = match typed {
        Some(t) => t,
        None => AssessmentBody {
            date: current
                .map(|c| vn_date(&c.assessment.date.to_string()))
                .unwrap_or_default(),
            scores: current
                .map(|c| {
                    c.assessment
                        .scores
                        .iter()
                        .map(|s| ScoreBody {
                            criterion: s.criterion,
                            score: s.score.map(serde_json::Value::from),
                            evidence: s.evidence.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
    };
    let rows = card
        .criteria
        .iter()
        .map(|c| {
            let typed = shown.scores.iter().find(|s| s.criterion == c.number);
            let rate = rates.iter().find(|(n, _, _)| *n == c.number);
            let score_text = typed
                .and_then(|t| t.score.as_ref())
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                })
                // Nothing entered yet: the score the rate suggests.
                .or_else(|| {
                    if current.is_none() {
                        rate.and_then(|(_, _, s)| s.map(|x| x.to_string()))
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            let rate_text = match rate {
                Some((_, Some(r), sug)) => format!(
                    "Tính từ hồ sơ: {}%{}",
                    treem_domain::plan::format_number_vi((r * 10.0).round() / 10.0),
                    sug.map(|s| format!(" (gợi ý {s} điểm)"))
                        .unwrap_or_default()
                ),
                Some((_, None, _)) => "Tính từ hồ sơ: chưa có số liệu".into(),
                None => String::new(),
            };
            CriterionRow {
                number: c.number,
                name: c.name.clone(),
                max: c.max,
                verified: c.verified,
                parts: c.parts.clone(),
                score: score_text,
                evidence: typed.map(|t| t.evidence.clone()).unwrap_or_default(),
                rate: rate_text,
                error: errors
                    .for_field(&format!("criteria.{}", c.number))
                    .unwrap_or("")
                    .to_string(),
            }
        })
        .collect();
    let outcome = current
        .map(|c| card.outcome(&c.assessment.scores).label_vi())
        .unwrap_or_else(|| "Chưa nhập tự đánh giá năm này.".into());
    let history = entries
        .iter()
        .map(|e| HistoryRow {
            entered: format!("{} · {}", e.entered_by, vn_datetime(&e.entered_at)),
            date: vn_date(&e.assessment.date.to_string()),
            total: e.total,
            met: met_vi(e.met),
        })
        .collect();
    let mut l = ctx.layout(format!("Tự đánh giá xã phù hợp với trẻ em năm {year}"));
    l.flash = flash;
    let page = AssessmentPage {
        l,
        year,
        decision: card.decision.clone(),
        threshold: card.threshold(),
        max_total: card.max_total(),
        date: shown.date,
        rows,
        outcome,
        may_enter: sa::may_enter(ctx.user.role),
        errors: errors
            .0
            .iter()
            .map(|e| {
                if e.field == "date" {
                    format!("Ngày họp đánh giá: {}", e.message)
                } else {
                    e.message.clone()
                }
            })
            .collect(),
        history,
    };
    Ok(render_status(&page, refused))
}

/// `/self-assessment?year=`: the year's criteria, scores, evidence and outcome.
pub async fn self_assessment(ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response, PageError> {
    let year = year_asked(&ctx, q.year.as_deref())?;
    let flash = q.saved.map(|_| "Đã lưu tự đánh giá.".to_string());
    assessment_page(&ctx, year, None, None, flash).await
}

/// The index of criterion `n`'s line, added when missing.
fn entry(scores: &mut Vec<ScoreBody>, n: u8) -> usize {
    match scores.iter().position(|s| s.criterion == n) {
        Some(i) => i,
        None => {
            scores.push(ScoreBody {
                criterion: n,
                ..Default::default()
            });
            scores.len() - 1
        }
    }
}

/// The form: `year`, `date`, `score_N` and `evidence_N` for each criterion N.
fn assessment_form(pairs: &[(String, String)]) -> (Option<String>, Option<String>, AssessmentBody) {
    let mut csrf = None;
    let mut year = None;
    let mut body = AssessmentBody::default();
    let mut date = String::new();
    for (k, v) in pairs {
        if k == "_csrf" {
            csrf = Some(v.clone());
        } else if k == "year" {
            year = Some(v.clone());
        } else if k == "date" {
            date = v.clone();
        } else if let Some(n) = k.strip_prefix("score_").and_then(|n| n.parse().ok()) {
            let i = entry(&mut body.scores, n);
            body.scores[i].score = Some(serde_json::Value::String(v.clone()));
        } else if let Some(n) = k.strip_prefix("evidence_").and_then(|n| n.parse().ok()) {
            let i = entry(&mut body.scores, n);
            body.scores[i].evidence = v.clone();
        }
    }
    body.date = date;
    (csrf, year, body)
}

pub async fn save_self_assessment(
    ctx: Ctx,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (csrf, year, body) = assessment_form(&pairs);
    ctx.check_csrf(csrf.as_ref())?;
    let year = year_asked(&ctx, year.as_deref())?;
    match assess::save(&ctx.state, &ctx.actor(), year, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("/self-assessment?year={year}&saved=1")).into_response()),
        Err(crate::ApiError::Invalid(errs)) => {
            assessment_page(&ctx, year, Some(body), Some(errs), None).await
        }
        Err(e) => Err(ctx.fail_api(e)),
    }
}

/// A child on the clean-up list.
pub struct CleanupRow {
    pub id: i64,
    pub name: String,
    pub village: String,
    pub birth: String,
    pub personal_id: String,
    pub gaps: String,
    /// The ID typed back (a refused batch shows what was typed).
    pub typed: String,
}

#[derive(Template)]
#[template(path = "national_db.html")]
struct CleanupPage {
    l: super::Layout,
    village: String,
    villages: Vec<(String, String)>,
    rows: Vec<CleanupRow>,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct CleanupQuery {
    village: Option<String>,
    saved: Option<String>,
}

async fn cleanup_page(
    ctx: &Ctx,
    village: Option<String>,
    typed: &[TypedAnswer],
    errors: Option<FieldErrors>,
    flash: Option<String>,
) -> Result<Response, PageError> {
    if !nd::may_clean(ctx.user.role) {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let village = village.filter(|v| !v.trim().is_empty());
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let list = store
        .cleanup_list(&actor, village.as_deref())
        .await
        .map_err(|e| ctx.fail(e))?;
    let all = store.villages(&actor).await.map_err(|e| ctx.fail(e))?;
    let names = treem_domain::register::VillageNames::new(&all);
    let rows = list
        .iter()
        .map(|(c, gaps)| CleanupRow {
            id: c.id,
            name: c.data.full_name.clone(),
            village: names.name(&c.data.village),
            birth: c
                .data
                .date_of_birth
                .map(treem_domain::date::format_vi)
                .unwrap_or_default(),
            personal_id: c
                .data
                .personal_id
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            gaps: gaps
                .iter()
                .map(|g| g.label_vi())
                .collect::<Vec<_>>()
                .join("; "),
            typed: typed
                .iter()
                .find(|t| t.child.trim() == c.id.to_string())
                .map(|t| t.personal_id.clone())
                .unwrap_or_default(),
        })
        .collect();
    let refused = errors.is_some();
    let mut l = ctx.layout("Rà soát dữ liệu trẻ em (cơ sở dữ liệu quốc gia)");
    l.flash = flash;
    let page = CleanupPage {
        l,
        village: village.unwrap_or_default(),
        villages: all
            .iter()
            .map(|v| (v.code.clone(), v.name.clone()))
            .collect(),
        rows,
        errors: errors
            .map(|e| e.0.iter().map(|f| f.message.clone()).collect())
            .unwrap_or_default(),
    };
    Ok(render_status(&page, refused))
}

/// `/national-db?village=`: the children to clean up, printable for the commune police.
pub async fn cleanup(ctx: Ctx, Query(q): Query<CleanupQuery>) -> Result<Response, PageError> {
    let flash = q
        .saved
        .map(|n| format!("Đã ghi mã định danh đã xác minh cho {n} trẻ."));
    cleanup_page(&ctx, q.village, &[], None, flash).await
}

/// The verified IDs as typed in the list: `id_<child>` for each child.
pub async fn save_ids(
    ctx: Ctx,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut csrf = None;
    let mut village = None;
    let mut typed = Vec::new();
    for (k, v) in pairs {
        if k == "_csrf" {
            csrf = Some(v);
        } else if k == "village" {
            village = Some(v);
        } else if let Some(id) = k.strip_prefix("id_") {
            typed.push(TypedAnswer {
                child: id.to_string(),
                personal_id: v,
            });
        }
    }
    ctx.check_csrf(csrf.as_ref())?;
    let answers = match nd::read_answers(&typed) {
        Ok(a) => a,
        Err(e) => return cleanup_page(&ctx, village, &typed, Some(e), None).await,
    };
    match ctx
        .state
        .store
        .set_personal_ids(&ctx.actor(), &answers)
        .await
    {
        Ok(n) => {
            let v = village.unwrap_or_default();
            Ok(Redirect::to(&format!("/national-db?village={v}&saved={n}")).into_response())
        }
        Err(treem_storage::StorageError::Invalid(e)) => {
            cleanup_page(&ctx, village, &typed, Some(e), None).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `/national-db/list.xlsx?village=`: the clean-up list as a workbook, printed or filled by
/// the police and uploaded back (its last column, the verified ID, left blank).
pub async fn list_xlsx(ctx: Ctx, Query(q): Query<CleanupQuery>) -> Result<Response, PageError> {
    let village = q.village.filter(|v| !v.trim().is_empty());
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let list = store
        .cleanup_list(&actor, village.as_deref())
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages = store.villages(&actor).await.map_err(|e| ctx.fail(e))?;
    let names = treem_domain::register::VillageNames::new(&villages);
    let bad = |e: rust_xlsxwriter::XlsxError| ctx.error(PageErrorKind::Internal(e.to_string()));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    for (i, h) in nd::LIST_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(bad)?;
    }
    for (r, (c, gaps)) in list.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            c.id.to_string(),
            c.data.full_name.clone(),
            names.name(&c.data.village),
            c.data
                .date_of_birth
                .map(treem_domain::date::format_vi)
                .unwrap_or_default(),
            c.data
                .personal_id
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            gaps.iter()
                .map(|g| g.label_vi())
                .collect::<Vec<_>>()
                .join("; "),
        ];
        for (i, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, v, &text)
                .map_err(bad)?;
        }
        ws.write_string_with_format(row, 6, "", &text)
            .map_err(bad)?;
    }
    let bytes = wb.save_to_buffer().map_err(bad)?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"ra-soat-du-lieu-tre-em.xlsx\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The police's answers in the list's workbook (or a CSV with the same headers), all or
/// nothing as when typed.
pub async fn upload_ids(ctx: Ctx, mut mp: axum::extract::Multipart) -> Result<Response, PageError> {
    let mut csrf = None;
    let mut file = None;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("tep.xlsx").to_string();
                if let Ok(b) = field.bytes().await {
                    file = Some((name, b.to_vec()));
                }
            }
            _ => {}
        }
    }
    ctx.check_csrf(csrf.as_ref())?;
    let Some((name, bytes)) = file else {
        let e = FieldErrors::single("file", "chưa chọn tệp");
        return cleanup_page(&ctx, None, &[], Some(e), None).await;
    };
    let typed = match crate::import::read_table(&name, bytes, &treem_domain::limits::IMPORT_PAGE)
        .map_err(|m| FieldErrors::single("file", m))
        .and_then(|(h, rows)| nd::answers_from_table(&h, &rows))
    {
        Ok(t) => t,
        Err(e) => return cleanup_page(&ctx, None, &[], Some(e), None).await,
    };
    let answers = match nd::read_answers(&typed) {
        Ok(a) => a,
        Err(e) => return cleanup_page(&ctx, None, &typed, Some(e), None).await,
    };
    match ctx
        .state
        .store
        .set_personal_ids(&ctx.actor(), &answers)
        .await
    {
        Ok(n) => Ok(Redirect::to(&format!("/national-db?saved={n}")).into_response()),
        Err(treem_storage::StorageError::Invalid(e)) => {
            cleanup_page(&ctx, None, &typed, Some(e), None).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    format: Option<String>,
}

/// `/national-db/export?format=csv|xlsx`.
pub async fn export(ctx: Ctx, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    let actor = ctx.actor();
    let store = &ctx.state.store;
    let children = store
        .national_export(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages = store.villages(&actor).await.map_err(|e| ctx.fail(e))?;
    let (bytes, kind, name) =
        assess::export_file(&children, &villages, q.format.as_deref() == Some("xlsx"))
            .map_err(|e| ctx.fail_api(e))?;
    Ok((
        [
            (CONTENT_TYPE, kind.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
