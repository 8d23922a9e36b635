//! The import page: upload, see the row-by-row report of errors and warnings; with errors
//! nothing is written, with warnings only the clerk confirms. The rows checked wait on the
//! server under a random token bound to the user (the file is not sent again): what is written
//! is exactly what was checked and shown.
use super::PageForm as Form;
use super::{render, Ctx, Layout, PageError, PageErrorKind};
use crate::import::{check_file, read_table, RowIssue};
use askama::Template;
use axum::extract::Multipart;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use treem_domain::register::ChildData;

/// How long a checked file waits for confirmation.
const PENDING_FOR: Duration = Duration::from_secs(30 * 60);

/// A checked file: who checked it, its rows with their lines in the file, and when.
type Pending = (i64, Checked, Instant);

/// The rows of a checked file, with each one's line in the file.
type Checked = (Vec<ChildData>, Vec<usize>);

/// Checked imports waiting for confirmation, by token.
#[derive(Default)]
pub struct PendingImports(Mutex<HashMap<String, Pending>>);

impl PendingImports {
    fn put(&self, user: i64, rows: Checked) -> String {
        use rand::RngCore;
        let mut b = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut b);
        let token = hex::encode(b);
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, (_, _, at)| at.elapsed() < PENDING_FOR);
        m.insert(token.clone(), (user, rows, Instant::now()));
        token
    }

    fn take(&self, user: i64, token: &str) -> Option<Checked> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match m.remove(token) {
            Some((u, rows, at)) if u == user && at.elapsed() < PENDING_FOR => Some(rows),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    l: Layout,
    file_name: String,
    errors: Vec<RowIssue>,
    more_errors: usize,
    warnings: Vec<RowIssue>,
    more_warnings: usize,
    ready: Option<(String, usize)>,
    done: Option<usize>,
    problem: Option<String>,
}

fn blank(ctx: &Ctx) -> ImportPage {
    ImportPage {
        l: ctx.layout(ctx.t.import),
        file_name: String::new(),
        errors: vec![],
        more_errors: 0,
        warnings: vec![],
        more_warnings: 0,
        ready: None,
        done: None,
        problem: None,
    }
}

fn officer_only(ctx: &Ctx) -> Result<(), PageError> {
    if ctx.user.role.imports_children() {
        Ok(())
    } else {
        Err(ctx.error(PageErrorKind::Forbidden))
    }
}

pub async fn page(ctx: Ctx) -> Result<Response, PageError> {
    officer_only(&ctx)?;
    Ok(render(&blank(&ctx)))
}

pub async fn upload(ctx: Ctx, mut mp: Multipart) -> Result<Response, PageError> {
    officer_only(&ctx)?;
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    // The body stops at limits::UPLOAD_BYTES (the route's body limit); past it the file is
    // refused as too large rather than taken for a missing one.
    let mut too_large = false;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("tep.csv").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(e) => {
                            too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                            break;
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    let mut p = blank(&ctx);
    if too_large {
        // The CSRF token may lie past the limit: nothing is done with the file, so the refusal
        // needs none.
        p.problem = Some(format!(
            "Tệp quá lớn: tối đa {} MB mỗi lần tải lên trang này; tệp lớn hơn nhập bằng lệnh treem import children.",
            treem_domain::limits::IMPORT_PAGE.file_bytes / (1024 * 1024)
        ));
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, render(&p)).into_response());
    }
    ctx.check_csrf(csrf.as_ref())?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        p.problem = Some("Chưa chọn tệp, hoặc tệp rỗng.".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    };
    p.file_name = name.clone();
    let (header, rows) = match read_table(&name, bytes, &treem_domain::limits::IMPORT_PAGE) {
        Ok(t) => t,
        Err(e) => {
            p.problem = Some(e);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
        }
    };
    let store = &ctx.state.store;
    let actor = ctx.actor();
    let villages = store.villages(&actor).await.map_err(|e| ctx.fail(e))?;
    let households = store
        .household_entries(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let report = check_file(
        &header,
        &rows,
        &villages,
        households,
        treem_storage::today(),
    );
    drop(rows);
    let shown = |mut list: Vec<RowIssue>| {
        let more = list.len().saturating_sub(SHOWN);
        list.truncate(SHOWN);
        (list, more)
    };
    (p.warnings, p.more_warnings) = shown(report.warnings);
    if !report.errors.is_empty() {
        (p.errors, p.more_errors) = shown(report.errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    }
    let n = report.children.len();
    let token = ctx
        .state
        .pending_imports
        .put(ctx.user.id, (report.children, report.lines));
    p.ready = Some((token, n));
    Ok(render(&p))
}

/// Errors, and warnings, shown on the page at most.
const SHOWN: usize = 500;

pub async fn confirm(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    officer_only(&ctx)?;
    let mut p = blank(&ctx);
    let Some((rows, lines)) = f
        .get("token")
        .and_then(|t| ctx.state.pending_imports.take(ctx.user.id, t))
    else {
        p.problem =
            Some("Tệp đã kiểm tra không còn (quá 30 phút hoặc đã ghi). Hãy tải lên lại.".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    };
    match ctx.state.store.import_children(&ctx.actor(), rows).await {
        Ok(n) => {
            p.done = Some(n);
            Ok(render(&p))
        }
        Err(treem_storage::StorageError::Invalid(e)) => {
            p.problem = Some(crate::import::storage_problem(&e, &lines));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn template(ctx: Ctx) -> Result<Response, PageError> {
    officer_only(&ctx)?;
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let bytes = crate::import::template(&villages)
        .map_err(|e| ctx.error(PageErrorKind::Internal(e.to_string())))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"mau-nhap-tre-em.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
