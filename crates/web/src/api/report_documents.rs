//! `GET /reports/{id}/documents/{docx|xlsx}`: an approved report as Word or Excel, to those who
//! may read reports (storage checks the role; 404 until the report is approved).
use super::parse_id;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::report_documents::{download, DocumentKind};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;

pub async fn document(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let kind = DocumentKind::parse(&format).ok_or(ApiError::NotFound)?;
    download(&s, &user.actor(), id, kind).await
}
