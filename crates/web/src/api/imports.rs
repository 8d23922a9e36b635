//! `POST /imports/children`: the file in the body (CSV or XLSX), checked by the same rules as
//! the import page and the command line; both lists (errors, warnings) come back.
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::validation::FieldErrors;

/// The import's options as sent: `check_only`, `accept_warnings` (`true`/`false`, `1`/`0`),
/// `format` (`csv`/`xlsx`; from the body's type when absent).
#[derive(Deserialize)]
pub struct ImportQuery {
    check_only: Option<String>,
    accept_warnings: Option<String>,
    format: Option<String>,
}

/// The import's options, read.
pub struct ImportOptions {
    check_only: bool,
    accept_warnings: bool,
    /// `Some(true)` for XLSX, `Some(false)` for CSV, `None` when not said.
    xlsx: Option<bool>,
}

fn flag(v: &Option<String>, name: &str) -> Result<bool, FieldErrors> {
    match v.as_deref().map(|s| s.trim()) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(FieldErrors::single(name, "chỉ nhận true hoặc false")),
    }
}

impl TryFrom<&ImportQuery> for ImportOptions {
    type Error = FieldErrors;

    fn try_from(q: &ImportQuery) -> Result<ImportOptions, FieldErrors> {
        let check_only = flag(&q.check_only, "check_only")?;
        let accept_warnings = flag(&q.accept_warnings, "accept_warnings")?;
        let xlsx = match q.format.as_ref().map(|f| f.trim().to_ascii_lowercase()) {
            Some(f) if f == "xlsx" => Some(true),
            Some(f) if f == "csv" => Some(false),
            Some(_) => return Err(FieldErrors::single("format", "chỉ nhận csv hoặc xlsx")),
            None => None,
        };
        Ok(ImportOptions {
            check_only,
            accept_warnings,
            xlsx,
        })
    }
}

/// The answer: how many rows were written and checked, both lists, and why nothing was written
/// when nothing was.
fn answer(
    report: &treem_domain::import::ImportReport,
    status: StatusCode,
    written: usize,
    message: Option<&str>,
) -> (StatusCode, Json<Value>) {
    let mut v = json!({
        "written": written,
        "checked": report.children.len(),
        "errors": report.errors,
        "warnings": report.warnings,
    });
    if let Some(m) = message {
        v["error"] = json!(m);
    }
    (status, Json(v))
}

/// The file's rows checked by the same rules as the import page and the command line.
async fn check(
    s: &AppState,
    actor: &treem_storage::Actor,
    xlsx: bool,
    body: Bytes,
) -> Result<treem_domain::import::ImportReport, ApiError> {
    if body.is_empty() {
        return Err(FieldErrors::single("body", "chưa gửi tệp (nội dung rỗng)").into());
    }
    let name = if xlsx { "tep.xlsx" } else { "tep.csv" };
    let (header, rows) =
        crate::import::read_table(name, body.to_vec(), &treem_domain::limits::IMPORT_PAGE)
            .map_err(|e| FieldErrors::single("body", e))?;
    let villages = s.store.villages(actor).await?;
    let households = s.store.household_entries(actor).await?;
    Ok(crate::import::check_file(
        &header,
        &rows,
        &villages,
        households,
        treem_storage::today(),
    ))
}

/// Checks the file; writes it when it has no errors and either no warnings or
/// `accept_warnings=true`, unless `check_only=true`. 200 `{written, checked, errors: [],
/// warnings}`; 409 when warnings were not accepted (nothing written); 422 with both lists when
/// the file has errors (nothing written).
pub async fn children(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !user.0.role.imports_children() {
        return Err(ApiError::Forbidden);
    }
    let o = ImportOptions::try_from(&q)?;
    let xlsx = o.xlsx.unwrap_or_else(|| {
        headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("spreadsheetml"))
    });
    let actor = user.actor();
    let report = check(&s, &actor, xlsx, body).await?;
    if !report.errors.is_empty() {
        return Ok(answer(
            &report,
            StatusCode::UNPROCESSABLE_ENTITY,
            0,
            Some("tệp có lỗi; chưa ghi dòng nào"),
        ));
    }
    if o.check_only {
        return Ok(answer(&report, StatusCode::OK, 0, None));
    }
    if !report.warnings.is_empty() && !o.accept_warnings {
        return Ok(answer(
            &report,
            StatusCode::CONFLICT,
            0,
            Some("tệp có cảnh báo; chưa ghi dòng nào: xem lại, rồi gửi lại với accept_warnings=true để ghi"),
        ));
    }
    match s
        .store
        .import_children(&actor, report.children.clone())
        .await
    {
        Ok(n) => Ok(answer(&report, StatusCode::OK, n, None)),
        Err(treem_storage::StorageError::Invalid(e)) => {
            let message = crate::import::storage_problem(&e, &report.lines);
            Err(FieldErrors::single("body", message).into())
        }
        Err(e) => Err(e.into()),
    }
}
