//! The health station's records over the API: events checked by the domain's rules, births
//! that enter the register in the same step, and a child's health history.
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::health::{Birth, Death, HivFollowUp, Injury, Measurement, Schedule, Vaccination};
use treem_domain::register::{ChildDraft, DobPrecision};
use treem_domain::validation::{date_problem, parse_date, FieldErrors};
use treem_domain::Date;
use treem_storage::Actor;

fn typed<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, ApiError> {
    serde_json::from_value(v.clone())
        .map_err(|e| FieldErrors::single("body", format!("thiếu hoặc sai trường: {e}")).into())
}

/// The birth date to check events against, when it is known to the day.
async fn born(s: &AppState, actor: &Actor, child: i64) -> Result<Option<Date>, ApiError> {
    let c = s.store.child(actor, child).await?;
    Ok(match c.data.dob_precision {
        DobPrecision::Day => c.data.date_of_birth,
        _ => None,
    })
}

/// `{kind, child_id, date, …fields of that kind}`; kinds: death, vaccination, measurement
/// (z-scores are computed here), injury, hiv (counts only, no child).
///
/// With an `Idempotency-Key` header (8–100 letters, digits, `-`, `_`; one per event the client
/// means to record), the key is recorded with the event: the same key sent again (a retry
/// after a lost answer) stores nothing and answers 200 with `already_saved: true` and the
/// first answer's id; an event identical to one stored already (same kind, child, date and
/// fields) is not stored again (200, `identical: true`, `id` null).
pub async fn add_event(
    State(s): State<AppState>,
    user: ApiUser,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|k| treem_storage::valid_submission_id(k))
                .ok_or_else(|| {
                    FieldErrors::single(
                        "Idempotency-Key",
                        "khóa không hợp lệ (8–100 chữ cái, chữ số, - hoặc _)",
                    )
                })?
                .to_string(),
        ),
    };
    let (kind, child, date, body) = prepare_event(&s, &user.actor(), body).await?;
    let event = [(kind.clone(), child, date, body.clone())];
    let Some(key) = key else {
        let ids = s.store.add_health_events(&user.actor(), &event).await?;
        return Ok((
            StatusCode::CREATED,
            Json(json!({"id": ids[0], "event": body})),
        ));
    };
    let done = s
        .store
        .add_health_events_once(&user.actor(), "api_event", Some(&key), &event)
        .await?;
    if done.again || done.ids.is_empty() {
        return Ok((
            StatusCode::OK,
            Json(json!({
                "id": done.ids.first(),
                "event": body,
                "already_saved": done.again,
                "identical": !done.identical.is_empty(),
            })),
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": done.ids[0], "event": body})),
    ))
}

/// Like [`prepare_event`], with the event's kind given apart (an injury's own `kind` field
/// names the injury).
pub(crate) async fn prepare_event_as(
    s: &AppState,
    actor: &Actor,
    event_kind: &str,
    body: Value,
) -> Result<(String, Option<i64>, Date, Value), ApiError> {
    prepare_event_kind(s, actor, event_kind.to_string(), body).await
}

/// Checks one event by its kind's rules (computing z-scores for a measurement); shared by the
/// API and the child page's forms.
pub(crate) async fn prepare_event(
    s: &AppState,
    actor: &Actor,
    body: Value,
) -> Result<(String, Option<i64>, Date, Value), ApiError> {
    // The API names the event in "event" for injuries (whose own "kind" is the injury's), and
    // in "kind" otherwise.
    let kind = body["event"]
        .as_str()
        .or_else(|| body["kind"].as_str())
        .unwrap_or("")
        .to_string();
    prepare_event_kind(s, actor, kind, body).await
}

async fn prepare_event_kind(
    s: &AppState,
    actor: &Actor,
    kind: String,
    mut body: Value,
) -> Result<(String, Option<i64>, Date, Value), ApiError> {
    let today = treem_storage::today();
    let date = match body["date"].as_str().filter(|s| !s.trim().is_empty()) {
        None => return Err(FieldErrors::single("date", "cần ngày (YYYY-MM-DD)").into()),
        Some(s) => parse_date(s).ok_or_else(|| FieldErrors::single("date", date_problem(s)))?,
    };
    body["date"] = json!(date.to_string());
    let child = body["child_id"].as_i64();
    if kind != "hiv" && child.is_none() {
        return Err(FieldErrors::single("child_id", "cần mã trẻ").into());
    }
    let born = match child {
        Some(c) => born(s, actor, c).await?,
        None => None,
    };
    // What is stored is the event as its type reads it: fields the type does not know are left
    // out, so nothing unchecked (and nothing unbounded) reaches the database.
    fn canonical<T: serde::Serialize>(t: &T) -> Result<Value, ApiError> {
        serde_json::to_value(t).map_err(|e| ApiError::Internal(e.to_string()))
    }
    match kind.as_str() {
        "death" => {
            let e = typed::<Death>(&body)?;
            e.validate(today, born)?;
            body = canonical(&e)?;
        }
        "vaccination" => {
            let e = typed::<Vaccination>(&body)?;
            e.validate(Schedule::embedded(), today, born)?;
            body = canonical(&e)?;
        }
        "injury" => {
            let e = typed::<Injury>(&body)?;
            e.validate(today, born)?;
            body = canonical(&e)?;
        }
        "hiv" => {
            let e = typed::<HivFollowUp>(&body)?;
            e.validate(today)?;
            body = canonical(&e)?;
        }
        "measurement" => {
            let c = s.store.child(actor, child.unwrap_or_default()).await?;
            let dob = c
                .data
                .date_of_birth
                .ok_or_else(|| FieldErrors::single("child_id", "trẻ chưa có ngày sinh"))?;
            let days = u32::try_from((date - dob).get_days()).unwrap_or(0);
            let standing = body["measure"].as_str() == Some("standing");
            let (computed, _, _) = crate::pages::health::measure_json(
                c.data.sex,
                days,
                body["weight_kg"].as_f64(),
                body["length_cm"].as_f64(),
                standing,
                body["oedema"].as_bool().unwrap_or(false),
            );
            let mut full = computed;
            full["child_id"] = json!(c.id);
            full["date"] = json!(date.to_string());
            typed::<Measurement>(&full)?.validate(today, born)?;
            body = full;
        }
        "birth" => {
            return Err(
                FieldErrors::single("kind", "khai báo sinh qua POST /api/v1/health/births").into(),
            )
        }
        _ => {
            return Err(FieldErrors::single(
                "kind",
                "chỉ nhận death, vaccination, measurement, injury hoặc hiv",
            )
            .into())
        }
    }
    Ok((kind, child, date, body))
}

#[derive(Deserialize)]
pub struct BirthBody {
    pub(crate) child: ChildDraft,
    pub(crate) birth: Value,
}

/// A birth: the child (name, sex, village, date of birth…) and the birth's own fields.
pub async fn add_birth(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<BirthBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let today = treem_storage::today();
    let data = b.child.parse(today)?;
    let date = match (data.date_of_birth, data.dob_precision) {
        (Some(d), DobPrecision::Day) => d,
        _ => {
            return Err(FieldErrors::single(
                "child.date_of_birth",
                "cần ngày sinh đầy đủ (dd/mm/yyyy)",
            )
            .into())
        }
    };
    let mut birth = b.birth.clone();
    birth["child_id"] = json!(0);
    birth["date"] = json!(date.to_string());
    typed::<Birth>(&birth)?.validate(today)?;
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
        .filter(|k| *k != "hiv")
        .collect();
    if kinds.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let events = s
        .store
        .health_events(&user.actor(), &kinds, Some(id), None, None)
        .await?;
    Ok(Json(json!({"items": events})))
}
