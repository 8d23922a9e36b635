//! The JSON API under `/api/v1`. Handlers translate; rules live in the domain and storage.
mod cases;
pub(crate) use cases::now as cases_now;
pub(crate) mod children;
pub(crate) mod health;
mod misc;
pub(crate) mod plans;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;
use treem_domain::validation::FieldErrors;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .route("/session", post(misc::login).delete(misc::logout))
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
        .route("/children/{id}/health", get(health::child_events))
        .route("/health/events", post(health::add_event))
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
        .route("/audit", get(misc::audit))
        .route("/plans", get(plans::list))
        .route("/plans/{year}/targets", get(plans::targets))
        .route("/plans/{year}/targets/{n}/reported", post(plans::report))
}

/// A JSON body whose syntax errors come back as 422 with a Vietnamese message.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(ApiError::Invalid(FieldErrors::single(
                "body",
                format!("nội dung JSON không hợp lệ: {}", e.body_text()),
            ))),
        }
    }
}

/// Parses an id from the path; a malformed one is simply not found.
pub fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| ApiError::NotFound)
}
pub(crate) use children::child_query;
