//! Accounts and login under attack (issue 13): the lockout on the normalised name, the bounded
//! throttle, locks per name and address, guesses of the current password, the password rule,
//! accounts made by the administrator waiting for the leader, the redirect after login and
//! form bodies that are not UTF-8. Over real HTTP, with the client's address taken from the
//! connection (clients bind 127.0.0.x to be different addresses).
use crate::helpers::*;
use crate::pages::{client, csrf_in, page_login, set_cookie};
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::Arc;
use treem_domain::role::Role;
use treem_storage::{Accounts, ChildQuery, Db, NewUser, Register};

/// A client whose connections come from `ip` (any 127.0.0.x reaches the server on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn api_login(app: &TestApp, http: &reqwest::Client, user: &str, pw: &str) -> u16 {
    http.post(app.url("/api/v1/session"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Posts the login form (with its pre-login cookie) and returns the answer.
async fn form_login(
    app: &TestApp,
    http: &reqwest::Client,
    user: &str,
    pw: &str,
    next: &str,
) -> reqwest::Response {
    let res = http.get(app.url("/login")).send().await.unwrap();
    let pre = set_cookie(&res, "treem_pre").unwrap();
    let html = res.text().await.unwrap();
    http.post(app.url("/login"))
        .header("cookie", &pre)
        .form(&[
            ("username", user),
            ("password", pw),
            ("_csrf", &csrf_in(&html)),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

const SPELLINGS: [&str; 6] = [
    " police",
    "police ",
    "\tpolice",
    "\u{a0}police",
    "POLICE",
    "\u{200b}police\u{a0}",
];

#[tokio::test]
async fn the_lockout_holds_for_every_spelling_of_the_name() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            api_login(&app, &app.http, "police", "sai-mat-khau").await,
            422
        );
    }
    for s in SPELLINGS {
        assert_eq!(
            api_login(&app, &app.http, s, "password-police").await,
            429,
            "API {s:?}"
        );
        let r = form_login(&app, &client(), s, "password-police", "/").await;
        assert_eq!(r.status(), 429, "page {s:?}");
        assert!(r.text().await.unwrap().contains("thử lại sau"));
    }
}

#[tokio::test]
async fn forty_guesses_over_spellings_hit_the_lock() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let name = SPELLINGS[i % SPELLINGS.len()];
        statuses.push(if i % 2 == 0 {
            api_login(&app, &app.http, name, &format!("doan-{i}")).await
        } else {
            form_login(&app, &client(), name, &format!("doan-{i}"), "/")
                .await
                .status()
                .as_u16()
        });
    }
    assert_eq!(&statuses[..5], &[422; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn over_long_usernames_are_refused_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("a.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let state = treem_web::AppState::new(Arc::new(db.clone()));
    let throttle = state.throttle.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = treem_web::serve(state, listener).await;
    });
    let http = reqwest::Client::new();
    // Just over the limit: a field error naming the username, before any lookup.
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "a".repeat(65), "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "username");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("64"));
    // Megabytes of name: refused while the body is read, nothing kept.
    for i in 0..5 {
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": format!("{i}{}", "x".repeat(3 << 20)), "password": "x"}))
            .send()
            .await
            .unwrap();
        // Refused as too large a body, before any of it is kept.
        assert_eq!(r.status(), 413);
    }
    // Only the address was counted: no name, no pair.
    assert!(throttle.entries() <= 1, "{}", throttle.entries());
    // Many distinct short names: one entry per name and pair, at most the documented cap.
    for i in 0..30 {
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"username": format!("khong-co-{i}"), "password": "x"}))
            .send()
            .await
            .unwrap();
        assert!(matches!(r.status().as_u16(), 422 | 429));
    }
    assert!(throttle.entries() <= 1 + 2 * 30);
    assert!(throttle.entries() <= 3 * treem_web::THROTTLE_MAX_ENTRIES);
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = spawn_app().await;
    let owner = client_from("127.0.0.3");
    let attacker = client_from("127.0.0.2");
    // The owner logged in from their machine before.
    assert_eq!(
        api_login(&app, &owner, "police", "password-police").await,
        200
    );
    for _ in 0..6 {
        api_login(&app, &attacker, "police", "doan-bua").await;
    }
    assert_eq!(
        api_login(&app, &attacker, "police", "password-police").await,
        429
    );
    // From another address the name works: the page and the API.
    assert_eq!(
        api_login(&app, &owner, "police", "password-police").await,
        200
    );
    let r = form_login(
        &app,
        &client_from("127.0.0.4"),
        "police",
        "password-police",
        "/",
    )
    .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn guessing_from_many_addresses_guards_the_name_but_not_for_its_owner() {
    let app = spawn_app().await;
    let owner = client_from("127.0.0.5");
    assert_eq!(
        api_login(&app, &owner, "leader", "password-leader").await,
        200
    );
    // Four guesses from each address, under the pair's lock: 20 in all guard the name.
    for i in 0..20 {
        let from = client_from(&format!("127.0.1.{}", 10 + i / 4));
        assert_eq!(
            api_login(&app, &from, "leader", "doan-tiep").await,
            422,
            "guess {i}"
        );
    }
    // A new address is refused even with the right password; the owner's known one is not.
    assert_eq!(
        api_login(&app, &client_from("127.0.2.1"), "leader", "password-leader").await,
        429
    );
    let r = form_login(
        &app,
        &client_from("127.0.2.2"),
        "leader",
        "password-leader",
        "/",
    )
    .await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        api_login(&app, &owner, "leader", "password-leader").await,
        200
    );
}

#[tokio::test]
async fn guesses_of_the_current_password_are_throttled() {
    let app = spawn_app().await;
    let token = app.token(Role::Health).await;
    let put = |current: &'static str| {
        app.http
            .put(app.url("/api/v1/me/password"))
            .bearer_auth(&token)
            .json(&json!({"current": current, "new": "mot-mat-khau-moi-7"}))
            .send()
    };
    for _ in 0..5 {
        let r = put("doan-sai").await.unwrap();
        assert_eq!(r.status(), 422);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["errors"][0]["field"], "current");
    }
    // Locked now, even with the right current password.
    assert_eq!(put("password-health").await.unwrap().status(), 429);
    // The page counts the same way (its own account here).
    let officer = page_login(&app, "officer", "password-officer").await;
    for _ in 0..5 {
        let r = officer
            .post(
                &app,
                "/password",
                &[
                    ("_csrf", &officer.csrf),
                    ("current", "doan-sai"),
                    ("new", "mot-mat-khau-moi-7"),
                    ("repeat", "mot-mat-khau-moi-7"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
    }
    let r = officer
        .post(
            &app,
            "/password",
            &[
                ("_csrf", &officer.csrf),
                ("current", "password-officer"),
                ("new", "mot-mat-khau-moi-7"),
                ("repeat", "mot-mat-khau-moi-7"),
            ],
        )
        .await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("thử lại sau"));
}

#[tokio::test]
async fn blank_and_common_passwords_are_refused_everywhere() {
    let app = spawn_app().await;
    let admin = app.token(Role::Admin).await;
    for (pw, words) in [
        ("        ", "ít nhất 8 ký tự"),
        ("\t\t\t\t\t\t\t\t\t", "ít nhất 8 ký tự"),
        ("12345678", "phổ biến"),
        ("matkhau123", "phổ biến"),
        ("Password1", "phổ biến"),
        ("iloveyou", "phổ biến"),
        ("moi.nguoi", "tên đăng nhập"),
    ] {
        let r = app
            .http
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&json!({"username": "moi.nguoi", "password": pw, "role": "services", "full_name": "Cà Văn Tuấn", "position": "Viên chức"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{pw:?}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["errors"][0]["field"], "password", "{pw:?}");
        assert!(
            b["errors"][0]["message"].as_str().unwrap().contains(words),
            "{pw:?}: {b}"
        );
    }
    // One's own change: the field is `new`.
    let token = app.token(Role::Office).await;
    let r = app
        .http
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current": "password-office", "new": "qwerty123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errors"][0]["field"], "new");
    // The administrator's page: create and reset.
    let page = page_login(&app, "admin", "password-admin").await;
    let r = page
        .post(
            &app,
            "/admin/users",
            &[
                ("_csrf", &page.csrf),
                ("username", "moi.nguoi"),
                ("password", "        "),
                ("role", "services"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ít nhất 8 ký tự"));
    let office_id = app
        .db
        .users(&actor(Role::Admin, None))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "office")
        .unwrap()
        .id;
    let r = page
        .post(
            &app,
            &format!("/admin/users/{office_id}/reset"),
            &[("_csrf", &page.csrf), ("password", "abc12345")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("phổ biến"));
    // Nothing was written: the office logs in with its old password.
    assert_eq!(
        api_login(&app, &app.http, "office", "password-office").await,
        200
    );
}

/// The users list as the administrator's API gives it.
async fn user_json(app: &TestApp, token: &str, name: &str) -> Value {
    let all: Value = app
        .http
        .get(app.url("/api/v1/users"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == name)
        .cloned()
        .unwrap()
}

async fn confirm(app: &TestApp, token: &str, id: i64, body: Value) -> u16 {
    app.http
        .post(app.url(&format!("/api/v1/users/{id}/confirmation")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_officer_made_by_the_administrator_waits_for_the_leader() {
    let app = spawn_app().await;
    let admin = app.token(Role::Admin).await;
    let leader = app.token(Role::Leader).await;
    let r = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "CanBo2", "password": "admin-biet-mat-khau", "role": "officer", "full_name": "Lù Thị Hoa", "position": "Công chức"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    assert_eq!(made["username"], "canbo2", "stored normalised");
    assert_eq!(made["pending"], "create");
    let id = made["id"].as_i64().unwrap();
    // The administrator's password does not open it.
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "canbo2", "password": "admin-biet-mat-khau"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("chờ lãnh đạo"));
    let r = form_login(&app, &client(), "canbo2", "admin-biet-mat-khau", "/").await;
    assert_eq!(r.status(), 403);
    assert!(set_cookie(&r, "treem_session").is_none());
    // Only the leader confirms; the list is theirs (and the administrator's) to see.
    let pending: Value = app
        .http
        .get(app.url("/api/v1/users/pending"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"][0]["user"]["username"], "canbo2");
    assert_eq!(pending["items"][0]["requested_by"], "admin");
    let officer = app.token(Role::Officer).await;
    assert_eq!(
        app.http
            .get(app.url("/api/v1/users/pending"))
            .bearer_auth(&officer)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let good = json!({"accept": true, "password": "lanh-dao-giao-tay"});
    assert_eq!(confirm(&app, &admin, id, good.clone()).await, 403);
    assert_eq!(confirm(&app, &officer, id, good.clone()).await, 403);
    assert_eq!(
        confirm(
            &app,
            &leader,
            id,
            json!({"accept": true, "password": "12345678"})
        )
        .await,
        422
    );
    assert_eq!(confirm(&app, &leader, id, good.clone()).await, 204);
    assert_eq!(
        confirm(&app, &leader, id, good).await,
        422,
        "nothing waits now"
    );
    // Opened with the leader's temporary password, not the administrator's.
    assert_eq!(
        api_login(&app, &app.http, "canbo2", "admin-biet-mat-khau").await,
        422
    );
    let r: Value = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "canbo2", "password": "lanh-dao-giao-tay"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["must_change_password"], true);
    // A reset by the administrator shuts it again until the leader confirms; refused, it
    // stays disabled.
    let page = page_login(&app, "admin", "password-admin").await;
    let r = page
        .post(
            &app,
            &format!("/admin/users/{id}/reset"),
            &[("_csrf", &page.csrf), ("password", "admin-lai-biet-nua")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(user_json(&app, &admin, "canbo2").await["pending"], "reset");
    assert_eq!(
        api_login(&app, &app.http, "canbo2", "admin-lai-biet-nua").await,
        403
    );
    assert_eq!(
        confirm(&app, &leader, id, json!({"accept": false})).await,
        204
    );
    assert_eq!(
        api_login(&app, &app.http, "canbo2", "admin-lai-biet-nua").await,
        422
    );
    assert_eq!(user_json(&app, &admin, "canbo2").await["active"], false);
    // Enabling it again waits too.
    let r = page
        .post(
            &app,
            &format!("/admin/users/{id}/active"),
            &[("_csrf", &page.csrf), ("active", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(user_json(&app, &admin, "canbo2").await["pending"], "enable");
    assert_eq!(
        api_login(&app, &app.http, "canbo2", "admin-lai-biet-nua").await,
        403
    );
    // Roles that read no child record need no confirmation.
    let r: Value = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "dichvu2", "password": "dich-vu-tam-thoi", "role": "services", "full_name": "Cà Văn Tuấn", "position": "Viên chức"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["pending"], Value::Null);
    assert_eq!(
        api_login(&app, &app.http, "dichvu2", "dich-vu-tam-thoi").await,
        200
    );
    // The leader sees every change, in order.
    let changes: Value = app
        .http
        .get(app.url("/api/v1/users/changes"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["username"] == "canbo2")
        .map(|c| (c["action"].as_str().unwrap(), c["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("enable", "admin"),
            ("refuse", "leader"),
            ("password", "admin"),
            ("confirm", "leader"),
            ("create", "admin")
        ]
    );
}

#[tokio::test]
async fn the_leaders_page_lists_and_decides() {
    let app = spawn_app().await;
    let admin = page_login(&app, "admin", "password-admin").await;
    let r = admin
        .post(
            &app,
            "/admin/users",
            &[
                ("_csrf", &admin.csrf),
                ("username", "congan2"),
                ("password", "tam-thoi-cong-an"),
                ("role", "police"),
                ("full_name", "Lò Văn Thắng"),
                ("position", "Phó Trưởng Công an xã"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let users = admin.get(&app, "/admin/users").await.text().await.unwrap();
    assert!(users.contains("chờ lãnh đạo xác nhận: tạo tài khoản"));
    assert_eq!(admin.get(&app, "/accounts").await.status(), 403);
    let leader = page_login(&app, "leader", "password-leader").await;
    let home = leader.get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("Có 1 thay đổi tài khoản chờ bạn xác nhận"));
    assert!(home.contains("href=\"/accounts\""));
    let html = leader.get(&app, "/accounts").await.text().await.unwrap();
    assert!(html.contains("congan2") && html.contains("tạo tài khoản"));
    let id = app
        .db
        .users(&actor(Role::Admin, None))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "congan2")
        .unwrap()
        .id;
    let path = format!("/accounts/{id}/confirm");
    // Without the form's token nothing happens.
    let r = leader
        .post(&app, &path, &[("password", "giao-tay-cong-an")])
        .await;
    assert_eq!(r.status(), 403);
    let r = leader
        .post(
            &app,
            &path,
            &[("_csrf", &leader.csrf), ("password", "        ")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ít nhất 8 ký tự"));
    let r = leader
        .post(
            &app,
            &path,
            &[("_csrf", &leader.csrf), ("password", "giao-tay-cong-an")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = leader.get(&app, "/accounts").await.text().await.unwrap();
    assert!(html.contains("Không có thay đổi nào chờ xác nhận"));
    assert!(html.contains("lãnh đạo xác nhận"));
    assert_eq!(
        api_login(&app, &app.http, "congan2", "giao-tay-cong-an").await,
        200
    );
}

#[tokio::test]
async fn a_leader_made_by_the_administrator_needs_another_leader_or_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("l.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let admin = db
        .authenticate(
            &treem_storage::LoginName::parse("admin").unwrap(),
            "password-admin",
        )
        .await
        .unwrap()
        .user()
        .unwrap();
    let pct = db
        .create_user(
            &admin.actor(),
            &NewUser {
                username: "pct2".into(),
                password: "admin-dat-cho-pct".into(),
                role: Role::Leader,
                village: None,
                must_change_password: true,
                full_name: "Người Thử".into(),
                position: "Cán bộ".into(),
            },
        )
        .await
        .unwrap();
    assert!(pct.pending.is_some());
    // Nobody confirms for themselves, nor does the administrator.
    assert!(db
        .confirm_account(
            &admin.actor(),
            pct.id,
            treem_storage::Decision::Confirm {
                temporary_password: "khong-duoc-dau"
            }
        )
        .await
        .is_err());
    db.close().await;
    // The operator at the machine may.
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "user",
            "confirm",
            "--db",
            &url,
            "--username",
            " PCT2",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"van-hanh-giao-tay\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let db = Db::open(&url).await.unwrap();
    let u = db
        .authenticate(
            &treem_storage::LoginName::parse("pct2").unwrap(),
            "van-hanh-giao-tay",
        )
        .await
        .unwrap()
        .user()
        .unwrap();
    assert_eq!(u.role, Role::Leader);
    // The operator's own accounts are active at once: that is how the first leader is made.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "user",
            "add",
            "--db",
            &url,
            "--username",
            "pct3",
            "--role",
            "leader",
            "--full-name",
            "Người Thử Dòng Lệnh",
            "--position",
            "Cán bộ",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"lanh-dao-dau-tien\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(db
        .authenticate(
            &treem_storage::LoginName::parse("pct3").unwrap(),
            "lanh-dao-dau-tien"
        )
        .await
        .unwrap()
        .user()
        .is_some());
    // A weak password from the command line is refused too.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
        .args([
            "user",
            "add",
            "--db",
            &url,
            "--username",
            "pct4",
            "--role",
            "leader",
            "--full-name",
            "Người Thử Dòng Lệnh",
            "--position",
            "Cán bộ",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"matkhau123\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("phổ biến"));
}

#[tokio::test]
async fn waiting_accounts_travel_through_export_and_import() {
    for (label, url, _dir) in databases().await {
        let db = seeded(&url).await;
        let admin = db
            .authenticate(
                &treem_storage::LoginName::parse("admin").unwrap(),
                "password-admin",
            )
            .await
            .unwrap()
            .user()
            .unwrap();
        db.create_user(
            &admin.actor(),
            &NewUser {
                username: "cho.xac.nhan".into(),
                password: "admin-dat-tam-thoi".into(),
                role: Role::Health,
                village: None,
                must_change_password: true,
                full_name: "Người Thử".into(),
                position: "Cán bộ".into(),
            },
        )
        .await
        .unwrap();
        let mut out = Vec::new();
        db.export(&mut out, &|_| {}).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let copy = Db::open(&dir.path().join("c.db").to_string_lossy())
            .await
            .unwrap();
        copy.import_all(&mut std::io::BufReader::new(&out[..]), &|_| {})
            .await
            .unwrap();
        let pending = copy
            .pending_accounts(&actor(Role::Admin, None))
            .await
            .unwrap();
        assert_eq!(pending.len(), 1, "{label}");
        assert_eq!(pending[0].user.username, "cho.xac.nhan");
        assert_eq!(pending[0].requested_by, "admin");
        assert_eq!(
            copy.authenticate(
                &treem_storage::LoginName::parse("cho.xac.nhan").unwrap(),
                "admin-dat-tam-thoi"
            )
            .await
            .unwrap(),
            treem_storage::Login::AwaitingConfirmation
        );
    }
}

#[tokio::test]
async fn the_redirect_after_login_stays_on_this_site() {
    let app = spawn_app().await;
    for (raw, encoded) in [
        ("/\t/evil.example", "%2F%09%2Fevil.example"),
        ("/\n/evil.example", "%2F%0A%2Fevil.example"),
        ("/\u{b}/evil.example", "%2F%0B%2Fevil.example"),
        ("//evil.example", "%2F%2Fevil.example"),
        ("/\\evil.example", "%2F%5Cevil.example"),
        ("https://evil.example/", "https%3A%2F%2Fevil.example%2F"),
        ("/a//evil.example", "%2Fa%2F%2Fevil.example"),
        ("/ /evil.example", "%2F%20%2Fevil.example"),
    ] {
        let r = client()
            .get(app.url(&format!("/login?next={encoded}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{encoded}");
        let html = r.text().await.unwrap();
        assert!(html.contains("name=\"next\" value=\"/\""), "{encoded}");
        // The form posted with the bad value anyway: home, never a 500.
        let r = form_login(&app, &client(), "officer", "password-officer", raw).await;
        assert_eq!(r.status(), 303, "{raw:?}");
        assert_eq!(r.headers()["location"], "/", "{raw:?}");
    }
    let r = form_login(
        &app,
        &client(),
        "officer",
        "password-officer",
        "/children?q=a",
    )
    .await;
    assert_eq!(r.headers()["location"], "/children?q=a");
}

#[tokio::test]
async fn forms_that_are_not_utf8_are_refused_not_garbled() {
    let app = spawn_app().await;
    let head = page_login(&app, "village_head", "password-village_head").await;
    let before = app
        .db
        .search_children(
            &officer(),
            &ChildQuery {
                page: 1,
                per_page: 1,
                include_absent: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    // "Giàng" in Windows-1258/Latin-1 bytes, as an old keyboard driver sends it.
    let body = format!(
        "_csrf={}&full_name=Gi%E0ng+A+P%E1o&sex=male&date_of_birth=01%2F02%2F2020&village=SP01",
        head.csrf
    );
    let r = head
        .http
        .post(app.url("/children/new"))
        .header("cookie", &head.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Họ và tên") && html.contains("UTF-8"),
        "{html}"
    );
    let after = app
        .db
        .search_children(
            &officer(),
            &ChildQuery {
                page: 1,
                per_page: 1,
                include_absent: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(before, after, "nothing written");
    // The same name in UTF-8 is saved as typed.
    let body = format!(
        "_csrf={}&full_name=Gi%C3%A0ng+A+P%C3%A1o&sex=male&date_of_birth=01%2F02%2F2020&village=SP01",
        head.csrf
    );
    let r = head
        .http
        .post(app.url("/children/new"))
        .header("cookie", &head.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let found = app
        .db
        .search_children(
            &officer(),
            &ChildQuery {
                q: Some("giang a pao".into()),
                page: 1,
                per_page: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items[0].full_name, "Giàng A Páo");
}

/// A NUL character (U+0000) in a page form is refused, nothing written, on every backend:
/// PostgreSQL cannot store one (the API answered 500 for it until its bodies were checked; the
/// pages already refused it through the register's own text checks, which this guards).
#[tokio::test]
async fn a_nul_character_in_a_page_form_is_refused_not_a_server_error() {
    let mut apps = vec![("sqlite", spawn_app().await)];
    if let Some(url) = fresh_postgres().await {
        apps.push(("postgres", spawn_app_on(url, None).await));
    }
    for (label, app) in apps {
        let officer_page = page_login(&app, "officer", "password-officer").await;
        for (path, field) in [("/children/new", "full_name"), ("/children/new", "notes")] {
            let body = format!(
                "_csrf={}&full_name=Gi%C3%A0ng{}&sex=male&date_of_birth=01%2F02%2F2020&village=SP01&notes=ghi{}",
                officer_page.csrf,
                if field == "full_name" { "%00" } else { "" },
                if field == "notes" { "%00" } else { "" },
            );
            let r = officer_page
                .http
                .post(app.url(path))
                .header("cookie", &officer_page.cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{label}: {field}");
        }
        let total = app
            .db
            .search_children(
                &officer(),
                &ChildQuery {
                    page: 1,
                    per_page: 1,
                    include_absent: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .total;
        assert_eq!(total, 0, "{label}: nothing written");
    }
}
