//! Issue 17, items 11 and 14: the child-friendly commune self-assessment (QĐ 06/QĐ-TTg,
//! 03/01/2019) totalled as by hand, its zero rule, target 1's status from it; the national
//! children's database clean-up loop (list, verified IDs back all or nothing) and the export's
//! columns as data.
use crate::helpers::*;
use serde_json::{json, Value};
use treem_domain::personal_id::PersonalId;
use treem_domain::register::{Caregiver, ChildData};
use treem_domain::role::Role;
use treem_storage::Register;

/// Scores for criteria 1..=13, in order.
fn scores(points: &[u32; 13]) -> Value {
    let list: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"criterion": i + 1, "score": p, "evidence": format!("biên bản tiêu chí {}", i + 1)}))
        .collect();
    json!(list)
}

async fn put(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.http
        .put(app.url("/api/v1/self-assessments/2026"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn target_1(app: &TestApp, token: &str) -> String {
    let v: Value = app
        .http
        .get(app.url(&format!("/api/v1/plans/2026/targets?as_of={}", today())))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == 1)
        .unwrap()
        .clone();
    assert_eq!(t["origin"], "tính từ hồ sơ");
    t["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_self_assessment_totals_as_by_hand_refuses_a_zero_and_sets_target_1() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        assert_eq!(target_1(&app, &token).await, "no_data", "{label}");

        // By hand: 90 + 70 + 70 + 60 + 60 + 110 + 50 + 60 + 50 + 50 + 50 + 50 + 50 = 820 ≥ 800.
        let points = [90, 70, 70, 60, 60, 110, 50, 60, 50, 50, 50, 50, 50];
        let r = put(
            &app,
            &token,
            json!({"date": "15/11/2026", "scores": scores(&points)}),
        )
        .await;
        assert_eq!(r.status(), 200, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["outcome"]["total"], 820, "{label}");
        assert_eq!(v["outcome"]["threshold"], 800, "{label}");
        assert_eq!(v["outcome"]["met"], true, "{label}");
        assert_eq!(target_1(&app, &token).await, "met", "{label}");

        // A score above its criterion's maximum: refused naming the criterion, nothing stored.
        let mut over = points;
        over[6] = 51;
        let r = put(
            &app,
            &token,
            json!({"date": "16/11/2026", "scores": scores(&over)}),
        )
        .await;
        assert_eq!(r.status(), 422, "{label}");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("tiêu chí 7") && text.contains("vượt điểm tối đa 50"),
            "{label}: {text}"
        );
        // A date ahead of today: refused.
        let r = put(
            &app,
            &token,
            json!({"date": "31/12/2026", "scores": scores(&points)}),
        )
        .await;
        assert_eq!(r.status(), 422, "{label}");

        // Criterion 13 at 0 with the total still at the threshold, by hand:
        // 100 + 75 + 70 + 60 + 60 + 125 + 50 + 60 + 50 + 50 + 50 + 50 + 0 = 800: not met.
        let zero = [100, 75, 70, 60, 60, 125, 50, 60, 50, 50, 50, 50, 0];
        let r = put(
            &app,
            &token,
            json!({"date": "20/11/2026", "scores": scores(&zero)}),
        )
        .await;
        assert_eq!(r.status(), 200, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["outcome"]["total"], 800, "{label}");
        assert_eq!(v["outcome"]["zero"], json!([13]), "{label}");
        assert_eq!(v["outcome"]["met"], false, "{label}");
        assert_eq!(target_1(&app, &token).await, "not_met", "{label}");

        // The earlier entry stays as history; the refused ones left nothing.
        let v: Value = app
            .http
            .get(app.url("/api/v1/self-assessments/2026"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["current"]["entry"]["total"], 800, "{label}");
        assert_eq!(v["history"].as_array().unwrap().len(), 1, "{label}");
        assert_eq!(v["history"][0]["total"], 820, "{label}");
        assert_eq!(v["criteria"].as_array().unwrap().len(), 13, "{label}");

        // Only the officer enters it.
        let police = app.token(Role::Police).await;
        let r = put(
            &app,
            &police,
            json!({"date": "15/11/2026", "scores": scores(&points)}),
        )
        .await;
        assert_eq!(r.status(), 403, "{label}");
    }
}

/// A girl born 01/05/2019 in `village` with ethnic group and caregiver: only `id` may be missing.
fn full_child(name: &str, village: &str, id: Option<&str>) -> ChildData {
    let mut c = child(name, village);
    c.ethnicity = Some(4);
    c.caregivers = vec![Caregiver {
        relationship: "mẹ".into(),
        full_name: format!("Mẹ của {name}"),
        phone: None,
    }];
    c.personal_id = id.map(|s| PersonalId::parse(s).unwrap());
    c
}

async fn cleanup(app: &TestApp, token: &str, village: &str) -> Vec<Value> {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/national-db/cleanup?village={village}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_clean_up_loop_lists_the_gaps_and_takes_the_police_answers_all_or_nothing() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let o = officer();
        let none = app
            .db
            .create_child(&o, &full_child("Giàng Thị Mai", "SP01", None))
            .await
            .unwrap()
            .id;
        // 2 = a boy: wrong for a girl.
        let wrong = app
            .db
            .create_child(&o, &full_child("Vàng Thị Dế", "SP01", Some("011219000777")))
            .await
            .unwrap()
            .id;
        let good = app
            .db
            .create_child(&o, &full_child("Lý Thị Pà", "SP01", Some("011319000555")))
            .await
            .unwrap()
            .id;
        let mut bare = full_child("Thào A Chứ", "SP02", Some("011319000556"));
        bare.ethnicity = None;
        bare.caregivers.clear();
        let bare = app.db.create_child(&o, &bare).await.unwrap().id;

        let police = app.token(Role::Police).await;
        let sp01 = cleanup(&app, &police, "SP01").await;
        let ids: Vec<i64> = sp01.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), 2, "{label}: {sp01:?}");
        assert!(
            ids.contains(&none) && ids.contains(&wrong) && !ids.contains(&good),
            "{label}"
        );
        let all = cleanup(&app, &police, "").await;
        let b = all.iter().find(|c| c["id"] == bare).unwrap();
        assert_eq!(
            b["gaps_vi"],
            json!(["thiếu dân tộc", "thiếu người chăm sóc"]),
            "{label}"
        );

        // A village head does not run it.
        let head = app.token(Role::VillageHead).await;
        let r = app
            .http
            .get(app.url("/api/v1/national-db/cleanup"))
            .bearer_auth(&head)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{label}");

        // One good answer and one whose ID is another child's: nothing written.
        let post = |rows: Value| {
            app.http
                .post(app.url("/api/v1/national-db/personal-ids"))
                .bearer_auth(&police)
                .json(&json!({ "rows": rows }))
                .send()
        };
        let r = post(json!([
            {"child": none.to_string(), "personal_id": "011319000900"},
            {"child": wrong.to_string(), "personal_id": "011319000555"},
        ]))
        .await
        .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("dòng 2") && text.contains("đã ghi cho trẻ số"),
            "{label}: {text}"
        );
        let c = app.db.child(&o, none).await.unwrap();
        assert_eq!(c.data.personal_id, None, "{label}: nothing written");
        // An ID that does not match the girl's sex: refused by row.
        let r = post(json!([{"child": wrong.to_string(), "personal_id": "011219000778"}]))
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        assert!(r.text().await.unwrap().contains("dòng 1"), "{label}");

        // Both right: both written, the list is empty for the village.
        let r = post(json!([
            {"child": none.to_string(), "personal_id": "011 319 000 900"},
            {"child": wrong.to_string(), "personal_id": "011319000777"},
        ]))
        .await
        .unwrap();
        assert_eq!(r.status(), 200, "{label}");
        assert_eq!(r.json::<Value>().await.unwrap()["changed"], 2, "{label}");
        assert!(cleanup(&app, &police, "SP01").await.is_empty(), "{label}");
        let c = app.db.child(&o, none).await.unwrap();
        assert_eq!(
            c.data.personal_id.as_ref().map(|p| p.as_str()),
            Some("011319000900"),
            "{label}"
        );
        // The register's history keeps the version before.
        assert_eq!(
            app.db.child_history(&o, none).await.unwrap().len(),
            2,
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_export_is_keyed_by_personal_id_in_the_columns_of_the_data_file() {
    let app = spawn_app().await;
    let o = officer();
    app.db
        .create_child(&o, &full_child("Lý Thị Pà", "SP01", Some("011319000555")))
        .await
        .unwrap();
    app.db
        .create_child(&o, &full_child("Giàng Thị Mai", "SP01", None))
        .await
        .unwrap();
    let token = app.token(Role::Officer).await;
    let r = app
        .http
        .get(app.url("/api/v1/national-db/export?format=csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let mut lines = text.lines();
    let layout = treem_domain::national_db::ExportLayout::default();
    assert_eq!(lines.next().unwrap(), layout.headers().join(","));
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(row[0], "011319000555");
    assert_eq!(row[1], "Lý Thị Pà");
    assert_eq!(row[2], "01/05/2019");
    assert_eq!(row[6], "Sính Phình");
    // The child without an ID is on the clean-up list, not in the export.
    assert!(lines.next().is_none(), "{text}");

    let r = app
        .http
        .get(app.url("/api/v1/national-db/export?format=xlsx"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // The economic office or a village head do not export the register.
    let head = app.token(Role::VillageHead).await;
    let r = app
        .http
        .get(app.url("/api/v1/national-db/export"))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_pages_enter_a_self_assessment_an_injury_and_verified_ids() {
    use crate::pages::page_login;
    use treem_storage::HealthLog;
    let app = spawn_app().await;
    let o = officer();
    let mai = app
        .db
        .create_child(&o, &full_child("Giàng Thị Mai", "SP01", None))
        .await
        .unwrap()
        .id;

    // The self-assessment page: a score above the maximum names the criterion, 422.
    let page = page_login(&app, "officer", "password-officer").await;
    let html = page
        .get(&app, "/self-assessment?year=2026")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Tiêu chí 13."), "{html}");
    assert!(html.contains("chưa kiểm chứng"));
    let csrf = page.csrf.clone();
    let mut form: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf.clone()),
        ("year".into(), "2026".into()),
        ("date".into(), "15/11/2026".into()),
    ];
    for n in 1..=13 {
        let score = match n {
            6 => "130",
            7 => "50",
            _ => "60",
        };
        form.push((format!("score_{n}"), score.into()));
        form.push((format!("evidence_{n}"), "biên bản".into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = page.post(&app, "/self-assessment", &pairs).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("tiêu chí 6") && html.contains("vượt điểm tối đa 125"),
        "{html}"
    );
    // 60 × 11 + 125 + 50 = 835: saved, «Đạt».
    let fixed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "score_6" {
                (*k, "125")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let r = page.post(&app, "/self-assessment", &fixed).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let html = page
        .get(&app, "/self-assessment?year=2026")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đạt: 835 điểm, ngưỡng 800"), "{html}");

    // The clean-up page: the ID typed in the list, refused whole when one row is wrong.
    let html = page.get(&app, "/national-db").await.text().await.unwrap();
    assert!(html.contains("Giàng Thị Mai") && html.contains("chưa có mã định danh"));
    let field = format!("id_{mai}");
    let r = page
        .post(
            &app,
            "/national-db",
            &[("_csrf", &csrf), (&field, "011219000123")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("dòng 1"));
    let r = page
        .post(
            &app,
            "/national-db",
            &[("_csrf", &csrf), (&field, "011319000123")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let c = app.db.child(&o, mai).await.unwrap();
    assert_eq!(c.data.personal_id.unwrap().as_str(), "011319000123");

    // The health station's page: an injury by the child's number; a date ahead refused.
    let health = page_login(&app, "health", "password-health").await;
    let id = mai.to_string();
    let injury = |date: &'static str| {
        vec![
            ("_csrf", health.csrf.clone()),
            ("event", "injury".to_string()),
            ("child_id", id.clone()),
            ("date", date.to_string()),
            ("injury_kind", "fall".to_string()),
            ("severity", "minor".to_string()),
            ("outcome", "recovered".to_string()),
        ]
    };
    let r = send(&app, &health, injury("31/12/2026")).await;
    assert_eq!(r.status(), 422);
    let r = send(&app, &health, injury("15/03/2026")).await;
    assert_eq!(r.status(), 303);
    let events = app
        .db
        .health_events(&o, &["injury"], Some(mai), None, None)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    // HIV counts that do not add up: refused.
    let r = send(
        &app,
        &health,
        vec![
            ("_csrf", health.csrf.clone()),
            ("event", "hiv".into()),
            ("period_start", "01/01/2026".into()),
            ("period_end", "30/06/2026".into()),
            ("followed", "2".into()),
            ("infected", "3".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
}

async fn send(
    app: &TestApp,
    page: &crate::pages::Page,
    f: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let p: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
    page.post(app, "/health/events", &p).await
}

#[tokio::test]
async fn the_demo_has_a_self_assessment_and_children_to_clean_up() {
    use treem_storage::{NationalDb, SelfAssessments};
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "demo",
            "--db",
            &url,
            "--no-serve",
            "--children",
            "600",
            "--seed",
            "7",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = treem_storage::Db::open(&url).await.unwrap();
    let o = officer();
    let year = treem_domain::plan::Plan::from_toml(treem_web::figures::SEED_PLAN)
        .unwrap()
        .year;
    let entries = db.self_assessments(&o, year).await.unwrap();
    if today() >= jiff::civil::date(year, 1, 1) {
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].met, Some(true));
    }
    let list = db.cleanup_list(&o, None).await.unwrap();
    let gaps: Vec<String> = list
        .iter()
        .flat_map(|(_, g)| g.iter().map(|x| x.label_vi()))
        .collect();
    assert!(gaps.iter().any(|g| g == "chưa có mã định danh"), "{gaps:?}");
    assert!(
        gaps.iter().any(|g| g.starts_with("mã định danh sai")),
        "{gaps:?}"
    );
}

#[tokio::test]
async fn the_police_answers_come_back_in_the_lists_workbook_all_or_nothing() {
    use crate::pages::page_login;
    let app = spawn_app().await;
    let o = officer();
    let a = app
        .db
        .create_child(&o, &full_child("Giàng Thị Mai", "SP01", None))
        .await
        .unwrap()
        .id;
    let b = app
        .db
        .create_child(&o, &full_child("Vàng Thị Dế", "SP02", None))
        .await
        .unwrap()
        .id;
    let page = page_login(&app, "police", "password-police").await;
    let r = page.get(&app, "/national-db/list.xlsx").await;
    assert_eq!(r.status(), 200);
    let list = r.bytes().await.unwrap();
    assert!(list.starts_with(b"PK"));
    // The police fill the last column (the list's layout, read by its headers).
    let workbook = |rows: &[(i64, &str)]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (i, h) in treem_domain::national_db::LIST_COLUMNS.iter().enumerate() {
            ws.write_string(0, i as u16, *h).unwrap();
        }
        for (r, (id, pid)) in rows.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, id.to_string()).unwrap();
            ws.write_string(r as u32 + 1, 6, *pid).unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", page.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("tra-loi.xlsx"),
            );
        page.http
            .post(app.url("/national-db/upload"))
            .header("cookie", &page.cookie)
            .multipart(form)
            .send()
    };
    // Row 2's ID is a boy's: nothing written, the row named.
    let r = upload(workbook(&[(a, "011319000901"), (b, "011219000902")]))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("dòng 2"));
    assert_eq!(app.db.child(&o, a).await.unwrap().data.personal_id, None);
    let r = upload(workbook(&[(a, "011319000901"), (b, "011319000902")]))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    for (id, pid) in [(a, "011319000901"), (b, "011319000902")] {
        let c = app.db.child(&o, id).await.unwrap();
        assert_eq!(c.data.personal_id.unwrap().as_str(), pid);
    }
}
