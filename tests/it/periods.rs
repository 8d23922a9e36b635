//! Issue 15, part 1: figures by the events' own dates with every record known now; "as it was
//! recorded on R" as an explicit second axis; report periods the plan does not state are
//! confirmed by the officer before anything is computed. Both backends, over HTTP.
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::{json, Value};
use treem_domain::indicator::Known;
use treem_domain::role::Role;
use treem_storage::{Db, HealthLog, Plans, Register};

/// Every version of `child` recorded at `at` (UTC), as if typed then.
async fn recorded_at(db: &Db, child: i64, at: &str) {
    db.raw_execute(&format!(
        "UPDATE child_version SET recorded_at = '{at}' WHERE child_id = {child}"
    ))
    .await
    .unwrap();
}

/// Target 13's numerator and denominator (present children under 16) as the API gives them.
async fn target_13(app: &TestApp, token: &str, query: &str) -> (Option<f64>, Option<f64>, Value) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/plans/2026/targets?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{query}");
    let v: Value = r.json().await.unwrap();
    let t = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == 13)
        .unwrap()
        .clone();
    (t["numerator"].as_f64(), t["denominator"].as_f64(), v)
}

fn born(name: &str, village: &str, dob: jiff::civil::Date) -> treem_domain::register::ChildData {
    let mut c = child(name, village);
    c.date_of_birth = Some(dob);
    c
}

/// A birth on 20/05 typed on 03/06 counts in the figures for 31/05 computed afterwards; the
/// figures as recorded by 02/06 are those computed on 02/06, before it was typed.
#[tokio::test]
async fn a_late_birth_counts_on_its_own_date_and_recorded_by_gives_the_earlier_view() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let o = officer();
        let token = app.token(Role::Officer).await;
        for i in 0..3 {
            let c = app
                .db
                .create_child(
                    &o,
                    &born(
                        &format!("Giàng A Páo {i}"),
                        "SP01",
                        jiff::civil::date(2019, 5, 1),
                    ),
                )
                .await
                .unwrap();
            recorded_at(&app.db, c.id, "2026-01-10T02:00:00.000000Z").await;
        }
        // Computed on 02/06, before the birth was typed: what the report of that day saw.
        let then = target_13(&app, &token, "as_of=2026-05-31").await;
        assert_eq!(then.1, Some(3.0), "{label}");
        let baby = app
            .db
            .create_child(
                &o,
                &born("Lò Thị Mai", "SP02", jiff::civil::date(2026, 5, 20)),
            )
            .await
            .unwrap();
        // Typed at 09:00 on 03/06 in Vietnam.
        recorded_at(&app.db, baby.id, "2026-06-03T02:00:00.000000Z").await;
        let now = target_13(&app, &token, "as_of=2026-05-31").await;
        assert_eq!(
            now.1,
            Some(4.0),
            "{label}: the birth of 20/05 counts for 31/05"
        );
        assert_eq!(now.2["recorded_by"], Value::Null, "{label}");
        // Not on 19/05, before the child was born.
        assert_eq!(
            target_13(&app, &token, "as_of=2026-05-19").await.1,
            Some(3.0),
            "{label}"
        );
        // As recorded by the end of 02/06: the earlier view, exactly.
        let earlier = target_13(&app, &token, "as_of=2026-05-31&recorded_by=2026-06-02").await;
        assert_eq!((&earlier.0, &earlier.1), (&then.0, &then.1), "{label}");
        assert_eq!(earlier.2["recorded_by"], json!("2026-06-02"), "{label}");
        // By the end of 03/06 (Vietnam time) the birth was known.
        let by_3 = target_13(&app, &token, "as_of=2026-05-31&recorded_by=2026-06-03").await;
        assert_eq!(by_3.1, Some(4.0), "{label}");
        // A date that is no date is refused, naming the field.
        let r = app
            .http
            .get(app.url("/api/v1/plans/2026/targets?recorded_by=31-02-2026"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        assert!(r.text().await.unwrap().contains("recorded_by"), "{label}");

        // The target page: the choice "như đã ghi đến ngày" gives the earlier view too.
        let page = page_login(&app, "officer", "password-officer").await;
        let html = |q: &'static str| {
            let (page, app) = (&page, &app);
            async move {
                let r = page
                    .get(app, &format!("/dashboard/targets/13?year=2026&{q}"))
                    .await;
                assert_eq!(r.status(), 200);
                r.text().await.unwrap()
            }
        };
        let default = html("as_of=31/05/2026").await;
        assert!(
            default.contains("/4)") || default.contains("(0/4)"),
            "{label}: {default}"
        );
        assert!(default.contains("mọi số liệu đã ghi đến nay"), "{label}");
        let before = html("as_of=31/05/2026&recorded_by=02/06/2026").await;
        assert!(before.contains("(0/3)"), "{label}");
        assert!(
            before.contains("số liệu đã ghi đến hết ngày 02/06/2026"),
            "{label}"
        );
        assert!(
            before.contains("value=\"02/06/2026\""),
            "{label}: the choice is kept"
        );
        // The dashboard keeps the choice in its links.
        let r = page
            .get(
                &app,
                "/dashboard?year=2026&as_of=31/05/2026&recorded_by=02/06/2026",
            )
            .await;
        assert_eq!(r.status(), 200, "{label}");
        let dash = r.text().await.unwrap();
        assert!(dash.contains("recorded_by=2026-06-02"), "{label}");
    }
}

/// A register imported on 10/05 has figures for 31/03 (its children were born and living in
/// the commune then), and none as recorded by 31/03.
#[tokio::test]
async fn a_register_imported_later_has_figures_for_earlier_dates() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let o = officer();
        let token = app.token(Role::Officer).await;
        let rows: Vec<_> = (0..25)
            .map(|i| {
                born(
                    &format!("Sùng A Dế {i}"),
                    "SP01",
                    jiff::civil::date(2018, 3, 1),
                )
            })
            .collect();
        app.db.import_children(&o, rows).await.unwrap();
        app.db
            .raw_execute("UPDATE child_version SET recorded_at = '2026-05-10T03:00:00.000000Z'")
            .await
            .unwrap();
        let (_, den, v) = target_13(&app, &token, "as_of=2026-03-31").await;
        assert_eq!(den, Some(25.0), "{label}: {v}");
        let (_, den, _) = target_13(&app, &token, "as_of=2026-03-31&recorded_by=2026-03-31").await;
        assert!(den.is_none_or(|d| d == 0.0), "{label}: {den:?}");
    }
}

/// The health events, supports and entries as recorded by a day: those typed later are left
/// out; every one known now counts by its own date.
#[tokio::test]
async fn records_as_recorded_by_a_day_leave_out_what_was_typed_later() {
    use treem_domain::indicator::SupportRecord;
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let o = officer();
        let a = db
            .create_child(&o, &child("Giàng A Páo", "SP01"))
            .await
            .unwrap()
            .id;
        let health = actor(Role::Health, None);
        let d = |s: &str| -> jiff::civil::Date { s.parse().unwrap() };
        let events = vec![
            (
                "vaccination".to_string(),
                Some(a),
                d("2026-03-01"),
                json!({"vaccine": "OPV", "dose": 1}),
            ),
            (
                "vaccination".to_string(),
                Some(a),
                d("2026-04-01"),
                json!({"vaccine": "OPV", "dose": 2}),
            ),
            (
                "measurement".to_string(),
                Some(a),
                d("2026-03-02"),
                json!({"measure": "lying", "weight_kg": 10.5, "z_wfa": -2.5, "flags": []}),
            ),
            (
                "hiv".to_string(),
                None,
                d("2026-06-30"),
                json!({"period_start": "2026-01-01", "period_end": "2026-06-30", "infants_born_to_hiv_positive_mothers": 2, "infants_infected": 0}),
            ),
        ];
        db.add_health_events(&health, &typed_events(&events))
            .await
            .unwrap();
        // The second dose was typed on 10/05, the HIV counts on 05/07; the rest on 02/04.
        db.raw_execute("UPDATE health_event SET recorded_at = '2026-04-02T01:00:00.000000Z'")
            .await
            .unwrap();
        db.raw_execute("UPDATE health_event SET recorded_at = '2026-05-10T01:00:00.000000Z' WHERE date = '2026-04-01'").await.unwrap();
        db.raw_execute("UPDATE health_event SET recorded_at = '2026-07-05T01:00:00.000000Z' WHERE kind = 'hiv'").await.unwrap();
        let doses = |h: &treem_domain::health::HealthRecords| -> Vec<u32> {
            h.vaccinations.iter().map(|v| v.dose as u32).collect()
        };
        let now = db.health_records(&health, None, Known::Now).await.unwrap();
        assert_eq!(doses(&now), vec![1, 2], "{label}");
        assert_eq!((now.measurements.len(), now.hiv.len()), (1, 1), "{label}");
        let by = |day: &str| {
            let db = db.clone();
            let health = health.clone();
            let day = d(day);
            async move {
                db.health_records(&health, None, Known::RecordedBy(day))
                    .await
                    .unwrap()
            }
        };
        let may = by("2026-05-09").await;
        assert_eq!(doses(&may), vec![1], "{label}");
        assert_eq!((may.measurements.len(), may.hiv.len()), (1, 0), "{label}");
        let later = by("2026-07-05").await;
        assert_eq!(
            later, now,
            "{label}: everything typed by then, in the same order"
        );
        assert!(by("2026-04-01").await.vaccinations.is_empty(), "{label}");
        // Still dated up to the date asked.
        let to_march = db
            .health_records(
                &health,
                Some(d("2026-03-31")),
                Known::RecordedBy(d("2026-12-31")),
            )
            .await
            .unwrap();
        assert_eq!(doses(&to_march), vec![1], "{label}");

        // Supports and entered figures.
        db.add_supports(
            &o,
            &[SupportRecord {
                child_id: a,
                date: d("2026-02-01"),
                kind: "qua".into(),
            }],
        )
        .await
        .unwrap();
        db.raw_execute("UPDATE support_record SET recorded_at = '2026-06-03T01:00:00.000000Z'")
            .await
            .unwrap();
        let year = (d("2026-01-01"), d("2026-12-31"));
        assert_eq!(
            db.supports(year.0, year.1, Known::Now).await.unwrap().len(),
            1,
            "{label}"
        );
        assert!(
            db.supports(year.0, year.1, Known::RecordedBy(d("2026-06-02")))
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        assert_eq!(
            db.supports(year.0, year.1, Known::RecordedBy(d("2026-06-03")))
                .await
                .unwrap()
                .len(),
            1,
            "{label}"
        );
        db.close().await;
    }
}

/// The shipped plan does not state its reports' periods: the officer confirms them before any
/// figure is computed; the default for the report due before 01/06 is 01/01–31/05.
#[tokio::test]
async fn unstated_report_periods_are_confirmed_by_the_officer_before_figures() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        // As a commune that has not confirmed anything yet.
        app.db
            .raw_execute("DELETE FROM setting WHERE key LIKE 'report_period:%'")
            .await
            .unwrap();
        let officer = app.token(Role::Officer).await;
        let leader = app.token(Role::Leader).await;
        let targets = |token: String, q: &'static str| {
            let app = &app;
            async move {
                app.http
                    .get(app.url(&format!("/api/v1/plans/2026/targets?{q}")))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Nothing computed: 409 naming the report and the period proposed.
        let r = targets(leader.clone(), "as_of=2026-04-15").await;
        assert_eq!(r.status(), 409, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["period_not_confirmed"]["report"], "six_month", "{label}");
        assert_eq!(
            v["period_not_confirmed"]["proposed"],
            json!({"start": "2026-01-01", "end": "2026-05-31"}),
            "{label}"
        );
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("01/01/2026–31/05/2026"),
            "{label}"
        );
        let reports: Value = app
            .http
            .get(app.url("/api/v1/plans/2026/reports"))
            .bearer_auth(&leader)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = reports["items"].as_array().unwrap();
        assert_eq!(items[0]["status"], "unconfirmed", "{label}");
        assert_eq!(
            items[0]["period"],
            json!({"start": "2026-01-01", "end": "2026-05-31"}),
            "{label}"
        );
        assert_eq!(
            items[1]["period"],
            json!({"start": "2026-01-01", "end": "2026-10-31"}),
            "{label}"
        );
        let put = |token: String, code: &'static str, body: Value| {
            let app = &app;
            async move {
                app.http
                    .put(app.url(&format!("/api/v1/plans/2026/reports/{code}/period")))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Only the officer confirms; never past the due date.
        let ok = json!({"period_start": "2026-01-01", "period_end": "2026-05-31"});
        assert_eq!(
            put(leader.clone(), "six_month", ok.clone()).await.status(),
            403,
            "{label}"
        );
        let r = put(
            officer.clone(),
            "six_month",
            json!({"period_start": "2026-01-01", "period_end": "2026-06-30"}),
        )
        .await;
        assert_eq!(r.status(), 422, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], "period_end", "{label}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("01/06/2026"),
            "{label}"
        );
        assert_eq!(
            put(officer.clone(), "nope", ok.clone()).await.status(),
            404,
            "{label}"
        );
        let r = put(officer.clone(), "six_month", ok).await;
        assert_eq!(r.status(), 200, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "confirmed", "{label}");
        assert_eq!(v["confirmed_by"], "officer", "{label}");
        // Now the figures of April are computed on the confirmed period.
        let r = targets(leader.clone(), "as_of=2026-04-15").await;
        assert_eq!(r.status(), 200, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            v["period"],
            json!({"start": "2026-01-01", "end": "2026-05-31"}),
            "{label}"
        );
        // June's figures still wait for the yearly report's period.
        assert_eq!(
            targets(leader.clone(), "as_of=2026-06-15").await.status(),
            409,
            "{label}"
        );

        // The page: the leader is told to wait, the officer confirms with the proposed dates.
        let lp = page_login(&app, "leader", "password-leader").await;
        let r = lp.get(&app, "/dashboard?year=2026&as_of=15/06/2026").await;
        assert_eq!(r.status(), 200, "{label}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("period-waiting") && html.contains("01/01/2026–31/10/2026"),
            "{label}"
        );
        assert!(html.contains("Chờ cán bộ phụ trách xác nhận"), "{label}");
        assert!(!html.contains("Xác nhận kỳ báo cáo"), "{label}");
        let op = page_login(&app, "officer", "password-officer").await;
        let r = op.get(&app, "/dashboard?year=2026&as_of=15/06/2026").await;
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Xác nhận kỳ báo cáo") && html.contains("value=\"31/10/2026\""),
            "{label}"
        );
        let form = |end: &'static str| {
            vec![
                ("_csrf", op.csrf.clone()),
                ("year", "2026".to_string()),
                ("as_of", "2026-06-15".to_string()),
                ("code", "yearly".to_string()),
                ("period_start", "01/01/2026".to_string()),
                ("period_end", end.to_string()),
            ]
        };
        let r = op
            .http
            .post(app.url("/dashboard/periods"))
            .header("cookie", &op.cookie)
            .form(&form("01/11/2026"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        assert!(
            r.text().await.unwrap().contains("trước hạn gửi báo cáo"),
            "{label}"
        );
        let r = op
            .http
            .post(app.url("/dashboard/periods"))
            .header("cookie", &op.cookie)
            .form(&form("31/10/2026"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{label}");
        let r = lp.get(&app, "/dashboard?year=2026&as_of=15/06/2026").await;
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Kỳ báo cáo: 01/01/2026 – 31/10/2026"),
            "{label}"
        );
        let confirmed = app.db.confirmed_periods(2026).await.unwrap();
        assert_eq!(confirmed.len(), 2, "{label}");
    }
}
