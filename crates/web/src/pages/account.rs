//! Login, logout, password, language, and each role's home page.
use super::{
    cookie, render, role_label, Ctx, Layout, Nav, PageError, PRE_LOGIN_COOKIE, SESSION_COOKIE,
};
use crate::i18n::{texts, vn_date, vn_datetime, Texts};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;
use treem_domain::role::Role;
use treem_storage::ChildQuery;

fn cookie_header(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if state.secure_cookies { "; Secure" } else { "" }
    )
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn bare_layout(
    t: &'static Texts,
    title: &str,
    csrf: String,
    sample: bool,
    commune: String,
) -> Layout {
    Layout {
        t,
        title: title.into(),
        user: None,
        csrf,
        sample,
        commune,
        nav: Vec::<Nav>::new(),
        flash: None,
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    error: Option<String>,
    username: String,
    next: String,
}

async fn commune(state: &AppState) -> (bool, String) {
    match state.store.commune().await.ok().flatten() {
        Some(c) => (c.sample, c.name),
        None => (false, String::new()),
    }
}

/// Only local paths may be a destination after login.
fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/".into(),
    }
}

pub async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // Before there is a session, the form is tied to a cookie of its own (double submit).
    let pre = random_token();
    let (sample, name) = commune(&state).await;
    let t = texts("vi");
    let page = LoginPage {
        l: bare_layout(t, t.login, pre.clone(), sample, name),
        error: None,
        username: String::new(),
        next: safe_next(q.get("next")),
    };
    let mut res = render(&page);
    if let Ok(v) = cookie_header(&state, PRE_LOGIN_COOKIE, &pre, 3600).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let t = texts("vi");
    let (sample, name) = commune(&state).await;
    let pre = cookie(&headers, PRE_LOGIN_COOKIE).unwrap_or("");
    let username = f.get("username").cloned().unwrap_or_default();
    let password = f.get("password").cloned().unwrap_or_default();
    let next = safe_next(f.get("next"));
    let again = |error: String| {
        let page = LoginPage {
            l: bare_layout(t, t.login, pre.to_string(), sample, name.clone()),
            error: Some(error),
            username: username.clone(),
            next: next.clone(),
        };
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
    };
    if pre.is_empty() || f.get("_csrf").map(String::as_str) != Some(pre) {
        return (
            axum::http::StatusCode::FORBIDDEN,
            again(t.csrf_failed.to_string()),
        )
            .into_response();
    }
    if let Err(minutes) = state.throttle.check(&username) {
        return again(format!(
            "Đăng nhập sai quá nhiều lần; hãy thử lại sau {minutes} phút."
        ));
    }
    match state.store.authenticate(&username, &password).await {
        Ok(Some(user)) => {
            state.throttle.succeeded(&username);
            match state.store.create_session(&user).await {
                Ok(s) => {
                    let to = if user.must_change_password {
                        "/password".to_string()
                    } else {
                        next
                    };
                    let mut res = Redirect::to(&to).into_response();
                    if let Ok(v) =
                        cookie_header(&state, SESSION_COOKIE, &s.token, 12 * 3600).parse()
                    {
                        res.headers_mut().append(SET_COOKIE, v);
                    }
                    if let Ok(v) = cookie_header(&state, PRE_LOGIN_COOKIE, "", 0).parse() {
                        res.headers_mut().append(SET_COOKIE, v);
                    }
                    res
                }
                Err(e) => again(format!("{}: {e}", t.server_error)),
            }
        }
        Ok(None) => {
            state.throttle.failed(&username);
            again(t.login_failed.to_string())
        }
        Err(e) => again(format!("{}: {e}", t.server_error)),
    }
}

pub async fn logout(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    let _ = ctx.state.store.delete_session(&ctx.session.token).await;
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = cookie_header(&ctx.state, SESSION_COOKIE, "", 0).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    forced: bool,
    error: Option<String>,
}

pub async fn password_page(ctx: Ctx) -> Response {
    let page = PasswordPage {
        l: ctx.layout(ctx.t.change_password),
        forced: ctx.user.must_change_password,
        error: None,
    };
    render(&page)
}

pub async fn change_password(
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let fail = |msg: String| {
        let page = PasswordPage {
            l: ctx.layout(ctx.t.change_password),
            forced: ctx.user.must_change_password,
            error: Some(msg),
        };
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
    };
    match ctx
        .state
        .store
        .authenticate(&ctx.user.username, &get("current"))
        .await
    {
        Ok(Some(_)) => {}
        _ => return fail(ctx.t.login_failed.to_string()),
    }
    if get("new") != get("repeat") {
        return fail(ctx.t.passwords_differ.to_string());
    }
    if get("new") == get("current") {
        return fail("Mật khẩu mới phải khác mật khẩu cũ.".into());
    }
    match ctx
        .state
        .store
        .set_password(&ctx.actor(), ctx.user.id, &get("new"))
        .await
    {
        Ok(()) => {}
        Err(treem_storage::StorageError::Invalid(e)) => return fail(e.to_string()),
        Err(e) => return Err(ctx.fail(e)),
    }
    // Changing the password ended every session; start a fresh one for this browser.
    let mut user = ctx.user.clone();
    user.must_change_password = false;
    let s = ctx
        .state
        .store
        .create_session(&user)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut res = Redirect::to("/").into_response();
    if let Ok(v) = cookie_header(&ctx.state, SESSION_COOKIE, &s.token, 12 * 3600).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn switch_language(
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.get("_csrf"))?;
    let to = if ctx.user.lang == "en" { "vi" } else { "en" };
    ctx.state
        .store
        .set_language(&ctx.actor(), to)
        .await
        .map_err(|e| ctx.fail(e))?;
    // Back where the person was, when the browser says (same origin only).
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".into());
    Ok(Redirect::to(&safe_next(Some(&back))).into_response())
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub count: i64,
}

pub struct RecentRow {
    pub id: i64,
    pub name: String,
    pub village: String,
    pub dob: String,
}

pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub children: i64,
    pub last_change: String,
}

pub struct CountRow {
    pub village: String,
    pub male: i64,
    pub female: i64,
    pub unknown: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    role: String,
    reads_children: bool,
    recent: Vec<RecentRow>,
    missing: Vec<Link>,
    stale_villages: Vec<VillageRow>,
    show_villages: bool,
    counts: Vec<CountRow>,
    note: Option<String>,
    cases: Vec<super::cases::CaseRow>,
    backup: Option<super::backups::BackupNotice>,
}

pub async fn home(ctx: Ctx) -> Result<Response, PageError> {
    let t = ctx.t;
    let actor = ctx.actor();
    let store = &ctx.state.store;
    let role = ctx.user.role;
    let mut page = HomePage {
        l: ctx.layout(t.home),
        role: role_label(t, role).to_string(),
        reads_children: role.reads_children(),
        recent: vec![],
        missing: vec![],
        stale_villages: vec![],
        show_villages: matches!(role, Role::Officer | Role::Leader),
        counts: vec![],
        note: None,
        cases: if matches!(role, Role::Officer | Role::Leader) {
            super::cases::due_rows(&ctx).await
        } else {
            vec![]
        },
        backup: super::backups::notice(&ctx).await?,
    };
    if role.reads_children() {
        let week_ago = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string();
        let recent = store
            .search_children(
                &actor,
                &ChildQuery {
                    changed_since: Some(week_ago),
                    recent_first: true,
                    page: 1,
                    per_page: 10,
                    include_absent: true,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| ctx.fail(e))?;
        page.recent = recent
            .items
            .into_iter()
            .map(|c| RecentRow {
                id: c.id,
                name: c.full_name,
                village: c.village,
                dob: c.date_of_birth.as_deref().map(vn_date).unwrap_or_default(),
            })
            .collect();
        for (key, label) in [
            ("no_personal_id", t.no_personal_id),
            ("birth_not_registered", t.birth_not_registered),
            ("dob_unknown", t.date_of_birth),
        ] {
            let q = ChildQuery {
                no_personal_id: key == "no_personal_id",
                birth_not_registered: key == "birth_not_registered",
                dob_unknown: key == "dob_unknown",
                page: 1,
                per_page: 1,
                ..Default::default()
            };
            let n = store
                .search_children(&actor, &q)
                .await
                .map_err(|e| ctx.fail(e))?
                .total;
            page.missing.push(Link {
                href: format!("/children?{key}=1"),
                label: if key == "dob_unknown" {
                    format!("{} ({})", label, t.unknown.to_lowercase())
                } else {
                    label.to_string()
                },
                count: n,
            });
        }
        if page.show_villages {
            let month_start = format!("{}-01", &treem_storage::today().to_string()[..7]);
            let activity = store
                .village_activity(&actor)
                .await
                .map_err(|e| ctx.fail(e))?;
            page.stale_villages = activity
                .into_iter()
                .filter(|v| {
                    v.last_change
                        .as_deref()
                        .is_none_or(|l| l < month_start.as_str())
                })
                .map(|v| VillageRow {
                    code: v.code,
                    name: v.name,
                    children: v.children,
                    last_change: v
                        .last_change
                        .as_deref()
                        .map(vn_datetime)
                        .unwrap_or_else(|| t.never.into()),
                })
                .collect();
        }
    } else if role == Role::Province {
        page.note = Some(t.aggregates_only.into());
        let counts = store.child_counts(&actor).await.map_err(|e| ctx.fail(e))?;
        for c in counts {
            if page
                .counts
                .last()
                .map(|r: &CountRow| r.village != c.village)
                .unwrap_or(true)
            {
                page.counts.push(CountRow {
                    village: c.village.clone(),
                    male: 0,
                    female: 0,
                    unknown: 0,
                });
            }
            if let Some(row) = page.counts.last_mut() {
                match c.sex.as_str() {
                    "male" => row.male = c.count,
                    "female" => row.female = c.count,
                    _ => row.unknown = c.count,
                }
            }
        }
    } else if role == Role::Admin {
        page.note = Some(if t.lang == "en" {
            "Manage accounts. The server makes a backup every night when started with --backup-dir; treem backup, treem restore and treem check run from the command line.".into()
        } else {
            "Quản lý tài khoản. Máy chủ tự sao lưu hằng đêm khi được chạy với --backup-dir; treem backup, treem restore và treem check chạy bằng dòng lệnh.".into()
        });
    }
    Ok(render(&page))
}
