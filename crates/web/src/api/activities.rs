//! The plan's work (`/activities/{kind}[/{id}]`) and the directory of services
//! (`/activities/directory`). Rules are the domain's (`treem_domain::activity`); who may read
//! or write which kind, and a village head's village, storage's.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::activity::directory::EntryInput;
use treem_domain::activity::{accepted_year, ActivityInput, ActivityKind};

/// `?year=2026` (the plan year when absent).
#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

pub(crate) fn kind_of(code: &str) -> Result<ActivityKind, ApiError> {
    ActivityKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == code)
        .ok_or(ApiError::NotFound)
}

pub async fn list(
    State(s): State<AppState>,
    user: ApiUser,
    Path(kind): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of(&kind)?;
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => accepted_year(treem_storage::today()),
        Some(y) => y
            .parse::<i16>()
            .ok()
            .filter(|y| treem_domain::limits::PLAN_YEARS.contains(y))
            .ok_or_else(|| {
                ApiError::Invalid(treem_domain::validation::FieldErrors::single(
                    "year",
                    format!("năm «{y}» không hợp lệ"),
                ))
            })?,
    };
    let items = s.store.activities(&user.actor(), kind, year).await?;
    Ok(Json(
        json!({ "kind": kind.code(), "year": year, "items": items }),
    ))
}

pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind_of(&kind)?;
    let a = s.store.activity(&user.actor(), parse_id(&id)?).await?;
    if a.row.kind != kind {
        return Err(ApiError::NotFound);
    }
    Ok(Json(
        serde_json::to_value(a).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// Records one activity. With an `Idempotency-Key` header the same key sent again stores
/// nothing and answers 200 with `already_saved: true` and the first activity's id.
pub async fn create(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(kind): Path<String>,
    JsonBody(body): JsonBody<ActivityInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind = kind_of(&kind)?;
    let key = super::health::idempotency_key(&headers)?;
    let a = body.parse(kind, treem_storage::today())?;
    let done = s
        .store
        .add_activity(&user.actor(), &a, key.as_deref())
        .await?;
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({ "id": done.id, "already_saved": done.again })),
    ))
}

pub async fn directory(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.directory(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

pub async fn add_entry(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(body): JsonBody<EntryInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let e = body.parse()?;
    let id = s.store.add_service_entry(&user.actor(), &e).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}
