//! Issue 17 item 12: a health record corrected by replacement — nothing deleted, the replaced
//! record kept and shown in the child's history, the figures reading the replacement (and the
//! figures as recorded by a day before the correction the old one), on every backend.
use crate::helpers::*;
use serde_json::{json, Value};
use treem_domain::health::{Event, Measure, Measurement, Reading};
use treem_domain::indicator::Known;
use treem_domain::register::ChildDraft;
use treem_domain::role::Role;
use treem_storage::{AuditLog, HealthLog, Register};

fn d(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

async fn event_count(app: &TestApp) -> usize {
    let health = actor(Role::Health, None);
    let kinds = ["vaccination", "measurement", "injury", "death", "birth"];
    let mut n = 0;
    for c in 1..=3 {
        n += app
            .db
            .health_history(&health, &kinds, c)
            .await
            .unwrap()
            .len();
    }
    n
}

#[tokio::test]
async fn a_weighing_corrected_by_replacement_keeps_both_and_the_figures_follow() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let o = officer();
        let data = ChildDraft {
            full_name: Some("Giàng Thị Cân".into()),
            sex: Some("female".into()),
            date_of_birth: Some("2024-03-01".into()),
            village: Some("SP01".into()),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        let c = app.db.create_child(&o, &data).await.unwrap().id;
        let token = app.token(Role::Health).await;
        let post = |path: String, token: String, body: Value| {
            let http = app.http.clone();
            let url = app.url(&path);
            async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        // A weighing typed with a wrong weight (8 kg: underweight at two), on 02/04.
        let health = actor(Role::Health, None);
        let reading = Reading {
            weight_kg: Some(8.0),
            length_cm: Some(86.0),
            measure: Measure::Lying,
            oedema: false,
        };
        let m = Measurement::assess(
            c,
            d("2026-03-02"),
            data.sex,
            data.date_of_birth.unwrap(),
            reading,
        );
        let at: jiff::Timestamp = "2026-04-02T01:00:00Z".parse().unwrap();
        let old = app
            .db
            .add_health_events_recorded(&health, &[(Event::Measurement(m), at)])
            .await
            .unwrap()[0];
        let before = app
            .db
            .health_records(&health, None, Known::Now)
            .await
            .unwrap();
        assert_eq!(before.measurements.len(), 1, "{label}");
        assert_eq!(before.measurements[0].underweight(), Some(true), "{label}");

        // Bad input: every problem named, nothing written.
        let n = event_count(&app).await;
        let (s, b) = post(
            format!("/api/v1/health/events/{old}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": -3, "length_cm": 86.0, "measure": "lying"}),
        )
        .await;
        assert_eq!(s, 422, "{label}: {b}");
        let fields: Vec<&str> = b["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"weight_kg") && fields.contains(&"reason"),
            "{label}: {b}"
        );
        let reason = b["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "reason")
            .unwrap();
        assert_eq!(reason["message"], "cần ghi lý do sửa", "{label}");
        let (s, b) = post(
            format!("/api/v1/health/events/{old}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": 8.0, "length_cm": 86.0, "measure": "lying", "reason": "x"}),
        )
        .await;
        assert_eq!(s, 422, "{label}: identical {b}");
        assert!(b.to_string().contains("giống hệt"), "{label}: {b}");
        assert_eq!(event_count(&app).await, n, "{label}: nothing written");

        // Other roles may not correct.
        for role in [Role::VillageHead, Role::Police, Role::Leader] {
            let t = app.token(role).await;
            let (s, _) = post(
                format!("/api/v1/health/events/{old}/replacement"),
                t,
                json!({"date": "2026-03-02", "weight_kg": 12.0, "reason": "nhập nhầm"}),
            )
            .await;
            assert_eq!(s, 403, "{label}: {role}");
        }
        assert_eq!(event_count(&app).await, n, "{label}: nothing written");

        // The correction: 12 kg.
        let (s, b) = post(
            format!("/api/v1/health/events/{old}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": 12.0, "length_cm": 86.0, "measure": "lying", "reason": "nhập nhầm cân nặng"}),
        )
        .await;
        assert_eq!(s, 201, "{label}: {b}");
        let new = b["id"].as_i64().unwrap();
        assert_eq!(b["replaced"], old, "{label}");

        // The history shows both; the old one marked, with the reason.
        let h: Value = app
            .http
            .get(app.url(&format!("/api/v1/children/{c}/health")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = h["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{label}: {h}");
        let o_item = items.iter().find(|e| e["id"] == old).unwrap();
        assert_eq!(o_item["replaced_by"], new, "{label}");
        assert_eq!(o_item["replace_reason"], "nhập nhầm cân nặng", "{label}");
        assert_eq!(o_item["data"]["weight_kg"], 8.0, "{label}: kept as it was");
        // Every other reader reads the record in use.
        let in_use = app
            .db
            .health_events(&health, &["measurement"], Some(c), None, None)
            .await
            .unwrap();
        assert_eq!(
            in_use.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![new],
            "{label}"
        );

        // The figures read the replacement; as recorded by a day before the correction, the old.
        let now = app
            .db
            .health_records(&health, None, Known::Now)
            .await
            .unwrap();
        assert_eq!(now.measurements.len(), 1, "{label}");
        assert_eq!(now.measurements[0].weight_kg, Some(12.0), "{label}");
        assert_eq!(now.measurements[0].underweight(), Some(false), "{label}");
        let then = app
            .db
            .health_records(&health, None, Known::RecordedBy(d("2026-04-10")))
            .await
            .unwrap();
        assert_eq!(then.measurements.len(), 1, "{label}");
        assert_eq!(then.measurements[0].weight_kg, Some(8.0), "{label}");
        let by_today = app
            .db
            .health_records(&health, None, Known::RecordedBy(today()))
            .await
            .unwrap();
        assert_eq!(by_today.measurements, now.measurements, "{label}");

        // `treem check` stays clean, the rebuilt copies are the same.
        let report = app.db.check().await.unwrap();
        assert!(report.problems.is_empty(), "{label}: {:?}", report.problems);
        app.db.rebuild_copies().await.unwrap();
        assert_eq!(
            app.db
                .health_records(&health, None, Known::Now)
                .await
                .unwrap(),
            now,
            "{label}"
        );

        // Correcting the replaced record again is refused (409), in Vietnamese; the new one may be.
        let (s, b) = post(
            format!("/api/v1/health/events/{old}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": 11.0, "length_cm": 86.0, "measure": "lying", "reason": "lần nữa"}),
        )
        .await;
        assert_eq!(s, 409, "{label}: {b}");
        assert!(
            b["error"].as_str().unwrap().contains("đã được thay"),
            "{label}: {b}"
        );
        let (s, _) = post(
            format!("/api/v1/health/events/{new}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": 11.5, "length_cm": 86.0, "measure": "lying", "reason": "cân lại"}),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let report = app.db.check().await.unwrap();
        assert!(report.problems.is_empty(), "{label}: {:?}", report.problems);
        let now = app
            .db
            .health_records(&health, None, Known::Now)
            .await
            .unwrap();
        assert_eq!(now.measurements.len(), 1, "{label}");
        assert_eq!(now.measurements[0].weight_kg, Some(11.5), "{label}");
        // An export restored into either backend keeps both records and reads the one in use.
        let mut out = Vec::new();
        app.db.export(&mut out, &|_| {}).await.unwrap();
        for (target, url, _dir) in databases().await {
            let copy = treem_storage::Db::open(&url).await.unwrap();
            copy.import_all(&mut &out[..], &|_| {}).await.unwrap();
            let h = copy
                .health_history(&health, &["measurement"], c)
                .await
                .unwrap();
            assert_eq!(h.len(), 3, "{label} → {target}");
            let read = copy
                .health_records(&health, None, Known::Now)
                .await
                .unwrap();
            assert_eq!(read, now, "{label} → {target}");
            let report = copy.check().await.unwrap();
            assert!(
                report.problems.is_empty(),
                "{label} → {target}: {:?}",
                report.problems
            );
            copy.close().await;
        }
        // The correction is audited with its reason.
        let t = app.token(Role::Officer).await;
        let audit: Value = app
            .http
            .get(app.url("/api/v1/audit"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            audit.to_string().contains("lý do: nhập nhầm cân nặng"),
            "{label}"
        );
    }
}

/// The page: «Sửa (thay thế)» on each record of the child's page, a form pre-filled with it, a
/// reason required; the replaced record struck through with the correction's date and reason.
#[tokio::test]
async fn a_vaccination_and_an_injury_corrected_from_the_child_page() {
    let app = spawn_app().await;
    let mut c = child("Giàng A Páo", "SP01");
    c.date_of_birth = Some(jiff::civil::date(2025, 1, 10));
    let id = app.db.create_child(&officer(), &c).await.unwrap().id;
    let p = crate::pages::page_login(&app, "health", "password-health").await;
    let add = |fields: Vec<(&'static str, &'static str)>| {
        let p = &p;
        let app = &app;
        async move {
            let mut f = vec![("_csrf", p.csrf.as_str())];
            f.extend(fields);
            let r = p.post(app, &format!("/children/{id}/health"), &f).await;
            assert_eq!(r.status(), 303);
        }
    };
    add(vec![
        ("event", "vaccination"),
        ("vaccine", "OPV"),
        ("dose", "1"),
        ("date", "10/03/2025"),
    ])
    .await;
    add(vec![
        ("event", "injury"),
        ("injury_kind", "burn"),
        ("severity", "minor"),
        ("outcome", "recovered"),
        ("place", "bếp"),
        ("date", "01/06/2026"),
    ])
    .await;
    let health = actor(Role::Health, None);
    let events = app
        .db
        .health_events(&health, &["vaccination", "injury"], Some(id), None, None)
        .await
        .unwrap();
    let (vacc, injury) = (events[0].id, events[1].id);
    let html = p
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/health/events/{vacc}/replace\">Sửa (thay thế)")),
        "{html}"
    );
    // The form is pre-filled with the record.
    let form = p
        .get(&app, &format!("/health/events/{vacc}/replace"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("value=\"10/03/2025\"") && form.contains("value=\"OPV\" selected"),
        "{form}"
    );
    let path = format!("/health/events/{vacc}/replace");
    // No reason: refused, named, nothing written.
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("vaccine", "OPV"),
                ("dose", "1"),
                ("date", "12/03/2025"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("cần ghi lý do sửa"));
    let r = p
        .post(
            &app,
            &path,
            &[
                ("_csrf", &p.csrf),
                ("vaccine", "OPV"),
                ("dose", "1"),
                ("date", "12/03/2025"),
                ("reason", "sai ngày tiêm"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = p
        .post(
            &app,
            &format!("/health/events/{injury}/replace"),
            &[
                ("_csrf", &p.csrf),
                ("injury_kind", "burn"),
                ("severity", "moderate"),
                ("outcome", "recovered"),
                ("place", "bếp"),
                ("date", "01/06/2026"),
                ("reason", "mức độ ghi nhầm"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = p
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<del>10/03/2025 — Tiêm"), "{html}");
    assert!(
        html.contains("đã được thay bằng bản ghi ngày") && html.contains("(lý do: sai ngày tiêm)"),
        "{html}"
    );
    assert!(html.contains("12/03/2025 — Tiêm"), "{html}");
    assert!(html.contains("(lý do: mức độ ghi nhầm)"), "{html}");
    // The replaced record has no correction link, and its form says it was replaced (409).
    assert!(!html.contains(&format!("/health/events/{vacc}/replace\"")));
    let r = p.get(&app, &path).await;
    assert_eq!(r.status(), 409);
    // Village heads may not open the form.
    let head = crate::pages::page_login(&app, "village_head", "password-village_head").await;
    assert_eq!(head.get(&app, &path).await.status(), 403);
}

/// Two corrections of one record at once (two connections): one is stored, the other refused
/// (409) and leaves nothing behind; on every backend.
#[tokio::test]
async fn two_corrections_of_one_record_at_once_store_one() {
    use treem_domain::health::{Correction, Vaccination};
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let mut data = child("Giàng A Hai", "SP01");
        data.date_of_birth = Some(d("2025-01-10"));
        let c = db.create_child(&officer(), &data).await.unwrap().id;
        let health = actor(Role::Health, None);
        let vacc = |date: &str| {
            Event::Vaccination(Vaccination {
                child_id: c,
                date: d(date),
                vaccine: "OPV".into(),
                dose: 1,
            })
        };
        let old = db
            .add_health_events(&health, &[vacc("2025-03-10")])
            .await
            .unwrap()[0];
        let fix =
            |date: &str| Correction::new(old, vacc("2025-03-10"), vacc(date), "sai ngày").unwrap();
        let (a, b) = (fix("2025-03-11"), fix("2025-03-12"));
        let (x, y) = tokio::join!(
            db.replace_health_event(&health, &a),
            db.replace_health_event(&health, &b)
        );
        assert!(x.is_ok() != y.is_ok(), "{label}: {x:?} {y:?}");
        let refused = if x.is_ok() { y } else { x };
        assert!(
            matches!(refused, Err(treem_storage::StorageError::Refused(ref m)) if m.contains("đã được thay")),
            "{label}: {refused:?}"
        );
        let h = db
            .health_history(&health, &["vaccination"], c)
            .await
            .unwrap();
        assert_eq!(h.len(), 2, "{label}");
        let in_use = db
            .health_events(&health, &["vaccination"], Some(c), None, None)
            .await
            .unwrap();
        assert_eq!(in_use.len(), 1, "{label}");
        // A village head may not correct, even in their village.
        let head = actor(Role::VillageHead, Some(1));
        let again = Correction::new(
            in_use[0].id,
            in_use[0].event().unwrap(),
            vacc("2025-03-13"),
            "x",
        )
        .unwrap();
        assert!(matches!(
            db.replace_health_event(&head, &again).await,
            Err(treem_storage::StorageError::Forbidden)
        ));
        let report = db.check().await.unwrap();
        assert!(report.problems.is_empty(), "{label}: {:?}", report.problems);
    }
}
