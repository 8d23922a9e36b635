//! treem's HTTP face: the JSON API under `/api/v1` and `GET /healthz`.
mod api;
mod assess;
mod auth;
mod error;
pub mod figures;
pub mod fuzzing;
mod health_input;
pub mod hosted;
mod i18n;
pub mod import;
mod login;
mod memory;
mod openapi;
mod pages;
pub mod province_live;
pub mod report_documents;
pub mod reports;
mod throttle;

use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use treem_storage::Storage;

pub use error::ApiError;
pub use throttle::{Throttle, MAX_ENTRIES as THROTTLE_MAX_ENTRIES};

/// Largest body of a login (page or API): a name of at most 64 bytes and a password of at
/// most 1,024 fit many times over; a 30 MB username is refused while it is being read.
pub const LOGIN_BODY_LIMIT: usize = 16 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub throttle: Arc<Throttle>,
    /// Mark cookies Secure ([`WebSettings::secure_cookies`]).
    pub secure_cookies: bool,
    /// Imports checked and waiting for the officer's confirmation, by token.
    pub pending_imports: Arc<pages::PendingImports>,
    /// Recently computed plan figures.
    pub figures: Arc<figures::FiguresCache>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TREEM_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The commune's key that signs report packages (`TREEM_COMMUNE_KEY_FILE`); `None` on a
    /// server that sends none (a province's).
    pub commune_key: Option<Arc<treem_domain::report::package::CommuneKey>>,
    /// On a server hosting many communes, the seat's view of them (the database's first
    /// commune: the province or district that runs it): each hosted commune's application, for
    /// the province's table of figures now. Empty everywhere else.
    pub hosted: Arc<Vec<province_live::LiveCommune>>,
}

/// What the web layer is told by the binary's settings (`src/settings.rs`); the defaults are
/// plain cookies and no trusted proxy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebSettings {
    /// Mark cookies Secure (`TREEM_SECURE_COOKIES=1`, when served behind TLS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TREEM_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl AppState {
    /// The application over `store` with the default [`WebSettings`] (tests, tools).
    pub fn new(store: Arc<dyn Storage>) -> Self {
        AppState::with_settings(store, &WebSettings::default())
    }

    /// The application over `store` as `settings` say.
    pub fn with_settings(store: Arc<dyn Storage>, settings: &WebSettings) -> Self {
        AppState {
            store,
            throttle: Arc::new(Throttle::default()),
            secure_cookies: settings.secure_cookies,
            pending_imports: Arc::default(),
            figures: Arc::default(),
            trusted_proxies: settings.trusted_proxies.clone().into(),
            commune_key: None,
            hosted: Arc::default(),
        }
    }

    /// The seat of a database hosting many communes, which sees `communes`' figures now.
    pub fn with_hosted(mut self, communes: Vec<province_live::LiveCommune>) -> Self {
        self.hosted = Arc::new(communes);
        self
    }

    /// The same application signing report packages with `key`.
    pub fn with_commune_key(mut self, key: treem_domain::report::package::CommuneKey) -> Self {
        self.commune_key = Some(Arc::new(key));
        self
    }
}

/// The whole application.
///
/// Request bodies stop at [`treem_domain::limits::BODY_BYTES`] (the import upload has its own,
/// larger limit). A panic in a handler becomes a 500 — JSON under `/api/v1`, a page elsewhere —
/// and is logged, instead of dropping the connection: a backstop only, every panic on input
/// known is fixed where it happens.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", catch_api_panics(api::routes()))
        .merge(catch_page_panics(pages::routes()))
        .layer(axum::middleware::from_fn(server_timing))
        .layer(axum::middleware::map_response(security_headers))
        .layer(compression())
        .layer(axum::extract::DefaultBodyLimit::max(
            treem_domain::limits::BODY_BYTES,
        ))
        .with_state(state)
}

/// Pages, JSON, CSS and scripts go gzipped to clients that accept it: a village head's phone
/// on 2G waits for every byte. DOCX and XLSX are zip files already, images are compressed.
/// Compression next to secrets (the CSRF token) is safe here because the session cookie is
/// `SameSite=Strict`: another site cannot make the browser send the many signed-in requests
/// a BREACH-style guess needs.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new(
                    "application/vnd.openxmlformats",
                ))
                .and(NotForContentType::const_new("application/zip")),
        )
}

/// A panic in one of `routes`' handlers answers 500 with the API's JSON error, and is logged.
pub fn catch_api_panics<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    routes.layer(tower_http::catch_panic::CatchPanicLayer::custom(api_panic))
}

/// A panic in one of `routes`' handlers answers 500 with the Vietnamese error page, and is
/// logged.
pub fn catch_page_panics<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    routes.layer(tower_http::catch_panic::CatchPanicLayer::custom(page_panic))
}

/// What a panic carried, as text for the log.
fn panic_text(p: &(dyn std::any::Any + Send)) -> &str {
    p.downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| p.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

fn api_panic(p: Box<dyn std::any::Any + Send>) -> axum::response::Response {
    tracing::error!("panic in an API handler: {}", panic_text(p.as_ref()));
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(serde_json::json!({"error": "lỗi máy chủ; đã ghi lại để kiểm tra"})),
    )
        .into_response()
}

fn page_panic(p: Box<dyn std::any::Any + Send>) -> axum::response::Response {
    tracing::error!("panic in a page handler: {}", panic_text(p.as_ref()));
    pages::server_error_page()
}

/// The time the application spent on a request (`Server-Timing: app;dur=<ms>`), for the
/// benchmarks (`benches/scale.py`) and a browser's developer tools: the server's own time,
/// without the network or the compression.
async fn server_timing(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        res.headers_mut().insert("server-timing", v);
    }
    res
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
