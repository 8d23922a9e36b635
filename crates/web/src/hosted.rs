//! One server for many communes (issue 19): each request goes to the application of the
//! commune whose web address (`Host`) it names — the same pages and API, over a store scoped to
//! that commune ([`treem_storage::Db::for_commune`]), with its own sessions, caches and
//! imports waiting for confirmation. An address no commune has gets a plain 404: nothing of any
//! commune is reachable without its address, and a session of one commune is unknown to
//! another's (the accounts are each commune's own rows).
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

/// The applications by web address (lowercase, without the port).
pub fn hosted_router(communes: Vec<(String, crate::AppState)>) -> Router {
    let apps: Arc<HashMap<String, Router>> = Arc::new(
        communes
            .into_iter()
            .map(|(host, state)| (host.to_ascii_lowercase(), crate::router(state)))
            .collect(),
    );
    Router::new().fallback(move |req: Request<Body>| {
        let apps = apps.clone();
        async move {
            match host_of(&req).and_then(|h| apps.get(&h)) {
                Some(app) => app.clone().oneshot(req).await.into_response(),
                None => (StatusCode::NOT_FOUND, "Không có xã nào ở địa chỉ này.").into_response(),
            }
        }
    })
}

/// The host a request names, lowercase, without the port.
fn host_of(req: &Request<Body>) -> Option<String> {
    let raw = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().host())?;
    let host = match raw.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => raw,
    };
    Some(host.trim_end_matches('.').to_ascii_lowercase())
}

/// Serves many communes until Ctrl-C.
pub async fn serve_hosted(
    communes: Vec<(String, crate::AppState)>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        hosted_router(communes).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(host: &str) -> Request<Body> {
        Request::builder()
            .uri("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn the_host_is_read_without_port_or_case() {
        assert_eq!(
            host_of(&req("SinhPhinh.example.vn:8080")).as_deref(),
            Some("sinhphinh.example.vn")
        );
        assert_eq!(host_of(&req("a.vn.")).as_deref(), Some("a.vn"));
        assert_eq!(host_of(&req("[::1]:80")).as_deref(), Some("[::1]"));
    }
}
