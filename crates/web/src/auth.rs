//! Who is calling: a bearer token for the API.
use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use treem_storage::{Actor, User};

/// A signed-in caller of the API.
pub struct ApiUser(pub User);

impl ApiUser {
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        match state.store.session(token.trim()).await? {
            // An account made by an administrator works only after its own password is set.
            Some((_, user))
                if user.must_change_password
                    && !parts.uri.path().ends_with("/me/password")
                    && !parts.uri.path().ends_with("/session") =>
            {
                Err(ApiError::PasswordChangeRequired)
            }
            Some((_, user)) => Ok(ApiUser(user)),
            None => Err(ApiError::Unauthenticated),
        }
    }
}
