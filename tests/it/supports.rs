//! Issue 15, part 2, target 14: support is recordable (page and API, once per submission, within
//! the child's scope), and target 14 counts the kinds that answer the child's circumstance as
//! the officer sets them; the figures follow a change of that setting at once.
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::{json, Value};
use treem_domain::circumstance::Circumstance;
use treem_domain::role::Role;
use treem_storage::{Register, SupportLog};

/// A disabled child (group d) in `village`, in special circumstances since 2020.
async fn disabled_child(app: &TestApp, name: &str, village: &str) -> i64 {
    let mut c = child(name, village);
    c.circumstances = vec![Circumstance {
        code: "d".into(),
        from: jiff::civil::date(2020, 1, 1),
        to: None,
    }];
    app.db.create_child(&officer(), &c).await.unwrap().id
}

/// Target 14's numerator and denominator today.
async fn target_14(app: &TestApp, token: &str) -> (Option<f64>, Option<f64>) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/plans/2026/targets?as_of={}", today())))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let t = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == 14)
        .unwrap()
        .clone();
    (t["numerator"].as_f64(), t["denominator"].as_f64())
}

async fn give(
    app: &TestApp,
    token: &str,
    child: i64,
    body: Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url(&format!("/api/v1/children/{child}/supports")))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn a_recorded_support_counts_for_target_14_once_and_only_when_its_kind_answers() {
    for (label, url, dir) in databases().await {
        let app = spawn_app_on(url, dir).await;
        let token = app.token(Role::Officer).await;
        let a = disabled_child(&app, "Giàng Thị Mai", "SP01").await;
        let _b = disabled_child(&app, "Vàng A Dình", "SP02").await;
        assert_eq!(
            target_14(&app, &token).await,
            (Some(0.0), Some(2.0)),
            "{label}"
        );

        let day = today().to_string();
        let body = json!({"date": day, "kind": "food_and_gifts"});
        let r = give(&app, &token, a, body.clone(), Some("support-key-0001")).await;
        assert_eq!(r.status(), 201, "{label}");
        // Sent again after a lost answer: nothing more stored.
        let r = give(&app, &token, a, body, Some("support-key-0001")).await;
        assert_eq!(r.status(), 200, "{label}");
        assert_eq!(r.json::<Value>().await.unwrap()["already_saved"], true);
        let list: Value = app
            .http
            .get(app.url(&format!("/api/v1/children/{a}/supports")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{label}");
        assert_eq!(list["items"][0]["kind"], "food_and_gifts");
        assert_eq!(
            target_14(&app, &token).await,
            (Some(1.0), Some(2.0)),
            "{label}"
        );

        // The officer decides gifts do not answer a disability: the figure follows at once.
        let r = app
            .http
            .put(app.url("/api/v1/settings/support-answers"))
            .bearer_auth(&token)
            .json(&json!({"groups": {"d": ["health_care", "school_costs", "alternative_care"]}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{label}");
        assert_eq!(
            target_14(&app, &token).await,
            (Some(0.0), Some(2.0)),
            "{label}"
        );

        // A kind that answers it counts again.
        let r = give(
            &app,
            &token,
            a,
            json!({"date": day, "kind": "Khám, chữa bệnh, phục hồi chức năng"}),
            None,
        )
        .await;
        assert_eq!(r.status(), 201, "{label}");
        assert_eq!(
            target_14(&app, &token).await,
            (Some(1.0), Some(2.0)),
            "{label}"
        );

        // Only the officer changes the setting; a group with no kind is refused by name.
        let leader = app.token(Role::Leader).await;
        let r = app
            .http
            .put(app.url("/api/v1/settings/support-answers"))
            .bearer_auth(&leader)
            .json(&json!({"groups": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{label}");
        let r = app
            .http
            .put(app.url("/api/v1/settings/support-answers"))
            .bearer_auth(&token)
            .json(&json!({"groups": {"d": []}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{label}");
        assert!(r.text().await.unwrap().contains("groups.d"));
    }
}

#[tokio::test]
async fn support_is_recorded_within_the_childs_scope_and_bad_fields_are_named() {
    let app = spawn_app().await;
    let ours = disabled_child(&app, "Giàng Thị Mai", "SP01").await;
    let theirs = disabled_child(&app, "Vàng A Dình", "SP02").await;
    let head = app.token(Role::VillageHead).await;
    let day = today().to_string();
    let body = json!({"date": day, "kind": "school_costs"});
    assert_eq!(
        give(&app, &head, ours, body.clone(), None).await.status(),
        201
    );
    // Another village's child is as unknown as a child that does not exist.
    assert_eq!(
        give(&app, &head, theirs, body.clone(), None).await.status(),
        404
    );
    assert_eq!(
        give(&app, &head, 999_999, body.clone(), None)
            .await
            .status(),
        404
    );
    for role in [Role::Province, Role::Leader, Role::Admin] {
        let t = app.token(role).await;
        assert_eq!(
            give(&app, &t, ours, body.clone(), None).await.status(),
            403,
            "{role}"
        );
    }
    let province = app.token(Role::Province).await;
    let r = app
        .http
        .get(app.url(&format!("/api/v1/children/{ours}/supports")))
        .bearer_auth(&province)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = give(
        &app,
        &head,
        ours,
        json!({"date": "31/02/2026", "kind": "vàng"}),
        None,
    )
    .await;
    assert_eq!(r.status(), 422);
    let t = r.text().await.unwrap();
    assert!(t.contains("\"date\"") && t.contains("\"kind\""), "{t}");
    assert!(t.contains("«vàng» không có trong danh mục"), "{t}");
}

/// The page: a support recorded from the child's page; the same form sent again (back button,
/// double click) stores one; a bad date comes back with the field named and nothing stored.
#[tokio::test]
async fn the_support_page_stores_a_form_once_and_names_a_bad_field() {
    let app = spawn_app().await;
    let id = disabled_child(&app, "Giàng Thị Mai", "SP01").await;
    let page = page_login(&app, "officer", "password-officer").await;
    let html = page
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/children/{id}/supports")),
        "a link from the child's page"
    );
    let html = page
        .get(&app, &format!("/children/{id}/supports"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Trẻ em khuyết tật"), "{html}");
    let submission = {
        let i = html.find("name=\"submission\" value=\"").unwrap() + 25;
        html[i..i + html[i..].find('"').unwrap()].to_string()
    };
    let day = treem_domain::plan::format_date_vi(today());
    let form = [
        ("_csrf", page.csrf.as_str()),
        ("submission", submission.as_str()),
        ("date", day.as_str()),
        ("kind", "legal_aid"),
    ];
    for _ in 0..2 {
        let r = page
            .post(&app, &format!("/children/{id}/supports"), &form)
            .await;
        assert_eq!(r.status(), 303);
    }
    let html = page
        .get(&app, &format!("/children/{id}/supports?saved=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã ghi trợ giúp"));
    assert_eq!(html.matches("Trợ giúp pháp lý</td>").count(), 1, "{html}");
    let r = page
        .post(
            &app,
            &format!("/children/{id}/supports"),
            &[
                ("_csrf", page.csrf.as_str()),
                ("submission", "another-form-0001"),
                ("date", "32/13/2026"),
                ("kind", "legal_aid"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("<strong>Ngày trợ giúp</strong>"), "{html}");
    let stored = app.db.child_supports(&officer(), id).await.unwrap();
    assert_eq!(stored.len(), 1, "the refused form stored nothing");
}

/// The cached figures are keyed by this stamp: a plan stored again, a report period confirmed
/// anew or the support setting changed must each give figures computed again.
#[tokio::test]
async fn the_figures_stamp_changes_with_the_plan_and_the_settings_the_figures_read() {
    use treem_storage::Plans;
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let o = officer();
        let mut seen = vec![db.figures_stamp().await.unwrap()];
        db.save_plan(&o, 2026, treem_web::figures::SEED_PLAN)
            .await
            .unwrap();
        seen.push(db.figures_stamp().await.unwrap());
        db.confirm_report_period(
            &actor(Role::Officer, None),
            2026,
            "six_month",
            treem_domain::indicator::Period::new(
                jiff::civil::date(2026, 1, 1),
                jiff::civil::date(2026, 5, 15),
            ),
        )
        .await
        .unwrap();
        seen.push(db.figures_stamp().await.unwrap());
        let mut answers = treem_domain::support::SupportAnswers::default();
        answers
            .set("a", &[treem_domain::support::SupportKind::AlternativeCare])
            .unwrap();
        db.set_support_answers(&actor(Role::Officer, None), &answers)
            .await
            .unwrap();
        seen.push(db.figures_stamp().await.unwrap());
        for w in seen.windows(2) {
            assert_ne!(w[0], w[1], "{label}");
        }
    }
}
