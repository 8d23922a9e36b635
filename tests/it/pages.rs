//! The web pages over real HTTP: status for every role, scope, CSRF, escaping, headers.
use crate::helpers::*;
use reqwest::redirect::Policy;
use treem_domain::role::{Role, ALL_ROLES};
use treem_storage::{Accounts, NewUser, Register};

pub struct Page {
    pub http: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

pub fn csrf_in(html: &str) -> String {
    let i = html.find("name=\"_csrf\" value=\"").unwrap_or_else(|| {
        panic!(
            "a form with a CSRF token in {}",
            &html[..html.len().min(3000)]
        )
    });
    let rest = &html[i + 20..];
    rest[..rest.find('"').unwrap()].to_string()
}

pub async fn page_login(app: &TestApp, user: &str, password: &str) -> Page {
    let http = client();
    let res = http.get(app.url("/login")).send().await.unwrap();
    let pre = set_cookie(&res, "treem_pre").unwrap();
    let html = res.text().await.unwrap();
    let res = http
        .post(app.url("/login"))
        .header("cookie", &pre)
        .form(&[
            ("username", user),
            ("password", password),
            ("_csrf", &csrf_in(&html)),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login as {user}");
    let cookie = set_cookie(&res, "treem_session").expect("session cookie");
    let home = http
        .get(app.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Page {
        csrf: csrf_in(&home),
        http,
        cookie,
    }
}

impl Page {
    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.http
            .get(app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.http
            .post(app.url(path))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

const READERS: [Role; 6] = [
    Role::Officer,
    Role::Leader,
    Role::Health,
    Role::Police,
    Role::Office,
    Role::VillageHead,
];
const WRITERS: [Role; 4] = [Role::Officer, Role::Health, Role::Office, Role::VillageHead];

#[tokio::test]
async fn every_page_for_every_role() {
    let app = spawn_app().await;
    let o = officer();
    let a = app
        .db
        .create_child(&o, &child("Giàng A Páo", "SP01"))
        .await
        .unwrap()
        .id;
    let b = app
        .db
        .create_child(&o, &child("Đặng Văn Đức", "SP02"))
        .await
        .unwrap()
        .id;
    let only = |roles: &[Role], r: Role| if roles.contains(&r) { 200 } else { 403 };
    let mut failures = vec![];
    for role in ALL_ROLES {
        let p = page_login(&app, role.as_str(), &format!("password-{role}")).await;
        let vh404 = |s: u16| if role == Role::VillageHead { 404 } else { s };
        let cases: Vec<(String, u16)> = vec![
            ("/".into(), 200),
            ("/password".into(), 200),
            ("/children".into(), only(&READERS, role)),
            ("/children?q=giang&village=SP01&sex=male&age_min=1&age_max=9&circumstance=a&disability=true&no_personal_id=1&birth_not_registered=1&include_absent=1&page=2".into(), only(&READERS, role)),
            (format!("/children/{a}"), only(&READERS, role)),
            (format!("/children/{b}"), vh404(only(&READERS, role))),
            ("/children/new".into(), only(&WRITERS, role)),
            (format!("/children/{a}/edit"), only(&WRITERS, role)),
            (format!("/children/{b}/edit"), vh404(only(&WRITERS, role))),
            ("/children/abc".into(), if READERS.contains(&role) { 404 } else { 403 }),
            ("/villages".into(), if role == Role::Admin { 403 } else { 200 }),
            ("/households".into(), only(&READERS, role)),
            ("/admin/users".into(), only(&[Role::Admin], role)),
            ("/audit".into(), only(&[Role::Officer, Role::Leader, Role::Admin], role)),
            ("/import".into(), only(&[Role::Officer], role)),
            ("/import/template.xlsx".into(), only(&[Role::Officer], role)),
        ];
        for (path, want) in cases {
            let got = p.get(&app, &path).await.status().as_u16();
            if got != want {
                failures.push(format!("{role} GET {path}: want {want}, got {got}"));
            }
        }
    }
    // Without a session every page sends the visitor to the login page.
    for path in [
        "/",
        "/children",
        &format!("/children/{a}"),
        "/admin/users",
        "/audit",
    ] {
        let r = client().get(app.url(path)).send().await.unwrap();
        if r.status() != 303
            || !r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        {
            failures.push(format!("anonymous GET {path}: {}", r.status()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let p = page_login(&app, "officer", "password-officer").await;
    let form = [
        ("full_name", "Giàng A Páo"),
        ("village", "SP01"),
        ("sex", "male"),
    ];
    let r = p.post(&app, "/children/new", &form).await;
    assert_eq!(r.status(), 403);
    let r = p
        .post(
            &app,
            "/children/new",
            &[
                ("full_name", "Giàng A Páo"),
                ("village", "SP01"),
                ("_csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let total = app
        .db
        .search_children(
            &officer(),
            &treem_storage::ChildQuery {
                page: 1,
                per_page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(total, 0, "nothing may be written");
    assert_eq!(p.post(&app, "/logout", &[]).await.status(), 403);
    assert_eq!(
        p.post(&app, "/villages", &[("code", "X1"), ("name", "X")])
            .await
            .status(),
        403
    );
    // With the token it works.
    let r = p
        .post(
            &app,
            "/children/new",
            &[
                ("full_name", "Giàng A Páo"),
                ("village", "SP01"),
                ("sex", "male"),
                ("_csrf", &p.csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A login form without its pre-session token is refused too.
    let r = client()
        .post(app.url("/login"))
        .form(&[("username", "officer"), ("password", "password-officer")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn names_are_escaped_everywhere() {
    let app = spawn_app().await;
    let mut evil = child("<script>alert(1)</script>", "SP01");
    evil.aliases = vec!["\"><img src=x onerror=alert(2)>".into()];
    evil.notes = Some("<b>bold</b>".into());
    let id = app.db.create_child(&officer(), &evil).await.unwrap().id;
    let p = page_login(&app, "officer", "password-officer").await;
    for path in [
        format!("/children/{id}"),
        "/children".to_string(),
        "/".to_string(),
        format!("/children/{id}/edit"),
    ] {
        let html = p.get(&app, &path).await.text().await.unwrap();
        assert!(!html.contains("<script>alert(1)"), "{path} is not escaped");
        assert!(!html.contains("<img src=x"), "{path} is not escaped");
        assert!(!html.contains("<b>bold"), "{path} is not escaped");
    }
    let html = p
        .get(&app, &format!("/children/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&#60;script&#62;"),
        "shown as text"
    );
}

#[tokio::test]
async fn security_headers_and_cookie_flags() {
    let app = spawn_app().await;
    let r = client().get(app.url("/login")).send().await.unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-frame-options"], "DENY");
    let pre = h["set-cookie"].to_str().unwrap();
    assert!(pre.contains("HttpOnly") && pre.contains("SameSite=Strict"));
    // No inline script anywhere: the only script is the file.
    let html = r.text().await.unwrap();
    // The page's own script and the one keeping forms sent with no signal, nothing inline.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(html.contains("<script src=\"/static/app.js\""));
    assert!(html.contains("<script src=\"/static/offline.js\""));
}

#[tokio::test]
async fn first_login_must_change_the_password() {
    let app = spawn_app().await;
    let admin = actor(Role::Admin, None);
    app.db
        .create_user(
            &admin,
            &NewUser {
                username: "moi".into(),
                password: "tam-thoi-123".into(),
                role: Role::Leader,
                village: None,
                must_change_password: true,
                full_name: "Người Thử".into(),
                position: "Cán bộ".into(),
            },
        )
        .await
        .unwrap();
    let http = client();
    let res = http.get(app.url("/login")).send().await.unwrap();
    let pre = set_cookie(&res, "treem_pre").unwrap();
    let html = res.text().await.unwrap();
    let res = http
        .post(app.url("/login"))
        .header("cookie", &pre)
        .form(&[
            ("username", "moi"),
            ("password", "tam-thoi-123"),
            ("_csrf", &csrf_in(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/password");
    let cookie = set_cookie(&res, "treem_session").unwrap();
    let r = http
        .get(app.url("/children"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/password");
    let html = http
        .get(app.url("/password"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&html);
    let r = http
        .post(app.url("/password"))
        .header("cookie", &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", "tam-thoi-123"),
            ("new", "mat-khau-moi-1"),
            ("repeat", "khac-nhau-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = http
        .post(app.url("/password"))
        .header("cookie", &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", "tam-thoi-123"),
            ("new", "mat-khau-moi-1"),
            ("repeat", "mat-khau-moi-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = set_cookie(&r, "treem_session").unwrap();
    let r = http
        .get(app.url("/children"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn register_page_is_light_and_speaks_one_language() {
    let app = spawn_app().await;
    let rows: Vec<_> = (0..120)
        .map(|i| child(&format!("Giàng A Páo {i}"), "SP01"))
        .collect();
    app.db
        .import_children(&officer(), rows.clone())
        .await
        .unwrap();
    let p = page_login(&app, "officer", "password-officer").await;
    let html = p.get(&app, "/children").await.text().await.unwrap();
    let css = p.get(&app, "/static/app.css").await.text().await.unwrap();
    let js = p.get(&app, "/static/app.js").await.text().await.unwrap();
    let weight = html.len() + css.len() + js.len();
    assert!(weight < 100_000, "register page weighs {weight} bytes");
    assert!(html.contains("120 trẻ"));
    // Dates as officials write them.
    assert!(html.contains("01/05/2019"));
    // One language: no English switch that would change the menu and leave the pages
    // Vietnamese (issue 18).
    assert!(html.contains("lang=\"vi\"") && !html.contains("English"));
    assert!(!html.contains("action=\"/language\""));
    let r = p.post(&app, "/language", &[("_csrf", &p.csrf)]).await;
    assert!(
        matches!(r.status().as_u16(), 404 | 405),
        "no language switch: {}",
        r.status()
    );
    let html = p.get(&app, "/children").await.text().await.unwrap();
    assert!(html.contains("120 trẻ") && !html.contains("120 children"));
}

#[tokio::test]
async fn import_page_reports_rows_and_writes_only_after_confirmation() {
    let app = spawn_app().await;
    let p = page_login(&app, "officer", "password-officer").await;
    let upload = |body: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", p.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("tre.csv"),
            );
        p.http
            .post(app.url("/import"))
            .header("cookie", &p.cookie)
            .multipart(form)
            .send()
    };
    let bad = "Họ và tên,Giới tính,Ngày sinh,Mã thôn\nGiàng A Páo,nam,31/02/2019,SP01\nSùng Thị Sua,nữ,2019,SP77\n";
    let r = upload(bad).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Ngày sinh") && html.contains("SP77"),
        "{html}"
    );
    let good = "Họ và tên,Giới tính,Ngày sinh,Mã thôn\nGiàng A Páo,nam,28/02/2019,SP01\nSùng Thị Sua,nữ,2019,SP02\n";
    let html = upload(good).await.unwrap().text().await.unwrap();
    let i = html.find("name=\"token\" value=\"").unwrap();
    let token = &html[i + 20..i + 52];
    let empty = treem_storage::ChildQuery {
        page: 1,
        per_page: 1,
        ..Default::default()
    };
    assert_eq!(
        app.db
            .search_children(&officer(), &empty)
            .await
            .unwrap()
            .total,
        0
    );
    let r = p
        .post(
            &app,
            "/import/confirm",
            &[("_csrf", &p.csrf), ("token", token)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.db
            .search_children(&officer(), &empty)
            .await
            .unwrap()
            .total,
        2
    );
    // A token works once.
    let r = p
        .post(
            &app,
            "/import/confirm",
            &[("_csrf", &p.csrf), ("token", token)],
        )
        .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn a_stale_edit_keeps_the_other_persons_change_to_another_field() {
    let app = spawn_app().await;
    let mut c = child("Giàng A Páo", "SP01");
    c.dob_precision = treem_domain::register::DobPrecision::Estimated;
    c.date_of_birth = Some(jiff::civil::date(2019, 7, 1));
    let id = app.db.create_child(&officer(), &c).await.unwrap().id;
    let a = page_login(&app, "officer", "password-officer").await;
    let b = page_login(&app, "health", "password-health").await;
    let form_of = |html: &str| -> Vec<(String, String)> {
        let mut out = vec![];
        for cap in html.split("<input").skip(1) {
            let name = cap
                .split("name=\"")
                .nth(1)
                .and_then(|r| r.split('"').next());
            let value = cap
                .split("value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("");
            if let Some(n) = name {
                if !cap.contains("type=\"checkbox\"") {
                    out.push((
                        n.to_string(),
                        value.replace("&#x2f;", "/").replace("&#47;", "/"),
                    ));
                }
            }
        }
        for sel in html.split("<select").skip(1) {
            let body = sel.split("</select>").next().unwrap_or("");
            let name = body
                .split("name=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("");
            let chosen = body
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| o.split("value=\"").nth(1))
                .and_then(|r| r.split('"').next())
                .unwrap_or("");
            out.push((name.to_string(), chosen.to_string()));
        }
        out
    };
    let edit = format!("/children/{id}/edit");
    let fa = form_of(&a.get(&app, &edit).await.text().await.unwrap());
    let fb = form_of(&b.get(&app, &edit).await.text().await.unwrap());
    let with = |f: &Vec<(String, String)>, k: &str, v: &str| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = f.iter().filter(|(n, _)| n != k).cloned().collect();
        f.push((k.into(), v.into()));
        f
    };
    let post = |p: &Page, form: Vec<(String, String)>| {
        p.http
            .post(app.url(&edit))
            .header("cookie", &p.cookie)
            .form(&form)
            .send()
    };
    // A changes the school; B, from the same version, changes the grade.
    let r = post(&a, with(&fa, "school", "Trường Mầm non Sính Phình"))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = post(&b, with(&fb, "grade", "3")).await.unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"conflict\""));
    // B's form now carries A's school; saving it keeps both changes.
    let merged = form_of(&html);
    assert!(
        merged
            .iter()
            .any(|(k, v)| k == "school" && v == "Trường Mầm non Sính Phình"),
        "{merged:?}"
    );
    let r = post(&b, merged).await.unwrap();
    assert_eq!(r.status(), 303);
    let now = app.db.child(&officer(), id).await.unwrap();
    assert_eq!(
        now.data.school.as_deref(),
        Some("Trường Mầm non Sính Phình")
    );
    assert_eq!(now.data.grade.as_deref(), Some("3"));
    // The estimated birth date stays an estimate through web edits.
    assert_eq!(
        now.data.dob_precision,
        treem_domain::register::DobPrecision::Estimated
    );
}
