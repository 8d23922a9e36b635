//! Accounts' full name and position (họ và tên, chức vụ): required for a new account, set by
//! the administrator or the account itself, audited, shown on the users page and the account
//! page (issue 18 item 8).
use crate::helpers::*;
use crate::pages::page_login;
use serde_json::{json, Value};
use treem_domain::role::Role;
use treem_storage::{Accounts, AuditFilter, AuditLog};

#[tokio::test]
async fn a_new_account_needs_a_full_name_and_a_position() {
    let app = spawn_app().await;
    let admin = app.token(Role::Admin).await;
    let r = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "canbo.moi", "password": "mot-mat-khau-dai", "role": "office", "full_name": "  ", "position": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let b: Value = r.json().await.unwrap();
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["full_name", "position"], "{b}");
    assert!(b["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("họ và tên"));
    let r = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "canbo.moi", "password": "mot-mat-khau-dai", "role": "office", "full_name": " Quàng  Thị Lan ", "position": "Chánh Văn phòng"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["full_name"], "Quàng Thị Lan");
    assert_eq!(u["position"], "Chánh Văn phòng");
}

#[tokio::test]
async fn the_administrator_or_the_account_itself_sets_the_name_audited() {
    let app = spawn_app().await;
    let admin_actor = actor(Role::Admin, None);
    let users = app.db.users(&admin_actor).await.unwrap();
    let id_of = |name: &str| users.iter().find(|u| u.username == name).unwrap().id;
    let (health, police) = (id_of("health"), id_of("police"));
    let put = |token: String, id: i64, body: Value| {
        let app = &app;
        async move {
            app.http
                .put(app.url(&format!("/api/v1/users/{id}/signer")))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let own = app.token(Role::Health).await;
    let r = put(
        own.clone(),
        health,
        json!({"full_name": "Vàng Thị Mai", "position": "Y sĩ"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["position"], "Y sĩ");
    // Not someone else's.
    let r = put(own, police, json!({"full_name": "Ai Đó", "position": "X"})).await;
    assert_eq!(r.status(), 403);
    let r = put(
        app.token(Role::Admin).await,
        police,
        json!({"full_name": "Lò Văn Thắng", "position": ""}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = put(
        app.token(Role::Admin).await,
        police,
        json!({"full_name": "Lò Văn Thắng", "position": "Trưởng Công an xã"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let audit = app
        .db
        .audit_entries(&actor(Role::Leader, None), &AuditFilter::default())
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "profile" && e.detail.contains("«Trưởng Công an xã»")),
        "the change is audited"
    );
    // The pages show and change them.
    let p = page_login(&app, "admin", "password-admin").await;
    let page = p.get(&app, "/admin/users").await.text().await.unwrap();
    assert!(
        page.contains("value=\"Lò Văn Thắng\""),
        "the users page shows the name"
    );
    let r = p
        .post(
            &app,
            &format!("/admin/users/{police}/signer"),
            &[
                ("_csrf", &p.csrf),
                ("full_name", "Lò Văn Thắng"),
                ("position", "Phó Trưởng Công an xã"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let me = page_login(&app, "police", "password-police").await;
    let page = me.get(&app, "/password").await.text().await.unwrap();
    assert!(
        page.contains("value=\"Phó Trưởng Công an xã\""),
        "the account page shows the position"
    );
    let r = me
        .post(
            &app,
            "/account/signer",
            &[("_csrf", &me.csrf), ("full_name", ""), ("position", "x")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("cần nhập họ và tên"));
}

/// The users page and the account page with the new fields, at a phone's and an office PC's
/// width: nothing wider than the screen (screenshots for docs/).
#[tokio::test]
async fn the_name_and_position_fields_fit_a_phone() {
    use crate::browser::{assert_no_overflow, browser, login, shot, BROWSER_LOCK};
    let _one = BROWSER_LOCK.lock().await;
    for width in [360, 1366] {
        let Some(b) = browser(width, 900).await else {
            return;
        };
        let app = spawn_app().await;
        login(&b, &app.base, "admin", "password-admin").await;
        b.c.goto(&app.url("/admin/users")).await.unwrap();
        assert_no_overflow(&b, &format!("users page at {width} px")).await;
        shot(&b, &format!("users-signer-{width}")).await;
        b.c.goto(&app.url("/password")).await.unwrap();
        assert_no_overflow(&b, &format!("account page at {width} px")).await;
        let html = b.c.source().await.unwrap();
        assert!(
            html.contains("value=\"Lường Văn Hải\""),
            "the account page shows the name"
        );
        shot(&b, &format!("account-signer-{width}")).await;
    }
}

/// `treem user add` takes --full-name and --position; `treem user signer` sets them on an
/// account made before they were asked, and refuses an empty name.
#[tokio::test]
async fn the_command_line_sets_the_name_and_position() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("cli.db").to_string_lossy().to_string();
    let db = seeded(&url).await;
    let treem = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_treem"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut add = treem(&[
        "user",
        "add",
        "--db",
        &url,
        "--username",
        "vanphong2",
        "--role",
        "office",
        "--full-name",
        "Quàng Thị Lan",
        "--position",
        "Chánh Văn phòng",
        "--password-stdin",
    ]);
    add.stdin
        .take()
        .unwrap()
        .write_all(b"van-phong-mat-khau\n")
        .unwrap();
    assert!(add.wait_with_output().unwrap().status.success());
    let out = treem(&[
        "user",
        "signer",
        "--db",
        &url,
        "--username",
        "Police",
        "--full-name",
        "Lò Văn Thắng",
        "--position",
        "Trưởng Công an xã",
    ])
    .wait_with_output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = treem(&[
        "user",
        "signer",
        "--db",
        &url,
        "--username",
        "health",
        "--full-name",
        " ",
        "--position",
        "Y sĩ",
    ])
    .wait_with_output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("họ và tên"));
    let users = db.users(&actor(Role::Admin, None)).await.unwrap();
    let of = |n: &str| users.iter().find(|u| u.username == n).unwrap().clone();
    assert_eq!(of("vanphong2").full_name, "Quàng Thị Lan");
    assert_eq!(of("police").position, "Trưởng Công an xã");
    assert_eq!(of("health").full_name, test_signer(Role::Health).0);
}
