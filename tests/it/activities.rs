//! Issue 17, items 2–5: the plan's work as records. Targets 27–29 are counted from the
//! register children linked to forums (and 26 from the directory's play places), checked
//! against hand counts; counts that do not add up are refused with nothing written; a village
//! head records events of their own village only; a resend stores once.
use crate::helpers::*;
use serde_json::{json, Value};
use treem_domain::role::Role;
use treem_storage::Register;

async fn kid(app: &TestApp, name: &str, village: &str, born: (i16, i8, i8)) -> i64 {
    let mut c = child(name, village);
    c.date_of_birth = Some(jiff::civil::date(born.0, born.1, born.2));
    app.db.create_child(&officer(), &c).await.unwrap().id
}

async fn village_id(app: &TestApp, code: &str) -> i64 {
    app.db
        .villages(&officer())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.code == code)
        .unwrap()
        .id
}

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    key: Option<&str>,
) -> (u16, Value) {
    let mut r = app
        .http
        .post(app.url(&format!("/api/v1/activities/{path}")))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// (numerator, denominator, value) of a target today.
async fn target(app: &TestApp, token: &str, n: u64) -> (Option<f64>, Option<f64>, Option<f64>) {
    let (status, v) = get(app, token, &format!("plans/2026/targets?as_of={}", today())).await;
    assert_eq!(status, 200, "{v}");
    let t = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == n)
        .unwrap()
        .clone();
    (
        t["numerator"].as_f64(),
        t["denominator"].as_f64(),
        t["figure"].as_f64(),
    )
}

fn yesterday() -> String {
    today().yesterday().unwrap().to_string()
}

#[tokio::test]
async fn targets_26_to_29_are_computed_from_forums_and_the_directory_as_counted_by_hand() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        // Ages on 2026-12-06: 5, 8, 12, 13, 10.
        let _a = kid(&app, "Giàng Thị A", "SP01", (2021, 1, 1)).await;
        let b = kid(&app, "Giàng Thị B", "SP01", (2018, 3, 1)).await;
        let c = kid(&app, "Vàng Thị C", "SP02", (2014, 5, 1)).await;
        let d = kid(&app, "Vàng Thị D", "SP02", (2013, 2, 1)).await;
        let _e = kid(&app, "Lý Thị E", "SP01", (2016, 1, 1)).await;
        assert_eq!(
            target(&app, &token, 27).await,
            (Some(0.0), Some(4.0), Some(0.0)),
            "{label}"
        );

        let forum = |form: &str, children: Vec<i64>| {
            json!({"date": yesterday(), "title": "Trẻ em nói về an toàn", "form": form,
                   "level": "commune", "children": children,
                   "recommendations": [{"text": "Làm sân chơi", "answer": "considering", "agency": "UBND xã"}]})
        };
        assert_eq!(
            post(&app, &token, "forum", forum("consultation", vec![b]), None)
                .await
                .0,
            201,
            "{label}"
        );
        assert_eq!(
            post(&app, &token, "forum", forum("forum", vec![c]), None)
                .await
                .0,
            201,
            "{label}"
        );
        // The office (V.4) records forums too.
        let office = app.token(Role::Office).await;
        assert_eq!(
            post(&app, &office, "forum", forum("club", vec![d, b]), None)
                .await
                .0,
            201,
            "{label}"
        );

        // 27 (7+, forum or consultation): b, c of b, c, d, e.
        assert_eq!(
            target(&app, &token, 27).await,
            (Some(2.0), Some(4.0), Some(50.0)),
            "{label}"
        );
        // 28 (every child, every form): b, c, d of 5.
        assert_eq!(
            target(&app, &token, 28).await,
            (Some(3.0), Some(5.0), Some(60.0)),
            "{label}"
        );
        // 29 (11+, forum or club): c, d of c, d.
        assert_eq!(
            target(&app, &token, 29).await,
            (Some(2.0), Some(2.0), Some(100.0)),
            "{label}"
        );

        // 26: one village of the two has a play place.
        let sp01 = village_id(&app, "SP01").await;
        let (s, v) = post(&app, &token, "directory", json!({"category": "play_place", "name": "Nhà văn hóa thôn", "village_id": sp01.to_string()}), None).await;
        assert_eq!(s, 201, "{label}: {v}");
        assert_eq!(
            target(&app, &token, 26).await,
            (Some(1.0), Some(2.0), Some(50.0)),
            "{label}"
        );

        // The forum's page lists its children from the register, with the recommendation.
        let (s, list) = get(&app, &token, "activities/forum").await;
        assert_eq!(s, 200, "{label}");
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "{label}");
        let club = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["form"] == "club")
            .unwrap();
        let (s, one) = get(&app, &token, &format!("activities/forum/{}", club["id"])).await;
        assert_eq!(s, 200, "{label}");
        assert_eq!(one["participants"].as_array().unwrap().len(), 2, "{label}");
        assert_eq!(
            one["recommendations"][0]["answer"], "considering",
            "{label}"
        );
    }
}

#[tokio::test]
async fn counts_that_do_not_add_up_and_unknown_children_are_refused_with_nothing_written() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Services).await;
        let body = json!({"date": "2026-06-01", "title": "Phòng chống đuối nước", "channel": "village_meeting",
                          "occasion": "month_of_action", "girls": 3, "boys": 4, "total": 8});
        let (s, v) = post(&app, &token, "event", body.clone(), None).await;
        assert_eq!(s, 422, "{label}");
        let text = v.to_string();
        assert!(
            text.contains("total") && text.contains("tổng số trẻ em (8)"),
            "{label}: {text}"
        );
        // A date in the future, outside June for the Month of Action, a negative count.
        for (field, value) in [
            ("date", json!("2026-12-31")),
            ("date", json!("2026-07-02")),
            ("girls", json!(-1)),
        ] {
            let mut b = body.clone();
            b["total"] = json!(7);
            b[field] = value;
            let (s, v) = post(&app, &token, "event", b, None).await;
            assert_eq!(s, 422, "{label}: {field}");
            assert!(v.to_string().contains(field), "{label}: {v}");
        }
        // A forum naming a child the register does not have: nothing of it is written.
        let officer = app.token(Role::Officer).await;
        let real = kid(&app, "Giàng Thị A", "SP01", (2014, 1, 1)).await;
        let (s, v) = post(&app, &officer, "forum", json!({"date": "2026-05-20", "title": "Diễn đàn", "form": "forum", "level": "commune", "children": [real, 999999]}), None).await;
        assert_eq!(s, 422, "{label}: {v}");
        assert!(v.to_string().contains("999999"), "{label}: {v}");
        for kind in ["event", "forum"] {
            let (s, list) = get(&app, &officer, &format!("activities/{kind}")).await;
            assert_eq!(s, 200, "{label}");
            assert_eq!(
                list["items"].as_array().unwrap().len(),
                0,
                "{label}: {kind}"
            );
        }
        // The same event, counts right: stored once under one key.
        let mut b = body.clone();
        b["total"] = json!(7);
        assert_eq!(
            post(&app, &token, "event", b.clone(), Some("event-key-0001"))
                .await
                .0,
            201,
            "{label}"
        );
        let (s, v) = post(&app, &token, "event", b, Some("event-key-0001")).await;
        assert_eq!(
            (s, v["already_saved"].clone()),
            (200, json!(true)),
            "{label}"
        );
        let (_, list) = get(&app, &officer, "activities/event").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{label}");
    }
}

#[tokio::test]
async fn a_village_head_records_and_sees_events_of_their_own_village_only() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let head = app.token(Role::VillageHead).await;
        let officer = app.token(Role::Officer).await;
        let sp01 = village_id(&app, "SP01").await;
        let sp02 = village_id(&app, "SP02").await;
        let event = |village: Option<i64>| {
            let mut b = json!({"date": "2026-09-25", "title": "Vui Tết Trung thu", "channel": "village_meeting",
                               "occasion": "mid_autumn", "girls": 10, "boys": 12, "total": 22, "adults": 30});
            if let Some(v) = village {
                b["village_id"] = json!(v);
            }
            b
        };
        let (s, v) = post(&app, &head, "event", event(Some(sp02)), None).await;
        assert_eq!(s, 422, "{label}: {v}");
        assert!(v.to_string().contains("village_id"), "{label}: {v}");
        let (s, _) = post(&app, &head, "event", event(None), None).await;
        assert_eq!(s, 201, "{label}");
        assert_eq!(
            post(&app, &officer, "event", event(Some(sp02)), None)
                .await
                .0,
            201,
            "{label}"
        );
        let (_, mine) = get(&app, &head, "activities/event").await;
        let items = mine["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{label}");
        assert_eq!(items[0]["village_id"], json!(sp01), "{label}");
        let (_, all) = get(&app, &officer, "activities/event").await;
        assert_eq!(all["items"].as_array().unwrap().len(), 2, "{label}");
        let other = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["village_id"] == json!(sp02))
            .unwrap();
        assert_eq!(
            get(&app, &head, &format!("activities/event/{}", other["id"]))
                .await
                .0,
            404,
            "{label}"
        );
        // A village head records no forum, reads no forum; the services centre reads no
        // forum (children named); the leader reads but records nothing.
        assert_eq!(
            post(
                &app,
                &head,
                "forum",
                json!({"date": "2026-05-20", "title": "x", "form": "forum", "level": "village"}),
                None
            )
            .await
            .0,
            403,
            "{label}"
        );
        assert_eq!(get(&app, &head, "activities/forum").await.0, 403, "{label}");
        let services = app.token(Role::Services).await;
        assert_eq!(
            get(&app, &services, "activities/forum").await.0,
            403,
            "{label}"
        );
        let leader = app.token(Role::Leader).await;
        assert_eq!(
            get(&app, &leader, "activities/forum").await.0,
            200,
            "{label}"
        );
        assert_eq!(
            post(&app, &leader, "event", event(None), None).await.0,
            403,
            "{label}"
        );
        // The API document names the paths.
        let (_, doc) = get(&app, &officer, "openapi.json").await;
        assert!(
            doc["paths"]["/activities/{kind}"]["post"].is_object(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_pages_record_an_event_refuse_counts_that_do_not_add_up_and_export_the_list() {
    use crate::pages::page_login;
    let app = spawn_app().await;
    let page = page_login(&app, "village_head", "password-village_head").await;
    let home = page.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("href=\"/activities\""), "menu «Hoạt động»");
    let html = page
        .get(&app, "/activities/event/new")
        .await
        .text()
        .await
        .unwrap();
    let submission = {
        let i = html.find("name=\"submission\" value=\"").unwrap() + 25;
        html[i..i + html[i..].find('"').unwrap()].to_string()
    };
    let mut form = vec![
        ("_csrf", page.csrf.clone()),
        ("submission", submission),
        ("date", "01/06/2026".to_string()),
        ("title", "Phòng chống đuối nước".to_string()),
        ("channel", "loudspeaker".to_string()),
        ("occasion", "childrens_day".to_string()),
        ("girls", "5".to_string()),
        ("boys", "6".to_string()),
        ("total", "12".to_string()),
    ];
    let refs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let r = send(&page, &app, refs(&form)).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("tổng số trẻ em (12) phải bằng số em gái (5) cộng số em trai (6)"),
        "{html}"
    );
    form[8].1 = "11".into();
    for _ in 0..2 {
        let r = send(&page, &app, refs(&form)).await;
        assert_eq!(r.status(), 303);
    }
    let html = page
        .get(&app, "/activities/event")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        html.matches("Phòng chống đuối nước</a>").count(),
        1,
        "{html}"
    );
    assert!(
        html.contains("Sính Phình"),
        "the village head's village: {html}"
    );
    let r = page.get(&app, "/activities/event/xlsx").await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX (zip) file");
    // A village head has no forum form.
    assert_eq!(page.get(&app, "/activities/forum/new").await.status(), 403);
}

async fn send(
    page: &crate::pages::Page,
    app: &TestApp,
    f: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    page.post(app, "/activities/event", &refs).await
}
