//! The child-friendly commune self-assessment (`/self-assessments/{year}`) and the national
//! children's database (`/national-db/…`: the clean-up list, the verified IDs back, the export).
use super::JsonBody;
use crate::assess::{self, AssessmentBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::national_db::{self as nd, TypedAnswer};
use treem_domain::self_assessment::{self as sa, Scorecard};

fn year_of(s: &str) -> Result<i16, ApiError> {
    s.parse::<i64>()
        .ok()
        .and_then(treem_domain::limits::plan_year)
        .ok_or(ApiError::NotFound)
}

/// The year's self-assessment: the criteria (with which points are verified), the rates treem
/// computes for some of them, the current entry with its outcome, and the earlier entries.
pub async fn get_one(
    State(s): State<AppState>,
    user: ApiUser,
    Path(year): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let year = year_of(&year)?;
    let actor = user.actor();
    if !sa::may_read(actor.role) {
        return Err(ApiError::Forbidden);
    }
    let card = Scorecard::default();
    let entries = s.store.self_assessments(&actor, year).await?;
    let rates = assess::rates(&s, year).await;
    let current = entries.first().map(|e| {
        let o = card.outcome(&e.assessment.scores);
        json!({"entry": e, "outcome": o, "outcome_vi": o.label_vi()})
    });
    Ok(Json(json!({
        "year": year,
        "decision": card.decision,
        "threshold": card.threshold(),
        "max_total": card.max_total(),
        "criteria": card.criteria,
        "rates": rates.iter().map(|(c, r, sug)| json!({"criterion": c, "rate": r, "suggested": sug})).collect::<Vec<_>>(),
        "current": current,
        "history": entries.iter().skip(1).collect::<Vec<_>>(),
    })))
}

/// Stores the year's self-assessment (a new entry; the earlier stay as history).
pub async fn put(
    State(s): State<AppState>,
    user: ApiUser,
    Path(year): Path<String>,
    JsonBody(body): JsonBody<AssessmentBody>,
) -> Result<Json<Value>, ApiError> {
    let year = year_of(&year)?;
    let (stored, outcome) = assess::save(&s, &user.actor(), year, &body).await?;
    Ok(Json(json!({
        "entry": stored,
        "outcome": outcome,
        "outcome_vi": outcome.label_vi(),
    })))
}

#[derive(Deserialize, Default)]
pub struct CleanupQuery {
    pub village: Option<String>,
}

/// The clean-up list: present children whose records lack what the national database needs.
pub async fn cleanup(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<CleanupQuery>,
) -> Result<Json<Value>, ApiError> {
    let village = q.village.filter(|v| !v.trim().is_empty());
    let list = s
        .store
        .cleanup_list(&user.actor(), village.as_deref())
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|(c, gaps)| {
            json!({
                "id": c.id,
                "full_name": c.data.full_name,
                "village": c.data.village,
                "date_of_birth": c.data.date_of_birth,
                "personal_id": c.data.personal_id,
                "gaps": gaps,
                "gaps_vi": gaps.iter().map(|g| g.label_vi()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "count": items.len(), "items": items })))
}

/// `POST /national-db/personal-ids` as sent: the police's verified IDs.
#[derive(Deserialize)]
pub struct AnswersBody {
    #[serde(default)]
    rows: Vec<TypedAnswer>,
}

/// Writes the verified IDs, all or nothing (422 naming each bad row).
pub async fn personal_ids(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(body): JsonBody<AnswersBody>,
) -> Result<Json<Value>, ApiError> {
    let answers = nd::read_answers(&body.rows)?;
    let changed = s.store.set_personal_ids(&user.actor(), &answers).await?;
    Ok(Json(json!({ "changed": changed })))
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    pub format: Option<String>,
}

/// The register keyed by personal ID, CSV (default) or XLSX, in the layout of
/// `data/national-export.toml`.
pub async fn export(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let actor = user.actor();
    let children = s.store.national_export(&actor).await?;
    let villages = s.store.villages(&actor).await?;
    let xlsx = q.format.as_deref() == Some("xlsx");
    let (bytes, kind, name) = assess::export_file(&children, &villages, xlsx)?;
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
