//! Issue 17, items 1, 6, 7, 8: the plan's work as records. A distribution list is stored once
//! and refused whole (a child outside the writer's village, an unmatched row of an uploaded
//! sheet); targets 17 and 18 are computed from the disasters and the marriages recorded and
//! agree with hand counts; bad input is named in Vietnamese with nothing written; a village
//! head works in their own village only.
use crate::helpers::*;
use serde_json::{json, Value};
use treem_domain::circumstance::Circumstance;
use treem_domain::role::Role;
use treem_storage::{Register, SupportFilter, WorkLog};

async fn add(app: &TestApp, name: &str, village: &str, disabled: bool) -> i64 {
    let mut c = child(name, village);
    if disabled {
        c.circumstances = vec![Circumstance {
            code: "d".into(),
            from: jiff::civil::date(2020, 1, 1),
            to: None,
        }];
    }
    app.db.create_child(&officer(), &c).await.unwrap().id
}

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    key: Option<&str>,
) -> (u16, Value) {
    let mut r = app.http.post(app.url(path)).bearer_auth(token).json(&body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

fn message(v: &Value, field: &str) -> String {
    v["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["message"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no error on {field}: {v}"))
}

async fn target(app: &TestApp, token: &str, n: u64) -> Value {
    let v = get(
        app,
        token,
        &format!("/api/v1/plans/2026/targets?as_of={}", today()),
    )
    .await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == n)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_distribution_list_is_stored_once_whole_and_in_the_writers_village() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let officer_t = app.token(Role::Officer).await;
        let head = app.token(Role::VillageHead).await;
        let mut sp01 = Vec::new();
        for i in 0..3 {
            sp01.push(add(&app, &format!("Giàng Thị Mai {i}"), "SP01", false).await);
        }
        let other = add(&app, "Vàng A Dình", "SP02", false).await;
        let list = json!({
            "title": "Quà Tết Nguyên đán 2026", "date": "2026-02-10", "kind": "food_and_gifts",
            "value": "300.000", "funding": "child_fund", "giver": "UBND xã",
            "children": sp01,
        });
        let (s, v) = post(
            &app,
            &officer_t,
            "/api/v1/work/distributions",
            list.clone(),
            Some("tet-list-0001"),
        )
        .await;
        assert_eq!(s, 201, "{label}: {v}");
        let id = v["id"].as_i64().unwrap();
        // Sent again (a lost answer): stored once.
        let (s, v) = post(
            &app,
            &officer_t,
            "/api/v1/work/distributions",
            list,
            Some("tet-list-0001"),
        )
        .await;
        assert_eq!(
            (s, v["already_saved"].clone()),
            (200, json!(true)),
            "{label}"
        );
        let all = get(
            &app,
            &officer_t,
            &format!("/api/v1/work/supports?distribution={id}"),
        )
        .await;
        let items = all["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{label}");
        assert_eq!(items[0]["value_vnd"], 300000);
        assert_eq!(items[0]["funding"], "child_fund");
        assert_eq!(items[0]["distribution"], "Quà Tết Nguyên đán 2026");

        // The village head's list with a child of another village: refused whole.
        let mixed = json!({
            "title": "Sách vở", "date": "2026-09-05", "kind": "school_costs",
            "children": [sp01[0], other],
        });
        let (s, v) = post(&app, &head, "/api/v1/work/distributions", mixed, None).await;
        assert_eq!(s, 422, "{label}");
        assert!(
            message(&v, "children").contains("không thuộc thôn"),
            "{label}: {v}"
        );
        let after = app
            .db
            .support_list(&officer(), &SupportFilter::default())
            .await
            .unwrap();
        assert_eq!(after.len(), 3, "{label}: nothing written");
        // The village head sees their own village's supports only.
        let mine = get(&app, &head, "/api/v1/work/supports").await;
        assert!(mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["village"] == "SP01"));

        // Bad input: each field named, nothing written.
        let bad = json!({
            "title": "", "date": "2025-12-20", "kind": "vàng bạc", "value": "-5",
            "children": [],
        });
        let (s, v) = post(&app, &officer_t, "/api/v1/work/distributions", bad, None).await;
        assert_eq!(s, 422, "{label}");
        assert!(message(&v, "title").contains("tên đợt"));
        assert!(message(&v, "date").contains("năm kế hoạch 2026"));
        assert!(message(&v, "kind").contains("vàng bạc"));
        assert!(message(&v, "value").contains("âm"));
        assert!(message(&v, "children").contains("chưa chọn"));
        let tomorrow = today().tomorrow().unwrap();
        let future = json!({"title": "X", "date": tomorrow.to_string(), "kind": "other", "children": [sp01[0]]});
        let (s, v) = post(&app, &officer_t, "/api/v1/work/distributions", future, None).await;
        assert_eq!(s, 422, "{label}");
        assert!(message(&v, "date").contains("sau hôm nay"));
        let after = app
            .db
            .support_list(&officer(), &SupportFilter::default())
            .await
            .unwrap();
        assert_eq!(after.len(), 3, "{label}: nothing written");
    }
}

fn sheet(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Số định danh cá nhân", "Họ và tên", "Ngày sinh"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_uploaded_list_is_matched_to_the_register_all_or_nothing() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        add(&app, "Giàng Thị Mai", "SP01", false).await;
        add(&app, "Lý A Páo", "SP02", false).await;
        let upload = |bytes: Vec<u8>| {
            app.http
                .post(app.url(
                    "/api/v1/work/distributions/xlsx?title=Qu%C3%A0%20T%E1%BA%BFt&date=2026-02-10&kind=food_and_gifts&value=200000",
                ))
                .bearer_auth(&token)
                .body(bytes)
                .send()
        };
        // Child dates of birth are 01/05/2019 (helpers::child).
        let r = upload(sheet(&[
            ["", "giàng thị mai", "01/05/2019"],
            ["001099000001", "", ""],
            ["", "Lý A Páo", "02/05/2019"],
        ]))
        .await
        .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        let v: Value = r.json().await.unwrap();
        assert!(
            message(&v, "dòng 3").contains("001099000001"),
            "{label}: {v}"
        );
        assert!(message(&v, "dòng 4").contains("Lý A Páo"), "{label}: {v}");
        assert_eq!(v["errors"].as_array().unwrap().len(), 2);
        let none = app
            .db
            .support_list(&officer(), &SupportFilter::default())
            .await
            .unwrap();
        assert!(
            none.is_empty(),
            "{label}: nothing written while a row is unmatched"
        );
        let r = upload(sheet(&[
            ["", "giàng thị mai", "01/05/2019"],
            ["", "Lý A Páo", "01/05/2019"],
        ]))
        .await
        .unwrap();
        assert_eq!(r.status(), 201, "{label}");
        let all = app
            .db
            .support_list(&officer(), &SupportFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "{label}");
        assert!(all.iter().all(|s| s.value_vnd == Some(200_000)));
    }
}

#[tokio::test]
async fn targets_17_and_18_are_the_hand_counts_of_the_records() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        let head = app.token(Role::VillageHead).await;
        let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
        let b = add(&app, "Giàng A Sử", "SP01", false).await;
        let c = add(&app, "Giàng Thị Dở", "SP01", false).await;
        let elsewhere = add(&app, "Vàng A Dình", "SP02", false).await;

        // A child of a village the flood did not strike is refused, and nothing is written.
        let flood = |children: Vec<i64>| {
            json!({
                "date": "2026-11-02", "kind": "flood", "villages": ["SP01"],
                "note": "Lũ quét bản Sính Phình", "children": children,
            })
        };
        let (s, v) = post(
            &app,
            &token,
            "/api/v1/work/disasters",
            flood(vec![a, elsewhere]),
            None,
        )
        .await;
        assert_eq!(s, 422, "{label}: {v}");
        assert!(get(&app, &token, "/api/v1/work/disasters").await["items"]
            .as_array()
            .unwrap()
            .is_empty());
        let (s, v) = post(
            &app,
            &token,
            "/api/v1/work/disasters",
            flood(vec![a, b, c]),
            Some("flood-0001"),
        )
        .await;
        assert_eq!(s, 201, "{label}: {v}");
        let id = v["id"].as_i64().unwrap();
        // Help for a within 2 days, b after 23 days, c none yet.
        let relief = json!({"items": [
            {"child_id": a, "helped_on": "2026-11-04", "how": "gạo, chăn"},
            {"child_id": b, "helped_on": "2026-11-25", "how": "tiền mặt"},
        ]});
        let r = app
            .http
            .put(app.url(&format!("/api/v1/work/disasters/{id}/children")))
            .bearer_auth(&token)
            .json(&relief)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{label}");
        // Help dated before the disaster: named, nothing written.
        let early = json!({"items": [{"child_id": c, "helped_on": "2026-10-01", "how": "gạo"}]});
        let r = app
            .http
            .put(app.url(&format!("/api/v1/work/disasters/{id}/children")))
            .bearer_auth(&token)
            .json(&early)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert!(message(&v, "items[0].helped_on").contains("trước ngày xảy ra"));
        let t17 = target(&app, &token, 17).await;
        // Hand count: 1 of 3 helped within 7 days.
        assert_eq!(
            (t17["numerator"].as_f64(), t17["denominator"].as_f64()),
            (Some(1.0), Some(3.0)),
            "{label}: {t17}"
        );
        assert_eq!(t17["status"], "not_met");

        // Marriages: last year 3, this year 2 counted (and one prevented, not counted).
        for (i, (date, prevented)) in [
            ("2025-11-03", false),
            ("2025-11-10", false),
            ("2025-11-20", false),
        ]
        .iter()
        .enumerate()
        {
            // Last year's records are written in storage (the API takes the plan year only).
            let m = treem_domain::work::NewMarriage::parse(
                date,
                "SP01",
                "Mông",
                None,
                "16",
                "22",
                *prevented,
                "",
                2025,
                today(),
            )
            .unwrap();
            app.db
                .record_marriage(&officer(), &m, Some(&format!("old-marriage-{i:04}")))
                .await
                .unwrap();
        }
        for (date, prevented) in [
            ("2026-11-03", false),
            ("2026-11-05", true),
            ("2026-11-12", false),
        ] {
            let (s, v) = post(
                &app,
                &token,
                "/api/v1/work/marriages",
                json!({
                    "date": date, "village": "SP01", "ethnicity": "Mông", "wife_age": 16,
                    "husband_age": "19", "prevented": prevented,
                }),
                None,
            )
            .await;
            assert_eq!(s, 201, "{label}: {v}");
        }
        let t18 = target(&app, &token, 18).await;
        assert_eq!(t18["figure"].as_f64(), Some(2.0), "{label}: {t18}");
        // The list of marriages names minors' records: reading it leaves one audit entry.
        {
            use treem_storage::{AuditFilter, AuditLog};
            let reads = || async {
                app.db
                    .audit_entries(&officer(), &AuditFilter::default())
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.action == "read" && e.entity == "child_marriage")
                    .count()
            };
            let before = reads().await;
            let listed = app.db.marriages(&officer()).await.unwrap();
            // Three last year, three this year (one of them prevented).
            assert_eq!(listed.len(), 6, "{label}");
            assert_eq!(
                reads().await,
                before + 1,
                "{label}: one audit entry per list read"
            );
        }
        // 2 ≤ 3 × 0,99: the 1–2 % decrease is met.
        assert_eq!(t18["status"], "met", "{label}: {t18}");

        // Bad input for a marriage: no party under age, an age not a number; the village head
        // records in another village: refused.
        let (s, v) = post(
            &app,
            &token,
            "/api/v1/work/marriages",
            json!({
                "date": "2026-11-03", "village": "SP01", "wife_age": 18, "husband_age": 20,
            }),
            None,
        )
        .await;
        assert_eq!(s, 422);
        assert!(message(&v, "wife_age").contains("không phải tảo hôn"));
        let (s, v) = post(
            &app,
            &head,
            "/api/v1/work/marriages",
            json!({
                "date": "2026-11-03", "village": "SP02", "wife_age": 15,
            }),
            None,
        )
        .await;
        assert_eq!(s, 422, "{label}: {v}");
        assert!(message(&v, "village").contains("thôn/bản mình"));
        let (s, _) = post(
            &app,
            &token,
            "/api/v1/work/marriages",
            json!({
                "date": "2026-11-03", "village": "SP01", "wife_age": "mười lăm",
            }),
            None,
        )
        .await;
        assert_eq!(s, 422);
        let listed = get(&app, &token, "/api/v1/work/marriages").await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 6, "{label}");
        // The village head sees the disaster's children of their village only.
        let kids = get(
            &app,
            &head,
            &format!("/api/v1/work/disasters/{id}/children"),
        )
        .await;
        assert_eq!(kids["items"].as_array().unwrap().len(), 3);
    }
}

#[tokio::test]
async fn a_disability_record_is_for_a_child_of_group_d_only() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        let d = add(&app, "Giàng Thị Mai", "SP01", true).await;
        let not = add(&app, "Giàng A Sử", "SP01", false).await;
        let body = json!({"date": "2026-03-15", "needs": "phục hồi chức năng vận động",
                          "services": "vật lý trị liệu tại trạm y tế", "devices": "xe lăn"});
        let (s, v) = post(
            &app,
            &token,
            &format!("/api/v1/children/{not}/disability"),
            body.clone(),
            None,
        )
        .await;
        assert_eq!(s, 422, "{label}");
        assert!(message(&v, "child").contains("khuyết tật"));
        let (s, _) = post(
            &app,
            &token,
            &format!("/api/v1/children/{d}/disability"),
            body,
            None,
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let (s, v) = post(
            &app,
            &token,
            &format!("/api/v1/children/{d}/disability"),
            json!({"date": "2026-03-15"}),
            None,
        )
        .await;
        assert_eq!(s, 422);
        assert!(message(&v, "needs").contains("nhu cầu"));
        let list = get(&app, &token, "/api/v1/work/disability").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{label}");
        assert_eq!(list["items"][0]["devices"], "xe lăn");
    }
}

#[tokio::test]
async fn the_page_list_ticked_by_village_is_sent_once_and_exported() {
    let app = spawn_app().await;
    let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
    let b = add(&app, "Giàng A Sử", "SP01", false).await;
    let other = add(&app, "Vàng A Dình", "SP02", false).await;
    let page = crate::pages::page_login(&app, "officer", "password-officer").await;
    let html = page.get(&app, "/work").await.text().await.unwrap();
    assert!(html.contains("href=\"/work\""), "the menu entry");
    let html = page
        .get(&app, "/work/distributions/new?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("value=\"{a}\"")) && html.contains(&format!("value=\"{b}\"")));
    assert!(
        !html.contains(&format!("name=\"child\" value=\"{other}\"")),
        "SP02's child not offered"
    );
    let submission = {
        let i = html.find("name=\"submission\" value=\"").unwrap() + 25;
        html[i..i + html[i..].find('"').unwrap()].to_string()
    };
    let (a_s, b_s) = (a.to_string(), b.to_string());
    let form = [
        ("_csrf", page.csrf.as_str()),
        ("submission", submission.as_str()),
        ("village", "SP01"),
        ("title", "Quà Tết"),
        ("date", "10/02/2026"),
        ("kind", "food_and_gifts"),
        ("value", "300.000"),
        ("funding", "child_fund"),
        ("giver", "UBND xã"),
        ("child", a_s.as_str()),
        ("child", b_s.as_str()),
    ];
    // Sent twice (a double click, the back button): one list.
    for _ in 0..2 {
        let r = page.post(&app, "/work/distributions/new", &form).await;
        assert_eq!(r.status(), 303);
    }
    let stored = app
        .db
        .support_list(&officer(), &SupportFilter::default())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    // A negative value: the field named on the page, nothing written.
    let mut bad = form.to_vec();
    bad[1] = ("submission", "another-list-0001");
    bad[6] = ("value", "-300");
    let r = page.post(&app, "/work/distributions/new", &bad).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("<strong>Giá trị (đồng)</strong>"));
    assert_eq!(
        app.db
            .support_list(&officer(), &SupportFilter::default())
            .await
            .unwrap()
            .len(),
        2
    );
    let html = page
        .get(&app, "/work/supports?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Giàng A Sử") && html.contains("300.000"),
        "{html}"
    );
    let r = page.get(&app, "/work/supports?format=xlsx").await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX");
    // A marriage from the hub's form shows in the year's count.
    let r = page
        .post(
            &app,
            "/work/marriages",
            &[
                ("_csrf", page.csrf.as_str()),
                ("submission", "marriage-form-0001"),
                ("date", "03/11/2026"),
                ("village", "SP01"),
                ("ethnicity", "Mông"),
                ("wife_age", "16"),
                ("husband_age", "21"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = page.get(&app, "/work").await.text().await.unwrap();
    assert!(html.contains("Năm nay: <strong>1</strong>"), "{html}");
    // The hub's lists download as XLSX, villages and ethnic groups by name.
    let cells = |bytes: Vec<u8>| {
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let r = page.get(&app, "/work/marriages.xlsx").await;
    assert_eq!(r.status(), 200);
    let rows = cells(r.bytes().await.unwrap().to_vec());
    assert_eq!(rows.len(), 2, "a heading and one marriage: {rows:?}");
    assert_eq!(
        rows[1][..6],
        ["03/11/2026", "Sính Phình", "H'Mông", "16", "21", "Không"]
    );
    let r = page.get(&app, "/work/disasters.xlsx").await;
    assert_eq!(r.status(), 200);
    let rows = cells(r.bytes().await.unwrap().to_vec());
    assert_eq!(rows[0][0], "Ngày", "{rows:?}");
}

#[tokio::test]
async fn the_officer_sets_the_days_of_timely_relief_and_target_17_follows() {
    let app = spawn_app().await;
    let token = app.token(Role::Officer).await;
    let a = add(&app, "Giàng Thị Mai", "SP01", false).await;
    let (s, v) = post(
        &app,
        &token,
        "/api/v1/work/disasters",
        json!({
            "date": "2026-11-02", "kind": "landslide", "villages": ["SP01"], "children": [a],
        }),
        None,
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let r = app
        .http
        .put(app.url(&format!("/api/v1/work/disasters/{id}/children")))
        .bearer_auth(&token)
        .json(&json!({"items": [{"child_id": a, "helped_on": "2026-11-12", "how": "gạo"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Ten days after: not in time under the default 7 days.
    assert_eq!(
        target(&app, &token, 17).await["numerator"].as_f64(),
        Some(0.0)
    );
    let set = |days: Value| {
        app.http
            .put(app.url("/api/v1/settings/relief"))
            .bearer_auth(&token)
            .json(&json!({"within_days": days}))
            .send()
    };
    assert_eq!(set(json!(-1)).await.unwrap().status(), 422);
    assert_eq!(set(json!(10)).await.unwrap().status(), 200);
    assert_eq!(
        target(&app, &token, 17).await["numerator"].as_f64(),
        Some(1.0)
    );
    let head = app.token(Role::VillageHead).await;
    let r = app
        .http
        .put(app.url("/api/v1/settings/relief"))
        .bearer_auth(&head)
        .json(&json!({"within_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
