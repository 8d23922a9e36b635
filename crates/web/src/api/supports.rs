//! Support given to children and which kinds count for target 14
//! (`/children/{id}/supports`, `/settings/support-answers`).
use super::{parse_id, JsonBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::support::{NewSupport, SupportAnswers, SupportKind};
use treem_domain::validation::FieldErrors;

/// `POST /children/{id}/supports` as sent.
#[derive(Deserialize)]
pub struct SupportBody {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
}

impl TryFrom<SupportBody> for NewSupport {
    type Error = FieldErrors;
    fn try_from(b: SupportBody) -> Result<Self, FieldErrors> {
        NewSupport::parse(&b.date, &b.kind, treem_storage::today())
    }
}

pub async fn list(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let items = s
        .store
        .child_supports(&user.actor(), parse_id(&id)?)
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// Records one support. With an `Idempotency-Key` header the same key sent again stores
/// nothing and answers 200 with `already_saved: true` and the first support's id.
pub async fn give(
    State(s): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SupportBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = super::health::idempotency_key(&headers)?;
    let support = NewSupport::try_from(body)?;
    let done = s
        .store
        .give_support(&user.actor(), parse_id(&id)?, &support, key.as_deref())
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

/// `{ "groups": { "d": ["health_care", …], … } }`: every group with the kinds that count.
fn answers_json(a: &SupportAnswers) -> Value {
    let groups: serde_json::Map<String, Value> = treem_domain::circumstance::GROUPS
        .iter()
        .map(|(g, _)| {
            let kinds: Vec<&str> = a.kinds_for(g).iter().map(|k| k.code()).collect();
            (g.to_string(), json!(kinds))
        })
        .collect();
    json!({ "groups": groups })
}

pub async fn answers(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    if !user.0.role.reads_children() {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(answers_json(&s.store.support_answers().await?)))
}

/// `PUT /settings/support-answers` as sent: groups left out keep every kind.
#[derive(Deserialize)]
pub struct AnswersBody {
    groups: std::collections::BTreeMap<String, Vec<String>>,
}

impl TryFrom<AnswersBody> for SupportAnswers {
    type Error = FieldErrors;
    fn try_from(b: AnswersBody) -> Result<Self, FieldErrors> {
        let mut out = SupportAnswers::default();
        let mut errs = FieldErrors::default();
        for (g, names) in &b.groups {
            let field = format!("groups.{g}");
            let mut kinds = Vec::new();
            for n in names {
                match SupportKind::parse(n) {
                    Some(k) => kinds.push(k),
                    None => errs.push(
                        &field,
                        format!("hình thức trợ giúp «{n}» không có trong danh mục"),
                    ),
                }
            }
            if let Err(e) = out.set(g, &kinds) {
                errs.push(&field, e.to_string());
            }
        }
        if errs.is_empty() {
            Ok(out)
        } else {
            Err(errs)
        }
    }
}

pub async fn set_answers(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(body): JsonBody<AnswersBody>,
) -> Result<Json<Value>, ApiError> {
    let answers = SupportAnswers::try_from(body)?;
    s.store.set_support_answers(&user.actor(), &answers).await?;
    Ok(Json(answers_json(&answers)))
}
