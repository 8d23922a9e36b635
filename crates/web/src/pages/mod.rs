//! Server-rendered pages (askama templates). Every form works without JavaScript; every
//! state-changing form carries the session's CSRF token.
mod account;
mod accounts;
mod activities;
mod admin;
mod assess;
mod backups;
pub mod cases;
mod children;
pub mod dashboard;
mod forms;
mod hazards;
pub mod health;
mod import;
mod page_form;
mod province;
mod report_print;
mod reports;
mod supports;
mod village_papers;
mod work;
mod work_relief;
mod work_sheets;
pub use import::PendingImports;
pub use page_form::{PageForm, TypedForm};

use crate::error::RETRY_AFTER_SECONDS;
use crate::i18n::{texts, Texts};
use crate::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use treem_domain::role::Role;
use treem_storage::{Session, StorageError, User};

pub const SESSION_COOKIE: &str = "treem_session";
pub const PRE_LOGIN_COOKIE: &str = "treem_pre";

/// A fresh submission id for a form, so that the same form sent twice stores once.
pub(crate) fn new_submission_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The id the sender made for this write, so that it is stored once: the `Idempotency-Key`
/// header (a phone sending what it kept while there was no signal), else the form's
/// `_submission` field; nothing when neither is a valid id (a form without one stores as
/// before).
pub(crate) fn sent_id(headers: &HeaderMap, field: Option<&str>) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .or(field)
        .map(str::trim)
        .filter(|t| treem_storage::valid_submission_id(t))
        .map(str::to_string)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(account::home))
        .route(
            "/login",
            get(account::login_page).post(account::login).layer(
                axum::extract::DefaultBodyLimit::max(crate::LOGIN_BODY_LIMIT),
            ),
        )
        .route("/logout", post(account::logout))
        .route(
            "/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/work", get(work::hub))
        .route("/work/marriages", post(work::add_marriage))
        .route("/work/supports", get(work::supports))
        .route("/work/disasters.xlsx", get(work_sheets::disasters))
        .route("/work/marriages.xlsx", get(work_sheets::marriages))
        .route(
            "/work/distributions/new",
            get(work::new_distribution).post(work::save_distribution),
        )
        .route(
            "/work/disasters/new",
            get(work::new_disaster).post(work::save_disaster),
        )
        .route(
            "/work/disasters/{id}",
            get(work_relief::relief).post(work_relief::save_relief),
        )
        .route(
            "/work/distributions/upload",
            get(work_relief::upload_form)
                .post(work_relief::upload_check)
                .layer(axum::extract::DefaultBodyLimit::max(
                    treem_domain::limits::UPLOAD_BYTES,
                )),
        )
        .route(
            "/work/distributions/template.xlsx",
            get(work_relief::upload_template),
        )
        .route(
            "/work/disability/new",
            get(work_relief::new_disability).post(work_relief::save_disability),
        )
        .route("/children", get(children::list))
        .route(
            "/children/new",
            get(children::new_page).post(children::create),
        )
        .route("/children/{id}", get(children::show))
        .route("/activities", get(activities::hub))
        .route(
            "/activities/directory",
            get(activities::directory_show).post(activities::directory_add),
        )
        .route(
            "/activities/{kind}",
            get(activities::list).post(activities::create),
        )
        .route("/activities/{kind}/new", get(activities::new))
        .route("/activities/{kind}/xlsx", get(activities::xlsx))
        .route("/activities/{kind}/{id}", get(activities::show))
        .route(
            "/children/{id}/supports",
            get(supports::show).post(supports::give),
        )
        .route(
            "/self-assessment",
            get(assess::self_assessment).post(assess::save_self_assessment),
        )
        .route("/national-db", get(assess::cleanup).post(assess::save_ids))
        .route("/national-db/export", get(assess::export))
        .route("/national-db/list.xlsx", get(assess::list_xlsx))
        .route(
            "/national-db/upload",
            post(assess::upload_ids).layer(axum::extract::DefaultBodyLimit::max(
                treem_domain::limits::UPLOAD_BYTES,
            )),
        )
        .route(
            "/settings/supports",
            get(supports::answers).post(supports::save_answers),
        )
        .route(
            "/children/{id}/edit",
            get(children::edit_page).post(children::update),
        )
        .route(
            "/villages",
            get(admin::villages).post(admin::create_village),
        )
        .route("/villages/{id}", post(admin::update_village))
        .route("/villages/{code}/book", get(village_papers::village_book))
        .route(
            "/villages/{code}/summary",
            get(village_papers::village_summary),
        )
        .route(
            "/households",
            get(admin::households).post(admin::create_household),
        )
        .route(
            "/households/{id}",
            get(admin::household).post(admin::update_household),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}/reset", post(admin::reset_password))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/users/{id}/signer", post(admin::set_signer))
        .route("/account/signer", post(account::set_own_signer))
        .route("/reports/{id}/print", get(report_print::print))
        .route("/reports/{id}/docx", get(report_print::docx))
        .route("/reports/{id}/xlsx", get(report_print::xlsx))
        .route("/audit", get(admin::audit))
        .route("/accounts", get(accounts::show))
        .route("/accounts/{id}/confirm", post(accounts::confirm))
        .route("/accounts/{id}/refuse", post(accounts::refuse))
        .route(
            "/health/weighing",
            get(health::weighing).post(health::save_weighing),
        )
        .route("/health/lists", get(health::lists))
        .route(
            "/health/events",
            get(health::events).post(health::save_event),
        )
        .route("/cases", get(cases::list))
        .route(
            "/cases/new",
            get(cases::intake_form).post(cases::save_intake),
        )
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/forms/{n}", get(cases::official_forms::show))
        .route(
            "/cases/{id}/step/{code}",
            get(cases::step_form).post(cases::save_step),
        )
        .route(
            "/cases/{id}/replace/{seq}",
            get(cases::replace_form).post(cases::save_replacement),
        )
        .route(
            "/health/births",
            get(health::birth_form).post(health::save_birth),
        )
        .route("/children/{id}/health", post(health::add_from_child_page))
        .route(
            "/health/events/{id}/replace",
            get(health::replace_form).post(health::save_replacement),
        )
        .route("/reports", get(reports::list).post(reports::open))
        .route("/reports/{id}", get(reports::show))
        .route(
            "/reports/{id}/sections/{agency}",
            get(reports::show_section).post(reports::save_section),
        )
        .route("/reports/{id}/send", post(reports::send))
        .route("/reports/{id}/approve", post(reports::approve))
        .route("/reports/{id}/return", post(reports::return_report))
        .route("/reports/{id}/amend", post(reports::amend))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/dashboard/check", get(dashboard::plan_check))
        .route(
            "/dashboard/periods",
            get(dashboard::periods).post(dashboard::confirm_period),
        )
        .route(
            "/dashboard/targets/{n}",
            get(dashboard::target).post(dashboard::report),
        )
        .route(
            "/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    treem_domain::limits::UPLOAD_BYTES,
                )),
        )
        .route("/import/confirm", post(import::confirm))
        .route("/province", get(province::table))
        .route("/province/table.xlsx", get(province::table_xlsx))
        .route("/province/live", get(province::live))
        .route(
            "/province/packages",
            get(province::packages).post(province::upload),
        )
        .route(
            "/province/communes/{code}/reports/{id}",
            get(province::report),
        )
        .route("/reports/{id}/package", get(province::report_package))
        .route("/import/template.xlsx", get(import::template))
        .route("/hazards", get(hazards::list).post(hazards::create))
        .route("/hazards.xlsx", get(hazards::list_xlsx))
        .route("/hazards/map", get(hazards::map))
        .route("/hazards/{id}", get(hazards::show).post(hazards::inspect))
        .route(
            "/hazards/{id}/photo",
            get(hazards::photo).post(hazards::upload_photo).layer(
                axum::extract::DefaultBodyLimit::max(hazards::PHOTO_BODY_BYTES),
            ),
        )
        .route("/budget", get(hazards::budget))
        .route("/budget.xlsx", get(hazards::budget_xlsx))
        .route("/budget/lines", post(hazards::add_line))
        .route("/budget/spendings", post(hazards::add_spending))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/static/form.css", get(form_css))
        .merge(offline_files())
        .route("/static/paper.css", get(paper_css))
}

/// What makes the pages an installable app that works with no signal: the manifest (its icons
/// in the binary like every static file), the service worker at the root (its scope is the
/// whole site) and the script that keeps forms sent offline (see `static/offline.js`).
fn offline_files() -> Router<AppState> {
    Router::new()
        .route(
            "/manifest.webmanifest",
            get(|| async {
                asset(
                    "application/manifest+json",
                    include_str!("../../static/manifest.webmanifest"),
                )
            }),
        )
        .route(
            "/sw.js",
            get(|| async {
                // Looked for anew on every visit, so a new version reaches phones at once.
                let mut r = asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/sw.js"),
                );
                r.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                r
            }),
        )
        .route(
            "/static/offline.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/offline.js"),
                )
            }),
        )
        .route(
            "/static/hazards.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/hazards.js"),
                )
            }),
        )
        .route(
            "/static/icon.svg",
            get(|| async { asset("image/svg+xml", include_str!("../../static/icon.svg")) }),
        )
        .route(
            "/static/icon-192.png",
            get(|| async { image(include_bytes!("../../static/icon-192.png")) }),
        )
        .route(
            "/static/icon-512.png",
            get(|| async { image(include_bytes!("../../static/icon-512.png")) }),
        )
}

fn image(body: &'static [u8]) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn css() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    )
}

/// The printed forms' sheet (cases::official_forms).
async fn form_css() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/form.css"),
    )
}

/// The village's papers' sheet (village_papers): A4 landscape for the book, large print for
/// the meeting's summary.
async fn paper_css() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/paper.css"),
    )
}

async fn js() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    )
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

/// A menu entry.
pub struct Nav {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct UserView {
    pub username: String,
    pub role_label: &'static str,
}

/// What the base template needs on every page.
pub struct Layout {
    pub t: &'static Texts,
    pub title: String,
    pub user: Option<UserView>,
    pub csrf: String,
    pub sample: bool,
    pub commune: String,
    pub nav: Vec<Nav>,
    pub flash: Option<String>,
}

impl Layout {
    /// The page's name in the folded menu of a phone: the current menu entry's, or the title.
    pub fn current_page(&self) -> &str {
        self.nav
            .iter()
            .find(|n| n.current)
            .map(|n| n.label)
            .unwrap_or(&self.title)
    }
}

fn nav_for(t: &'static Texts, role: Role, current: &str) -> Vec<Nav> {
    let mut v = vec![("/", t.home)];
    if role.sees_plan() {
        v.push(("/dashboard", t.targets));
    }
    if treem_domain::report::may_read(role) {
        v.push(("/reports", t.reports));
    }
    if role.reads_children() {
        v.push(("/children", t.register));
        v.push(("/households", t.households));
    }
    if role.reads_children() {
        v.push(("/work", "Công tác hỗ trợ"));
    }
    if role.reads_villages() {
        v.push(("/villages", t.villages));
    }
    if treem_domain::activity::directory::may_read(role) {
        v.push(("/activities", "Hoạt động"));
    }
    if role.records_health() {
        v.push(("/health/weighing", t.weighing));
        v.push(("/health/events", "Tử vong, tai nạn, HIV"));
    }
    if treem_storage::readable_kinds(role).contains(&"vaccination") {
        v.push(("/health/lists", t.health_lists));
    }
    if matches!(role, Role::Officer | Role::Leader | Role::Police) {
        v.push(("/cases", t.cases));
    } else if matches!(role, Role::VillageHead | Role::Health) {
        v.push(("/cases/new", t.report_case));
    }
    if role.imports_children() {
        v.push(("/import", t.import));
    }
    if treem_domain::self_assessment::may_enter(role) {
        v.push(("/self-assessment", "Tự đánh giá xã phù hợp với trẻ em"));
    }
    if treem_domain::national_db::may_clean(role) {
        v.push(("/national-db", "Rà soát dữ liệu trẻ em"));
    }
    if role.receives_packages() {
        v.push(("/province", "Tổng hợp các xã"));
        v.push(("/province/packages", "Nhận gói báo cáo"));
    }
    if role.reads_hazards() {
        v.push(("/hazards", "Điểm nguy cơ"));
    }
    if role.reads_budget() {
        v.push(("/budget", "Kinh phí"));
    }
    if role.reads_audit() {
        v.push(("/audit", t.audit));
    }
    if role.manages_users() {
        v.push(("/admin/users", t.users));
    }
    if role.confirms_accounts() {
        v.push(("/accounts", accounts::title(t)));
    }
    // The longest item the path is under is the current one (/province/packages is not also
    // /province).
    let under = |href: &str| href == current || (href != "/" && current.starts_with(href));
    let best = v
        .iter()
        .map(|(href, _)| *href)
        .filter(|h| under(h))
        .max_by_key(|h| h.len());
    v.into_iter()
        .map(|(href, label)| Nav {
            href,
            label,
            current: Some(href) == best,
        })
        .collect()
}

/// A signed-in person on a page: their account, session, language and the commune.
pub struct Ctx {
    pub user: User,
    pub session: Session,
    pub t: &'static Texts,
    pub sample: bool,
    pub commune: String,
    pub path: String,
    pub state: AppState,
}

impl Ctx {
    /// The villages' names by code ([`treem_domain::register::VillageNames`]), for the pages
    /// whose records hold only a village's code.
    pub async fn village_names(&self) -> Result<treem_domain::register::VillageNames, PageError> {
        let villages = self
            .state
            .store
            .villages(&self.actor())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(treem_domain::register::VillageNames::new(&villages))
    }
}

impl Ctx {
    pub fn actor(&self) -> treem_storage::Actor {
        self.user.actor()
    }

    pub fn layout(&self, title: impl Into<String>) -> Layout {
        Layout {
            t: self.t,
            title: title.into(),
            user: Some(UserView {
                username: self.user.username.clone(),
                role_label: role_label(self.t, self.user.role),
            }),
            csrf: self.session.csrf.clone(),
            sample: self.sample,
            commune: self.commune.clone(),
            nav: nav_for(self.t, self.user.role, &self.path),
            flash: None,
        }
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, token: Option<&String>) -> Result<(), PageError> {
        match token {
            Some(t) if constant_time_eq(t.as_bytes(), self.session.csrf.as_bytes()) => Ok(()),
            _ => Err(self.error(PageErrorKind::Csrf)),
        }
    }

    pub fn error(&self, kind: PageErrorKind) -> PageError {
        PageError {
            kind,
            t: self.t,
            sample: self.sample,
        }
    }

    pub fn fail(&self, e: StorageError) -> PageError {
        self.error(match e {
            StorageError::NotFound => PageErrorKind::NotFound,
            StorageError::Forbidden => PageErrorKind::Forbidden,
            StorageError::Busy => PageErrorKind::Busy,
            other => PageErrorKind::Internal(other.to_string()),
        })
    }

    /// The page for a failure met through the API layer's shared code (the figures, say).
    pub fn fail_api(&self, e: crate::ApiError) -> PageError {
        self.error(match e {
            crate::ApiError::NotFound => PageErrorKind::NotFound,
            crate::ApiError::Forbidden => PageErrorKind::Forbidden,
            crate::ApiError::Busy => PageErrorKind::Busy,
            other => PageErrorKind::Internal(other.to_string()),
        })
    }
}

pub fn role_label(_t: &Texts, role: Role) -> &'static str {
    role.label_vi()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub enum PageErrorKind {
    Forbidden,
    NotFound,
    Csrf,
    /// The database stayed busy with other writers: nothing was written, send again.
    Busy,
    Internal(String),
    /// A case file that cannot be read (hồ sơ bị hỏng: damaged, or sealed with another key):
    /// 409, said as it is to those who may open it, since they can act on it (tell the
    /// administrator); the other cases still open.
    DamagedCase(String),
    Redirect(String),
    /// A form that cannot be read as sent (bytes that are not UTF-8): 422, nothing written.
    BadForm(String),
    /// A page of its own instead of what was asked (the report periods the figures wait for).
    Page(Box<Response>),
}

impl PageError {
    /// `page` answers instead of the page asked for.
    pub fn page(page: Response) -> PageError {
        PageError {
            kind: PageErrorKind::Page(Box::new(page)),
            t: texts(),
            sample: false,
        }
    }
}

pub struct PageError {
    pub kind: PageErrorKind,
    pub t: &'static Texts,
    pub sample: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    text: String,
}

/// The 500 page in Vietnamese, for when nothing better is known (a handler panicked).
pub fn server_error_page() -> Response {
    PageError {
        kind: PageErrorKind::Internal("panic".into()),
        t: texts(),
        sample: false,
    }
    .into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.t;
        let (status, title, text) = match self.kind {
            PageErrorKind::Redirect(to) => return Redirect::to(&to).into_response(),
            PageErrorKind::Page(page) => return *page,
            PageErrorKind::Forbidden => (StatusCode::FORBIDDEN, "403", t.forbidden.to_string()),
            PageErrorKind::NotFound => (StatusCode::NOT_FOUND, "404", t.not_found.to_string()),
            PageErrorKind::Csrf => (StatusCode::FORBIDDEN, "403", t.csrf_failed.to_string()),
            PageErrorKind::Busy => (StatusCode::SERVICE_UNAVAILABLE, "503", t.busy.to_string()),
            PageErrorKind::Internal(m) => {
                tracing::error!("page error: {m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "500",
                    t.server_error.to_string(),
                )
            }
            PageErrorKind::BadForm(m) => (StatusCode::UNPROCESSABLE_ENTITY, "422", m),
            PageErrorKind::DamagedCase(m) => {
                tracing::error!("damaged case: {m}");
                (StatusCode::CONFLICT, "Hồ sơ bị hỏng", m)
            }
        };
        let page = MessagePage {
            l: Layout {
                t,
                title: title.into(),
                user: None,
                csrf: String::new(),
                sample: self.sample,
                commune: String::new(),
                nav: vec![Nav {
                    href: "/",
                    label: t.home,
                    current: false,
                }],
                flash: None,
            },
            text,
        };
        let mut res = (status, render(&page)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        res
    }
}

/// Renders a form page: 422 when it shows the problems of a refused submission.
pub fn render_status<T: Template>(t: &T, refused: bool) -> Response {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(t)).into_response()
}

/// Renders a template; a template error is a server error, never a panic.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let path = parts.uri.path().to_string();
        let to_login = || PageError {
            kind: PageErrorKind::Redirect(format!("/login?next={}", urlencode(&path))),
            t: texts(),
            sample: false,
        };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        let (session, user) = match state.store.session(token).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login()),
            Err(e) => {
                return Err(PageError {
                    kind: match e {
                        StorageError::Busy => PageErrorKind::Busy,
                        e => PageErrorKind::Internal(e.to_string()),
                    },
                    t: texts(),
                    sample: false,
                })
            }
        };
        let t = texts();
        let commune = state.store.commune().await.ok().flatten();
        if user.must_change_password && path != "/password" && path != "/logout" {
            return Err(PageError {
                kind: PageErrorKind::Redirect("/password".into()),
                t,
                sample: false,
            });
        }
        Ok(Ctx {
            user,
            session,
            t,
            sample: commune.as_ref().is_some_and(|c| c.sample),
            commune: commune.map(|c| c.name).unwrap_or_default(),
            path,
            state: state.clone(),
        })
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
