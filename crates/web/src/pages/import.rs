//! The import page: upload, see the row-by-row report of errors and warnings; with errors
//! nothing is written, with warnings only the clerk confirms. The rows checked wait on the
//! server under a random token bound to the user (the file is not sent again): what is written
//! is exactly what was checked and shown.
use super::TypedForm;
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

/// The upload as sent: the session's token, the file (name and bytes), and whether the body
/// went past [`treem_domain::limits::UPLOAD_BYTES`] (the route's body limit), in which case the
/// file is refused as too large rather than taken for a missing one.
#[derive(Default)]
struct Upload {
    csrf: Option<String>,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

/// Reads the multipart body's fields.
async fn read_upload(mut mp: Multipart) -> Upload {
    let mut u = Upload::default();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => u.csrf = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("tep.csv").to_string();
                    match field.bytes().await {
                        Ok(bytes) => u.file = Some((name, bytes.to_vec())),
                        Err(e) => {
                            u.too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                            break;
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                u.too_large |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    u
}

fn refused(status: StatusCode, mut p: ImportPage, problem: String) -> Response {
    p.problem = Some(problem);
    (status, render(&p)).into_response()
}

/// Checks the file's rows by the domain's rules; the rows wait for confirmation unless the
/// file has errors.
async fn check(
    ctx: &Ctx,
    mut p: ImportPage,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Response, PageError> {
    let (header, rows) = match read_table(name, bytes, &treem_domain::limits::IMPORT_PAGE) {
        Ok(t) => t,
        Err(e) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, p, e)),
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

pub async fn upload(ctx: Ctx, mp: Multipart) -> Result<Response, PageError> {
    officer_only(&ctx)?;
    let u = read_upload(mp).await;
    let mut p = blank(&ctx);
    if u.too_large {
        // The CSRF token may lie past the limit: nothing is done with the file, so the refusal
        // needs none.
        let problem = format!(
            "Tệp quá lớn: tối đa {} MB mỗi lần tải lên trang này; tệp lớn hơn nhập bằng lệnh treem import children.",
            treem_domain::limits::IMPORT_PAGE.file_bytes / (1024 * 1024)
        );
        return Ok(refused(StatusCode::PAYLOAD_TOO_LARGE, p, problem));
    }
    ctx.check_csrf(u.csrf.as_ref())?;
    let Some((name, bytes)) = u.file.filter(|(_, b)| !b.is_empty()) else {
        let problem = "Chưa chọn tệp, hoặc tệp rỗng.".to_string();
        return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, p, problem));
    };
    p.file_name = name.clone();
    check(&ctx, p, &name, bytes).await
}

/// Errors, and warnings, shown on the page at most.
const SHOWN: usize = 500;

/// The clerk's confirmation of a checked file, by its token.
#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    token: Option<String>,
}

pub async fn confirm(
    ctx: Ctx,
    TypedForm(f): TypedForm<ConfirmForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    officer_only(&ctx)?;
    let mut p = blank(&ctx);
    let Some((rows, lines)) = f
        .token
        .as_deref()
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
