//! The health station's pages: a weighing day for one village, z-scores stored, the chart.
use crate::helpers::*;
use crate::pages::page_login;
use treem_domain::role::Role;
use treem_storage::{HealthLog, Register};

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
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Đã lưu 2 lần cân đo"), "{html}");
    assert!(html.contains("-4,14"), "z shown with a decimal comma");
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
            &[(
                "vaccination".into(),
                Some(baby),
                today().checked_sub(jiff::Span::new().days(99)).unwrap(),
                serde_json::json!({"vaccine": "BCG", "dose": 1}),
            )],
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
        html.contains("Sùng A Nhỏ") && html.contains("OPV mũi 1") && !html.contains("BCG mũi 1"),
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
            &[
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
            ],
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
        def.contains("BCG mũi 1, OPV mũi 1") && !def.contains("VGB_SS mũi 1"),
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
