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
        n += app.db.health_history(&health, &kinds, c).await.unwrap().len();
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
        let m = Measurement::assess(c, d("2026-03-02"), data.sex, data.date_of_birth.unwrap(), reading);
        let at: jiff::Timestamp = "2026-04-02T01:00:00Z".parse().unwrap();
        let old = app
            .db
            .add_health_events_recorded(&health, &[(Event::Measurement(m), at)])
            .await
            .unwrap()[0];
        let before = app.db.health_records(&health, None, Known::Now).await.unwrap();
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
        assert!(fields.contains(&"weight_kg") && fields.contains(&"reason"), "{label}: {b}");
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
        assert_eq!(in_use.iter().map(|e| e.id).collect::<Vec<_>>(), vec![new], "{label}");

        // The figures read the replacement; as recorded by a day before the correction, the old.
        let now = app.db.health_records(&health, None, Known::Now).await.unwrap();
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
            app.db.health_records(&health, None, Known::Now).await.unwrap(),
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
        assert!(b["error"].as_str().unwrap().contains("đã được thay"), "{label}: {b}");
        let (s, _) = post(
            format!("/api/v1/health/events/{new}/replacement"),
            token.clone(),
            json!({"date": "2026-03-02", "weight_kg": 11.5, "length_cm": 86.0, "measure": "lying", "reason": "cân lại"}),
        )
        .await;
        assert_eq!(s, 201, "{label}");
        let report = app.db.check().await.unwrap();
        assert!(report.problems.is_empty(), "{label}: {:?}", report.problems);
        let now = app.db.health_records(&health, None, Known::Now).await.unwrap();
        assert_eq!(now.measurements.len(), 1, "{label}");
        assert_eq!(now.measurements[0].weight_kg, Some(11.5), "{label}");
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
        assert!(audit.to_string().contains("lý do: nhập nhầm cân nặng"), "{label}");
    }
}
