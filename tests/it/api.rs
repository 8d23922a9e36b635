//! The HTTP API over a real server: every role against every route, and the error contract.
use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};
use treem_domain::role::{Role, ALL_ROLES};
use treem_storage::Register;

const READERS: [Role; 6] = [
    Role::Officer,
    Role::Leader,
    Role::Health,
    Role::Police,
    Role::Office,
    Role::VillageHead,
];
const WRITERS: [Role; 4] = [Role::Officer, Role::Health, Role::Office, Role::VillageHead];

fn expect(allowed: &[Role], ok: u16, role: Role) -> u16 {
    if allowed.contains(&role) {
        ok
    } else {
        403
    }
}

#[tokio::test]
async fn every_role_against_every_route() {
    let app = spawn_app().await;
    let o = officer();
    let a = app
        .db
        .create_child(&o, &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    let b = app
        .db
        .create_child(&o, &child("Đặng Văn Đức", "SP02"))
        .await
        .unwrap();
    let villages = app.db.villages(&o).await.unwrap();
    let sp02 = villages.iter().find(|v| v.code == "SP02").unwrap().clone();
    let mut failures = Vec::new();
    // Officer last, so the routes that change shared rows see everyone else first.
    let mut roles = ALL_ROLES.to_vec();
    roles.sort_by_key(|r| *r == Role::Officer);
    for role in roles {
        let token = app.token(role).await;
        let current = |id: i64| {
            let db = app.db.clone();
            async move { db.child(&officer(), id).await.unwrap() }
        };
        let ca = current(a.id).await;
        let cb = current(b.id).await;
        let mut body_a = serde_json::to_value(&ca.data).unwrap();
        body_a["version"] = json!(ca.version);
        let mut body_b = serde_json::to_value(&cb.data).unwrap();
        body_b["version"] = json!(cb.version);
        let sp02_now = app
            .db
            .villages(&o)
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.id == sp02.id)
            .unwrap();
        let new_child = json!({"full_name": format!("Trẻ mới {role}"), "sex": "male", "date_of_birth": "2020-02-02", "village": "SP01"});
        let household = json!({"village": "SP01", "head_name": "Giàng A Lử"});
        let user = json!({"username": format!("new_{role}"), "password": "a-long-password", "role": "health", "full_name": "Vàng Thị Mai", "position": "Y sĩ"});
        let vhead_no = |ok: u16| if role == Role::VillageHead { 404 } else { ok };
        let cases: Vec<(Method, String, Option<Value>, u16)> = vec![
            (Method::GET, "/api/v1/me".into(), None, 200),
            (Method::GET, "/api/v1/villages".into(), None, 200),
            (
                Method::POST,
                "/api/v1/villages".into(),
                Some(json!({"code": format!("V{}", role.as_str().len()), "name": "Thôn mới"})),
                expect(&[Role::Officer], 201, role),
            ),
            (
                Method::PUT,
                format!("/api/v1/villages/{}", sp02.id),
                Some(json!({"code": "SP02", "name": "Làng Vùa", "version": sp02_now.version})),
                expect(&[Role::Officer], 200, role),
            ),
            (
                Method::GET,
                "/api/v1/children".into(),
                None,
                expect(&READERS, 200, role),
            ),
            (
                Method::GET,
                "/api/v1/children?q=giang%20a".into(),
                None,
                expect(&READERS, 200, role),
            ),
            (
                Method::GET,
                format!("/api/v1/children/{}", a.id),
                None,
                expect(&READERS, 200, role),
            ),
            (
                Method::GET,
                format!("/api/v1/children/{}", b.id),
                None,
                vhead_no(expect(&READERS, 200, role)),
            ),
            (
                Method::GET,
                format!("/api/v1/children/{}/history", a.id),
                None,
                expect(&READERS, 200, role),
            ),
            (
                Method::GET,
                format!("/api/v1/children/{}/history", b.id),
                None,
                vhead_no(expect(&READERS, 200, role)),
            ),
            (
                Method::POST,
                "/api/v1/children".into(),
                Some(new_child),
                expect(&WRITERS, 201, role),
            ),
            (
                Method::PUT,
                format!("/api/v1/children/{}", a.id),
                Some(body_a),
                expect(&WRITERS, 200, role),
            ),
            (
                Method::PUT,
                format!("/api/v1/children/{}", b.id),
                Some(body_b),
                vhead_no(expect(&WRITERS, 200, role)),
            ),
            (
                Method::GET,
                "/api/v1/stats/children".into(),
                None,
                if role == Role::Admin { 403 } else { 200 },
            ),
            (
                Method::GET,
                "/api/v1/households".into(),
                None,
                expect(&READERS, 200, role),
            ),
            (
                Method::POST,
                "/api/v1/households".into(),
                Some(household),
                expect(&WRITERS, 201, role),
            ),
            (
                Method::GET,
                "/api/v1/users".into(),
                None,
                expect(&[Role::Admin], 200, role),
            ),
            (
                Method::POST,
                "/api/v1/users".into(),
                Some(user),
                expect(&[Role::Admin], 201, role),
            ),
            (
                Method::GET,
                "/api/v1/audit".into(),
                None,
                expect(&[Role::Officer, Role::Leader, Role::Admin], 200, role),
            ),
            (
                Method::GET,
                "/api/v1/children/999999".into(),
                None,
                if READERS.contains(&role) { 404 } else { 403 },
            ),
        ];
        for (method, path, body, want) in cases {
            let mut req = app
                .http
                .request(method.clone(), app.url(&path))
                .bearer_auth(&token);
            if let Some(b) = &body {
                req = req.json(b);
            }
            let res = req.send().await.unwrap();
            let got = res.status().as_u16();
            if got != want {
                failures.push(format!(
                    "{role} {method} {path}: want {want}, got {got}: {}",
                    res.text().await.unwrap_or_default()
                ));
            }
            // Without a token every route but the document refuses with 401.
            let mut anon = app.http.request(method.clone(), app.url(&path));
            if let Some(b) = &body {
                anon = anon.json(b);
            }
            let status = anon.send().await.unwrap().status().as_u16();
            if status != 401 {
                failures.push(format!("anonymous {method} {path}: want 401, got {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn province_never_receives_personal_data() {
    let app = spawn_app().await;
    app.db
        .create_child(&officer(), &child("Giàng A Páo", "SP01"))
        .await
        .unwrap();
    let token = app.token(Role::Province).await;
    let stats: Value = app
        .http
        .get(app.url("/api/v1/stats/children"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = stats.to_string();
    // One child: a count of 1 is not told either (tests/it/disclosure.rs).
    assert_eq!(stats["total_suppressed"], "<5", "{text}");
    assert!(!text.contains("\"count\":1"), "{text}");
    assert!(!text.contains("Páo"));
}

#[tokio::test]
async fn validation_errors_are_422_with_vietnamese_field_messages() {
    let app = spawn_app().await;
    let token = app.token(Role::Officer).await;
    let res = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&json!({"full_name": "", "sex": "boy", "date_of_birth": "2019-05-01", "personal_id": "011219123456", "village": "SP01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let errors = body["errors"].as_array().unwrap();
    let field = |f: &str| {
        errors
            .iter()
            .find(|e| e["field"] == f)
            .map(|e| e["message"].as_str().unwrap().to_string())
    };
    assert!(field("full_name").unwrap().contains("họ và tên"));
    assert!(field("sex").unwrap().contains("giới tính"));
    // The personal ID has a boy's digit 2 but a 2019 birth needs 19, not 12 after it.
    let res = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&json!({"full_name": "Giàng Thị Mỷ", "sex": "female", "date_of_birth": "2019-05-01", "personal_id": "011219123456", "village": "SP01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "personal_id");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("giới tính"));
    // Malformed JSON, unknown village: also 422, never 500, nothing written.
    let res = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&json!({"full_name": "A B", "village": "NOPE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "village");
    let list: Value = app
        .http
        .get(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let res = app
        .http
        .get(app.url("/api/v1/children?per_page=abc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn create_get_update_and_conflict_over_http() {
    let app = spawn_app().await;
    let token = app.token(Role::Officer).await;
    let res = app
        .http
        .post(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .json(&json!({"full_name": "Giàng Thị Mỷ", "aliases": ["Mị"], "sex": "female", "date_of_birth": "15/03/2019", "personal_id": "011319123456", "ethnicity": "H'Mông", "village": "SP01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
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
    assert_eq!(c["full_name"], "Giàng Thị Mỷ");
    assert_eq!(c["sex"], "female");
    assert_eq!(c["date_of_birth"], "2019-03-15");
    assert_eq!(c["personal_id"], "011319123456");
    assert_eq!(c["village"], "SP01");
    assert_eq!(c["version"], 1);
    let mut edit = c.clone();
    edit["school"] = json!("Trường Mầm non Sính Phình");
    let res = app
        .http
        .put(app.url(&format!("/api/v1/children/{id}")))
        .bearer_auth(&token)
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The same stale edit from a second session.
    let other = app.token(Role::Health).await;
    edit["school"] = json!("Khác");
    let res = app
        .http
        .put(app.url(&format!("/api/v1/children/{id}")))
        .bearer_auth(&other)
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["current_version"], 2);
    let mut no_version = c.clone();
    no_version.as_object_mut().unwrap().remove("version");
    let res = app
        .http
        .put(app.url(&format!("/api/v1/children/{id}")))
        .bearer_auth(&token)
        .json(&no_version)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let list: Value = app
        .http
        .get(app.url("/api/v1/children?q=GIANG%20thi%20mi"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    let villages: Value = app
        .http
        .get(app.url("/api/v1/villages"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(villages[0]["code"], "SP01");
    assert_eq!(villages[0]["name"], "Sính Phình");
}

#[tokio::test]
async fn login_is_throttled_and_logout_ends_the_session() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let r = app
            .http
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "leader", "password": "nope-nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
    // Even the right password is refused while locked.
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "leader", "password": "password-leader"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("thử lại sau"));
    let token = app.token(Role::Officer).await;
    let r = app
        .http
        .delete(app.url("/api/v1/session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn openapi_document_and_health() {
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/session",
        "/children",
        "/children/{id}",
        "/villages",
        "/users",
        "/audit",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    let h = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(h.status(), 200);
}

#[tokio::test]
async fn api_on_postgres_too() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let app = spawn_app_on(url, None).await;
    let token = app.token(Role::VillageHead).await;
    let res = app.http.post(app.url("/api/v1/children")).bearer_auth(&token).json(&json!({"full_name": "Vàng A Chứ", "sex": "male", "date_of_birth": "2021", "village": "SP01"})).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let res = app.http.post(app.url("/api/v1/children")).bearer_auth(&token).json(&json!({"full_name": "Vàng A Chứ", "sex": "male", "date_of_birth": "2021", "village": "SP02"})).send().await.unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_new_account_must_set_its_password_before_using_the_api() {
    use treem_storage::{Accounts, NewUser};
    let app = spawn_app().await;
    app.db
        .create_user(
            &actor(Role::Admin, None),
            &NewUser {
                username: "moi".into(),
                password: "tam-thoi-123".into(),
                role: Role::Officer,
                village: None,
                must_change_password: true,
                full_name: "Người Thử".into(),
                position: "Cán bộ".into(),
            },
        )
        .await
        .unwrap();
    let r: Value = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "moi", "password": "tam-thoi-123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["must_change_password"], true);
    let token = r["token"].as_str().unwrap().to_string();
    let res = app
        .http
        .get(app.url("/api/v1/children"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .http
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current": "sai", "new": "mat-khau-moi-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = app
        .http
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current": "tam-thoi-123", "new": "mat-khau-moi-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let r: Value = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "moi", "password": "mat-khau-moi-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .http
        .get(app.url("/api/v1/children"))
        .bearer_auth(r["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
