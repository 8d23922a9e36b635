//! Issue 16, parts 1–3, 7, 8: reports up the chain. Storage on both backends (every step
//! checked against the stored state and version, audited, frozen at approval); the whole loop
//! through the API as each role; the pages fetched over HTTP.
use crate::helpers::*;
use treem_domain::plan::Plan;
use treem_domain::report::{
    freeze, signer_of, Approval, Commune, Freezing, Narrative, ReportState, SectionState,
};
use treem_domain::role::Role;
use treem_storage::{AuditFilter, AuditLog, Db, NewReport, Reports, StorageError, StoredReport};

fn plan() -> Plan {
    Plan::from_toml(treem_web::figures::SEED_PLAN).unwrap()
}

fn six_month(plan: &Plan) -> NewReport {
    let kind = plan.report("six_month").unwrap();
    let period = kind.proposed_period(2026);
    NewReport {
        year: 2026,
        kind: kind.code.clone(),
        period,
        due_before: kind.due_before,
        sections: plan
            .report_sections(kind)
            .iter()
            .map(|a| a.code.clone())
            .collect(),
    }
}

fn text(done: &str) -> Narrative {
    Narrative {
        done: done.into(),
        results: "Đạt phần lớn chỉ tiêu".into(),
        difficulties: "Địa bàn rộng".into(),
        proposals: "Bổ sung kinh phí".into(),
    }
}

fn frozen_of(plan: &Plan, rep: &StoredReport, login: &str) -> treem_domain::report::FrozenReport {
    let kind = plan.report(&rep.kind).unwrap();
    let account = treem_domain::account::Signer {
        login: login.into(),
        ..Default::default()
    };
    let (full_name, position) = signer_of(&account, Role::Leader);
    freeze(
        plan,
        kind,
        &[],
        Freezing {
            id: rep.id,
            year: rep.year,
            period: rep.period,
            as_of: rep.period.end,
            number: "12".into(),
            commune: Commune {
                code: String::new(),
                name: plan.commune.clone(),
                province: "Điện Biên".into(),
            },
            sections: Vec::new(),
            approved: Approval {
                login: login.into(),
                full_name,
                position,
                at: "2026-05-30T03:00:00Z".into(),
                date: jiff::civil::date(2026, 5, 30),
            },
            amends: rep.amends,
            changes: Vec::new(),
            audit_head: String::new(),
        },
    )
}

fn sec_version(rep: &StoredReport, agency: &str) -> i64 {
    rep.section(agency).unwrap().version
}

async fn storage_loop(db: &Db, label: &str) {
    let plan = plan();
    let officer = actor(Role::Officer, None);
    let health = actor(Role::Health, None);
    let police = actor(Role::Police, None);
    let leader = actor(Role::Leader, None);

    assert!(matches!(
        db.open_report(&health, &plan, &six_month(&plan)).await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .open_report(&officer, &plan, &six_month(&plan))
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::Preparing, "{label}");
    assert!(rep.section("health").is_some() && rep.section("police").is_some());
    let id = rep.id;

    let v = sec_version(&rep, "health");
    let rep = db
        .save_section(&health, &plan, id, "health", v, &text("Cân, đo 412 trẻ"))
        .await
        .unwrap();
    assert_eq!(
        rep.section("health").unwrap().narrative.done,
        "Cân, đo 412 trẻ"
    );
    // The version read before the save is stale now.
    assert!(matches!(
        db.save_section(&health, &plan, id, "health", v, &text("x"))
            .await,
        Err(StorageError::Conflict { .. })
    ));
    // Police may not write the health station's section.
    assert!(matches!(
        db.submit_section(&police, &plan, id, "health", v + 1).await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .submit_section(&health, &plan, id, "health", v + 1)
        .await
        .unwrap();
    let h = rep.section("health").unwrap();
    assert_eq!(h.state, SectionState::Submitted);
    assert_eq!(h.submitted_by.as_deref(), Some("test-health"));

    let rep = db
        .send_report(&officer, &plan, id, rep.version)
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::AwaitingApproval);
    assert!(matches!(
        db.return_report(&leader, &plan, id, rep.version, " ").await,
        Err(StorageError::Invalid(_))
    ));
    assert!(matches!(
        db.approve_report(
            &officer,
            &plan,
            id,
            rep.version,
            frozen_of(&plan, &rep, "officer")
        )
        .await,
        Err(StorageError::Forbidden)
    ));
    let rep = db
        .return_report(&leader, &plan, id, rep.version, "Thiếu số liệu tiêm chủng")
        .await
        .unwrap();
    assert_eq!(rep.state, ReportState::Returned);
    assert_eq!(
        rep.returned_reason.as_deref(),
        Some("Thiếu số liệu tiêm chủng")
    );
    let rep = db
        .reopen_section(&health, &plan, id, "health", sec_version(&rep, "health"))
        .await
        .unwrap();
    let rep = db
        .submit_section(&health, &plan, id, "health", sec_version(&rep, "health"))
        .await
        .unwrap();
    let rep = db
        .send_report(&officer, &plan, id, rep.version)
        .await
        .unwrap();
    let frozen = frozen_of(&plan, &rep, "leader");
    assert!(matches!(
        db.approve_report(&leader, &plan, id, rep.version - 1, frozen.clone())
            .await,
        Err(StorageError::Conflict { .. })
    ));
    let approved = db
        .approve_report(&leader, &plan, id, rep.version, frozen)
        .await
        .unwrap();
    assert_eq!(approved.id, id);
    let head = db.chain_head().await.unwrap();
    assert_eq!(
        approved.audit_head,
        head.to_string(),
        "{label}: the approval's head"
    );

    // Nothing changes once approved.
    let rep = db.report(&officer, id).await.unwrap();
    assert_eq!(rep.state, ReportState::Approved);
    for r in [
        db.save_section(
            &health,
            &plan,
            id,
            "health",
            sec_version(&rep, "health"),
            &text("y"),
        )
        .await,
        db.reopen_section(&health, &plan, id, "health", sec_version(&rep, "health"))
            .await,
        db.send_report(&officer, &plan, id, rep.version).await,
        db.return_report(&leader, &plan, id, rep.version, "z").await,
    ] {
        assert!(matches!(r, Err(StorageError::Refused(_))), "{label}: {r:?}");
    }
    assert_eq!(
        db.approved_report(&officer, 2026, "six_month")
            .await
            .unwrap(),
        Some(approved.clone())
    );
    assert_eq!(db.frozen_report(&health, id).await.unwrap(), approved);
    assert!(matches!(
        db.frozen_report(&actor(Role::Admin, None), id).await,
        Err(StorageError::Forbidden)
    ));

    // The amending report starts from the approved texts; the original stays.
    let amend = db.amend_report(&officer, &plan, id).await.unwrap();
    assert_eq!(amend.amends, Some(id));
    assert_eq!(amend.state, ReportState::Preparing);
    assert_eq!(
        amend.section("health").unwrap().narrative.done,
        "Cân, đo 412 trẻ"
    );
    assert_eq!(amend.section("health").unwrap().state, SectionState::Draft);
    assert_eq!(db.frozen_report(&officer, id).await.unwrap(), approved);
    assert!(matches!(
        db.frozen_report(&officer, amend.id).await,
        Err(StorageError::NotFound)
    ));
    let all = db.reports(&officer, Some(2026)).await.unwrap();
    assert_eq!(all.len(), 2, "{label}");
    assert!(db.reports(&officer, Some(2027)).await.unwrap().is_empty());

    let entries = db
        .audit_entries(
            &officer,
            &AuditFilter {
                entity: Some("report".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "create", "update", "submit", "send", "return", "reopen", "approve",
    ] {
        assert!(actions.contains(&a), "{label}: audited {a}: {actions:?}");
    }
    assert!(db.check().await.unwrap().ok(), "{label}");
}

#[tokio::test]
async fn storage_takes_each_step_once_checked_versioned_audited_and_freezes_at_approval() {
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        storage_loop(&db, label).await;
    }
}

/// A request as `token`, its status and JSON body.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
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

fn section_version(report: &serde_json::Value, agency: &str) -> i64 {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agency"] == agency)
        .unwrap()["version"]
        .as_i64()
        .unwrap()
}

/// A disabled child (group d) in SP01 since 2020: counted by target 14 in the six months.
async fn disabled_child(app: &TestApp, name: &str) {
    use treem_storage::Register;
    let mut c = child(name, "SP01");
    c.circumstances = vec![treem_domain::circumstance::Circumstance {
        code: "d".into(),
        from: jiff::civil::date(2020, 1, 1),
        to: None,
    }];
    app.db.create_child(&officer(), &c).await.unwrap();
}

fn figure(report: &serde_json::Value, n: u64) -> serde_json::Value {
    report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == n)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_whole_loop_through_the_api_as_each_role() {
    use reqwest::Method;
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        disabled_child(&app, "Giàng Thị Mai").await;
        let officer = app.token(Role::Officer).await;
        let health = app.token(Role::Health).await;
        let police = app.token(Role::Police).await;
        let leader = app.token(Role::Leader).await;
        let admin = app.token(Role::Admin).await;

        let open = serde_json::json!({"year": 2026, "kind": "six_month"});
        let (st, _) = call(
            &app,
            Method::POST,
            "/api/v1/reports",
            &health,
            Some(open.clone()),
        )
        .await;
        assert_eq!(st, 403, "{label}: only the officer opens");
        let (st, body) = call(
            &app,
            Method::POST,
            "/api/v1/reports",
            &officer,
            Some(serde_json::json!({"year": 2026, "kind": "forum"})),
        )
        .await;
        assert_eq!(st, 422, "{label}: a forum report needs its date");
        assert_eq!(body["errors"][0]["field"], "forum_date");
        let (st, rep) = call(&app, Method::POST, "/api/v1/reports", &officer, Some(open)).await;
        assert_eq!(st, 201, "{label}: {rep}");
        let id = rep["id"].as_i64().unwrap();
        assert_eq!(rep["state_vi"], "Đang chuẩn bị");
        assert_eq!(rep["period"]["end"], "2026-05-31");
        let base = format!("/api/v1/reports/{id}");

        // Each agency sees its own figures and writes its own section.
        let (st, sec) = call(
            &app,
            Method::GET,
            &format!("{base}/sections/health"),
            &health,
            None,
        )
        .await;
        assert_eq!(st, 200);
        let targets: Vec<u64> = sec["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["target"].as_u64().unwrap())
            .collect();
        assert_eq!(
            targets,
            [3, 4, 5, 6, 7, 9, 10, 11],
            "{label}: the health station's targets"
        );
        for (agency, token, words) in [
            ("health", &health, "Tổ chức cân, đo cho trẻ dưới 5 tuổi"),
            (
                "police",
                &police,
                "Tuyên truyền phòng, chống xâm hại trẻ em",
            ),
        ] {
            let v = section_version(&rep, agency);
            let body = serde_json::json!({"version": v, "done": words, "results": "Đạt kế hoạch", "difficulties": "", "proposals": ""});
            let (st, _) = call(
                &app,
                Method::PUT,
                &format!("{base}/sections/{agency}"),
                token,
                Some(body),
            )
            .await;
            assert_eq!(st, 200, "{label}: {agency} saves");
            let (st, _) = call(
                &app,
                Method::POST,
                &format!("{base}/sections/{agency}/submit"),
                token,
                Some(serde_json::json!({"version": v + 1})),
            )
            .await;
            assert_eq!(st, 200, "{label}: {agency} submits");
        }
        let (st, _) = call(
            &app,
            Method::PUT,
            &format!("{base}/sections/officer"),
            &health,
            Some(serde_json::json!({"version": 1, "done": "x"})),
        )
        .await;
        assert_eq!(st, 403, "{label}: a wrong agency");
        let (st, body) = call(
            &app,
            Method::PUT,
            &format!("{base}/sections/health"),
            &health,
            Some(serde_json::json!({"done": "x"})),
        )
        .await;
        assert_eq!(st, 422, "{label}: no version");
        assert_eq!(body["errors"][0]["field"], "version");
        let (st, _) = call(&app, Method::GET, &base, &admin, None).await;
        assert_eq!(st, 403, "{label}: the administrator reads no report");

        let (st, rep) = call(&app, Method::GET, &base, &officer, None).await;
        assert_eq!(st, 200);
        let submitted: Vec<&str> = rep["sections"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["state"] == "submitted")
            .map(|s| s["agency"].as_str().unwrap())
            .collect();
        assert_eq!(submitted, ["health", "police"], "{label}");
        let before = figure(&rep, 14);
        assert_eq!(before["denominator"], 1.0, "{label}: {before}");

        let v = rep["version"].as_i64().unwrap();
        let (st, _) = call(
            &app,
            Method::POST,
            &format!("{base}/send"),
            &health,
            Some(serde_json::json!({"version": v})),
        )
        .await;
        assert_eq!(st, 403);
        let (st, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/send"),
            &officer,
            Some(serde_json::json!({"version": v})),
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(rep["state"], "awaiting_approval");
        let v = rep["version"].as_i64().unwrap();
        let (st, body) = call(
            &app,
            Method::POST,
            &format!("{base}/return"),
            &leader,
            Some(serde_json::json!({"version": v, "reason": ""})),
        )
        .await;
        assert_eq!(
            (st, body["errors"][0]["field"].as_str()),
            (422, Some("reason")),
            "{label}"
        );
        let (st, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/return"),
            &leader,
            Some(serde_json::json!({"version": v, "reason": "Bổ sung kết quả tiêm chủng"})),
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(rep["state_vi"], "Trả lại");
        assert_eq!(rep["returned_reason"], "Bổ sung kết quả tiêm chủng");
        let v = rep["version"].as_i64().unwrap();
        let (_, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/send"),
            &officer,
            Some(serde_json::json!({"version": v})),
        )
        .await;
        let v = rep["version"].as_i64().unwrap();
        let (st, _) = call(
            &app,
            Method::POST,
            &format!("{base}/approve"),
            &officer,
            Some(serde_json::json!({"version": v})),
        )
        .await;
        assert_eq!(st, 403, "{label}: only the leader approves");
        let (st, body) = call(
            &app,
            Method::POST,
            &format!("{base}/approve"),
            &leader,
            Some(serde_json::json!({"version": v - 1})),
        )
        .await;
        assert_eq!(st, 409, "{label}: a stale version: {body}");
        let (st, rep) = call(
            &app,
            Method::POST,
            &format!("{base}/approve"),
            &leader,
            Some(serde_json::json!({"version": v, "number": "12"})),
        )
        .await;
        assert_eq!(st, 200, "{label}: {rep}");
        assert_eq!(rep["state_vi"], "Đã phê duyệt");

        // An edit afterwards is 409.
        let hv = section_version(&rep, "health");
        let (st, body) = call(
            &app,
            Method::PUT,
            &format!("{base}/sections/health"),
            &health,
            Some(serde_json::json!({"version": hv, "done": "sửa"})),
        )
        .await;
        assert_eq!(st, 409, "{label}");
        assert!(body["error"]
            .as_str()
            .unwrap()
            .contains("đã được phê duyệt"));

        let (_, approved) = call(&app, Method::GET, &base, &officer, None).await;
        assert_eq!(approved["frozen"]["number"], "12");
        assert_eq!(
            approved["frozen"]["sections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["agency"] == "health")
                .unwrap()["done"],
            "Tổ chức cân, đo cho trẻ dưới 5 tuổi"
        );
        assert!(
            approved["differences_now"].as_array().unwrap().is_empty(),
            "{label}"
        );

        // A record in the period changes after approval: a difference, the frozen figure stays.
        disabled_child(&app, "Vàng A Dình").await;
        let (_, now) = call(&app, Method::GET, &base, &officer, None).await;
        assert_eq!(
            figure(&now, 14)["denominator"],
            1.0,
            "{label}: frozen as approved"
        );
        assert_eq!(now["frozen"], approved["frozen"], "{label}");
        let diff = now["differences_now"].as_array().unwrap();
        let d14 = diff
            .iter()
            .find(|d| d["target"] == 14)
            .unwrap_or_else(|| panic!("{label}: {diff:?}"));
        assert_eq!(d14["denominator"], serde_json::json!([1.0, 2.0]));

        // The amending report carries it, through approval again.
        let (st, amend) = call(&app, Method::POST, &format!("{base}/amend"), &officer, None).await;
        assert_eq!(st, 201, "{label}");
        assert_eq!(amend["amends"], id);
        let aid = amend["id"].as_i64().unwrap();
        let av = amend["version"].as_i64().unwrap();
        let (_, amend) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reports/{aid}/send"),
            &officer,
            Some(serde_json::json!({"version": av})),
        )
        .await;
        let av = amend["version"].as_i64().unwrap();
        let (st, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reports/{aid}/approve"),
            &leader,
            Some(serde_json::json!({"version": av})),
        )
        .await;
        assert_eq!(st, 200);
        let (_, amended) = call(
            &app,
            Method::GET,
            &format!("/api/v1/reports/{aid}"),
            &officer,
            None,
        )
        .await;
        let carried = amended["frozen"]["changes"].as_array().unwrap();
        assert!(
            carried.iter().any(|c| c["target"] == 14),
            "{label}: {carried:?}"
        );
        assert_eq!(amended["frozen"]["amends"], id);
        let latest = app
            .db
            .approved_report(&actor(Role::Officer, None), 2026, "six_month")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            latest.id, aid,
            "{label}: the latest approved is the amendment"
        );
        let (_, original) = call(&app, Method::GET, &base, &officer, None).await;
        assert_eq!(
            original["frozen"], approved["frozen"],
            "{label}: the original stays"
        );

        let (st, list) = call(
            &app,
            Method::GET,
            "/api/v1/reports?year=2026",
            &health,
            None,
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
    }
}

fn treem(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args(args)
        .output()
        .unwrap()
}

/// The demo holds the six-month report approved with every section written, and the yearly
/// report in preparation with some sections submitted; `report status` and `report open` show
/// and open them from the command line.
#[tokio::test]
async fn the_demo_has_the_six_month_report_approved_and_the_yearly_one_in_preparation() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = treem(&[
        "demo",
        "--db",
        &url,
        "--no-serve",
        "--children",
        "300",
        "--seed",
        "7",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = Db::open(&url).await.unwrap();
    let officer = actor(Role::Officer, None);
    let six = db
        .approved_report(&officer, 2026, "six_month")
        .await
        .unwrap()
        .expect("the six-month report approved");
    assert!(six
        .sections
        .iter()
        .all(|s| !s.done.is_empty() && s.submitted_by.is_some()));
    assert_eq!(six.approved.login, "leader");
    assert!(!six.figures.is_empty());
    assert!(six.audit_head.contains(':'));
    let all = db.reports(&officer, Some(2026)).await.unwrap();
    let yearly = all.iter().find(|r| r.kind == "yearly").unwrap();
    assert_eq!(yearly.state, ReportState::Preparing);
    let submitted: Vec<&str> = yearly
        .sections
        .iter()
        .filter(|s| s.state == SectionState::Submitted)
        .map(|s| s.agency.as_str())
        .collect();
    assert_eq!(submitted, ["health", "police"]);
    db.close().await;

    let out = treem(&["report", "status", "--db", &url, "--year", "2026"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains(
            "Báo cáo định kỳ 6 tháng (01/01/2026–31/05/2026): Đã phê duyệt; đã nộp 8/8 phần"
        ),
        "{text}"
    );
    assert!(
        text.contains("Báo cáo 01 năm (01/01/2026–31/10/2026): Đang chuẩn bị; đã nộp 2/8 phần"),
        "{text}"
    );
    let out = treem(&[
        "report",
        "open",
        "--db",
        &url,
        "--year",
        "2026",
        "--kind",
        "month_of_action",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("kỳ 01/06/2026 – 30/06/2026, hạn gửi trước 20/07/2026"));
    let out = treem(&[
        "report", "open", "--db", &url, "--year", "2026", "--kind", "forum",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ngày tổ chức diễn đàn"));
    let out = treem(&[
        "report",
        "status",
        "--db",
        &url,
        "--year",
        "2026",
        "--kind",
        "month_of_action",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Tháng hành động") && !text.contains("6 tháng"),
        "{text}"
    );
}

/// The pages over HTTP, without JavaScript: open, write and submit a section, send, return
/// without a reason (refused, said), approve; the home pages show what is due; an edit after
/// approval is refused with why.
#[tokio::test]
async fn the_pages_take_every_step_with_plain_forms() {
    use crate::pages::page_login;
    let app = spawn_app().await;
    let login = |r: Role| {
        let app = &app;
        async move { page_login(app, r.as_str(), &format!("password-{r}")).await }
    };
    let officer = login(Role::Officer).await;
    let health = login(Role::Health).await;
    let police = login(Role::Police).await;
    let leader = login(Role::Leader).await;
    let admin = login(Role::Admin).await;

    assert_eq!(admin.get(&app, "/reports").await.status(), 403);
    let list = officer.get(&app, "/reports").await;
    assert_eq!(list.status(), 200);
    assert!(list
        .text()
        .await
        .unwrap()
        .contains("Báo cáo Tháng hành động vì trẻ em"));
    let r = officer
        .post(
            &app,
            "/reports",
            &[
                ("_csrf", &officer.csrf),
                ("kind", "forum"),
                ("forum_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("cần ghi ngày tổ chức diễn đàn"));
    let r = officer
        .post(
            &app,
            "/reports",
            &[
                ("_csrf", &officer.csrf),
                ("kind", "six_month"),
                ("forum_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("?saved=opened"), "{to}");
    let html = officer.get(&app, &to).await.text().await.unwrap();
    assert!(html.contains("Đã mở báo cáo.") && html.contains("Đang chuẩn bị"));
    let id: i64 = to
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The health station's home shows its section due; its page shows its figures.
    let home = health.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("Phần của Trạm Y tế xã"), "{home}");
    let sec = health
        .get(&app, &format!("/reports/{id}/sections/health"))
        .await;
    assert_eq!(sec.status(), 200);
    let html = sec.text().await.unwrap();
    assert!(html.contains("id=\"section-figures\"") && html.contains("Nộp phần báo cáo"));
    let r = police
        .post(
            &app,
            &format!("/reports/{id}/sections/health"),
            &[
                ("_csrf", &police.csrf),
                ("version", "1"),
                ("action", "save"),
                ("done", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403, "another agency's section");
    let r = health
        .post(
            &app,
            &format!("/reports/{id}/sections/health"),
            &[
                ("_csrf", &health.csrf),
                ("version", "1"),
                ("action", "submit"),
                ("done", "Cân, đo trẻ dưới 5 tuổi"),
                ("results", ""),
                ("difficulties", ""),
                ("proposals", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let html = health.get(&app, &to).await.text().await.unwrap();
    assert!(
        html.contains("Đã nộp phần báo cáo.") && html.contains("Mở lại để sửa"),
        "{html}"
    );
    assert!(!health
        .get(&app, "/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Phần của Trạm Y tế xã"));

    let rep = app
        .db
        .report(&actor(Role::Officer, None), id)
        .await
        .unwrap();
    let v = rep.version.to_string();
    let r = officer
        .post(
            &app,
            &format!("/reports/{id}/send"),
            &[("_csrf", &officer.csrf), ("version", &v)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let home = leader.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("chờ phê duyệt"), "{home}");
    let v = (rep.version + 1).to_string();
    let r = leader
        .post(
            &app,
            &format!("/reports/{id}/return"),
            &[("_csrf", &leader.csrf), ("version", &v), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Cần ghi lý do trả lại báo cáo."));
    let r = leader
        .post(
            &app,
            &format!("/reports/{id}/approve"),
            &[("_csrf", &leader.csrf), ("version", &v), ("number", "7")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = leader
        .get(&app, &format!("/reports/{id}?saved=approved"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Số liệu đã thay đổi sau khi phê duyệt")
            && html.contains("Số liệu đã phê duyệt")
    );
    assert!(html.contains("Đã phê duyệt báo cáo."));
    let r = health
        .post(
            &app,
            &format!("/reports/{id}/sections/health"),
            &[
                ("_csrf", &health.csrf),
                ("version", "3"),
                ("action", "save"),
                ("done", "sửa"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "the page says why, nothing changes");
    assert!(r.text().await.unwrap().contains("đã được phê duyệt"));
    let html = officer
        .get(&app, &format!("/reports/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Lập báo cáo bổ sung"));
    // The approved report leads to its documents, and each link opens.
    for (link, kind) in [
        ("print", "text/html"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let href = format!("/reports/{id}/{link}");
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
        let r = officer.get(&app, &href).await;
        assert_eq!(r.status(), 200, "{href}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(kind), "{href}: {ct}");
    }
    assert!(html.contains(&format!("href=\"/reports/{id}/package\"")));
    let r = officer
        .post(
            &app,
            &format!("/reports/{id}/amend"),
            &[("_csrf", &officer.csrf)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = officer
        .post(
            &app,
            &format!("/reports/{id}/amend"),
            &[("_csrf", "forged")],
        )
        .await;
    assert_ne!(r.status(), 303, "CSRF");
}

/// Bad bodies: 422 with Vietnamese messages naming the field, and nothing written.
#[tokio::test]
async fn bad_bodies_are_422_naming_the_field_and_change_nothing() {
    use reqwest::Method;
    let app = spawn_app().await;
    let officer = app.token(Role::Officer).await;
    let health = app.token(Role::Health).await;
    let (st, body) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        &officer,
        Some(serde_json::json!({"year": 2026, "kind": "nope"})),
    )
    .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (422, Some("kind"))
    );
    let (st, body) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        &officer,
        Some(serde_json::json!({"year": 2026, "kind": "forum", "forum_date": "31/02/2026"})),
    )
    .await;
    assert_eq!(
        (st, body["errors"][0]["field"].as_str()),
        (422, Some("forum_date"))
    );
    let (_, rep) = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        &officer,
        Some(serde_json::json!({"year": 2026, "kind": "six_month"})),
    )
    .await;
    let id = rep["id"].as_i64().unwrap();
    let long = "x".repeat(treem_domain::report::MAX_BOX_CHARS + 1);
    let (st, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/reports/{id}/sections/health"),
        &health,
        Some(serde_json::json!({"version": 1, "done": long})),
    )
    .await;
    assert_eq!(st, 422);
    assert_eq!(body["errors"][0]["field"], "done");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Kết quả thực hiện"));
    let (st, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/reports/{id}/sections/health"),
        &health,
        Some(serde_json::json!({"version": "một"})),
    )
    .await;
    assert_eq!(st, 422, "{body}");
    let (st, _) = call(
        &app,
        Method::GET,
        "/api/v1/reports?year=hai",
        &officer,
        None,
    )
    .await;
    assert_eq!(st, 422);
    let (_, now) = call(
        &app,
        Method::GET,
        &format!("/api/v1/reports/{id}/sections/health"),
        &health,
        None,
    )
    .await;
    assert_eq!(
        (now["version"].as_i64(), now["done"].as_str()),
        (Some(1), Some(""))
    );
}

/// A Month of Action report counts over its own June, not the dashboard's period for the day.
#[tokio::test]
async fn a_month_of_action_report_is_computed_over_its_own_period() {
    let app = spawn_app().await;
    let state = treem_web::AppState::new(std::sync::Arc::new(app.db.clone()));
    let officer = actor(Role::Officer, None);
    let rep = treem_web::reports::open(&state, &officer, 2026, "month_of_action", None)
        .await
        .unwrap();
    let june = treem_domain::indicator::Period::new(
        jiff::civil::date(2026, 6, 1),
        jiff::civil::date(2026, 6, 30),
    );
    assert_eq!(rep.period, june);
    let c = treem_web::reports::computed(&state, 2026, rep.period, treem_web::reports::as_of(&rep))
        .await
        .unwrap();
    assert_eq!(c.period, june);
    let six = treem_web::reports::open(&state, &officer, 2026, "six_month", None)
        .await
        .unwrap();
    let c = treem_web::reports::computed(&state, 2026, six.period, treem_web::reports::as_of(&six))
        .await
        .unwrap();
    assert_eq!(c.period, six.period);
}
