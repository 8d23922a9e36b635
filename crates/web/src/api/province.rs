//! The province's API (`/province/…`): communes' keys, report packages received, the communes
//! × targets table. Who may is storage's ([`treem_domain::role::Role::receives_packages`]);
//! what is taken is the domain's (`treem_domain::report::package`).
use super::JsonBody;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::report::package::{Arrival, PublicKey};
use treem_domain::validation::FieldErrors;

pub async fn communes(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.trusted_communes(&user.actor()).await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /province/communes` as sent: the `.pub` file's text, and the code or name when the
/// file's are not the ones to register.
#[derive(Deserialize)]
pub struct TrustBody {
    #[serde(default)]
    public_key: String,
    code: Option<String>,
    name: Option<String>,
}

impl TryFrom<TrustBody> for PublicKey {
    type Error = FieldErrors;
    fn try_from(b: TrustBody) -> Result<Self, FieldErrors> {
        PublicKey::from_file(&b.public_key)
            .map(|k| k.renamed(b.code.as_deref(), b.name.as_deref()))
            .map_err(|e| FieldErrors::single("public_key", e.to_string()))
    }
}

pub async fn trust(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(body): JsonBody<TrustBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = PublicKey::try_from(body)?;
    s.store.trust_commune(&user.actor(), &key).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "code": key.code, "name": key.name, "fingerprint": key.fingerprint() })),
    ))
}

/// A package received, as listed.
pub fn arrival_json(a: &Arrival) -> Value {
    let c = &a.content;
    json!({
        "id": a.id,
        "commune": c.commune.code,
        "commune_name": c.commune.name,
        "kind": c.kind,
        "kind_name": c.kind_name,
        "year": c.year,
        "period": c.period,
        "number": c.number,
        "amends": c.amends.as_ref().map(|a| a.report),
        "received_at": a.received_at,
        "on_time": a.on_time,
    })
}

pub async fn packages(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let items = s.store.received_packages(&user.actor()).await?;
    Ok(Json(
        json!({ "items": items.iter().map(arrival_json).collect::<Vec<_>>() }),
    ))
}

/// Imports one package (the file's bytes as the body): 201 when stored, 200 with
/// `already_received` when the same bytes came before, 422 with the reason when refused.
pub async fn import(
    State(s): State<AppState>,
    user: ApiUser,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let done = s.store.import_package(&user.actor(), &body).await?;
    let status = if done.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({
            "id": done.id,
            "already_received": done.again,
            "commune": done.commune,
            "on_time": done.on_time,
            "amends": done.amends,
        })),
    ))
}

/// `?kind=…&year=…` as sent (text, so that a bad year is a 422 naming the field).
#[derive(Deserialize)]
pub struct TableQuery {
    kind: Option<String>,
    year: Option<String>,
}

impl TableQuery {
    /// Kind and year together, or neither (the last package's).
    pub fn asked(&self) -> Result<Option<(&str, i16)>, FieldErrors> {
        let kind = self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty());
        let year = self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty());
        match (kind, year) {
            (None, None) => Ok(None),
            (Some(k), Some(y)) => match y.parse::<i16>() {
                Ok(y) if treem_domain::limits::PLAN_YEARS.contains(&y) => Ok(Some((k, y))),
                _ => Err(FieldErrors::single(
                    "year",
                    format!("năm «{y}» không hợp lệ"),
                )),
            },
            (None, Some(_)) => Err(FieldErrors::single("kind", "cần loại báo cáo cùng với năm")),
            (Some(_), None) => Err(FieldErrors::single("year", "cần năm cùng với loại báo cáo")),
        }
    }
}

pub async fn table(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<TableQuery>,
) -> Result<Json<Value>, ApiError> {
    let t = s.store.province_table(&user.actor(), q.asked()?).await?;
    Ok(Json(json!({ "table": t })))
}

/// The signed package of approved report `id` and its file name: one function for the API and
/// the report page's button.
pub async fn signed_package(
    s: &AppState,
    actor: &treem_domain::role::Actor,
    id: i64,
) -> Result<(String, Vec<u8>), ApiError> {
    let report = s.store.frozen_report(actor, id).await?;
    let key = s.commune_key.as_ref().ok_or_else(|| {
        ApiError::Invalid(FieldErrors::single(
            "commune_key",
            "máy chủ chưa có khóa của xã (TREEM_COMMUNE_KEY_FILE, tạo bằng treem commune-key new)",
        ))
    })?;
    let plan = crate::figures::load_plan(s, report.year).await?;
    let bytes = key
        .package(&report, &plan)
        .map_err(|e| ApiError::Invalid(FieldErrors::single("package", e.to_string())))?;
    let name = format!("goi-{}-{}-{}.json", report.kind, report.year, report.id);
    Ok((name, bytes))
}

/// The package file as a download.
pub fn package_download(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, "application/json".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /reports/{id}/package`: the signed package of approved report `id`, for the province
/// (the same bytes as `treem report package`).
pub async fn report_package(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (name, bytes) = signed_package(&s, &user.actor(), super::parse_id(&id)?).await?;
    Ok(package_download(&name, bytes))
}
