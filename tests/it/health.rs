//! The health station's pages: a weighing day for one village, z-scores stored, the chart.
use crate::helpers::*;
use crate::pages::page_login;
use treem_domain::role::Role;
use treem_storage::{HealthLog, Register};

/// Where a response redirects to.
fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

/// The value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn measurements(app: &TestApp, child: Option<i64>) -> Vec<treem_storage::HealthEvent> {
    app.db
        .health_events(
            &actor(Role::Health, None),
            &["measurement"],
            child,
            None,
            None,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_weighing_day_stores_who_z_scores_and_draws_the_chart() {
    let app = spawn_app().await;
    let o = officer();
    let mut a = child("Giàng A Páo", "SP01");
    a.sex = treem_domain::register::Sex::Male;
    a.date_of_birth = Some(today().checked_sub(jiff::Span::new().days(365)).unwrap());
    let a = app.db.create_child(&o, &a).await.unwrap().id;
    let mut b = child("Sùng Thị Sua", "SP01");
    b.date_of_birth = Some(today().checked_sub(jiff::Span::new().years(3)).unwrap());
    let b = app.db.create_child(&o, &b).await.unwrap().id;
    // Too old to be weighed, and another village: not on the list.
    let mut older = child("Vàng A Chứ", "SP01");
    older.date_of_birth = Some(jiff::civil::date(2015, 1, 1));
    app.db.create_child(&o, &older).await.unwrap();
    let p = page_login(&app, "health", "password-health").await;
    let html = p
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Giàng A Páo")
            && html.contains("Sùng Thị Sua")
            && !html.contains("Vàng A Chứ")
    );
    let (wa, la, wb) = (format!("w_{a}"), format!("l_{a}"), format!("w_{b}"));
    // A typo is reported by the row, nothing saved.
    let r = p
        .post(
            &app,
            "/health/weighing",
            &[
                ("_csrf", &p.csrf),
                ("village", "SP01"),
                (&wa, "6,0"),
                (&wb, "mười"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("phải là số"));
    assert!(app
        .db
        .health_events(
            &actor(Role::Health, None),
            &["measurement"],
            None,
            None,
            None
        )
        .await
        .unwrap()
        .is_empty());
    // WHO's test vector: a boy of 365 days weighing 6.0 kg has a restricted z of −4.14.
    let r = p
        .post(
            &app,
            "/health/weighing",
            &[
                ("_csrf", &p.csrf),
                ("village", "SP01"),
                (&wa, "6,0"),
                (&la, "70"),
                (&wb, "13,2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "a save redirects to an empty form");
    let html = p.get(&app, &location(&r)).await.text().await.unwrap();
    assert!(html.contains("Đã lưu 2 lần cân/đo"), "{html}");
    assert!(
        html.contains("Cân nặng theo tuổi: −4,14"),
        "z shown under its indicator's name, with a decimal comma and a minus sign"
    );
    let saved = app
        .db
        .health_events(
            &actor(Role::Health, None),
            &["measurement"],
            Some(a),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    assert!((saved[0].data["z_wfa"].as_f64().unwrap() + 4.14).abs() < 0.006);
    let child_page = p
        .get(&app, &format!("/children/{a}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(child_page.contains("Cân nặng theo tuổi") && child_page.contains("<circle"));
    // Others may not weigh.
    for role in [Role::VillageHead, Role::Police, Role::Province] {
        let q = page_login(&app, role.as_str(), &format!("password-{role}")).await;
        assert_eq!(
            q.get(&app, "/health/weighing?village=SP01").await.status(),
            403,
            "{role}"
        );
        let page = q.get(&app, &format!("/children/{a}")).await;
        if page.status() == 200 {
            assert!(
                !page.text().await.unwrap().contains("Cân nặng theo tuổi"),
                "{role} sees no growth chart"
            );
        }
    }
}

#[tokio::test]
async fn lists_of_due_vaccinations_and_children_to_watch() {
    let app = spawn_app().await;
    let o = officer();
    let mut baby = child("Sùng A Nhỏ", "SP01");
    baby.date_of_birth = Some(today().checked_sub(jiff::Span::new().days(100)).unwrap());
    baby.caregivers = vec![treem_domain::register::Caregiver {
        relationship: "mẹ".into(),
        full_name: "Sùng Thị Máy".into(),
        phone: Some("0912345678".into()),
    }];
    let baby = app.db.create_child(&o, &baby).await.unwrap().id;
    let mut other = child("Lò Văn Khác", "SP02");
    other.date_of_birth = Some(today().checked_sub(jiff::Span::new().days(100)).unwrap());
    app.db.create_child(&o, &other).await.unwrap();
    // BCG given; everything else of the first months is due or overdue.
    let health = actor(Role::Health, None);
    app.db
        .add_health_events(
            &health,
            &typed_events(&[(
                "vaccination".into(),
                Some(baby),
                today().checked_sub(jiff::Span::new().days(99)).unwrap(),
                serde_json::json!({"vaccine": "BCG", "dose": 1}),
            )]),
        )
        .await
        .unwrap();
    let h = page_login(&app, "health", "password-health").await;
    let html = h
        .get(&app, "/health/lists?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Sùng A Nhỏ")
            && html.contains("Bại liệt uống (OPV) mũi 1")
            && !html.contains("Lao (BCG) mũi 1"),
        "{html}"
    );
    assert!(html.contains("Sùng Thị Máy") && html.contains("quá hạn"));
    assert!(html.contains("chưa cân đo"), "the unweighed list");
    // The village head prints the due list of their own village, and sees nothing else.
    let v = page_login(&app, "village_head", "password-village_head").await;
    let html = v
        .get(&app, "/health/lists?village=SP02")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("Lò Văn Khác"),
        "another village's children stay hidden"
    );
    let html = v.get(&app, "/health/lists").await.text().await.unwrap();
    assert!(
        html.contains("Sùng A Nhỏ") && !html.contains("id=\"unmeasured\""),
        "due list only"
    );
    for role in [Role::Police, Role::Province, Role::Admin] {
        let p = page_login(&app, role.as_str(), &format!("password-{role}")).await;
        assert_eq!(
            p.get(&app, "/health/lists?village=SP01").await.status(),
            403,
            "{role}"
        );
    }
}

/// Opening a list reads the records of its children (their caregivers) in one read and writes
/// ONE audit entry for the list — who opened which list, how many children — not one per
/// child (a village's list was 72 entries on the audit page).
#[tokio::test]
async fn opening_a_health_list_writes_one_audit_entry_for_the_list() {
    use treem_storage::{AuditFilter, AuditLog};
    let app = spawn_app().await;
    let o = officer();
    for name in ["Sùng A Một", "Sùng A Hai", "Sùng A Ba"] {
        let mut baby = child(name, "SP01");
        baby.date_of_birth = Some(today().checked_sub(jiff::Span::new().days(100)).unwrap());
        baby.caregivers = vec![treem_domain::register::Caregiver {
            relationship: "mẹ".into(),
            full_name: format!("Mẹ của {name}"),
            phone: None,
        }];
        app.db.create_child(&o, &baby).await.unwrap();
    }
    let h = page_login(&app, "health", "password-health").await;
    let last_seq = || async {
        let all = app
            .db
            .audit_entries(&o, &AuditFilter::default())
            .await
            .unwrap();
        all.iter().map(|e| e.seq).max().unwrap_or(0)
    };
    let before = last_seq().await;
    let html = h
        .get(&app, "/health/lists?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Mẹ của Sùng A Một") && html.contains("Mẹ của Sùng A Ba"),
        "the caregivers on the due list: {html}"
    );
    let new: Vec<_> = app
        .db
        .audit_entries(&o, &AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.seq > before)
        .collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(
        (new[0].actor.as_str(), new[0].action.as_str()),
        ("health", "read")
    );
    assert!(
        new[0].detail.contains("SP01") && new[0].detail.contains("3 trẻ"),
        "{:?}",
        new[0]
    );
}

#[tokio::test]
async fn health_records_over_the_api() {
    use serde_json::{json, Value};
    let app = spawn_app().await;
    let token = app.token(Role::Health).await;
    let birth = json!({
        "child": {"full_name": "Giàng A Mới", "sex": "male", "date_of_birth": today().to_string(), "village": "SP01", "ethnicity": "H'Mông"},
        "birth": {"time": "04:30", "weight_g": 2900, "place": "health_station", "live": true}
    });
    let r = app
        .http
        .post(app.url("/api/v1/health/births"))
        .bearer_auth(&token)
        .json(&birth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // The child is in the register, with the birth in the same step.
    let c: Value = app
        .http
        .get(app.url(&format!("/api/v1/children/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(c["full_name"], "Giàng A Mới");
    // A bad birth weight is refused by field and nothing enters the register.
    let mut bad = birth.clone();
    bad["child"]["full_name"] = json!("Giàng A Khác");
    bad["birth"]["weight_g"] = json!(90000);
    let r = app
        .http
        .post(app.url("/api/v1/health/births"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let all: Value = app
        .http
        .get(app.url("/api/v1/children?q=giang%20a%20khac"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 0);
    // A vaccination of the schedule, then one not in it.
    let ok = json!({"kind": "vaccination", "child_id": id, "date": today().to_string(), "vaccine": "BCG", "dose": 1});
    assert_eq!(
        app.http
            .post(app.url("/api/v1/health/events"))
            .bearer_auth(&token)
            .json(&ok)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let wrong = json!({"kind": "vaccination", "child_id": id, "date": today().to_string(), "vaccine": "XYZ", "dose": 1});
    let r = app
        .http
        .post(app.url("/api/v1/health/events"))
        .bearer_auth(&token)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let m = json!({"kind": "measurement", "child_id": id, "date": today().to_string(), "weight_kg": 2.9, "length_cm": 49.5, "measure": "lying"});
    let r = app
        .http
        .post(app.url("/api/v1/health/events"))
        .bearer_auth(&token)
        .json(&m)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["event"]["z_wfa"].as_f64().is_some(),
        "z-scores computed: {e}"
    );
    let h: Value = app
        .http
        .get(app.url(&format!("/api/v1/children/{id}/health")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["birth", "vaccination", "measurement"]);
    // The police neither write health records nor read them.
    let police = app.token(Role::Police).await;
    assert_eq!(
        app.http
            .post(app.url("/api/v1/health/events"))
            .bearer_auth(&police)
            .json(&ok)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.http
            .get(app.url(&format!("/api/v1/children/{id}/health")))
            .bearer_auth(&police)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn vaccinations_injuries_and_deaths_from_the_child_page() {
    let app = spawn_app().await;
    let mut c = child("Giàng A Páo", "SP01");
    c.date_of_birth = Some(jiff::civil::date(2025, 1, 10));
    let id = app.db.create_child(&officer(), &c).await.unwrap().id;
    let p = page_login(&app, "health", "password-health").await;
    let html = p
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ghi sự kiện y tế") && html.contains("DPT_VGB_HIB"));
    let path = format!("/children/{id}/health");
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("event", "vaccination"),
                ("vaccine", "OPV"),
                ("dose", "1"),
                ("date", "10/03/2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    // BCG has one dose only: a second is refused with a message.
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("event", "vaccination"),
                ("vaccine", "BCG"),
                ("dose", "2"),
                ("date", "10/03/2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("event", "injury"),
                ("injury_kind", "burn"),
                ("severity", "minor"),
                ("outcome", "recovered"),
                ("place", "bếp"),
                ("date", "01/06/2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A death before the birth is refused.
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("event", "death"),
                ("cause", "illness"),
                ("date", "01/01/2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let events = app
        .db
        .health_events(
            &actor(Role::Health, None),
            &["vaccination", "injury", "death"],
            Some(id),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["vaccination", "injury"]
    );
    assert_eq!(events[1].data["kind"], "burn");
    // A recorded death closes the child's entry in the register.
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("event", "death"),
                ("cause", "illness"),
                ("date", "02/06/2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.db.child(&officer(), id).await.unwrap().data.died_on,
        Some(jiff::civil::date(2026, 6, 2))
    );
    // Not for the leader (reads, does not record) nor without the form's token.
    let l = page_login(&app, "leader", "password-leader").await;
    assert!(!l
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap()
        .contains("Ghi sự kiện y tế"));
    assert_eq!(
        l.post(
            &app,
            &path,
            &[
                ("_csrf", &l.csrf),
                ("event", "death"),
                ("cause", "illness"),
                ("date", "01/06/2026")
            ]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        p.post(
            &app,
            &path,
            &[
                ("event", "death"),
                ("cause", "illness"),
                ("date", "01/06/2026")
            ]
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn a_birth_entered_on_the_page_puts_the_child_in_the_register() {
    let app = spawn_app().await;
    let p = page_login(&app, "health", "password-health").await;
    assert!(p
        .get(&app, "/health/births")
        .await
        .text()
        .await
        .unwrap()
        .contains("Khai báo sinh"));
    let d = crate::i18n_date(today());
    let r = p
        .post(
            &app,
            "/health/births",
            &[
                ("_csrf", &p.csrf),
                ("full_name", "Mùa A Sinh"),
                ("sex", "male"),
                ("date_of_birth", &d),
                ("weight_g", "90000"),
                ("village", "SP01"),
                ("mother", "Mùa Thị Dở"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "birth weight out of range");
    let r = p
        .post(
            &app,
            "/health/births",
            &[
                ("_csrf", &p.csrf),
                ("full_name", "Mùa A Sinh"),
                ("sex", "male"),
                ("date_of_birth", &d),
                ("time", "05:10"),
                ("weight_g", "3100"),
                ("place", "home"),
                ("village", "SP01"),
                ("ethnicity", "H'Mông"),
                ("mother", "Mùa Thị Dở"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let found = app
        .db
        .search_children(
            &officer(),
            &treem_storage::ChildQuery {
                q: Some("mua a sinh".into()),
                page: 1,
                per_page: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    let births = app
        .db
        .health_events(
            &actor(Role::Health, None),
            &["birth"],
            Some(found.items[0].id),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(births[0].data["weight_g"], 3100);
    let v = page_login(&app, "village_head", "password-village_head").await;
    assert_eq!(v.get(&app, "/health/births").await.status(), 403);
}

/// Three children of SP01 under 5 (born a year, two years and three years ago).
async fn three_to_weigh(app: &TestApp) -> [i64; 3] {
    let o = officer();
    let mut ids = [0; 3];
    for (i, name) in ["Giàng A Một", "Sùng Thị Hai", "Vàng A Ba"]
        .iter()
        .enumerate()
    {
        let mut c = child(name, "SP01");
        c.date_of_birth = Some(
            today()
                .checked_sub(jiff::Span::new().days(365 * (i as i64 + 1)))
                .unwrap(),
        );
        ids[i] = app.db.create_child(&o, &c).await.unwrap().id;
    }
    ids
}

#[tokio::test]
async fn a_weighing_form_sent_twice_stores_it_once() {
    let app = spawn_app().await;
    let [a, b, _] = three_to_weigh(&app).await;
    let p = page_login(&app, "health", "password-health").await;
    let form = p
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    let sub = hidden(&form, "submission");
    assert!(sub.len() >= 16, "a submission id comes with the form");
    let (wa, wb) = (format!("w_{a}"), format!("w_{b}"));
    let fields = [
        ("_csrf", p.csrf.as_str()),
        ("village", "SP01"),
        ("submission", sub.as_str()),
        (wa.as_str(), "9,5"),
        (wb.as_str(), "11,2"),
    ];
    let first = p.post(&app, "/health/weighing", &fields).await;
    assert_eq!(first.status(), 303);
    let after = p.get(&app, &location(&first)).await.text().await.unwrap();
    assert!(
        after.contains("Đã lưu 2 lần cân/đo: Sùng Thị Hai, Giàng A Một."),
        "{after}"
    );
    assert!(
        after.contains(&format!("id=\"{wa}\" name=\"{wa}\" value=\"\"")),
        "the boxes come back empty"
    );
    assert_ne!(hidden(&after, "submission"), sub, "a new form, a new id");
    // The back button, a double click or a retry sends the same form again.
    let again = p.post(&app, "/health/weighing", &fields).await;
    assert_eq!(again.status(), 303);
    let html = p.get(&app, &location(&again)).await.text().await.unwrap();
    assert!(html.contains("Lần gửi này đã được lưu lúc"), "{html}");
    assert_eq!(measurements(&app, Some(a)).await.len(), 1);
    assert_eq!(measurements(&app, Some(b)).await.len(), 1);
    // The same values typed again on a new form: the user is told, no copy is stored.
    let fresh = hidden(&after, "submission");
    let copy = p
        .post(
            &app,
            "/health/weighing",
            &[
                ("_csrf", p.csrf.as_str()),
                ("village", "SP01"),
                ("submission", fresh.as_str()),
                (wa.as_str(), "9,5"),
            ],
        )
        .await;
    assert_eq!(copy.status(), 303);
    let html = p.get(&app, &location(&copy)).await.text().await.unwrap();
    assert!(
        html.contains("giống hệt") && html.contains("Giàng A Một"),
        "{html}"
    );
    assert_eq!(measurements(&app, Some(a)).await.len(), 1);
}

#[tokio::test]
async fn one_bad_value_stores_nothing_and_every_problem_is_listed_at_the_top() {
    let app = spawn_app().await;
    let [a, b, c] = three_to_weigh(&app).await;
    let p = page_login(&app, "health", "password-health").await;
    let form = p
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    let sub = hidden(&form, "submission");
    let (wa, wb, wc, lc) = (
        format!("w_{a}"),
        format!("w_{b}"),
        format!("w_{c}"),
        format!("l_{c}"),
    );
    let mut fields = [
        ("_csrf", p.csrf.clone()),
        ("village", "SP01".to_string()),
        ("submission", sub.clone()),
        (wa.as_str(), "9,5".to_string()),
        (wb.as_str(), "118".to_string()),
        (wc.as_str(), "14".to_string()),
        (lc.as_str(), "chín mươi".to_string()),
    ];
    let r = p
        .post(
            &app,
            "/health/weighing",
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        measurements(&app, None).await.is_empty(),
        "nothing half-written"
    );
    // The summary comes before the table and names each row's problem, linked to its input.
    let summary = html
        .find("id=\"problems\"")
        .expect("a summary of the problems");
    assert!(summary < html.find("<table").unwrap());
    let top = &html[summary..html.find("<table").unwrap()];
    assert!(
        top.contains(&format!("href=\"#{wb}\""))
            && top.contains("Sùng Thị Hai — Cân nặng (kg) phải từ 0,5 đến 40 (đã nhập 118)"),
        "{top}"
    );
    assert!(top.contains("0,5 đến 40"), "{top}");
    assert!(
        top.contains(&format!("href=\"#{lc}\""))
            && top.contains("Vàng A Ba — Chiều dài/cao (cm): «chín mươi» không phải là số"),
        "{top}"
    );
    assert!(!top.contains("Giàng A Một"), "a good row is no problem");
    // Every value kept; no row shows a result as if saved.
    for (k, v) in [(&wa, "9,5"), (&wb, "118"), (&wc, "14")] {
        assert!(html.contains(&format!("name=\"{k}\" value=\"{v}\"")), "{k}");
    }
    assert!(!html.contains("CN/T"), "no z-score for an unsaved row");
    for class in ["st-met", "st-risk", "st-notmet"] {
        assert!(
            !html.contains(class),
            "{class}: no status colour before saving"
        );
    }
    assert!(html.contains("chưa lưu"));
    assert_eq!(
        hidden(&html, "submission"),
        sub,
        "the same form, the same id"
    );
    // Corrected and sent again: all three saved, once.
    fields[4].1 = "11,8".into();
    fields[6].1 = "90".into();
    let r = p
        .post(
            &app,
            "/health/weighing",
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(measurements(&app, None).await.len(), 3);
}

#[tokio::test]
async fn the_page_warns_with_the_same_limits_the_server_applies() {
    let app = spawn_app().await;
    let [a, _, _] = three_to_weigh(&app).await;
    let p = page_login(&app, "health", "password-health").await;
    let html = p
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    let (wl, wh) = treem_domain::health::WEIGHT_KG;
    let (ll, lh) = treem_domain::health::LENGTH_CM;
    assert!(
        html.contains(&format!(
            "data-check=\"weight\" data-min=\"{wl}\" data-max=\"{wh}\""
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "data-check=\"length\" data-min=\"{ll}\" data-max=\"{lh}\""
    )));
    let js = app
        .http
        .get(app.url("/static/app.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        js.contains("dataset.min") && !js.contains("[1, 35]"),
        "the script reads the page's limits"
    );
    // The server: the edges are accepted, a hair beyond is refused.
    let w = format!("w_{a}");
    let l = format!("l_{a}");
    let try_save = |weight: String, length: String| {
        let (p, app, w, l) = (&p, &app, w.clone(), l.clone());
        async move {
            let form = p
                .get(app, "/health/weighing?village=SP01")
                .await
                .text()
                .await
                .unwrap();
            let sub = hidden(&form, "submission");
            p.post(
                app,
                "/health/weighing",
                &[
                    ("_csrf", p.csrf.as_str()),
                    ("village", "SP01"),
                    ("submission", sub.as_str()),
                    (w.as_str(), weight.as_str()),
                    (l.as_str(), length.as_str()),
                ],
            )
            .await
            .status()
        }
    };
    let vi = |x: f64| x.to_string().replace('.', ",");
    assert_eq!(try_save(vi(wh), vi(lh)).await, 303);
    assert_eq!(try_save(vi(wl), vi(ll)).await, 303);
    assert_eq!(try_save(vi(wh + 0.1), String::new()).await, 422);
    assert_eq!(try_save(vi(wl - 0.1), String::new()).await, 422);
    assert_eq!(try_save(String::new(), vi(lh + 0.5)).await, 422);
    assert_eq!(try_save(String::new(), vi(ll - 0.5)).await, 422);
    assert_eq!(measurements(&app, Some(a)).await.len(), 2);
}

#[tokio::test]
async fn estimated_birth_dates_are_shown_as_estimates_and_make_no_vaccine_overdue() {
    let app = spawn_app().await;
    let o = officer();
    let t = today();
    let draft = |name: &str, dob: Option<&str>, estimated: Option<&str>| {
        treem_domain::register::ChildDraft {
            full_name: Some(name.into()),
            sex: Some("female".into()),
            date_of_birth: dob.map(Into::into),
            dob_precision: estimated.map(|_| "estimated".into()),
            estimated_age: estimated.map(serde_json::Value::from),
            village: Some("SP01".into()),
            ..Default::default()
        }
        .parse(t)
        .unwrap()
    };
    // Known to the month: last month.
    let last_month = t.checked_sub(jiff::Span::new().months(1)).unwrap();
    let month_text = format!("{:02}/{}", last_month.month(), last_month.year());
    let m = app
        .db
        .create_child(&o, &draft("Lò Thị Tháng", Some(&month_text), None))
        .await
        .unwrap()
        .id;
    // A newborn estimated at 3 weeks, and one estimated at 0 years (kept as 1 July or today).
    let w = app
        .db
        .create_child(&o, &draft("Lò A Tuần", None, Some("3 tuần")))
        .await
        .unwrap()
        .id;
    let z = app
        .db
        .create_child(&o, &draft("Lò A Không", None, Some("0")))
        .await
        .unwrap()
        .id;
    let p = page_login(&app, "health", "password-health").await;
    let weighing = p
        .get(&app, "/health/weighing?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    let lists = p
        .get(&app, "/health/lists?village=SP01")
        .await
        .text()
        .await
        .unwrap();
    let first_of_month = format!("01/{month_text}");
    for html in [&weighing, &lists] {
        assert!(html.contains(&format!("khoảng {month_text}")), "{html}");
        assert!(!html.contains(&first_of_month), "no invented day: {html}");
        assert!(html.contains(&format!("khoảng năm {}", t.year())), "{html}");
        assert!(
            !html.contains(&format!("01/07/{}", t.year())),
            "an estimated age is no 1 July"
        );
    }
    assert!(
        weighing.contains("khoảng 3 tuần tuổi")
            || weighing.contains("khoảng 2 tuần tuổi")
            || weighing.contains("khoảng 4 tuần tuổi")
            || weighing.contains("khoảng 1 tuần tuổi"),
        "{weighing}"
    );
    // Due lists: the estimated children's BCG is due around a month, never overdue from an
    // invented day (the child estimated at 0 may have been born today).
    let due = &lists[lists.find("id=\"due\"").unwrap()..lists.find("id=\"low\"").unwrap()];
    for (id, name) in [(w, "Lò A Tuần"), (z, "Lò A Không")] {
        let row = &due[due.find(name).unwrap_or_else(|| panic!("{name} in {due}"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(!row.contains("quá hạn"), "{id} {name}: {row}");
        assert!(row.contains("Lao (BCG) mũi 1 (khoảng"), "{row}");
    }
    // The child page too.
    let page = p
        .get(&app, &format!("/children/{m}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("khoảng {month_text}")) && !page.contains(&first_of_month));
}

#[tokio::test]
async fn an_api_event_sent_again_with_its_idempotency_key_is_stored_once() {
    let app = spawn_app().await;
    let [a, _, _] = three_to_weigh(&app).await;
    let token = app.token(Role::Health).await;
    let body = serde_json::json!({"kind": "measurement", "child_id": a, "date": today().to_string(), "weight_kg": 9.5});
    let send = |key: &'static str| {
        app.http
            .post(app.url("/api/v1/health/events"))
            .bearer_auth(&token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = send("retry-0001-abcdef").await.unwrap();
    assert_eq!(first.status(), 201);
    let id = first.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let again = send("retry-0001-abcdef").await.unwrap();
    assert_eq!(again.status(), 200);
    let v: serde_json::Value = again.json().await.unwrap();
    assert_eq!(
        (v["already_saved"].clone(), v["id"].clone()),
        (true.into(), id)
    );
    // Another key, the same measurement: not stored again either.
    let copy = send("retry-0002-abcdef").await.unwrap();
    assert_eq!(copy.status(), 200);
    assert_eq!(
        copy.json::<serde_json::Value>().await.unwrap()["identical"],
        true
    );
    assert_eq!(measurements(&app, Some(a)).await.len(), 1);
    assert_eq!(send("bad key!").await.unwrap().status(), 422);
    // The document says so.
    let doc: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/health/events"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
}

#[tokio::test]
async fn a_submission_id_is_recorded_with_its_events_on_both_backends() {
    for (name, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let o = officer();
        let c = db
            .create_child(&o, &child("Giàng A Một", "SP01"))
            .await
            .unwrap()
            .id;
        let health = actor(Role::Health, None);
        let ev = |w: f64| {
            (
                "measurement".to_string(),
                Some(c),
                today(),
                serde_json::json!({"child_id": c, "date": today().to_string(), "weight_kg": w, "measure": "lying"}),
            )
        };
        let first = db
            .add_health_events_once(
                &health,
                "weighing",
                Some("sub-000000001"),
                &typed_events(&[ev(9.5), ev(9.7)]),
            )
            .await
            .unwrap();
        assert_eq!((first.ids.len(), first.again), (2, false), "{name}");
        let again = db
            .add_health_events_once(
                &health,
                "weighing",
                Some("sub-000000001"),
                &typed_events(&[ev(9.5), ev(9.7)]),
            )
            .await
            .unwrap();
        assert_eq!(
            (again.ids.clone(), again.again),
            (first.ids.clone(), true),
            "{name}"
        );
        // A new id with one identical event and one new.
        let next = db
            .add_health_events_once(
                &health,
                "weighing",
                Some("sub-000000002"),
                &typed_events(&[ev(9.5), ev(9.9)]),
            )
            .await
            .unwrap();
        assert_eq!(
            (next.ids.len(), next.identical.clone()),
            (1, vec![c]),
            "{name}"
        );
        // All or none: a child not in the register refuses the batch, the id stays unused.
        let mut bad = ev(10.0);
        bad.1 = Some(999_999);
        assert!(db
            .add_health_events_once(
                &health,
                "weighing",
                Some("sub-000000003"),
                &typed_events(&[ev(10.1), bad])
            )
            .await
            .is_err());
        assert!(
            db.submission(&health, "sub-000000003")
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        let all = db
            .health_events(&health, &["measurement"], Some(c), None, None)
            .await
            .unwrap();
        assert_eq!(all.len(), 3, "{name}");
        // Both at once (a double click on two connections): one stores, the other answers.
        let (e1, e2) = (typed_events(&[ev(11.0)]), typed_events(&[ev(11.0)]));
        let (x, y) = tokio::join!(
            db.add_health_events_once(&health, "weighing", Some("sub-000000004"), &e1),
            db.add_health_events_once(&health, "weighing", Some("sub-000000004"), &e2)
        );
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_eq!(x.ids, y.ids, "{name}");
        assert!(x.again != y.again, "{name}");
        assert!(db
            .add_health_events_once(
                &health,
                "weighing",
                Some("short"),
                &typed_events(&[ev(12.0)])
            )
            .await
            .is_err());
    }
}

/// Issue 15: a target's page says in plain Vietnamese how its figure is computed, from the rule
/// the engine runs, and target 9's page shows the hepatitis B birth dose as a figure of its own
/// (the health lists show it too). Two babies born in H1 2026, registered by the officer with
/// no birth record: one had the birth dose on the day of birth, one never: 1/2 = 50 %.
#[tokio::test]
async fn target_pages_define_their_figure_and_show_the_birth_dose() {
    let app = spawn_app().await;
    let o = officer();
    let mut ids = Vec::new();
    for (name, born) in [("Sùng A Một", "2026-02-01"), ("Sùng A Hai", "2026-03-01")] {
        let mut c = child(name, "SP01");
        c.date_of_birth = Some(born.parse().unwrap());
        ids.push(app.db.create_child(&o, &c).await.unwrap().id);
    }
    app.db
        .raw_execute("UPDATE child_version SET recorded_at = '2026-03-02T00:00:00.000000Z'")
        .await
        .unwrap();
    app.db
        .add_health_events(
            &actor(Role::Health, None),
            &typed_events(&[
                (
                    "vaccination".into(),
                    Some(ids[0]),
                    "2026-02-01".parse().unwrap(),
                    serde_json::json!({"vaccine": "VGB_SS", "dose": 1}),
                ),
                (
                    "injury".into(),
                    Some(ids[1]),
                    "2026-04-01".parse().unwrap(),
                    serde_json::json!({"kind": "burn", "severity": "minor", "outcome": "recovered"}),
                ),
            ]),
        )
        .await
        .unwrap();
    let p = page_login(&app, "leader", "password-leader").await;
    let html = p
        .get(&app, "/dashboard/targets/9?year=2026&as_of=2026-06-30")
        .await
        .text()
        .await
        .unwrap();
    let def = &html[html.find("id=\"definition\"").expect("the definition")..];
    assert!(
        def.contains("Tử số")
            && def.contains("Mẫu số")
            && def.contains("Số trẻ tròn 1 tuổi trong kỳ"),
        "{def}"
    );
    assert!(
        def.contains("Lao (BCG) mũi 1, Bại liệt uống (OPV) mũi 1")
            && !def.contains("Viêm gan B sơ sinh mũi 1"),
        "target 9's doses, without the birth dose: {def}"
    );
    let birth = &html[html.find("id=\"related\"").expect("the birth-dose figure")..];
    assert!(
        birth.contains("viêm gan B trong 24 giờ đầu")
            && birth.contains("50 %")
            && birth.contains("(1/2)"),
        "{birth}"
    );
    // Target 15, a yearly rate, over six months: 1 child injured of 2 = 50.000/100.000, says
    // it covers six months and gives 100.000/100.000 for a year.
    let html = p
        .get(&app, "/dashboard/targets/15?year=2026&as_of=2026-06-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("số liệu 6 tháng; quy ra một năm: 100.000/100.000")
            && html.contains("Số liệu 6 tháng (01/01/2026 – 30/06/2026)"),
        "{html}"
    );
    // Target 10 names its 12 diseases; target 21 its cohort.
    let html = p
        .get(&app, "/dashboard/targets/10?year=2026&as_of=2026-06-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("12 bệnh") && html.contains("viêm não Nhật Bản"),
        "{html}"
    );
    let html = p
        .get(&app, "/dashboard/targets/21?year=2026&as_of=2026-06-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Năm học 2025–2026: trẻ 5 tuổi là trẻ sinh năm 2020"));
    // The health lists show the commune's birth-dose figure for today's period (the shipped
    // plan is 2026's: only then has today a plan).
    if today().year() == 2026 {
        let h = page_login(&app, "health", "password-health").await;
        let html = h.get(&app, "/health/lists").await.text().await.unwrap();
        let birth = &html[html
            .find("id=\"birth-dose\"")
            .expect("birth dose on the lists")..];
        assert!(birth.contains("50 %") && birth.contains("(1/2)"), "{birth}");
    }
}
