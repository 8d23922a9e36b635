//! Issue 17, items 9 and 10: hazard sites (positions inside Vietnam, the village head's scope,
//! inspections, the offline map) and the plan's budget (the economic office's role, which sees
//! money and no child; totals by hand; negative amounts refused with nothing written).
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::{json, Value};
use treem_domain::role::Role;
use treem_storage::{BudgetLog, HazardLog, Register};

async fn village_ids(app: &TestApp) -> (i64, i64) {
    let v = app.db.villages(&officer()).await.unwrap();
    let id = |code: &str| v.iter().find(|x| x.code == code).unwrap().id;
    (id("SP01"), id("SP02"))
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn site(village: i64, lat: &str, lon: &str) -> Value {
    json!({"village_id": village.to_string(), "kind": "open_well", "name": "Giếng nhà ông Páo",
           "lat": lat, "lon": lon, "measures": ["cover"], "note": ""})
}

fn message(v: &Value, field: &str) -> String {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["message"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn coordinates_outside_vietnam_are_refused_by_field_and_nothing_is_written() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (sp01, _) = village_ids(&app).await;
        let token = app.token(Role::Services).await;
        // Paris; then latitude and longitude swapped.
        let (s, v) = post(&app, &token, "/api/v1/hazards", site(sp01, "48.85", "2.35")).await;
        assert_eq!(s, 422, "{label}");
        assert!(
            message(&v, "lat").contains("ngoài lãnh thổ Việt Nam"),
            "{label} {v}"
        );
        assert!(message(&v, "lon").contains("kinh độ"), "{label} {v}");
        let (s, v) = post(&app, &token, "/api/v1/hazards", site(sp01, "103.4", "21.8")).await;
        assert_eq!(s, 422, "{label}");
        assert!(!message(&v, "lat").is_empty() && !message(&v, "lon").is_empty());
        // The page's form: the same refusal, in words, naming the field.
        let p = page_login(&app, "services", "password-services").await;
        let r = p
            .post(
                &app,
                "/hazards",
                &[
                    ("_csrf", p.csrf.as_str()),
                    ("village_id", &sp01.to_string()),
                    ("kind", "pond"),
                    ("name", "Ao cá"),
                    ("lat", "21,8"),
                    ("lon", "140"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{label}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Kinh độ") && html.contains("ngoài lãnh thổ Việt Nam"),
            "{label}"
        );
        assert!(
            app.db.hazards(&officer(), None).await.unwrap().is_empty(),
            "{label}"
        );
        // A good one is stored once under its key.
        for want in [201, 200] {
            let r = app
                .http
                .post(app.url("/api/v1/hazards"))
                .bearer_auth(&token)
                .header("Idempotency-Key", "hazard-key-0001")
                .json(&site(sp01, "21,8012", "103.4011"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), want, "{label}");
        }
        let all = app.db.hazards(&officer(), None).await.unwrap();
        assert_eq!(all.len(), 1, "{label}");
        assert_eq!(all[0].position.lat_e6, 21_801_200);
    }
}

#[tokio::test]
async fn a_village_head_sees_and_writes_the_sites_of_their_village_only() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (sp01, sp02) = village_ids(&app).await;
        let services = app.token(Role::Services).await;
        let head = app.token(Role::VillageHead).await;
        let (s, own) = post(
            &app,
            &services,
            "/api/v1/hazards",
            site(sp01, "21.80", "103.40"),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let (s, other) = post(
            &app,
            &services,
            "/api/v1/hazards",
            site(sp02, "21.81", "103.39"),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let (own, other) = (own["id"].as_i64().unwrap(), other["id"].as_i64().unwrap());

        let (s, v) = get(&app, &head, "/api/v1/hazards").await;
        assert_eq!(s, 200);
        let ids: Vec<i64> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![own], "{label}");
        assert_eq!(
            get(&app, &head, &format!("/api/v1/hazards/{other}"))
                .await
                .0,
            404
        );
        assert_eq!(
            get(&app, &head, "/api/v1/hazards?village=SP02").await.0,
            403
        );
        // Writing in another village: refused, nothing written.
        let (s, v) = post(
            &app,
            &head,
            "/api/v1/hazards",
            site(sp02, "21.81", "103.39"),
        )
        .await;
        assert_eq!(s, 422, "{label}");
        assert!(message(&v, "village_id").contains("thôn mình"));
        let (s, _) = post(
            &app,
            &head,
            &format!("/api/v1/hazards/{other}/inspections"),
            json!({"date": "15/03/2026", "finding": "Đã rào", "status": "fixed"}),
        )
        .await;
        assert_eq!(s, 404, "{label}");
        assert_eq!(app.db.hazards(&officer(), None).await.unwrap().len(), 2);
        // Their own: an inspection fixes it; a date of last year or the future is refused.
        for bad in [
            "15/03/2025",
            &format!("{}", today() + jiff::Span::new().days(1)),
        ] {
            let (s, v) = post(
                &app,
                &head,
                &format!("/api/v1/hazards/{own}/inspections"),
                json!({"date": bad, "finding": "Đã rào", "status": "fixed"}),
            )
            .await;
            assert_eq!(s, 422, "{label} {bad}");
            assert!(!message(&v, "date").is_empty());
        }
        let (s, _) = post(
            &app,
            &head,
            &format!("/api/v1/hazards/{own}/inspections"),
            json!({"date": "2026-03-15", "finding": "Đã làm rào chắn", "status": "fixed"}),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let (_, v) = get(&app, &head, &format!("/api/v1/hazards/{own}")).await;
        assert_eq!(v["site"]["status"], "fixed", "{label}");
        assert_eq!(v["inspections"].as_array().unwrap().len(), 1);

        // The pages: the list and the map of their village; another village's map is not found.
        let p = page_login(&app, "village_head", "password-village_head").await;
        let list = p.get(&app, "/hazards").await.text().await.unwrap();
        assert!(
            list.contains(&format!("/hazards/{own}\""))
                && !list.contains(&format!("/hazards/{other}\""))
        );
        let r = p.get(&app, "/hazards/map?village=SP01").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("<svg") && html.contains("Thôn, bản (vị trí ước lượng)"));
        assert_eq!(
            html.matches("<circle cx").count(),
            1 + 2,
            "one site and the legend's two"
        );
        assert_eq!(p.get(&app, "/hazards/map?village=SP02").await.status(), 404);
        assert_eq!(
            p.get(&app, &format!("/hazards/{other}")).await.status(),
            404
        );
        let x = p.get(&app, "/hazards.xlsx").await;
        assert_eq!(x.status(), 200);
        // The commune's map for the officer has both.
        let o = page_login(&app, "officer", "password-officer").await;
        let html = o.get(&app, "/hazards/map").await.text().await.unwrap();
        assert_eq!(html.matches("<circle cx").count(), 2 + 2);
    }
}

#[tokio::test]
async fn the_economic_office_sees_the_budget_and_no_child() {
    let app = spawn_app().await;
    let child = app
        .db
        .create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap()
        .id;
    let token = app.token(Role::Economic).await;
    for path in [
        "/api/v1/children".to_string(),
        format!("/api/v1/children/{child}"),
        format!("/api/v1/children/{child}/history"),
        format!("/api/v1/children/{child}/health"),
        format!("/api/v1/children/{child}/supports"),
        "/api/v1/households".to_string(),
        "/api/v1/cases".to_string(),
    ] {
        let (s, v) = get(&app, &token, &path).await;
        assert!(s == 403 || s == 404, "{path}: {s}");
        assert!(!v.to_string().contains("Giàng A Páo"), "{path}");
    }
    let p = page_login(&app, "economic", "password-economic").await;
    for path in [
        "/children".to_string(),
        format!("/children/{child}"),
        format!("/children/{child}/supports"),
        "/households".to_string(),
        "/cases".to_string(),
        "/health/lists".to_string(),
        "/health/weighing".to_string(),
    ] {
        let r = p.get(&app, &path).await;
        let s = r.status().as_u16();
        assert!(s == 403 || s == 404, "page {path}: {s}");
        assert!(
            !r.text().await.unwrap().contains("Giàng A Páo"),
            "page {path}"
        );
    }
    assert_eq!(p.get(&app, "/budget").await.status(), 200);
    let home = p.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("href=\"/budget\"") && !home.contains("href=\"/children\""));
    // The storage refuses it too, whatever the web layer does.
    let economic = actor(Role::Economic, None);
    assert!(app.db.child(&economic, child).await.is_err());
}

#[tokio::test]
async fn budget_totals_add_up_by_hand_and_a_negative_amount_writes_nothing() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let eco = app.token(Role::Economic).await;
        let mut ids = Vec::new();
        for (source, activity, planned) in [
            ("state_budget", "Tháng hành động vì trẻ em", "15.000.000"),
            ("child_fund", "Tháng hành động vì trẻ em", "5.000.000"),
            ("mobilised", "Tết Trung thu", "8.000.000"),
        ] {
            let (s, v) = post(
                &app,
                &eco,
                "/api/v1/budget/lines",
                json!({"source": source, "activity": activity, "planned": planned}),
            )
            .await;
            assert_eq!(s, 201, "{label} {v}");
            ids.push(v["id"].as_i64().unwrap());
        }
        for (line, date, amount) in [
            (ids[0], "15/03/2026", "4.000.000"),
            (ids[0], "01/06/2026", "6.500.000"),
            (ids[2], "25/09/2026", "7.200.000"),
        ] {
            let (s, v) = post(
                &app,
                &eco,
                &format!("/api/v1/budget/lines/{line}/spendings"),
                json!({"date": date, "amount": amount, "note": "chi"}),
            )
            .await;
            assert_eq!(s, 201, "{label} {v}");
        }
        // Refused, nothing written: negative, last year, a planned amount below zero, and
        // anyone but the economic office.
        let (s, v) = post(
            &app,
            &eco,
            &format!("/api/v1/budget/lines/{}/spendings", ids[1]),
            json!({"date": "15/03/2026", "amount": "-500.000"}),
        )
        .await;
        assert_eq!(s, 422);
        assert!(message(&v, "amount").contains("không được âm"), "{v}");
        let (s, v) = post(
            &app,
            &eco,
            &format!("/api/v1/budget/lines/{}/spendings", ids[1]),
            json!({"date": "15/03/2025", "amount": "500.000"}),
        )
        .await;
        assert_eq!(s, 422);
        assert!(message(&v, "date").contains("năm kế hoạch"), "{v}");
        let (s, _) = post(
            &app,
            &eco,
            "/api/v1/budget/lines",
            json!({"source": "state_budget", "activity": "X", "planned": "-1"}),
        )
        .await;
        assert_eq!(s, 422);
        let officer_token = app.token(Role::Officer).await;
        let (s, _) = post(
            &app,
            &officer_token,
            "/api/v1/budget/lines",
            json!({"source": "state_budget", "activity": "X", "planned": "1"}),
        )
        .await;
        assert_eq!(s, 403);
        let head = app.token(Role::VillageHead).await;
        assert_eq!(get(&app, &head, "/api/v1/budget").await.0, 403);

        // By hand: planned 15 + 5 + 8 = 28 million; spent 4 + 6.5 + 7.2 = 17.7 million.
        let (s, v) = get(&app, &officer_token, "/api/v1/budget").await;
        assert_eq!(s, 200, "{label}");
        let t = &v["totals"];
        assert_eq!(t["planned"], 28_000_000, "{label}");
        assert_eq!(t["spent"], 17_700_000, "{label}");
        let source = |code: &str| {
            t["by_source"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["source"] == code)
                .unwrap()
                .clone()
        };
        assert_eq!(source("state_budget")["spent"], 10_500_000);
        assert_eq!(source("child_fund")["planned"], 5_000_000);
        assert_eq!(source("national_programme")["planned"], 0);
        let month = t["by_activity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["activity"] == "Tháng hành động vì trẻ em")
            .unwrap()
            .clone();
        assert_eq!(month["planned"], 20_000_000);
        assert_eq!(month["spent"], 10_500_000);
        assert_eq!(v["spendings"].as_array().unwrap().len(), 3, "{label}");
        let lines = app.db.budget_lines(&officer(), 2026).await.unwrap();
        assert_eq!(lines.len(), 3);
        // The page shows the totals as officials write them.
        let p = page_login(&app, "economic", "password-economic").await;
        let html = p.get(&app, "/budget").await.text().await.unwrap();
        assert!(
            html.contains("28.000.000") && html.contains("17.700.000"),
            "{label}"
        );
        let r = p
            .post(
                &app,
                "/budget/spendings",
                &[
                    ("_csrf", p.csrf.as_str()),
                    ("line", &ids[1].to_string()),
                    ("date", "15/03/2026"),
                    ("amount", "-1"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Số tiền"));
        assert_eq!(app.db.spendings(&officer(), 2026).await.unwrap().len(), 3);
        assert_eq!(p.get(&app, "/budget.xlsx").await.status(), 200);
    }
}

/// A 1×1 PNG (a real one: signature, IHDR, IDAT, IEND).
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xC9, 0xFE, 0x92, 0xEF, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

async fn send_photo(
    app: &TestApp,
    p: &crate::pages::Page,
    site: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", p.csrf.clone())
        .part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    p.http
        .post(app.url(&format!("/hazards/{site}/photo")))
        .header("cookie", &p.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_site_photo_is_stored_served_refused_when_not_an_image_or_too_big_and_scoped() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let (_, sp02) = village_ids(&app).await;
        let services = app.token(Role::Services).await;
        let (s, v) = post(
            &app,
            &services,
            "/api/v1/hazards",
            site(sp02, "21.81", "103.39"),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let id = v["id"].as_i64().unwrap();
        let p = page_login(&app, "services", "password-services").await;
        let photo_path = format!("/hazards/{id}/photo");

        // A text file named like a photo: refused naming «Ảnh», nothing stored.
        let r = send_photo(&app, &p, id, "anh.png", b"khong phai anh".to_vec()).await;
        assert_eq!(r.status(), 422, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Ảnh"), "{label}");
        assert!(html.contains("ảnh phải là tệp JPEG hoặc PNG"), "{label}");
        assert_eq!(p.get(&app, &photo_path).await.status(), 404, "{label}");

        // Over 300 KB: refused in Vietnamese (not a not-found page), nothing stored.
        let mut big = PNG_1X1.to_vec();
        big.resize(300 * 1024 + 1, 0);
        let r = send_photo(&app, &p, id, "to.png", big).await;
        assert_ne!(r.status(), 404, "{label}");
        assert!(r.status().is_client_error(), "{label}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("ảnh quá lớn: tối đa 300 KB"),
            "{label}"
        );
        assert_eq!(p.get(&app, &photo_path).await.status(), 404, "{label}");
        // Far over the limit of the body: the same message.
        let r = send_photo(&app, &p, id, "to.png", vec![0xFF; 2 * 1024 * 1024]).await;
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("ảnh quá lớn: tối đa 300 KB"),
            "{label}"
        );

        // A real PNG: stored, shown on the page, served back identical.
        let r = send_photo(&app, &p, id, "x.bin", PNG_1X1.to_vec()).await;
        assert_eq!(r.status(), 303, "{label}");
        let r = p.get(&app, &photo_path).await;
        assert_eq!(r.status(), 200, "{label}");
        assert_eq!(r.headers()["content-type"], "image/png", "{label}");
        assert_eq!(r.headers()["cache-control"], "private", "{label}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PNG_1X1, "{label}");
        let page = p
            .get(&app, &format!("/hazards/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!(
                "<img src=\"/hazards/{id}/photo\" loading=\"lazy\""
            )),
            "{label}"
        );

        // A village head of SP01: the SP02 site's photo is not found.
        let head = page_login(&app, "village_head", "password-village_head").await;
        assert_eq!(head.get(&app, &photo_path).await.status(), 404, "{label}");
        // The economic office as it reads sites.
        let eco = page_login(&app, "economic", "password-economic").await;
        let s = eco.get(&app, &photo_path).await.status();
        if Role::Economic.reads_hazards() {
            assert_eq!(s, 200, "{label}");
        } else {
            assert!(s == 403 || s == 404, "{label} {s}");
        }
    }
}
