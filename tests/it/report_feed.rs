//! Issue 17: each agency's section of a report carries what its records say for the period
//! (counts, no names) — supports for the officer, events and hazard sites for the services
//! centre, the budget for the economic office — in the section's API, the consolidated view
//! and the DOCX; the economic office writes and submits section V.2; the lines are frozen at
//! approval and a record added afterwards changes nothing.
use crate::helpers::*;
use crate::pages::page_login;
use reqwest::Method;
use std::io::{Cursor, Read};
use treem_domain::activity::{ActivityKind, Audience, Channel, NewActivity};
use treem_domain::budget::{FundingSource, NewBudgetLine, NewSpending};
use treem_domain::role::Role;
use treem_domain::support::{NewSupport, SupportKind};
use treem_storage::{ActivityLog, BudgetLog, Register, SupportLog};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut r = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

fn line(section: &serde_json::Value, label: &str) -> String {
    section["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["label"] == label)
        .unwrap_or_else(|| panic!("no line {label} in {section}"))["value"]
        .as_str()
        .unwrap()
        .to_string()
}

fn version_of(report: &serde_json::Value, agency: &str) -> i64 {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agency"] == agency)
        .unwrap()["version"]
        .as_i64()
        .unwrap()
}

fn event(day: u8, girls: u32, boys: u32, materials: u32) -> NewActivity {
    NewActivity {
        kind: ActivityKind::Event,
        date: jiff::civil::date(2026, 3, day as i8),
        village_id: None,
        title: "Truyền thông phòng, chống đuối nước".into(),
        channel: Some(Channel::VillageMeeting),
        occasion: None,
        form: None,
        level: None,
        audience: Audience {
            girls,
            boys,
            total: girls + boys,
            adults: 10,
            ..Audience::default()
        },
        materials,
        details: String::new(),
        agency: "Trung tâm dịch vụ tổng hợp".into(),
        children: Vec::new(),
        recommendations: Vec::new(),
    }
}

async fn give(app: &TestApp, child: i64, day: i8, kind: SupportKind) {
    app.db
        .give_support(
            &officer(),
            child,
            &NewSupport {
                date: jiff::civil::date(2026, 3, day),
                kind,
            },
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_sections_carry_the_period_s_counts_frozen_at_approval() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let a = app
            .db
            .create_child(&officer(), &child("Giàng Thị Mai", "SP01"))
            .await
            .unwrap()
            .id;
        let b = app
            .db
            .create_child(&officer(), &child("Lý Thị Dua", "SP02"))
            .await
            .unwrap()
            .id;
        // Hand count: 2 children, 3 supports (2 health insurance, 1 school costs).
        give(&app, a, 10, SupportKind::HealthInsurance).await;
        give(&app, b, 11, SupportKind::HealthInsurance).await;
        give(&app, a, 12, SupportKind::SchoolCosts).await;
        // 2 events: 5 + 7 girls, 4 + 6 boys, 20 + 30 materials, 10 + 10 adults.
        let services = actor(Role::Services, None);
        for e in [event(14, 5, 4, 20), event(15, 7, 6, 30)] {
            app.db.add_activity(&services, &e, None).await.unwrap();
        }
        // The budget: 10.000.000 planned, 1.234.567 spent in the period.
        let economic = actor(Role::Economic, None);
        let line_id = app
            .db
            .add_budget_line(
                &economic,
                &NewBudgetLine {
                    year: 2026,
                    source: FundingSource::StateBudget,
                    activity: "Tháng hành động vì trẻ em".into(),
                    planned: 10_000_000,
                },
                None,
            )
            .await
            .unwrap()
            .id;
        app.db
            .add_spending(
                &economic,
                line_id,
                &NewSpending {
                    date: jiff::civil::date(2026, 3, 20),
                    amount: 1_234_567,
                    note: "In tờ rơi".into(),
                },
                None,
            )
            .await
            .unwrap();

        let officer_t = app.token(Role::Officer).await;
        let economic_t = app.token(Role::Economic).await;
        let leader_t = app.token(Role::Leader).await;
        let (st, rep) = call(
            &app,
            Method::POST,
            "/api/v1/reports",
            &officer_t,
            Some(serde_json::json!({"year": 2026, "kind": "six_month"})),
        )
        .await;
        assert_eq!(st, 201, "{label}: {rep}");
        let id = rep["id"].as_i64().unwrap();
        let base = format!("/api/v1/reports/{id}");

        let (st, sec) = call(
            &app,
            Method::GET,
            &format!("{base}/sections/officer"),
            &officer_t,
            None,
        )
        .await;
        assert_eq!(st, 200, "{label}: {sec}");
        assert_eq!(
            line(&sec, "Trẻ em được hỗ trợ"),
            "2 em, 3 lượt hỗ trợ, tổng giá trị 0 đ",
            "{label}"
        );
        assert_eq!(line(&sec, "– Thẻ bảo hiểm y tế"), "2 lượt, 0 đ");
        let (_, sec) = call(
            &app,
            Method::GET,
            &format!("{base}/sections/services"),
            &officer_t,
            None,
        )
        .await;
        assert_eq!(
            line(&sec, "Sự kiện truyền thông"),
            "2 sự kiện; 22 trẻ em (12 em gái, 10 em trai), 20 người lớn; 50 tài liệu phát ra",
            "{label}"
        );

        // Phòng Kinh tế reads, writes and submits its section (V.2).
        let (st, sec) = call(
            &app,
            Method::GET,
            &format!("{base}/sections/economy"),
            &economic_t,
            None,
        )
        .await;
        assert_eq!(st, 200, "{label}: {sec}");
        assert_eq!(
            line(&sec, "Kinh phí"),
            "dự toán 10.000.000 đ, đã chi trong kỳ 1.234.567 đ",
            "{label}"
        );
        let v = version_of(&rep, "economy");
        let (st, body) = call(
            &app,
            Method::PUT,
            &format!("{base}/sections/economy"),
            &economic_t,
            Some(serde_json::json!({"version": v, "done": "Cấp kinh phí cho Tháng hành động"})),
        )
        .await;
        assert_eq!(st, 200, "{label}: the economic office saves: {body}");
        let (st, body) = call(
            &app,
            Method::POST,
            &format!("{base}/sections/economy/submit"),
            &economic_t,
            Some(serde_json::json!({"version": v + 1})),
        )
        .await;
        assert_eq!(st, 200, "{label}: the economic office submits: {body}");
        let (st, _) = call(
            &app,
            Method::PUT,
            &format!("{base}/sections/services"),
            &economic_t,
            Some(serde_json::json!({"version": 1, "done": "x"})),
        )
        .await;
        assert_eq!(st, 403, "{label}: not another agency's section");

        // Sent and approved: the lines are frozen with the report.
        let (_, rep) = call(&app, Method::GET, &base, &officer_t, None).await;
        let (st, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/send"),
            &officer_t,
            Some(serde_json::json!({"version": rep["version"]})),
        )
        .await;
        assert_eq!(st, 200, "{label}: {rep}");
        let (st, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/approve"),
            &leader_t,
            Some(serde_json::json!({"version": rep["version"], "number": "15"})),
        )
        .await;
        assert_eq!(st, 200, "{label}: {rep}");

        // A support given afterwards, dated in the period: the approved report keeps its count.
        give(&app, b, 13, SupportKind::SchoolCosts).await;
        let (_, sec) = call(
            &app,
            Method::GET,
            &format!("{base}/sections/officer"),
            &officer_t,
            None,
        )
        .await;
        assert_eq!(
            line(&sec, "Trẻ em được hỗ trợ"),
            "2 em, 3 lượt hỗ trợ, tổng giá trị 0 đ",
            "{label}: frozen"
        );
        let (_, full) = call(&app, Method::GET, &base, &officer_t, None).await;
        let frozen = full["frozen"]["sections"].to_string();
        assert!(frozen.contains("3 lượt hỗ trợ"), "{label}: {frozen}");
        assert!(!frozen.contains("Giàng"), "{label}: no name in the lines");

        // The DOCX prints the lines under the agency's heading.
        let r = app
            .http
            .get(app.url(&format!("{base}/documents/docx")))
            .bearer_auth(&officer_t)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let mut z = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap())).unwrap();
        let mut xml = String::new();
        z.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        for text in [
            "- Trẻ em được hỗ trợ: 2 em, 3 lượt hỗ trợ, tổng giá trị 0 đ",
            "- Kinh phí: dự toán 10.000.000 đ, đã chi trong kỳ 1.234.567 đ",
            "Số liệu từ hồ sơ trong kỳ",
        ] {
            assert!(xml.contains(text), "{label}: document.xml lacks {text:?}");
        }

        // The consolidated view and the section page show the frozen lines; the dashboard's
        // block counts the year (the support added after approval included), with the budget
        // for the leader and without it for the services centre.
        let leader_p = page_login(&app, "leader", "password-leader").await;
        let text = |r: reqwest::Response| async move { r.text().await.unwrap() };
        let view = text(leader_p.get(&app, &format!("/reports/{id}")).await).await;
        assert!(
            view.contains("2 em, 3 lượt hỗ trợ"),
            "{label}: consolidated view"
        );
        let sec = text(
            leader_p
                .get(&app, &format!("/reports/{id}/sections/economy"))
                .await,
        )
        .await;
        assert!(
            sec.contains("dự toán 10.000.000 đ"),
            "{label}: section page"
        );
        let dash = text(leader_p.get(&app, "/dashboard?year=2026").await).await;
        assert!(dash.contains("Công tác trong năm"), "{label}: {dash}");
        assert!(
            dash.contains("2 em, 4 lượt"),
            "{label}: the year's supports"
        );
        assert!(
            dash.contains("1.234.567 đ / 10.000.000 đ"),
            "{label}: budget"
        );
        let services_p = page_login(&app, "services", "password-services").await;
        let dash = text(services_p.get(&app, "/dashboard?year=2026").await).await;
        assert!(dash.contains("Công tác trong năm"), "{label}");
        assert!(
            !dash.contains("10.000.000 đ"),
            "{label}: no budget for services"
        );
    }
}
