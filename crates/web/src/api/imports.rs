//! `POST /imports/children`: the file in the body (CSV or XLSX), checked by the same rules as
//! the import page and the command line; both lists (errors, warnings) come back.
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use treem_domain::validation::FieldErrors;

fn flag(p: &HashMap<String, String>, name: &str) -> Result<bool, FieldErrors> {
    match p.get(name).map(|s| s.trim()) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(FieldErrors::single(name, "chỉ nhận true hoặc false")),
    }
}

/// Checks the file; writes it when it has no errors and either no warnings or
/// `accept_warnings=true`, unless `check_only=true`. 200 `{written, checked, errors: [],
/// warnings}`; 409 when warnings were not accepted (nothing written); 422 with both lists when
/// the file has errors (nothing written).
pub async fn children(
    State(s): State<AppState>,
    user: ApiUser,
    Query(p): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !user.0.role.imports_children() {
        return Err(ApiError::Forbidden);
    }
    let check_only = flag(&p, "check_only")?;
    let accept_warnings = flag(&p, "accept_warnings")?;
    let xlsx = match p.get("format").map(|f| f.trim().to_ascii_lowercase()) {
        Some(f) if f == "xlsx" => true,
        Some(f) if f == "csv" => false,
        Some(_) => return Err(FieldErrors::single("format", "chỉ nhận csv hoặc xlsx").into()),
        None => headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("spreadsheetml")),
    };
    if body.is_empty() {
        return Err(FieldErrors::single("body", "chưa gửi tệp (nội dung rỗng)").into());
    }
    let name = if xlsx { "tep.xlsx" } else { "tep.csv" };
    let (header, rows) =
        crate::import::read_table(name, body.to_vec(), &treem_domain::limits::IMPORT_PAGE)
            .map_err(|e| FieldErrors::single("body", e))?;
    let actor = user.actor();
    let villages = s.store.villages(&actor).await?;
    let households = s.store.household_entries(&actor).await?;
    let report = crate::import::check_file(
        &header,
        &rows,
        &villages,
        households,
        treem_storage::today(),
    );
    let checked = report.children.len();
    let answer = |status: StatusCode, written: usize, message: Option<&str>| {
        let mut v = json!({
            "written": written,
            "checked": checked,
            "errors": report.errors,
            "warnings": report.warnings,
        });
        if let Some(m) = message {
            v["error"] = json!(m);
        }
        (status, Json(v))
    };
    if !report.errors.is_empty() {
        return Ok(answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            0,
            Some("tệp có lỗi; chưa ghi dòng nào"),
        ));
    }
    if check_only {
        return Ok(answer(StatusCode::OK, 0, None));
    }
    if !report.warnings.is_empty() && !accept_warnings {
        return Ok(answer(
            StatusCode::CONFLICT,
            0,
            Some("tệp có cảnh báo; chưa ghi dòng nào: xem lại, rồi gửi lại với accept_warnings=true để ghi"),
        ));
    }
    let written = match s
        .store
        .import_children(&actor, report.children.clone())
        .await
    {
        Ok(n) => n,
        Err(treem_storage::StorageError::Invalid(e)) => {
            let message = crate::import::storage_problem(&e, &report.lines);
            return Err(FieldErrors::single("body", message).into());
        }
        Err(e) => return Err(e.into()),
    };
    Ok(answer(StatusCode::OK, written, None))
}
