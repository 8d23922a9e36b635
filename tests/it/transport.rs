//! What crosses the wire: pages and JSON gzipped for slow phones, the OpenAPI document usable
//! by a generated client.
use crate::helpers::*;
use crate::pages::page_login;
use std::io::Read;
use treem_domain::role::Role;
use treem_storage::Register;

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("a gzip body");
    out
}

#[tokio::test]
async fn pages_and_json_are_gzipped_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let o = officer();
    for i in 0..40 {
        app.db
            .create_child(&o, &child(&format!("Giàng Thị Mỷ {i}"), "SP01"))
            .await
            .unwrap();
    }
    let officer_page = page_login(&app, "officer", "password-officer").await;
    let get = |path: &'static str, gzip: bool| {
        let mut r = officer_page
            .http
            .get(app.url(path))
            .header("cookie", &officer_page.cookie);
        if gzip {
            r = r.header("accept-encoding", "gzip");
        }
        r.send()
    };
    for path in ["/children", "/static/app.css"] {
        let plain = get(path, false).await.unwrap();
        assert_eq!(plain.status(), 200, "{path}");
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let plain = plain.text().await.unwrap();
        let zipped = get(path, true).await.unwrap();
        assert_eq!(
            zipped
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some("gzip"),
            "{path}"
        );
        let bytes = zipped.bytes().await.unwrap();
        assert!(
            bytes.len() * 2 < plain.len(),
            "{path}: {} bytes gzipped against {} plain",
            bytes.len(),
            plain.len()
        );
        // The same page, whatever the per-request token inside it.
        let unzipped = gunzip(&bytes);
        assert!(unzipped.len() > plain.len() / 2, "{path}");
    }
    let token = app.token(Role::Officer).await;
    let r = app
        .http
        .get(app.url("/api/v1/children?per_page=40"))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let json: serde_json::Value = serde_json::from_str(&gunzip(&r.bytes().await.unwrap())).unwrap();
    assert_eq!(json["total"], 40);
    // The import template is a zip file already: sent as it is.
    let r = get("/import/template.xlsx", true).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn the_openapi_document_says_where_its_paths_live() {
    let app = spawn_app().await;
    let spec: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["servers"][0]["url"], "/api/v1", "{}", spec["servers"]);
    // Every path is relative to that server: none repeats the prefix.
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/children"));
    assert!(paths.keys().all(|p| !p.starts_with("/api/")));
    // And the server answers there.
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "officer", "password": "password-officer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
