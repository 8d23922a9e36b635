//! Villages, households, accounts and the audit log.
use super::TypedForm;
use super::{render, render_status, role_label, Ctx, Layout, PageError, PageErrorKind};
use crate::i18n::{vn_date, vn_datetime};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::register::{HouseholdData, PovertyPeriod, PovertyStatus};
use treem_domain::role::ALL_ROLES;
use treem_domain::validation::parse_date;
use treem_storage::{AuditFilter, ChildQuery, NewUser, StorageError};

/// A village's form: its code and name, and the version read (when editing).
#[derive(Deserialize)]
pub struct VillageForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(rename = "_version", default)]
    version: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

/// A household's form: the household and its latest poverty period (`poverty`: `poor`,
/// `near_poor` or empty; the dates dd/mm/yyyy).
#[derive(Deserialize)]
pub struct HouseholdForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(rename = "_version", default)]
    version: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    poverty: String,
    #[serde(default)]
    poverty_from: String,
    #[serde(default)]
    poverty_to: String,
}

/// A new account's form.
#[derive(Deserialize)]
pub struct UserForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    position: String,
}

/// An account's full name and position, as the users page or the account page sends them.
#[derive(Deserialize)]
pub struct SignerForm {
    #[serde(rename = "_csrf")]
    pub(crate) csrf: Option<String>,
    #[serde(default)]
    pub(crate) full_name: String,
    #[serde(default)]
    pub(crate) position: String,
}

/// The administrator's forms on one account: a new password, or `active` (`1` to enable).
#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    active: String,
}

/// `/households?village=`.
#[derive(Deserialize)]
pub struct HouseholdsQuery {
    #[serde(default)]
    village: String,
}

/// The audit log's filters.
#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    entity_id: String,
}

/// A form's version field (0 when not a number).
fn version(v: &str) -> i64 {
    v.trim().parse().unwrap_or(0)
}

pub struct VillageRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
    /// This reader may print the village's papers (book, meeting summary).
    pub papers: bool,
    pub code_url: String,
}

#[derive(Template)]
#[template(path = "villages.html")]
struct VillagesPage {
    l: Layout,
    rows: Vec<VillageRow>,
    can_edit: bool,
    error: Option<String>,
}

async fn villages_page(ctx: &Ctx, error: Option<String>) -> Result<Response, PageError> {
    let v = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = VillagesPage {
        l: ctx.layout(ctx.t.villages),
        rows: v
            .into_iter()
            .map(|v| VillageRow {
                id: v.id,
                code_url: crate::pages::urlencode(&v.code),
                code: v.code,
                name: v.name,
                version: v.version,
                papers: ctx.actor().prints_papers_of(v.id),
            })
            .collect(),
        can_edit: ctx.user.role.manages_villages(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn villages(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.reads_villages() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    villages_page(&ctx, None).await
}

pub async fn create_village(
    ctx: Ctx,
    TypedForm(f): TypedForm<VillageForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    match ctx
        .state
        .store
        .create_village(&ctx.actor(), f.code.trim(), f.name.trim())
        .await
    {
        Ok(_) => Ok(Redirect::to("/villages").into_response()),
        Err(StorageError::Invalid(e)) => villages_page(&ctx, Some(e.to_string())).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn update_village(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<VillageForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    match ctx
        .state
        .store
        .update_village(
            &ctx.actor(),
            id,
            version(&f.version),
            f.code.trim(),
            f.name.trim(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/villages").into_response()),
        Err(StorageError::Invalid(e)) => villages_page(&ctx, Some(e.to_string())).await,
        Err(StorageError::Conflict { .. }) => {
            villages_page(&ctx, Some(ctx.t.conflict_title.into())).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub struct HouseholdRow {
    pub id: i64,
    pub code: String,
    pub head: String,
    pub village: String,
    pub poverty: String,
}

#[derive(Template)]
#[template(path = "households.html")]
struct HouseholdsPage {
    l: Layout,
    rows: Vec<HouseholdRow>,
    village: String,
    villages: Vec<(String, String)>,
    can_add: bool,
    error: Option<String>,
}

fn poverty_text(ctx: &Ctx, h: &HouseholdData) -> String {
    match h.poverty_on(treem_storage::today()) {
        Some(PovertyStatus::Poor) => ctx.t.poor.into(),
        Some(PovertyStatus::NearPoor) => ctx.t.near_poor.into(),
        None => String::new(),
    }
}

async fn households_page(
    ctx: &Ctx,
    village: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let list = ctx
        .state
        .store
        .households(
            &ctx.actor(),
            Some(village.as_str()).filter(|s| !s.is_empty()),
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let names = treem_domain::register::VillageNames::new(&villages);
    let page = HouseholdsPage {
        l: ctx.layout(ctx.t.households),
        rows: list
            .iter()
            .take(500)
            .map(|h| HouseholdRow {
                id: h.id,
                code: h.data.code.clone().unwrap_or_default(),
                head: h.data.head_name.clone(),
                village: names.name(&h.data.village),
                poverty: poverty_text(ctx, &h.data),
            })
            .collect(),
        village,
        villages: villages
            .into_iter()
            .filter(|v| ctx.user.village_id.is_none_or(|m| m == v.id))
            .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
            .collect(),
        can_add: ctx.user.role.writes_children(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn households(ctx: Ctx, Query(q): Query<HouseholdsQuery>) -> Result<Response, PageError> {
    if !ctx.user.role.reads_children() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    households_page(&ctx, q.village.trim().to_string(), None).await
}

impl TryFrom<&HouseholdForm> for HouseholdData {
    /// What is wrong with the poverty period, in Vietnamese.
    type Error = String;

    fn try_from(f: &HouseholdForm) -> Result<HouseholdData, String> {
        let mut poverty = Vec::new();
        let status = f.poverty.trim();
        if !status.is_empty() {
            let from = parse_date(f.poverty_from.trim())
                .ok_or("Hộ nghèo / cận nghèo: cần ghi từ ngày (dd/mm/yyyy)")?;
            let to = match f.poverty_to.trim() {
                "" => None,
                s => Some(parse_date(s).ok_or("Hộ nghèo / cận nghèo: đến ngày không hợp lệ")?),
            };
            poverty.push(PovertyPeriod {
                status: PovertyStatus::from_choice(status),
                from,
                to,
            });
        }
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(HouseholdData {
            village: f.village.trim().to_string(),
            code: given(&f.code),
            head_name: f.head_name.trim().to_string(),
            address: given(&f.address),
            poverty,
        })
    }
}

pub async fn create_household(
    ctx: Ctx,
    TypedForm(f): TypedForm<HouseholdForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let data = match HouseholdData::try_from(&f) {
        Ok(d) => d,
        Err(e) => return households_page(&ctx, String::new(), Some(e)).await,
    };
    match ctx.state.store.create_household(&ctx.actor(), &data).await {
        Ok(h) => Ok(Redirect::to(&format!("/households/{}", h.id)).into_response()),
        Err(StorageError::Invalid(e)) => {
            households_page(&ctx, String::new(), Some(e.to_string())).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub dob: String,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    l: Layout,
    id: i64,
    version: i64,
    code: String,
    head: String,
    address: String,
    village: String,
    poverty: String,
    poverty_from: String,
    poverty_to: String,
    members: Vec<MemberRow>,
    can_edit: bool,
    error: Option<String>,
}

async fn household_page(ctx: &Ctx, id: i64, error: Option<String>) -> Result<Response, PageError> {
    let h = ctx
        .state
        .store
        .household(&ctx.actor(), id)
        .await
        .map_err(|e| ctx.fail(e))?;
    // Members: children of the household's village whose record points here.
    let kids = ctx
        .state
        .store
        .search_children(
            &ctx.actor(),
            &ChildQuery {
                household_id: Some(id),
                include_absent: true,
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?
        .items;
    let period = h.data.poverty.last();
    let page = HouseholdPage {
        l: ctx.layout(format!("{} — {}", ctx.t.household, h.data.head_name)),
        id,
        version: h.version,
        code: h.data.code.clone().unwrap_or_default(),
        head: h.data.head_name.clone(),
        address: h.data.address.clone().unwrap_or_default(),
        village: h.data.village.clone(),
        poverty: period.map(|p| p.status.code()).unwrap_or("").into(),
        poverty_from: period
            .map(|p| vn_date(&p.from.to_string()))
            .unwrap_or_default(),
        poverty_to: period
            .and_then(|p| p.to)
            .map(|d| vn_date(&d.to_string()))
            .unwrap_or_default(),
        members: kids
            .into_iter()
            .map(|c| MemberRow {
                dob: c.birth_date().map(|b| b.text()).unwrap_or_default(),
                id: c.id,
                name: c.full_name,
            })
            .collect(),
        can_edit: ctx.user.role.writes_children(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn household(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    household_page(&ctx, id, None).await
}

pub async fn update_household(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<HouseholdForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    let version = version(&f.version);
    let data = match HouseholdData::try_from(&f) {
        Ok(d) => d,
        Err(e) => return household_page(&ctx, id, Some(e)).await,
    };
    match ctx
        .state
        .store
        .update_household(&ctx.actor(), id, version, &data)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => household_page(&ctx, id, Some(e.to_string())).await,
        Err(StorageError::Conflict { .. }) => {
            household_page(&ctx, id, Some(ctx.t.conflict_title.into())).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub position: String,
    pub role: &'static str,
    pub active: bool,
    pub must_change: bool,
    /// What waits for the leader's confirmation, in words (empty: nothing).
    pub pending: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    l: Layout,
    rows: Vec<UserRow>,
    roles: Vec<(String, &'static str)>,
    villages: Vec<(String, String)>,
    error: Option<String>,
}

async fn users_page(ctx: &Ctx, error: Option<String>) -> Result<Response, PageError> {
    let users = ctx
        .state
        .store
        .users(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let villages = ctx
        .state
        .store
        .villages(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = UsersPage {
        l: ctx.layout(ctx.t.users),
        rows: users
            .into_iter()
            .map(|u| UserRow {
                id: u.id,
                username: u.username,
                full_name: u.full_name,
                position: u.position,
                role: role_label(ctx.t, u.role),
                active: u.active,
                must_change: u.must_change_password,
                pending: u
                    .pending
                    .map(|p| format!("chờ lãnh đạo xác nhận: {}", p.label_vi()))
                    .unwrap_or_default(),
            })
            .collect(),
        roles: ALL_ROLES
            .iter()
            .map(|r| (r.as_str().to_string(), role_label(ctx.t, *r)))
            .collect(),
        villages: villages
            .into_iter()
            .map(|v| (v.code.clone(), format!("{} — {}", v.code, v.name)))
            .collect(),
        error: error.clone(),
    };
    Ok(render_status(&page, error.is_some()))
}

pub async fn users(ctx: Ctx) -> Result<Response, PageError> {
    if !ctx.user.role.manages_users() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    users_page(&ctx, None).await
}

impl TryFrom<&UserForm> for NewUser {
    /// The role that is not one, in Vietnamese.
    type Error = String;

    fn try_from(f: &UserForm) -> Result<NewUser, String> {
        Ok(NewUser {
            username: f.username.trim().to_string(),
            password: f.password.trim().to_string(),
            role: f.role.trim().parse()?,
            village: Some(f.village.trim().to_string()).filter(|s| !s.is_empty()),
            must_change_password: true,
            full_name: f.full_name.clone(),
            position: f.position.clone(),
        })
    }
}

pub async fn create_user(
    ctx: Ctx,
    TypedForm(f): TypedForm<UserForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    if !ctx.user.role.manages_users() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let new = match NewUser::try_from(&f) {
        Ok(n) => n,
        Err(e) => return users_page(&ctx, Some(e)).await,
    };
    match ctx.state.store.create_user(&ctx.actor(), &new).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(StorageError::Invalid(e)) => users_page(&ctx, Some(e.to_string())).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn reset_password(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<AccountForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    match ctx
        .state
        .store
        .set_password(&ctx.actor(), id, f.password.trim())
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(StorageError::Invalid(e)) => users_page(&ctx, Some(e.to_string())).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `POST /admin/users/{id}/signer`: the administrator sets an account's full name and position.
pub async fn set_signer(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<SignerForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    match ctx
        .state
        .store
        .set_signer(&ctx.actor(), id, &f.full_name, &f.position)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(StorageError::Invalid(e)) => users_page(&ctx, Some(e.to_string())).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn set_active(
    ctx: Ctx,
    Path(id): Path<String>,
    TypedForm(f): TypedForm<AccountForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(f.csrf.as_ref())?;
    let id: i64 = id.parse().map_err(|_| ctx.error(PageErrorKind::NotFound))?;
    ctx.state
        .store
        .set_user_active(&ctx.actor(), id, f.active.trim() == "1")
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The row names a child, linked to their page.
    pub entity_is_child: bool,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    /// The chain's head in its short form (`SEQ:HASH16`), to be written down.
    head: String,
    rows: Vec<AuditRow>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    /// The filters' choices: (code, words), from the domain ([`treem_domain::audit`]).
    actions: &'static [(&'static str, &'static str)],
    entities: &'static [(&'static str, &'static str)],
}

pub async fn audit(ctx: Ctx, Query(q): Query<AuditQuery>) -> Result<Response, PageError> {
    if !ctx.user.role.reads_audit() {
        return Err(ctx.error(PageErrorKind::Forbidden));
    }
    let nonempty = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        actor: nonempty(&q.actor),
        action: nonempty(&q.action),
        entity: nonempty(&q.entity),
        entity_id: nonempty(&q.entity_id).and_then(|s| s.parse().ok()),
        limit: Some(300),
    };
    let entries = ctx
        .state
        .store
        .audit_entries(&ctx.actor(), &filter)
        .await
        .map_err(|e| ctx.fail(e))?;
    let head = ctx
        .state
        .store
        .audit_head(&ctx.actor())
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = AuditPage {
        l: ctx.layout(ctx.t.audit),
        head: head.short(),
        rows: entries
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: vn_datetime(&e.at),
                actor: e.actor,
                action: treem_domain::audit::action_vi(&e.action),
                entity_is_child: treem_domain::audit::names_child(&e.entity),
                entity: treem_domain::audit::entity_vi(&e.entity),
                entity_id: e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                detail: e.detail,
            })
            .collect(),
        actor: q.actor.trim().to_string(),
        action: q.action.trim().to_string(),
        entity: q.entity.trim().to_string(),
        entity_id: q.entity_id.trim().to_string(),
        actions: &treem_domain::audit::ACTIONS,
        entities: &treem_domain::audit::ENTITIES,
    };
    Ok(render(&page))
}
