//! The register's silent drops (issue 18.3) and the import checks (issue 15.5): the household
//! by the code shown everywhere, on the page, the API and an import; an import's errors and
//! warnings on the page, the API and the command line. Both backends where storage is involved.
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::{json, Value};
use treem_domain::register::HouseholdData;
use treem_domain::role::Role;
use treem_storage::{ChildQuery, Register};

/// Households SP01-0124 (in SP01) and SP02-0001 (in SP02); their ids.
async fn households(app: &TestApp) -> (i64, i64) {
    let h = |village: &str, code: &str, head: &str| HouseholdData {
        village: village.into(),
        code: Some(code.into()),
        head_name: head.into(),
        address: None,
        poverty: vec![],
    };
    let a = app
        .db
        .create_household(&officer(), &h("SP01", "SP01-0124", "Giàng A Lử"))
        .await
        .unwrap();
    let b = app
        .db
        .create_household(&officer(), &h("SP02", "SP02-0001", "Sùng A Dế"))
        .await
        .unwrap();
    (a.id, b.id)
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = app
        .http
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn field_message(v: &Value, field: &str) -> String {
    v["errors"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["field"] == field))
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_api_takes_the_household_code_as_shown_and_refuses_an_unknown_one() {
    for (backend, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (sp01, sp02) = households(&app).await;
        let token = app.token(Role::Officer).await;
        let child = |household: &str| json!({"full_name": "Giàng A Páo", "sex": "male", "village": "SP01", "household": household});
        let (status, v) = api(
            &app,
            &token,
            reqwest::Method::POST,
            "/children",
            child(" sp01 0124 "),
        )
        .await;
        assert_eq!(status, 201, "{backend}: {v}");
        assert_eq!(v["child"]["household_id"], sp01, "{backend}");
        let id = v["id"].as_i64().unwrap();
        let (status, v) = api(
            &app,
            &token,
            reqwest::Method::POST,
            "/children",
            child("SP01-9999"),
        )
        .await;
        assert_eq!(status, 422, "{backend}");
        assert_eq!(
            field_message(&v, "household"),
            "không có hộ mã SP01-9999",
            "{backend}"
        );
        let (status, v) = api(
            &app,
            &token,
            reqwest::Method::POST,
            "/children",
            child("SP02-0001"),
        )
        .await;
        assert_eq!(status, 422, "{backend}");
        assert!(
            field_message(&v, "household").contains("thuộc thôn/bản SP02"),
            "{backend}: {v}"
        );
        // An update that keeps the household by its number (a client that read it back).
        let (status, v) = api(&app, &token, reqwest::Method::PUT, &format!("/children/{id}"),
            json!({"version": 1, "full_name": "Giàng A Páo", "village": "SP01", "household_id": sp01})).await;
        assert_eq!(status, 200, "{backend}: {v}");
        // The village head of SP01: a household of SP02 is unknown, not named.
        let token = app.token(Role::VillageHead).await;
        let mut c = child("SP02-0001");
        c["village"] = json!("SP01");
        let (status, v) = api(&app, &token, reqwest::Method::POST, "/children", c).await;
        assert_eq!(status, 422, "{backend}");
        assert_eq!(
            field_message(&v, "household"),
            "không có hộ mã SP02-0001",
            "{backend}"
        );
        let _ = sp02;
        // A household filter that is not a number is refused, not dropped.
        let r = app
            .http
            .get(app.url("/api/v1/children?household_id=SP01-0124"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{backend}");
    }
}

#[tokio::test]
async fn the_child_form_takes_and_shows_the_household_code() {
    let app = spawn_app().await;
    let (sp01, _) = households(&app).await;
    let p = page_login(&app, "officer", "password-officer").await;
    let post = |household: &'static str| {
        let f: Vec<(&str, String)> = vec![
            ("_csrf", p.csrf.clone()),
            ("full_name", "Giàng A Páo".into()),
            ("sex", "male".into()),
            ("village", "SP01".into()),
            ("household", household.into()),
            ("_confirm_duplicates", "1".into()),
        ];
        p.http
            .post(app.url("/children/new"))
            .header("cookie", &p.cookie)
            .form(&f)
            .send()
    };
    let r = post("SP01-9999").await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("không có hộ mã SP01-9999"), "{html}");
    assert_eq!(children_in_register(app.db.url()).await, 0);
    let r = post("sp01-0124").await.unwrap();
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        app.db
            .child(&officer(), id)
            .await
            .unwrap()
            .data
            .household_id,
        Some(sp01)
    );
    let html = p.get(&app, &at).await.text().await.unwrap();
    assert!(html.contains("SP01-0124 — Giàng A Lử"), "{html}");
    let html = p
        .get(&app, &format!("{at}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("name=\"household\" value=\"SP01-0124\""),
        "{html}"
    );
}

fn csv_part(body: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("tre.csv")
}

const WARNED: &str = "Họ và tên,Ngày sinh,Thôn,Mã hộ,Người chăm sóc,Quan hệ với trẻ\n\
     GIANG A PAO,15/03/2018,Thôn Sính Phình,sp01 0124,Giàng Thị Mỷ,\n\
     Sùng Thị Sua,01/02/2019,Làng Vùa,,Sùng A Dế,\n";

const REPEATED: &str = "Họ và tên,Ngày sinh,Mã thôn\n\
     Giàng A Páo,15/03/2018,SP01\n\
     Sùng Thị Sua,01/02/2019,SP01\n\
     Giàng A Páo,15/03/2018,SP01\n";

#[tokio::test]
async fn the_import_page_shows_warnings_and_writes_after_the_clerk_goes_on() {
    for (backend, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (sp01, _) = households(&app).await;
        let p = page_login(&app, "officer", "password-officer").await;
        let upload = |body: &'static str| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", p.csrf.clone())
                .part("file", csv_part(body));
            p.http
                .post(app.url("/import"))
                .header("cookie", &p.cookie)
                .multipart(form)
                .send()
        };
        let r = upload(REPEATED).await.unwrap();
        assert_eq!(r.status(), 422, "{backend}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("dòng 2 và dòng 4 là một trẻ"),
            "{backend}: {html}"
        );
        let r = upload(WARNED).await.unwrap();
        assert_eq!(r.status(), 200, "{backend}");
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"import-warnings\""), "{html}");
        assert!(html.contains("«GIANG A PAO» viết hoa, không dấu"), "{html}");
        assert!(html.contains("để trống ở 2 dòng (dòng 2, 3)"), "{html}");
        assert!(!html.contains("id=\"import-errors\""), "{html}");
        assert!(html.contains("Đã xem cảnh báo, ghi vào sổ"), "{html}");
        assert_eq!(children_in_register(app.db.url()).await, 0, "{backend}");
        let i = html.find("name=\"token\" value=\"").unwrap();
        let token = html[i + 20..i + 52].to_string();
        let r = p
            .post(
                &app,
                "/import/confirm",
                &[("_csrf", &p.csrf), ("token", &token)],
            )
            .await;
        assert_eq!(r.status(), 200, "{backend}");
        let page = app
            .db
            .search_children(
                &officer(),
                &ChildQuery {
                    page: 1,
                    per_page: 10,
                    household_id: Some(sp01),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{backend}: the household link was kept");
        let c = app.db.child(&officer(), page.items[0].id).await.unwrap();
        assert_eq!(c.data.caregivers[0].relationship, "chưa rõ");
        assert_eq!(children_in_register(app.db.url()).await, 2, "{backend}");
    }
}

#[tokio::test]
async fn the_import_api_returns_errors_and_warnings_and_writes_only_when_told() {
    let app = spawn_app().await;
    households(&app).await;
    let token = app.token(Role::Officer).await;
    let send = |body: &'static str, query: &'static str| {
        app.http
            .post(app.url(&format!("/api/v1/imports/children{query}")))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = send(REPEATED, "").await.unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["row"], 4);
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("dòng 2 và dòng 4"));
    assert_eq!(v["written"], 0);
    let r = send(WARNED, "").await.unwrap();
    assert_eq!(r.status(), 409);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errors"], json!([]));
    assert_eq!(v["warnings"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(children_in_register(app.db.url()).await, 0);
    let r = send(WARNED, "?check_only=true").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(children_in_register(app.db.url()).await, 0);
    let r = send(WARNED, "?accept_warnings=true").await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["written"], 2);
    assert_eq!(children_in_register(app.db.url()).await, 2);
    // Another role may not import.
    let health = app.token(Role::Health).await;
    let r = app
        .http
        .post(app.url("/api/v1/imports/children"))
        .bearer_auth(&health)
        .body(WARNED)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn an_import_links_households_by_code_or_refuses_the_row() {
    for (backend, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (sp01, sp02) = households(&app).await;
        let mut a = child("Giàng A Páo", "SP01");
        a.household_code = Some("SP01 0124".into());
        let mut b = child("Sùng Thị Sua", "SP02");
        b.household_id = Some(sp02);
        let mut c = child("Lò Văn Ân", "SP01");
        c.household_code = Some("SP01-0999".into());
        let e = app
            .db
            .import_children(&officer(), vec![a.clone(), b.clone(), c])
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("rows[2].household")
                && e.to_string().contains("không có hộ mã SP01-0999"),
            "{backend}: {e}"
        );
        assert_eq!(children_in_register(app.db.url()).await, 0, "{backend}");
        // A number of a household of another village is refused too.
        let mut d = child("Vàng A Dình", "SP01");
        d.household_id = Some(sp02);
        assert!(
            app.db.import_children(&officer(), vec![d]).await.is_err(),
            "{backend}"
        );
        assert_eq!(
            app.db
                .import_children(&officer(), vec![a, b])
                .await
                .unwrap(),
            2
        );
        let linked = app
            .db
            .search_children(
                &officer(),
                &ChildQuery {
                    page: 1,
                    per_page: 10,
                    household_id: Some(sp01),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(linked.total, 1, "{backend}");
    }
}
