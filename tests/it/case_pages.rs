//! Case files on the pages: a report filed by a village head, every step to the closing as each
//! role would take it, field messages, and every role on every case route.
use crate::helpers::*;
use crate::pages::{page_login, Page};
use serde_json::Value;
use treem_domain::role::{Role, ALL_ROLES};

fn now() -> jiff::civil::DateTime {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .datetime()
}

fn today_vn() -> String {
    crate::i18n_date(now().date())
}

/// The hour now, for times that must not lie in the future.
fn hhmm() -> String {
    let n = now();
    format!("{:02}:{:02}", n.hour(), n.minute())
}

async fn login(app: &TestApp, role: &str) -> Page {
    page_login(app, role, &format!("password-{role}")).await
}

/// Posts a form with the session's CSRF token and returns (status, location or body).
async fn submit(app: &TestApp, p: &Page, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form: Vec<(&str, &str)> = vec![("_csrf", &p.csrf)];
    form.extend_from_slice(fields);
    let r = p.post(app, path, &form).await;
    let status = r.status().as_u16();
    if status == 303 {
        let to = r.headers()["location"].to_str().unwrap().to_string();
        (status, to)
    } else {
        (status, r.text().await.unwrap())
    }
}

async fn html(app: &TestApp, p: &Page, path: &str) -> (u16, String) {
    let r = p.get(app, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The report a village head files from a phone.
fn report<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("channel", "village_head"),
        ("category", "abused"),
        ("child_type", "new"),
        ("child.full_name", "Sùng Thị Dua"),
        ("child.sex", "female"),
        ("child.dob_precision", "estimated"),
        ("child.estimated_age", "11"),
        ("child.village", "SP01"),
        ("place", "Nương nhà bà Sùng"),
        ("current_condition", "Trẻ sợ hãi, không muốn về nhà"),
        ("informant.consent", "1"),
        ("informant.full_name", "Người hàng xóm kín danh"),
    ]
}

/// The seq of the case page's current step count, as the form carries it.
fn seq_in(html: &str) -> String {
    let i = html.find("name=\"seq\" value=\"").expect("seq field") + 18;
    html[i..].split('"').next().unwrap().to_string()
}

/// Takes step `code` through its form (GET then POST) and expects the redirect to the case.
async fn step(app: &TestApp, p: &Page, id: i64, code: &str, fields: &[(&str, &str)]) {
    let path = format!("/cases/{id}/step/{code}");
    let (status, form) = html(app, p, &path).await;
    assert_eq!(status, 200, "form {code}: {form}");
    let seq = seq_in(&form);
    let mut all = vec![("seq", seq.as_str())];
    all.extend_from_slice(fields);
    let (status, body) = submit(app, p, &path, &all).await;
    assert_eq!(status, 303, "{code}: {body}");
    assert_eq!(
        body,
        format!("/cases/{id}?saved={code}"),
        "the save is confirmed"
    );
}

fn state_of(html: &str) -> String {
    let i = html.find("id=\"case-state\">").expect("state") + 16;
    html[i..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn a_case_goes_from_a_village_report_to_its_closing_on_the_pages() {
    let app = spawn_app().await;
    let today = today_vn();

    // The village head reports; a missing field is named in Vietnamese, nothing is written.
    let head = login(&app, "village_head").await;
    let (status, form) = html(&app, &head, "/cases/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"informant.consent\""));
    let mut bad = report();
    bad.retain(|(k, _)| *k != "place");
    let hour = hhmm();
    bad.push(("received_at", &today));
    bad.push(("received_at_time", &hour));
    let (status, body) = submit(&app, &head, "/cases/new", &bad).await;
    assert_eq!(status, 422);
    assert!(body.contains("thiếu nơi xảy ra sự việc"), "{body}");
    assert!(
        body.contains("Sùng Thị Dua"),
        "the form keeps what was typed"
    );
    let (status, _) = html(&app, &head, "/cases").await;
    assert_eq!(
        status, 403,
        "a village head has no case list, not even counts"
    );

    let mut good = report();
    good.push(("received_at", &today));
    good.push(("received_at_time", &hour));
    let (status, to) = submit(&app, &head, "/cases/new", &good).await;
    assert_eq!(status, 303, "{to}");
    let id: i64 = to.trim_start_matches("/cases/").parse().unwrap();
    // The filer sees that it was received, nothing of what it says.
    let (status, receipt) = html(&app, &head, &to).await;
    assert_eq!(status, 200);
    assert!(receipt.contains("Đã tiếp nhận tin báo"));
    assert!(!receipt.contains("sợ hãi") && !receipt.contains("Sùng Thị Dua"));
    let (status, _) = html(&app, &head, &format!("/cases/{id}/step/service")).await;
    assert_eq!(status, 404);
    // The report form lists the reports this village head filed, by number only.
    let (_, form) = html(&app, &head, "/cases/new").await;
    assert!(form.contains(&format!("Tin báo số {id}")), "{form}");
    let other = login(&app, "health").await;
    let (_, form) = html(&app, &other, "/cases/new").await;
    assert!(!form.contains("id=\"my-reports\""));

    // The officer sees it on the home page and the case page, with its next step.
    let officer = login(&app, "officer").await;
    let (_, home) = html(&app, &officer, "/").await;
    assert!(home.contains(&format!("/cases/{id}")));
    let (status, page) = html(&app, &officer, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("sợ hãi") && page.contains("Người hàng xóm kín danh"));
    assert_eq!(state_of(&page), "Đánh giá ban đầu");
    assert!(page.contains("id=\"do-initial_assessment\""));
    assert!(!page.contains("id=\"do-approve\""));

    step(
        &app,
        &officer,
        id,
        "initial_assessment",
        &[
            ("rating.muc_do_ton_hai", "cao"),
            ("rating.tiep_can_cua_nguoi_gay_ton_hai", "cao"),
            ("abuse_type", "bao_luc"),
            ("level", "can_thiep"),
            ("serious_harm", "1"),
            ("summary", "Cần tách trẻ khỏi người gây tổn hại"),
        ],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert_eq!(state_of(&page), "Can thiệp khẩn cấp");
    assert!(
        page.contains("Áp dụng biện pháp khẩn cấp (12 giờ)"),
        "the emergency deadline"
    );
    step(
        &app,
        &officer,
        id,
        "emergency_measures",
        &[
            ("measures", "temporary_separation"),
            ("taken_at", &today),
            ("taken_at_time", &hhmm()),
            ("description", "Trẻ ở tạm nhà bà ngoại"),
        ],
    )
    .await;
    step(
        &app,
        &officer,
        id,
        "specific_assessment",
        &[
            ("information", "Đã gặp trẻ, bà ngoại, nhà trường"),
            ("needs", "Chăm sóc y tế\nTư vấn cho gia đình"),
            (
                "meeting.attendees",
                "Cán bộ VH-XH - UBND xã\nTrưởng Công an xã - Công an xã",
            ),
            ("meeting.held_at", &today),
            ("meeting.held_at_time", &hhmm()),
            ("meeting.minutes", "Thống nhất kế hoạch"),
        ],
    )
    .await;

    // A plan with a row missing who is responsible: the message sits by that field.
    let path = format!("/cases/{id}/step/plan");
    // The directory of services is suggested for who is responsible (text still free).
    let entry = treem_domain::activity::directory::EntryInput {
        category: "legal_aid".into(),
        name: "Trung tâm trợ giúp pháp lý tỉnh".into(),
        phone: "0214 3820 111".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    treem_storage::ActivityLog::add_service_entry(&app.db, &crate::helpers::officer(), &entry)
        .await
        .unwrap();
    let (_, form) = html(&app, &officer, &path).await;
    assert!(
        form.contains("<datalist id=\"service-directory\"><option value=\"Trung tâm trợ giúp pháp lý tỉnh — 0214 3820 111\">")
            && form.contains("list=\"service-directory\""),
        "the directory offered in the plan"
    );
    let seq = seq_in(&form);
    let (status, body) = submit(
        &app,
        &officer,
        &path,
        &[
            ("seq", &seq),
            ("objectives", "Trẻ an toàn"),
            ("measures[1].kind", "medical_care"),
            ("measures[1].from", &today),
            ("measures[1].to", &today),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("thiếu người chịu trách nhiệm"), "{body}");
    step(
        &app,
        &officer,
        id,
        "plan",
        &[
            ("objectives", "Trẻ an toàn\nTrẻ đi học lại"),
            ("measures[1].kind", "medical_care"),
            ("measures[1].responsible", "Trạm Y tế xã"),
            ("measures[1].from", &today),
            ("measures[1].to", &today),
        ],
    )
    .await;
    step(&app, &officer, id, "submit_for_approval", &[("note", "")]).await;
    let (status, _) = html(&app, &officer, &format!("/cases/{id}/step/approve")).await;
    assert_eq!(status, 404, "only the leader approves");

    let leader = login(&app, "leader").await;
    let (_, home) = html(&app, &leader, "/").await;
    assert!(home.contains(&format!("/cases/{id}")), "the leader's home");
    step(
        &app,
        &leader,
        id,
        "approve",
        &[("decision_no", "15/QĐ-UBND")],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert_eq!(state_of(&page), "Thực hiện kế hoạch");
    // The plan was approved the day it was submitted: on time, counted on the dashboard
    // (unless its deadline falls after the period, late in December).
    let (_, dash) = html(&app, &officer, "/dashboard").await;
    assert!(dash.contains("id=\"case-figures\""));
    assert!(dash.contains("(1/1)") || dash.contains("(0/0)"), "{dash}");
    assert!(!dash.contains("Dua"));
    step(
        &app,
        &officer,
        id,
        "service",
        &[
            ("kind", "medical_care"),
            ("by", "Y sĩ Trạm Y tế"),
            ("date", &today),
        ],
    )
    .await;
    // The offender's handling (target 16 counts the child only with it): a missing choice is
    // named, then the police referral is recorded and shown in words.
    let path = format!("/cases/{id}/step/offender_handling");
    let (_, form) = html(&app, &officer, &path).await;
    assert!(form.contains("Đã chuyển cơ quan công an"), "{form}");
    let seq = seq_in(&form);
    let (status, body) = submit(&app, &officer, &path, &[("seq", &seq), ("date", &today)]).await;
    assert_eq!(status, 422);
    assert!(body.contains("cách xử lý người vi phạm"), "{body}");
    step(
        &app,
        &officer,
        id,
        "offender_handling",
        &[
            ("handling", "referred_to_police"),
            ("date", &today),
            ("note", "Công an xã tiếp nhận tố giác"),
        ],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert!(
        page.contains("Xử lý người vi phạm") && page.contains("Đã chuyển cơ quan công an"),
        "{page}"
    );
    step(
        &app,
        &officer,
        id,
        "review",
        &[
            ("rating.muc_do_ton_hai", "thap"),
            ("recovery", "Trẻ đã ổn định, đi học đều"),
            ("decision", "close"),
        ],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert_eq!(state_of(&page), "Chờ phê duyệt kết thúc");
    step(&app, &leader, id, "approve", &[]).await;
    let (_, page) = html(&app, &leader, &to).await;
    assert_eq!(state_of(&page), "Đã kết thúc");
    assert!(!page.contains("id=\"case-actions\""), "nothing left to do");

    // Target 16 is counted from this case: one abused child, with emergency measures and the
    // offender's handling recorded.
    let token = app.token(Role::Health).await;
    let v: Value = app
        .http
        .get(app.url(&format!(
            "/api/v1/plans/2026/targets?as_of={}",
            now().date()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if now().date().year() == 2026 {
        let t16 = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["number"] == 16)
            .unwrap();
        assert_eq!(t16["numerator"].as_f64(), Some(1.0), "{t16}");
        assert_eq!(t16["denominator"].as_f64(), Some(1.0));
        assert_eq!(t16["status"], "met");
        assert!(!t16.to_string().contains("Dua"));
        // The officer sees which case is counted; the health station does not.
        let (_, page) = html(&app, &officer, "/dashboard/targets/16").await;
        assert!(page.contains(&format!("/cases/{id}")), "{page}");
        let health = login(&app, "health").await;
        let (_, page) = html(&app, &health, "/dashboard/targets/16").await;
        assert!(!page.contains(&format!("/cases/{id}")) && !page.contains("case-records"));
    }
}

#[tokio::test]
async fn a_stale_step_is_shown_again_not_written() {
    let app = spawn_app().await;
    let today = today_vn();
    let head = login(&app, "village_head").await;
    let hour = hhmm();
    let mut good = report();
    good.push(("received_at", &today));
    good.push(("received_at_time", &hour));
    let (_, to) = submit(&app, &head, "/cases/new", &good).await;
    let id: i64 = to.trim_start_matches("/cases/").parse().unwrap();
    let officer = login(&app, "officer").await;
    let visit = [
        ("seq", "1"),
        ("date", today.as_str()),
        ("by", "Trưởng thôn"),
        ("findings", "Trẻ ở với bà"),
    ];
    let path = format!("/cases/{id}/step/visit");
    let (status, _) = submit(&app, &officer, &path, &visit).await;
    assert_eq!(status, 303);
    // The same form again, made before the first was saved.
    let (status, body) = submit(&app, &officer, &path, &visit).await;
    assert_eq!(status, 422);
    assert!(body.contains("vừa có người ghi thêm"), "{body}");
    let (_, page) = html(&app, &officer, &to).await;
    assert_eq!(page.matches("Thăm trẻ, gia đình").count(), 1);
}

/// Every role on every case route, with the expected status. An assigned police officer opens
/// the case and records a visit; other police get 404 like anyone else who may not open it.
#[tokio::test]
async fn every_role_on_every_case_route() {
    let app = spawn_app().await;
    let today = today_vn();
    let head = login(&app, "village_head").await;
    let hour = hhmm();
    let mut good = report();
    good.push(("received_at", &today));
    good.push(("received_at_time", &hour));
    let (_, to) = submit(&app, &head, "/cases/new", &good).await;
    let id: i64 = to.trim_start_matches("/cases/").parse().unwrap();

    let case = format!("/cases/{id}");
    let visit_path = format!("/cases/{id}/step/visit");
    for role in ALL_ROLES {
        let r = role.as_str();
        let p = login(&app, r).await;
        let opens = matches!(role, Role::Officer | Role::Leader);
        let files = matches!(
            role,
            Role::Officer | Role::VillageHead | Role::Police | Role::Health
        );
        // A village head files reports and sees receipts; no list, not even counts. The
        // economic office sees money, never a case, not even counts.
        let list = if matches!(role, Role::Admin | Role::VillageHead | Role::Economic) {
            403
        } else {
            200
        };
        let (status, body) = html(&app, &p, "/cases").await;
        assert_eq!(status, list, "{r} /cases");
        if status == 200 {
            assert_eq!(
                body.contains(&case),
                opens,
                "{r}: the list names cases only to those who open them"
            );
        }
        assert_eq!(
            html(&app, &p, "/cases/new").await.0,
            if files { 200 } else { 403 },
            "{r} GET /cases/new"
        );
        let (status, body) = html(&app, &p, &case).await;
        let want = if opens || role == Role::VillageHead {
            200
        } else {
            404
        };
        assert_eq!(status, want, "{r} GET {case}");
        assert_eq!(body.contains("sợ hãi"), opens, "{r} reads the narrative");
        assert_eq!(
            html(&app, &p, &format!("/cases/{id}/forms/1")).await.0,
            if opens { 200 } else { 404 },
            "{r} GET the printed report"
        );
        // Only the officer may replace the report here (its author cannot open the case).
        assert_eq!(
            html(&app, &p, &format!("/cases/{id}/replace/1")).await.0,
            if role == Role::Officer { 200 } else { 404 },
            "{r} GET the report's replacement form"
        );
        assert_eq!(
            html(&app, &p, &visit_path).await.0,
            if role == Role::Officer { 200 } else { 404 },
            "{r} GET {visit_path}"
        );
        let (status, _) = submit(
            &app,
            &p,
            &visit_path,
            &[
                ("seq", "1"),
                ("date", &today),
                ("by", r),
                ("findings", "Trẻ ở với bà"),
            ],
        )
        .await;
        let want = if role == Role::Officer { 303 } else { 404 };
        assert_eq!(status, want, "{r} POST {visit_path}");
    }

    // Assign one police officer: that one opens the case and records a visit; another does not.
    let officer = login(&app, "officer").await;
    // A mistyped account, or the wrong role, is refused by the field.
    let assign = format!("/cases/{id}/step/assign");
    let (_, form) = html(&app, &officer, &assign).await;
    let seq = seq_in(&form);
    for (user, role, msg) in [
        ("congan9", "police", "không có tài khoản «congan9»"),
        ("health", "police", "tài khoản «health» có vai trò khác"),
    ] {
        let (status, body) = submit(
            &app,
            &officer,
            &assign,
            &[("seq", &seq), ("username", user), ("role", role)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains(msg), "{body}");
    }
    step(
        &app,
        &officer,
        id,
        "assign",
        &[("username", "police"), ("role", "police")],
    )
    .await;
    let police = login(&app, "police").await;
    let (status, body) = html(&app, &police, &case).await;
    assert_eq!(status, 200);
    assert!(body.contains("sợ hãi"));
    assert!(body.contains("id=\"do-visit\"") && !body.contains("id=\"do-initial_assessment\""));
    step(
        &app,
        &police,
        id,
        "visit",
        &[
            ("date", &today),
            ("by", "Công an xã"),
            ("findings", "Đã làm việc với gia đình"),
        ],
    )
    .await;
    let (status, _) = html(
        &app,
        &police,
        &format!("/cases/{id}/step/initial_assessment"),
    )
    .await;
    assert_eq!(status, 404, "assigned police do not assess");
    let admin = actor(Role::Admin, None);
    treem_storage::Accounts::create_user(
        &app.db,
        &admin,
        &treem_storage::NewUser {
            username: "police2".into(),
            password: "password-police2".into(),
            role: Role::Police,
            village: None,
            must_change_password: false,
            full_name: "Người Thử".into(),
            position: "Cán bộ".into(),
        },
    )
    .await
    .unwrap();
    let other = page_login(&app, "police2", "password-police2").await;
    assert_eq!(html(&app, &other, &case).await.0, 404);
    assert_eq!(html(&app, &other, &visit_path).await.0, 404);
    // Forms without the token are refused before anything else.
    let r = officer
        .post(
            &app,
            &visit_path,
            &[("seq", "3"), ("by", "x"), ("findings", "y")],
        )
        .await;
    assert_eq!(r.status(), 403);
}

/// Every role on every case route of the API, with the expected status.
#[tokio::test]
async fn every_role_on_every_case_api_route() {
    let app = spawn_app().await;
    let at = now();
    let intake = serde_json::json!({
        "kind": "intake", "channel": "police", "received_at": at.to_string(),
        "category": "at_risk",
        "child": {"type": "new", "sex": "unknown", "dob_precision": "unknown",
                  "description": "Bé trai khoảng 3 tuổi"},
        "place": "Chợ Sính Phình", "current_condition": "Đi lạc, không tìm thấy người nhà"
    });
    let head = app.token(Role::VillageHead).await;
    let r = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&head)
        .json(&intake)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut seq = 1;
    for role in ALL_ROLES {
        // The current count, so that a refusal is about rights, never a stale form.
        let visit = serde_json::json!({"expected_seq": seq, "entry": {
            "kind": "visit", "date": at.date().to_string(), "by": "x", "findings": "Trẻ an toàn"}});
        let token = app.token(role).await;
        let get = |path: String| {
            let (http, token) = (app.http.clone(), token.clone());
            async move {
                let r = http.get(path).bearer_auth(token).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, body) = get(app.url("/api/v1/cases")).await;
        let want_list = match role {
            Role::Admin | Role::VillageHead | Role::Economic => 403,
            _ => 200,
        };
        assert_eq!(status, want_list, "{role} GET /cases: {body}");
        let opens = matches!(role, Role::Officer | Role::Leader);
        if status == 200 {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["items"].is_array(), opens, "{role}: {v}");
            assert_eq!(v["counts"].is_array(), !opens, "{role}: {v}");
            assert!(!body.contains("Chợ Sính Phình"));
        }
        let r = app
            .http
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&token)
            .json(&intake)
            .send()
            .await
            .unwrap();
        let files = matches!(
            role,
            Role::Officer | Role::VillageHead | Role::Police | Role::Health
        );
        assert_eq!(
            r.status(),
            if files { 201 } else { 403 },
            "{role} POST /cases"
        );
        let (status, body) = get(app.url(&format!("/api/v1/cases/{id}"))).await;
        let want = if opens || role == Role::VillageHead {
            200
        } else {
            404
        };
        assert_eq!(status, want, "{role} GET /cases/{id}");
        assert_eq!(body.contains("Đi lạc"), opens, "{role} reads the report");
        let r = app
            .http
            .post(app.url(&format!("/api/v1/cases/{id}/entries")))
            .bearer_auth(&token)
            .json(&visit)
            .send()
            .await
            .unwrap();
        let want = match role {
            Role::Officer => 200,
            // May open the case but not record visits unless assigned; the filer is known
            // to exist for them.
            Role::Leader | Role::VillageHead => 403,
            _ => 404,
        };
        assert_eq!(r.status(), want, "{role} POST /cases/{id}/entries");
        if role == Role::Officer {
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["case"]["entries"].as_array().unwrap().len(), 2);
            seq = 2;
        }
    }
}

/// A wrong report is corrected by a replacement that points to it; the first stays in the file.
#[tokio::test]
async fn a_replacement_over_the_api_corrects_the_report_and_keeps_the_first() {
    let app = spawn_app().await;
    let at = now();
    let intake = |place: &str| {
        serde_json::json!({
            "kind": "intake", "channel": "phone", "received_at": at.to_string(),
            "category": "at_risk",
            "child": {"type": "new", "sex": "male", "dob_precision": "unknown",
                      "full_name": "Mùa A Tủa"},
            "place": place, "current_condition": "Bỏ học, đi làm thuê"
        })
    };
    let officer = app.token(Role::Officer).await;
    let head = app.token(Role::VillageHead).await;
    let r = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&head)
        .json(&intake("Bản Pú Ủng"))
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let url = app.url(&format!("/api/v1/cases/{id}/entries/1/replacement"));
    let body = serde_json::json!({"entry": intake("Bản Sính Phình A")});
    // Not the unassigned police; the officer may.
    let police = app.token(Role::Police).await;
    let r = app
        .http
        .post(&url)
        .bearer_auth(&police)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .http
        .post(&url)
        .bearer_auth(&officer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    let entries = v["case"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["corrects"], 1);
    assert_eq!(entries[0]["kind"]["place"], "Bản Pú Ủng");
    // The page shows both, the first marked as replaced.
    let p = login(&app, "officer").await;
    let (_, page) = html(&app, &p, &format!("/cases/{id}")).await;
    assert!(page.contains("đã được thay bằng mục 2") && page.contains("thay cho mục 1"));
    // A replacement of another kind is refused with a reason.
    let visit = serde_json::json!({"entry": {"kind": "visit", "date": at.date().to_string(),
        "by": "x", "findings": "y"}});
    let r = app
        .http
        .post(&url)
        .bearer_auth(&officer)
        .json(&visit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

/// The officer fixes the report on the page: a replacement that points to it; the form prints
/// the corrected place; nobody else is offered the link.
#[tokio::test]
async fn the_officer_corrects_a_report_on_the_page() {
    let app = spawn_app().await;
    let today = today_vn();
    let head = login(&app, "village_head").await;
    let hour = hhmm();
    let mut good = report();
    good.push(("received_at", &today));
    good.push(("received_at_time", &hour));
    let (_, to) = submit(&app, &head, "/cases/new", &good).await;
    let id: i64 = to.trim_start_matches("/cases/").parse().unwrap();
    let officer = login(&app, "officer").await;
    let (_, page) = html(&app, &officer, &to).await;
    assert!(page.contains(&format!("/cases/{id}/replace/1")));
    let path = format!("/cases/{id}/replace/1");
    let (status, form) = html(&app, &officer, &path).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("Nương nhà bà Sùng"),
        "the form shows what was recorded"
    );
    // Send it back with the place changed, keeping every other field as shown.
    let mut fields: Vec<(&str, String)> = vec![];
    for (k, v) in report() {
        fields.push((
            k,
            if k == "place" {
                "Nương nhà ông Sùng".into()
            } else {
                v.into()
            },
        ));
    }
    fields.push(("received_at", today.clone()));
    fields.push(("received_at_time", hour.clone()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = submit(&app, &officer, &path, &refs).await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = html(&app, &officer, &to).await;
    assert!(page.contains("đã được thay bằng mục 2") && page.contains("thay cho mục 1"));
    assert!(
        !page.contains(&format!("/cases/{id}/replace/1\"")),
        "replaced once"
    );
    let (_, mau01) = html(&app, &officer, &format!("/cases/{id}/forms/1")).await;
    assert!(mau01.contains("Nương nhà ông Sùng") && !mau01.contains("Nương nhà bà Sùng"));
    // The leader may open the case but did not write the report: no link, and 404.
    let leader = login(&app, "leader").await;
    let (_, page) = html(&app, &leader, &to).await;
    assert!(!page.contains("/replace/"));
    assert_eq!(
        html(&app, &leader, &format!("/cases/{id}/replace/2"))
            .await
            .0,
        404
    );
    assert_eq!(
        html(&app, &officer, &format!("/cases/{id}/replace/x"))
            .await
            .0,
        404
    );
}

/// With the wrong case key the cases do not open, but the dashboard still shows everyone's
/// targets; target 16 says "no data" rather than failing the page or counting half the cases.
#[tokio::test]
async fn a_wrong_case_key_leaves_target_16_without_data_not_the_dashboard_broken() {
    use treem_storage::{CaseKey, Cases, Db};
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("k.db").to_string_lossy().to_string();
    let db = seeded(&url).await.with_case_key(CaseKey::random());
    let at = now();
    let intake: treem_domain::case::EntryKind = serde_json::from_value(serde_json::json!({
        "kind": "intake", "channel": "phone", "received_at": at.to_string(),
        "category": "abused",
        "child": {"type": "new", "sex": "male", "dob_precision": "unknown", "full_name": "Mùa A Tủa"},
        "place": "Bản", "current_condition": "Bị đánh"
    }))
    .unwrap();
    db.open_case(&officer(), intake, at).await.unwrap();
    db.close().await;
    let wrong = Db::open(&url)
        .await
        .unwrap()
        .with_case_key(CaseKey::random());
    let app = serve_db(wrong).await;
    let p = login(&app, "officer").await;
    let (status, dash) = html(&app, &p, "/dashboard").await;
    assert_eq!(status, 200, "{dash}");
    let (status, page) = html(&app, &p, "/cases/1").await;
    assert_eq!(status, 409, "the case itself says it cannot be opened");
    assert!(page.contains("không giải mã được hồ sơ 1"), "{page}");
    assert!(page.contains("bị hỏng, báo quản trị"), "{page}");
    assert!(page.contains("TREEM_CASE_KEY_FILE") && !page.contains("Bị đánh"));
    let police = login(&app, "police").await;
    assert_eq!(html(&app, &police, "/cases/1").await.0, 404);
}

/// The page offers exactly what the state machine accepts (the domain's `may_strike`): an
/// offender's handling recorded by mistake is struck out like a referral, on the page too.
#[tokio::test]
async fn the_offenders_handling_is_struck_out_on_the_page_as_the_rules_allow() {
    let app = spawn_app().await;
    let today = today_vn();
    let hour = hhmm();
    let officer = login(&app, "officer").await;
    let mut good = report();
    good.push(("received_at", &today));
    good.push(("received_at_time", &hour));
    let (status, to) = submit(&app, &officer, "/cases/new", &good).await;
    assert_eq!(status, 303, "{to}");
    let id: i64 = to.trim_start_matches("/cases/").parse().unwrap();
    step(
        &app,
        &officer,
        id,
        "offender_handling",
        &[
            ("handling", "referred_to_police"),
            ("date", &today),
            ("note", "Ghi nhầm hồ sơ"),
        ],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert!(
        page.contains(&format!("/cases/{id}/step/correction?of=2")),
        "{page}"
    );
    step(
        &app,
        &officer,
        id,
        "correction",
        &[("of", "2"), ("note", "Ghi nhầm hồ sơ khác")],
    )
    .await;
    let (_, page) = html(&app, &officer, &to).await;
    assert!(page.contains("bị gạch bỏ bởi mục 3"), "{page}");
}
