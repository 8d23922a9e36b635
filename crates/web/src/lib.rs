//! treem's HTTP face: the JSON API under `/api/v1` and `GET /healthz`.
mod api;
mod auth;
mod error;
pub mod import;
mod openapi;
mod throttle;

use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use treem_storage::Storage;

pub use error::ApiError;
pub use throttle::Throttle;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub throttle: Arc<Throttle>,
}

impl AppState {
    pub fn new(store: Arc<dyn Storage>) -> Self {
        AppState {
            store,
            throttle: Arc::new(Throttle::default()),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::routes())
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    state.store.commune().await?;
    Ok(axum::Json(serde_json::json!({"status": "ok"})))
}

/// Serves until Ctrl-C.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
