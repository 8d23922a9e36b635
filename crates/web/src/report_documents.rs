//! The documents of an approved report (văn bản báo cáo) for the pages, the API and the command
//! line: the frozen report read once through storage (which checks the role), the village names
//! the XLSX needs, the bytes from `treem-reports`, the download's headers.
use crate::error::ApiError;
use crate::AppState;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use treem_domain::report::FrozenReport;
use treem_domain::role::Actor;

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Docx,
    Xlsx,
}

impl DocumentKind {
    /// "docx", "xlsx"; anything else is no document.
    pub fn parse(s: &str) -> Option<DocumentKind> {
        match s {
            "docx" => Some(DocumentKind::Docx),
            "xlsx" => Some(DocumentKind::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentKind::Docx => "docx",
            DocumentKind::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentKind::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// The approved report `id` as `actor` may read it (404 while it is not approved).
pub async fn frozen(state: &AppState, actor: &Actor, id: i64) -> Result<FrozenReport, ApiError> {
    Ok(state.store.frozen_report(actor, id).await?)
}

/// Village names by code, for the breakdowns (the frozen report keeps codes only).
pub async fn village_names(
    state: &AppState,
    actor: &Actor,
) -> Result<HashMap<String, String>, ApiError> {
    Ok(state
        .store
        .villages(actor)
        .await?
        .into_iter()
        .map(|v| (v.code, v.name))
        .collect())
}

/// The document's bytes.
pub fn bytes(
    report: &FrozenReport,
    kind: DocumentKind,
    villages: &HashMap<String, String>,
) -> Result<Vec<u8>, ApiError> {
    let lookup = |code: &str| villages.get(code).cloned().unwrap_or_default();
    let out = match kind {
        DocumentKind::Docx => treem_reports::docx(report),
        DocumentKind::Xlsx => treem_reports::xlsx(report, &treem_reports::Names::new(&lookup)),
    };
    out.map_err(|e| ApiError::Internal(e.to_string()))
}

/// "bao-cao-six_month-2026-12.docx".
pub fn file_name(report: &FrozenReport, kind: DocumentKind) -> String {
    let number = if report.number.trim().is_empty() {
        report.id.to_string()
    } else {
        report
            .number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect()
    };
    format!(
        "bao-cao-{}-{}-{number}.{}",
        report.kind,
        report.year,
        kind.extension()
    )
}

/// The report's document for `actor`, read, built and sent as a download, never cached.
pub async fn download(
    state: &AppState,
    actor: &Actor,
    id: i64,
    kind: DocumentKind,
) -> Result<Response, ApiError> {
    let report = frozen(state, actor, id).await?;
    let villages = village_names(state, actor).await?;
    let body = bytes(&report, kind, &villages)?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(&report, kind));
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(kind.content_type())),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}
