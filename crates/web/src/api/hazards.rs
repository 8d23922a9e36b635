//! Hazard sites and their inspections (`/hazards…`), and the plan's budget (`/budget…`). The
//! checks are the domain's (`treem_domain::hazard`, `treem_domain::budget`); who may read and
//! write, and the village scope, are storage's.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::budget::{totals, BudgetLineDraft, SpendingDraft};
use treem_domain::hazard::{HazardDraft, InspectionDraft};
use treem_domain::role::Actor;
use treem_domain::validation::FieldErrors;
use treem_storage::{Storage, StoredOnce};

/// `?village=` (a village's code).
#[derive(Deserialize)]
pub struct VillageQuery {
    village: Option<String>,
}

/// The id of the village with `code`, or none for no code; an unknown code is not found.
pub(crate) async fn village_id(
    store: &dyn Storage,
    actor: &Actor,
    code: Option<&str>,
) -> Result<Option<i64>, ApiError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let villages = store.villages(actor).await?;
    villages
        .iter()
        .find(|v| v.code == code)
        .map(|v| Some(v.id))
        .ok_or(ApiError::NotFound)
}

fn created(done: StoredOnce) -> (StatusCode, Json<Value>) {
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (
        status,
        Json(json!({ "id": done.id, "already_saved": done.again })),
    )
}

pub async fn list(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<VillageQuery>,
) -> Result<Json<Value>, ApiError> {
    let actor = user.actor();
    if !actor.role.reads_hazards() {
        return Err(ApiError::Forbidden);
    }
    let village = village_id(s.store.as_ref(), &actor, q.village.as_deref()).await?;
    let items = s.store.hazards(&actor, village).await?;
    Ok(Json(json!({ "items": items })))
}

pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (site, inspections) = s.store.hazard(&user.actor(), parse_id(&id)?).await?;
    Ok(Json(json!({ "site": site, "inspections": inspections })))
}

pub async fn create(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<HazardDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let site = body.parse()?;
    let done = s
        .store
        .add_hazard(&user.actor(), &site, key.as_deref())
        .await?;
    Ok(created(done))
}

pub async fn inspect(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<InspectionDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let id = parse_id(&id)?;
    let inspection = body.parse(treem_storage::today())?;
    let done = s
        .store
        .inspect_hazard(&user.actor(), id, &inspection, key.as_deref())
        .await?;
    Ok(created(done))
}

/// `?year=`; the plan year (this year) when absent.
#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

pub(crate) fn year_of(text: Option<&str>) -> Result<i16, FieldErrors> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(treem_storage::today().year()),
        Some(t) => t
            .parse::<i16>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| FieldErrors::single("year", format!("năm «{t}» không hợp lệ"))),
    }
}

pub async fn budget(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = year_of(q.year.as_deref())?;
    let actor = user.actor();
    let lines = s.store.budget_lines(&actor, year).await?;
    let spendings = s.store.spendings(&actor, year).await?;
    let t = totals(&lines);
    let by_source: Vec<Value> = t
        .by_source
        .iter()
        .map(|(src, sum)| json!({"source": src, "source_vi": src.label_vi(), "planned": sum.planned, "spent": sum.spent}))
        .collect();
    let by_activity: Vec<Value> = t
        .by_activity
        .iter()
        .map(|(a, sum)| json!({"activity": a, "planned": sum.planned, "spent": sum.spent}))
        .collect();
    Ok(Json(json!({
        "year": year,
        "lines": lines,
        "spendings": spendings,
        "totals": {"planned": t.all.planned, "spent": t.all.spent, "by_source": by_source, "by_activity": by_activity}
    })))
}

pub async fn add_line(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<BudgetLineDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let actor = user.actor();
    if !actor.role.writes_budget() {
        return Err(ApiError::Forbidden);
    }
    let line = body.parse(treem_storage::today())?;
    let done = s
        .store
        .add_budget_line(&actor, &line, key.as_deref())
        .await?;
    Ok(created(done))
}

pub async fn add_spending(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SpendingDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let actor = user.actor();
    if !actor.role.writes_budget() {
        return Err(ApiError::Forbidden);
    }
    let id = parse_id(&id)?;
    let spending = body.parse(treem_storage::today())?;
    let done = s
        .store
        .add_spending(&actor, id, &spending, key.as_deref())
        .await?;
    Ok(created(done))
}
