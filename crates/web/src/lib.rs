//! treem's HTTP face: the JSON API under `/api/v1` and `GET /healthz`.
mod api;
mod auth;
mod error;
pub mod figures;
pub mod fuzzing;
mod i18n;
pub mod import;
mod openapi;
mod pages;
mod throttle;

use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use treem_storage::Storage;

pub use error::ApiError;
pub use throttle::Throttle;

/// Z-scores of one measurement in the stored form (shared with the demo generator).
pub use pages::health::measure_json as pages_health_measure_json;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub throttle: Arc<Throttle>,
    /// Mark cookies Secure (set TREEM_SECURE_COOKIES=1 when served behind TLS).
    pub secure_cookies: bool,
    /// Imports checked and waiting for the officer's confirmation, by token.
    pub pending_imports: Arc<pages::PendingImports>,
    /// Recently computed plan figures.
    pub figures: Arc<figures::FiguresCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Storage>) -> Self {
        AppState {
            store,
            throttle: Arc::new(Throttle::default()),
            secure_cookies: std::env::var("TREEM_SECURE_COOKIES").is_ok_and(|v| v == "1"),
            pending_imports: Arc::default(),
            figures: Arc::default(),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
        .with_state(state)
}

/// Headers every response carries: no inline script, no framing, no referrer, no sniffing.
async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::HeaderValue;
    let h = res.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if !h.contains_key("cache-control") {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
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
