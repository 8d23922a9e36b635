//! Login, logout, password, language, and each role's home page.
use super::TypedForm;
use super::{
    cookie, render, role_label, Ctx, Layout, Nav, PageError, PRE_LOGIN_COOKIE, SESSION_COOKIE,
};
use crate::auth::ClientIp;
use crate::i18n::{texts, vn_datetime, Texts};
use crate::login::Refusal;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::register::Sex;
use treem_domain::upkeep;
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

/// `/login?next=…`: where to go once signed in.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// A form that carries nothing but the session's token (log out, switch language).
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// The form changing one's own password.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

async fn commune(state: &AppState) -> (bool, String) {
    match state.store.commune().await.ok().flatten() {
        Some(c) => (c.sample, c.name),
        None => (false, String::new()),
    }
}

/// Only a local path may be a destination after login: it starts with a single `/`, has no
/// `//` or backslash anywhere (browsers read `/\\host` and `/\t/host` as another origin) and
/// no control character or blank once decoded; anything else goes to `/`. What passes is a
/// valid `Location` header value, so the redirect can never fail.
pub(crate) fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && n.len() <= 2048
                && !n.contains("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && axum::http::HeaderValue::from_str(n).is_ok() =>
        {
            n.clone()
        }
        _ => "/".into(),
    }
}

pub async fn login_page(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    // Before there is a session, the form is tied to a cookie of its own (double submit).
    let pre = random_token();
    let (sample, name) = commune(&state).await;
    let t = texts();
    let page = LoginPage {
        l: bare_layout(t, t.login, pre.clone(), sample, name),
        error: None,
        username: String::new(),
        next: safe_next(q.next.as_ref()),
    };
    let mut res = render(&page);
    if let Ok(v) = cookie_header(&state, PRE_LOGIN_COOKIE, &pre, 3600).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

/// The login page again with what went wrong.
fn login_refused(
    (sample, name): (bool, String),
    pre: &str,
    f: &LoginForm,
    status: StatusCode,
    error: String,
) -> Response {
    let t = texts();
    let page = LoginPage {
        l: bare_layout(t, t.login, pre.to_string(), sample, name),
        error: Some(error),
        // A refused over-long name is not sent back.
        username: if f.username.len() <= treem_domain::account::MAX_LOGIN_NAME_BYTES {
            f.username.clone()
        } else {
            String::new()
        },
        next: safe_next(f.next.as_ref()),
    };
    (status, render(&page)).into_response()
}

/// Why a login was refused: the answer's status and the words.
fn refusal_text(t: &Texts, r: Refusal) -> (StatusCode, String) {
    match r {
        Refusal::Locked(minutes) => (
            StatusCode::TOO_MANY_REQUESTS,
            crate::login::locked_message(minutes),
        ),
        Refusal::BadName(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        Refusal::Wrong => (StatusCode::UNPROCESSABLE_ENTITY, t.login_failed.to_string()),
        Refusal::AwaitingConfirmation => {
            (StatusCode::FORBIDDEN, crate::login::AWAITING.to_string())
        }
        Refusal::Failed(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{}: {e}", t.server_error),
        ),
    }
}

/// The session's cookie set, the login form's cleared, on the way to `to`.
fn signed_in(state: &AppState, token: &str, to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = cookie_header(state, SESSION_COOKIE, token, 12 * 3600).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    if let Ok(v) = cookie_header(state, PRE_LOGIN_COOKIE, "", 0).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    TypedForm(f): TypedForm<LoginForm>,
) -> Response {
    let t = texts();
    let commune = commune(&state).await;
    let pre = cookie(&headers, PRE_LOGIN_COOKIE).unwrap_or("");
    let again =
        |status: StatusCode, error: String| login_refused(commune.clone(), pre, &f, status, error);
    if pre.is_empty() || f.csrf.as_deref() != Some(pre) {
        return again(StatusCode::FORBIDDEN, t.csrf_failed.to_string());
    }
    let user = match crate::login::attempt(&state, ip, &f.username, &f.password).await {
        Ok(user) => user,
        Err(r) => {
            let (status, text) = refusal_text(t, r);
            return again(status, text);
        }
    };
    match state.store.create_session(&user).await {
        Ok(s) => {
            let to = if user.must_change_password {
                "/password".to_string()
            } else {
                safe_next(f.next.as_ref())
            };
            signed_in(&state, &s.token, &to)
        }
        Err(e) => again(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{}: {e}", t.server_error),
        ),
    }
}

pub async fn logout(ctx: Ctx, TypedForm(f): TypedForm<TokenForm>) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
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
    /// The account's full name and position, as its documents sign.
    full_name: String,
    position: String,
}

pub async fn password_page(ctx: Ctx) -> Response {
    let page = PasswordPage {
        l: ctx.layout(ctx.t.change_password),
        forced: ctx.user.must_change_password,
        error: None,
        full_name: ctx.user.full_name.clone(),
        position: ctx.user.position.clone(),
    };
    render(&page)
}

/// `POST /account/signer`: one's own full name and position (họ và tên, chức vụ).
pub async fn set_own_signer(
    ctx: Ctx,
    TypedForm(f): TypedForm<super::admin::SignerForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    match ctx
        .state
        .store
        .set_signer(&ctx.actor(), ctx.user.id, &f.full_name, &f.position)
        .await
    {
        Ok(_) => Ok(Redirect::to("/password").into_response()),
        Err(treem_storage::StorageError::Invalid(e)) => {
            let page = PasswordPage {
                l: ctx.layout(ctx.t.change_password),
                forced: ctx.user.must_change_password,
                error: Some(e.to_string()),
                full_name: f.full_name.clone(),
                position: f.position.clone(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn change_password(
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    TypedForm(f): TypedForm<PasswordForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let fail_with = |status: StatusCode, msg: String| {
        let page = PasswordPage {
            l: ctx.layout(ctx.t.change_password),
            forced: ctx.user.must_change_password,
            error: Some(msg),
            full_name: ctx.user.full_name.clone(),
            position: ctx.user.position.clone(),
        };
        Ok((status, render(&page)).into_response())
    };
    let fail = |msg: String| fail_with(StatusCode::UNPROCESSABLE_ENTITY, msg);
    // A guess of the current password counts like a failed login of this account.
    match crate::login::current_password(&ctx.state, ip, &ctx.user, &f.current).await {
        Ok(()) => {}
        Err(Refusal::Locked(minutes)) => {
            return fail_with(
                StatusCode::TOO_MANY_REQUESTS,
                crate::login::locked_message(minutes),
            )
        }
        Err(Refusal::Failed(e)) => return Err(ctx.fail(e)),
        Err(_) => return fail(ctx.t.login_failed.to_string()),
    }
    if f.new != f.repeat {
        return fail(ctx.t.passwords_differ.to_string());
    }
    if f.new == f.current {
        return fail("Mật khẩu mới phải khác mật khẩu cũ.".into());
    }
    match ctx
        .state
        .store
        .set_password(&ctx.actor(), ctx.user.id, &f.new)
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
    /// The province's counts of present children: total, by village, by sex (each protected).
    total_count: Option<String>,
    village_counts: Vec<(String, String)>,
    sex_counts: Vec<(String, String)>,
    note: Option<String>,
    cases: Vec<super::cases::CaseRow>,
    /// The open cases waiting for this person (the leader's approvals), soonest first.
    awaiting: Vec<super::cases::CaseRow>,
    backup: Option<super::backups::BackupNotice>,
    /// Sections to write and reports to approve, with their due dates.
    report_duties: Vec<super::reports::Duty>,
}

/// The children changed this past week ([`upkeep::recent_since`]).
async fn recent(ctx: &Ctx) -> Result<Vec<RecentRow>, PageError> {
    let q = ChildQuery {
        changed_since: Some(upkeep::recent_since(jiff::Timestamp::now())),
        recent_first: true,
        page: 1,
        per_page: 10,
        include_absent: true,
        ..Default::default()
    };
    let recent = ctx
        .state
        .store
        .search_children(&ctx.actor(), &q)
        .await
        .map_err(|e| ctx.fail(e))?;
    let names = ctx.village_names().await?;
    Ok(recent
        .items
        .into_iter()
        .map(|c| RecentRow {
            dob: c.birth_date().map(|b| b.text()).unwrap_or_default(),
            id: c.id,
            name: c.full_name,
            village: names.name(&c.village),
        })
        .collect())
}

/// How many present children lack a personal ID, a birth registration, a date of birth.
async fn missing(ctx: &Ctx) -> Result<Vec<Link>, PageError> {
    let t = ctx.t;
    let mut out = Vec::new();
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
        let n = ctx
            .state
            .store
            .search_children(&ctx.actor(), &q)
            .await
            .map_err(|e| ctx.fail(e))?
            .total;
        out.push(Link {
            href: format!("/children?{key}=1"),
            label: if key == "dob_unknown" {
                format!("{} ({})", label, t.unknown.to_lowercase())
            } else {
                label.to_string()
            },
            count: n,
        });
    }
    Ok(out)
}

/// The villages whose records nobody changed this month ([`upkeep::not_updated_this_month`]).
async fn stale_villages(ctx: &Ctx) -> Result<Vec<VillageRow>, PageError> {
    let today = treem_storage::today();
    let activity = ctx
        .state
        .store
        .village_activity(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(activity
        .into_iter()
        .filter(|v| upkeep::not_updated_this_month(v.last_change.as_deref(), today))
        .map(|v| VillageRow {
            code: v.code,
            name: v.name,
            children: v.children,
            last_change: v
                .last_change
                .as_deref()
                .map(vn_datetime)
                .unwrap_or_else(|| ctx.t.never.into()),
        })
        .collect())
}

/// The province's counts of present children, each protected: total, by village, by sex.
async fn province_counts(ctx: &Ctx, page: &mut HomePage) -> Result<(), PageError> {
    let t = ctx.t;
    page.note = Some(t.aggregates_only.into());
    let m = crate::api::children::protected_child_counts(&ctx.state, &ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    page.total_count = Some(m.total.text());
    page.village_counts = m
        .by_village
        .into_iter()
        .map(|(code, name, c)| (format!("{code} — {name}"), c.text()))
        .collect();
    page.sex_counts = m
        .by_sex
        .into_iter()
        .map(|(sex, c)| {
            let label = match sex {
                Sex::Male => t.male,
                Sex::Female => t.female,
                Sex::Unknown => t.unknown,
            };
            (label.to_string(), c.text())
        })
        .collect();
    Ok(())
}

/// The leader's account changes waiting, or the administrator's reminder.
async fn role_note(ctx: &Ctx) -> Result<Option<String>, PageError> {
    if ctx.user.role.confirms_accounts() {
        let waiting = ctx
            .state
            .store
            .pending_accounts(&ctx.actor())
            .await
            .map_err(|e| ctx.fail(e))?
            .len();
        return Ok((waiting > 0).then(|| {
            format!(
                "Có {waiting} thay đổi tài khoản chờ bạn xác nhận: xem trang Xác nhận tài khoản."
            )
        }));
    }
    Ok(ctx.user.role.manages_users().then(|| {
        "Quản lý tài khoản. Máy chủ tự sao lưu hằng đêm khi được chạy với --backup-dir; treem backup, treem restore và treem check chạy bằng dòng lệnh.".into()
    }))
}

pub async fn home(ctx: Ctx) -> Result<Response, PageError> {
    let t = ctx.t;
    let role = ctx.user.role;
    let mut page = HomePage {
        l: ctx.layout(t.home),
        role: role_label(t, role).to_string(),
        reads_children: role.reads_children(),
        recent: vec![],
        missing: vec![],
        stale_villages: vec![],
        show_villages: role.follows_villages(),
        total_count: None,
        village_counts: vec![],
        sex_counts: vec![],
        note: None,
        cases: if treem_domain::case::opens_every_case(&ctx.actor()) {
            super::cases::due_rows(&ctx).await
        } else {
            vec![]
        },
        awaiting: vec![],
        backup: super::backups::notice(&ctx).await?,
        report_duties: super::reports::duties(&ctx).await,
    };
    page.awaiting = page
        .cases
        .iter()
        .filter(|c| c.waits_for_me)
        .cloned()
        .collect();
    if role.reads_children() {
        page.recent = recent(&ctx).await?;
        page.missing = missing(&ctx).await?;
        if page.show_villages {
            page.stale_villages = stale_villages(&ctx).await?;
        }
    } else if role.sees_protected_counts() {
        province_counts(&ctx, &mut page).await?;
    }
    if let Some(note) = role_note(&ctx).await? {
        page.note = Some(note);
    }
    Ok(render(&page))
}
