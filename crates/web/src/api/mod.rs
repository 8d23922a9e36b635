//! The JSON API under `/api/v1`. Handlers translate; rules live in the domain and storage.
mod activities;
mod assess;
mod cases;
pub(crate) use cases::counts_as_seen as cases_counts_as_seen;
pub(crate) use cases::now as cases_now;
pub(crate) mod children;
pub(crate) mod hazards;
pub(crate) mod health;
mod imports;
mod misc;
pub(crate) mod plans;
pub(crate) mod province;
mod report_documents;
mod reports;
mod supports;
pub(crate) mod work;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, Request};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::Value;
use treem_domain::validation::FieldErrors;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .route(
            "/session",
            post(misc::login)
                .delete(misc::logout)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::LOGIN_BODY_LIMIT,
                )),
        )
        .route("/me", get(misc::me))
        .route("/me/password", put(misc::change_password))
        .route("/villages", get(misc::villages).post(misc::create_village))
        .route("/villages/{id}", put(misc::update_village))
        .route(
            "/households",
            get(misc::households).post(misc::create_household),
        )
        .route(
            "/households/{id}",
            get(misc::household).put(misc::update_household),
        )
        .route("/children", get(children::list).post(children::create))
        .route(
            "/children/{id}",
            get(children::get_one).put(children::update),
        )
        .route("/children/{id}/history", get(children::history))
        .route(
            "/activities/directory",
            get(activities::directory).post(activities::add_entry),
        )
        .route(
            "/activities/{kind}",
            get(activities::list).post(activities::create),
        )
        .route("/activities/{kind}/{id}", get(activities::get_one))
        .route(
            "/children/{id}/supports",
            get(supports::list).post(supports::give),
        )
        .route(
            "/settings/support-answers",
            get(supports::answers).put(supports::set_answers),
        )
        .route(
            "/imports/children",
            post(imports::children).layer(axum::extract::DefaultBodyLimit::max(
                treem_domain::limits::UPLOAD_BYTES,
            )),
        )
        .route("/children/{id}/health", get(health::child_events))
        .route(
            "/self-assessments/{year}",
            get(assess::get_one).put(assess::put),
        )
        .route("/national-db/cleanup", get(assess::cleanup))
        .route("/national-db/personal-ids", post(assess::personal_ids))
        .route("/national-db/export", get(assess::export))
        .route("/health/events", post(health::add_event))
        .route(
            "/health/events/{id}/replacement",
            post(health::replace_event),
        )
        .route("/cases", get(cases::list).post(cases::open))
        .route("/cases/{id}", get(cases::get_one))
        .route("/cases/{id}/entries", post(cases::add_entry))
        .route(
            "/cases/{id}/entries/{seq}/replacement",
            post(cases::replace_entry),
        )
        .route("/health/births", post(health::add_birth))
        .route("/stats/children", get(children::stats))
        .route("/users", get(misc::users).post(misc::create_user))
        .route("/users/pending", get(misc::pending_users))
        .route("/users/changes", get(misc::account_changes))
        .route("/users/{id}/confirmation", post(misc::confirm_user))
        .route("/users/{id}/signer", put(misc::set_signer))
        .route("/audit", get(misc::audit))
        .route("/plans", get(plans::list))
        .route("/plans/{year}/targets", get(plans::targets))
        .route("/plans/{year}/targets/{n}/reported", post(plans::report))
        .route("/plans/{year}/reports", get(plans::reports))
        .route(
            "/plans/{year}/reports/{code}/period",
            put(plans::confirm_period),
        )
        .route(
            "/province/communes",
            get(province::communes).post(province::trust),
        )
        .route(
            "/province/packages",
            get(province::packages).post(province::import),
        )
        .route("/province/table", get(province::table))
        .route("/reports/{id}/package", get(province::report_package))
        .route("/reports", get(reports::list).post(reports::open))
        .route("/reports/{id}", get(reports::get_one))
        .route(
            "/reports/{id}/sections/{agency}",
            get(reports::section).put(reports::save_section),
        )
        .route(
            "/reports/{id}/sections/{agency}/submit",
            post(reports::submit_section),
        )
        .route(
            "/reports/{id}/sections/{agency}/reopen",
            post(reports::reopen_section),
        )
        .route("/reports/{id}/send", post(reports::send))
        .route("/reports/{id}/approve", post(reports::approve))
        .route("/reports/{id}/return", post(reports::return_report))
        .route("/reports/{id}/amend", post(reports::amend))
        .route(
            "/reports/{id}/documents/{format}",
            get(report_documents::document),
        )
        .route("/work/supports", get(work::supports))
        .route(
            "/work/distributions",
            get(work::distributions).post(work::give_distribution),
        )
        .route("/work/distributions/xlsx", post(work::upload_distribution))
        .route(
            "/work/disasters",
            get(work::disasters).post(work::record_disaster),
        )
        .route(
            "/work/disasters/{id}/children",
            get(work::disaster_children).put(work::record_relief),
        )
        .route(
            "/work/marriages",
            get(work::marriages).post(work::record_marriage),
        )
        .route("/work/disability", get(work::disability))
        .route(
            "/settings/relief",
            get(work::relief_rule).put(work::set_relief_rule),
        )
        .route("/children/{id}/disability", post(work::record_disability))
        .route("/hazards", get(hazards::list).post(hazards::create))
        .route("/hazards/{id}", get(hazards::get_one))
        .route("/hazards/{id}/inspections", post(hazards::inspect))
        .route("/budget", get(hazards::budget))
        .route("/budget/lines", post(hazards::add_line))
        .route("/budget/lines/{id}/spendings", post(hazards::add_spending))
        .layer(axum::middleware::from_fn(no_nul_in_query))
}

/// A JSON body whose syntax errors come back as 422 with a Vietnamese message, and a body past
/// [`treem_domain::limits::BODY_BYTES`] as 413. A string with U+0000 is refused too: no field
/// holds one, and PostgreSQL cannot store it (it answered 500).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = axum::response::Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let invalid = |e: String| {
            ApiError::Invalid(FieldErrors::single(
                "body",
                format!("nội dung JSON không hợp lệ: {e}"),
            ))
            .into_response()
        };
        let value = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err((
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    axum::Json(serde_json::json!({"error": format!(
                        "nội dung quá lớn: tối đa {} MB mỗi yêu cầu",
                        treem_domain::limits::BODY_BYTES / (1024 * 1024)
                    )})),
                )
                    .into_response())
            }
            Err(e) => return Err(invalid(e.body_text())),
        };
        if let Some(field) = nul_in(&value, "") {
            return Err(ApiError::Invalid(FieldErrors::single(
                if field.is_empty() { "body" } else { &field },
                NUL_MESSAGE,
            ))
            .into_response());
        }
        T::deserialize(value).map(JsonBody).map_err(|e| {
            invalid(format!(
                "Failed to deserialize the JSON body into the target type: {e}"
            ))
        })
    }
}

const NUL_MESSAGE: &str = "chứa ký tự NUL (U+0000) không hợp lệ";

/// The path (`child.full_name`, `aliases[2]`) of the first string or key holding U+0000.
fn nul_in(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::String(s) => s.contains('\0').then(|| path.to_string()),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_in(x, &format!("{path}[{i}]"))),
        Value::Object(o) => o.iter().find_map(|(k, x)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(path.to_string())
            } else {
                nul_in(x, &here)
            }
        }),
        _ => None,
    }
}

/// Refuses a query string holding U+0000 (`%00`) before any handler sees it, for the reason
/// [`JsonBody`] gives.
pub async fn no_nul_in_query(
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let nul = req
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00") || q.contains('\0'));
    if nul {
        return ApiError::Invalid(FieldErrors::single("query", NUL_MESSAGE)).into_response();
    }
    next.run(req).await
}

/// Parses an id from the path; a malformed one is simply not found.
pub fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}
pub(crate) use children::ChildListQuery;
