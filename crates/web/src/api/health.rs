//! The health station's records over the API: events checked by the domain's rules, births
//! that enter the register in the same step, and a child's health history.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::health_input::{event_json, EventInput};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::health::{Birth, BirthFields};
use treem_domain::register::ChildDraft;
use treem_domain::validation::FieldErrors;

/// The `Idempotency-Key` header, when sent: 8–100 letters, digits, `-`, `_`.
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .filter(|k| treem_storage::valid_submission_id(k))
        .ok_or_else(|| {
            FieldErrors::single(
                "Idempotency-Key",
                "khóa không hợp lệ (8–100 chữ cái, chữ số, - hoặc _)",
            )
        })?;
    Ok(Some(key.to_string()))
}

/// `{kind, child_id, date, …fields of that kind}`; kinds: death, vaccination, measurement
/// (z-scores are computed by the domain), injury, hiv (counts only, no child).
///
/// With an `Idempotency-Key` header (8–100 letters, digits, `-`, `_`; one per event the client
/// means to record), the key is recorded with the event: the same key sent again (a retry
/// after a lost answer) stores nothing and answers 200 with `already_saved: true` and the
/// first answer's id; an event identical to one stored already (same kind, child, date and
/// fields) is not stored again (200, `identical: true`, `id` null).
pub async fn add_event(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<EventInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = idempotency_key(&headers)?;
    let event = body.check(&s, &user.actor()).await?;
    let shown = event_json(&event);
    let events = [event];
    let Some(key) = key else {
        let ids = s.store.add_health_events(&user.actor(), &events).await?;
        let answer = json!({"id": ids[0], "event": shown});
        return Ok((StatusCode::CREATED, Json(answer)));
    };
    let done = s
        .store
        .add_health_events_once(&user.actor(), "api_event", Some(&key), &events)
        .await?;
    if done.again || done.ids.is_empty() {
        return Ok((
            StatusCode::OK,
            Json(json!({
                "id": done.ids.first(),
                "event": shown,
                "already_saved": done.again,
                "identical": !done.identical.is_empty(),
            })),
        ));
    }
    let answer = json!({"id": done.ids[0], "event": shown});
    Ok((StatusCode::CREATED, Json(answer)))
}

/// A correction by replacement of stored event `id`: the body as for a new event (`kind` and
/// `child_id` default to the record's) and `reason` (lý do sửa). Nothing is deleted: the
/// record is kept, marked replaced, in the child's history; the figures read the replacement.
/// 201 `{id, replaced, event}`; 409 when the record was replaced already; 422 every problem
/// named (the reason with the event's own).
pub async fn replace_event(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EventInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = parse_id(&id)?;
    let actor = user.actor();
    let (new_id, event) = crate::health_input::replace(&s, &actor, id, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": new_id, "replaced": id, "event": event_json(&event)})),
    ))
}

/// `{child: {…the child}, birth: {time, weight_g, place, live}}`.
#[derive(Deserialize)]
pub struct BirthBody {
    pub(crate) child: ChildDraft,
    pub(crate) birth: BirthFields,
}

/// A birth: the child (name, sex, village, date of birth…) and the birth's own fields.
pub async fn add_birth(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<BirthBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let today = treem_storage::today();
    let data = b.child.parse(today)?;
    let birth =
        Birth::of_newborn(data.date_of_birth, data.dob_precision, b.birth).ok_or_else(|| {
            FieldErrors::single("child.date_of_birth", "cần ngày sinh đầy đủ (dd/mm/yyyy)")
        })?;
    birth.validate(today)?;
    let child = s.store.record_birth(&user.actor(), &data, &birth).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": child.id, "child": child})),
    ))
}

/// The events of one child that the caller's role may read.
pub async fn child_events(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    // Scope first: a child out of reach is not found, whatever the role may read.
    s.store.child(&user.actor(), id).await?;
    let kinds: Vec<&str> = treem_storage::readable_kinds(user.0.role)
        .iter()
        .copied()
        .filter(|k| *k != treem_domain::health::HIV)
        .collect();
    if kinds.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let events = s.store.health_history(&user.actor(), &kinds, id).await?;
    Ok(Json(json!({"items": events})))
}
