//! The printable forms of Nghị định 56/2017/NĐ-CP for one case: Mẫu 01 (tiếp nhận thông tin),
//! 02 (đánh giá ban đầu), 03 (thu thập thông tin, đánh giá nguy cơ cụ thể — its number is
//! unverified), 04 (kế hoạch hỗ trợ, can thiệp), 05 (quyết định phê duyệt kế hoạch) and 06 (rà
//! soát, đánh giá), laid out as Nghị định 30/2020/NĐ-CP asks.
//!
//! The content of each form is built once, from the case, as a neutral [`FormDoc`] (heading,
//! number, place and date, title, then [`Block`]s); that model is rendered to an A4 HTML page
//! (askama, `official_form.html` + `static/form.css`) and to a DOCX file ([`docx`]), so the two
//! always say the same thing.
//!
//! A form whose step is not recorded yet answers 404 with a page that says so; a form number
//! that does not exist, or a case the user may not open, answers the plain 404.
mod doc;
mod docx;
mod mau_01;
mod mau_02;
mod mau_03;
mod mau_04;
mod mau_05;
mod mau_06;
mod parts;

pub use doc::{Block, ChildFacts, FormContext, FormDoc, FormMissing};

use super::open;
use crate::pages::{render, Ctx, Layout, MessagePage, PageError, PageErrorKind};
use askama::Template;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use parts::dmy;
use treem_domain::case::{CaseFile, ChildRef};
use treem_domain::register::{DobPrecision, Sex};

/// The forms this page prints, with what the case page calls them.
pub const FORMS: [(u8, &str); 6] = [
    (1, "Báo cáo tiếp nhận thông tin"),
    (2, "Đánh giá ban đầu"),
    (3, "Thu thập thông tin, đánh giá nguy cơ cụ thể"),
    (4, "Kế hoạch hỗ trợ, can thiệp"),
    (5, "Quyết định phê duyệt kế hoạch"),
    (6, "Rà soát, đánh giá"),
];
/// Form `n` of `case`, or why it cannot be printed.
pub fn build(n: u8, case: &CaseFile, cx: &FormContext) -> Result<FormDoc, FormMissing> {
    match n {
        1 => mau_01::form_01(case, cx),
        2 => mau_02::form_02(case, cx),
        3 => mau_03::form_03(case, cx),
        4 => mau_04::form_04(case, cx),
        5 => mau_05::form_05(case, cx),
        6 => mau_06::form_06(case, cx),
        _ => Err(FormMissing::Unknown),
    }
}

/// Which forms of the case can be printed now (their steps are recorded).
pub fn available(case: &CaseFile) -> Vec<u8> {
    let cx = FormContext::commune("", ChildFacts::default());
    FORMS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| build(*n, case, &cx).is_ok())
        .collect()
}

fn sex_vi(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
        Sex::Unknown => "Không biết",
    }
}

fn birth_vi(d: Option<Date>, p: DobPrecision, estimated_age: Option<u8>) -> String {
    match (p, d) {
        (DobPrecision::Day, Some(d)) => dmy(d),
        (DobPrecision::Month, Some(d)) => format!("{:02}/{}", d.month(), d.year()),
        (DobPrecision::Year, Some(d)) => d.year().to_string(),
        (DobPrecision::Estimated, _) => match (estimated_age, d) {
            (Some(a), _) => format!("khoảng {a} tuổi (ước tính)"),
            (None, Some(d)) => format!("khoảng năm {} (ước tính)", d.year()),
            (None, None) => "Không biết".into(),
        },
        _ => "Không biết".into(),
    }
}

/// The child as the form names them: from the report, or from the register.
async fn child_facts(ctx: &Ctx, case: &CaseFile) -> ChildFacts {
    match case.intake().map(|i| &i.child) {
        Some(ChildRef::New(c)) => ChildFacts {
            name: c.full_name.trim().to_string(),
            birth: birth_vi(c.date_of_birth, c.dob_precision, c.estimated_age),
            sex: sex_vi(c.sex).into(),
            description: c.description.trim().to_string(),
        },
        Some(ChildRef::Registered { child_id }) => {
            match ctx.state.store.child(&ctx.actor(), *child_id).await {
                Ok(c) => ChildFacts {
                    name: c.data.full_name.clone(),
                    birth: birth_vi(c.data.date_of_birth, c.data.dob_precision, None),
                    sex: sex_vi(c.data.sex).into(),
                    description: String::new(),
                },
                Err(_) => ChildFacts {
                    name: format!("(trẻ em mã số {child_id} trong sổ theo dõi)"),
                    ..Default::default()
                },
            }
        }
        None => ChildFacts::default(),
    }
}

/// What the case's forms need besides the case: the child, and the names and positions of
/// those who recorded its steps (the forms sign with them).
async fn context(ctx: &Ctx, case: &CaseFile) -> Result<FormContext, PageError> {
    let mut cx = FormContext::commune(&ctx.commune, child_facts(ctx, case).await);
    let mut logins: Vec<String> = case.entries().iter().map(|e| e.by.clone()).collect();
    logins.sort();
    logins.dedup();
    cx.signers = ctx
        .state
        .store
        .signers(&ctx.actor(), &logins)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(cx)
}

#[derive(Template)]
#[template(path = "official_form.html")]
struct FormPage {
    l: Layout,
    id: i64,
    doc: FormDoc,
}

/// `GET /cases/{id}/forms/{n}`: the form as an A4 page; `…/forms/{n}.docx`: as a DOCX file.
pub async fn show(ctx: Ctx, Path((id, n)): Path<(String, String)>) -> Result<Response, PageError> {
    let (n, as_docx) = match n.strip_suffix(".docx") {
        Some(n) => (n, true),
        None => (n.as_str(), false),
    };
    let n: u8 = n.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    if !FORMS.iter().any(|(k, _)| *k == n) {
        return Err(ctx.error(PageErrorKind::NotFound));
    }
    let case = open(&ctx, &id).await?;
    let cx = context(&ctx, &case).await?;
    let doc = match build(n, &case, &cx) {
        Ok(d) => d,
        Err(FormMissing::Unknown) => return Err(ctx.error(PageErrorKind::NotFound)),
        Err(FormMissing::NotRecorded(why)) => return Ok(not_recorded(&ctx, case.id(), n, why)),
    };
    if as_docx {
        return docx_file(&ctx, case.id(), &doc);
    }
    let page = FormPage {
        l: ctx.layout(format!("Mẫu số {n:02} · Hồ sơ {}", case.id())),
        id: case.id(),
        doc,
    };
    Ok(render(&page))
}

/// The form as a DOCX file to download, never cached.
fn docx_file(ctx: &Ctx, id: i64, doc: &FormDoc) -> Result<Response, PageError> {
    let bytes = docx::render(doc).map_err(|e| ctx.error(PageErrorKind::Internal(e)))?;
    let name = format!("attachment; filename=\"mau-{:02}-ho-so-{id}.docx\"", doc.n);
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&name)
                    .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?,
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

/// 404: the step is not recorded yet, said in words, with the way back to the case.
fn not_recorded(ctx: &Ctx, id: i64, n: u8, why: &str) -> Response {
    let page = MessagePage {
        l: ctx.layout(format!("Mẫu số {n:02} · Hồ sơ {id}")),
        text: format!("Chưa in được Mẫu số {n:02} của hồ sơ {id}: bước này chưa được ghi. {why}"),
    };
    (StatusCode::NOT_FOUND, render(&page)).into_response()
}
