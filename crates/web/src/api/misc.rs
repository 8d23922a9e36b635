use super::{parse_id, JsonBody};
use crate::auth::{ApiUser, ClientIp};
use crate::error::ApiError;
use crate::login::Refusal;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use treem_domain::register::HouseholdData;
use treem_domain::role::Role;
use treem_domain::validation::FieldErrors;
use treem_storage::{AuditFilter, Decision, NewUser, StorageError};

#[derive(Deserialize)]
pub struct Login {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody<Login>,
) -> Result<Json<Value>, ApiError> {
    match crate::login::attempt(&s, ip, &body.username, &body.password).await {
        Ok(user) => {
            let session = s.store.create_session(&user).await?;
            Ok(Json(json!({
                "token": session.token,
                "expires_at": session.expires_at,
                "must_change_password": user.must_change_password,
                "role": user.role,
            })))
        }
        Err(r) => Err(refusal(r, "password")),
    }
}

/// A refused attempt over the API; `field` is where a wrong password is reported.
fn refusal(r: Refusal, field: &str) -> ApiError {
    match r {
        Refusal::BadName(m) => FieldErrors::single("username", m).into(),
        Refusal::Locked(minutes) => ApiError::TooManyAttempts(format!(
            "đăng nhập sai quá nhiều lần; hãy thử lại sau {minutes} phút"
        )),
        Refusal::Wrong if field == "password" => {
            FieldErrors::single("password", "tên đăng nhập hoặc mật khẩu không đúng").into()
        }
        Refusal::Wrong => FieldErrors::single(field, "mật khẩu hiện tại không đúng").into(),
        Refusal::AwaitingConfirmation => ApiError::AwaitingConfirmation,
        Refusal::Failed(e) => e.into(),
    }
}

pub async fn logout(
    State(s): State<AppState>,
    _user: ApiUser,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(t) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        s.store.delete_session(t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: ApiUser) -> Json<Value> {
    Json(json!(user.0))
}

pub async fn villages(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    let v = s.store.villages(&user.actor()).await?;
    let items: Vec<Value> = v
        .iter()
        .map(|v| json!({"id": v.id, "code": v.code, "name": v.name, "version": v.version}))
        .collect();
    Ok(Json(json!(items)))
}

#[derive(Deserialize)]
pub struct VillageBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    version: Option<i64>,
}

pub async fn create_village(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<VillageBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v = s
        .store
        .create_village(&user.actor(), &b.code, &b.name)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

pub async fn update_village(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<VillageBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    if !user.0.role.manages_villages() {
        return Err(ApiError::Forbidden);
    }
    let version = b
        .version
        .ok_or_else(|| FieldErrors::single("version", "cần gửi phiên bản (version) đã đọc"))?;
    let v = s
        .store
        .update_village(&user.actor(), id, version, &b.code, &b.name)
        .await?;
    Ok(Json(json!(v)))
}

/// `?village=` (a village's code) for the households of one village.
#[derive(Deserialize)]
pub struct HouseholdsQuery {
    village: Option<String>,
}

pub async fn households(
    State(s): State<AppState>,
    user: ApiUser,
    Query(p): Query<HouseholdsQuery>,
) -> Result<Json<Value>, ApiError> {
    let h = s
        .store
        .households(
            &user.actor(),
            p.village.as_deref().filter(|s| !s.is_empty()),
        )
        .await?;
    Ok(Json(json!({"items": h})))
}

pub async fn household(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let h = s.store.household(&user.actor(), parse_id(&id)?).await?;
    Ok(Json(json!(h)))
}

pub async fn create_household(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<HouseholdData>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let h = s.store.create_household(&user.actor(), &b).await?;
    Ok((StatusCode::CREATED, Json(json!(h))))
}

#[derive(Deserialize)]
pub struct HouseholdPut {
    version: Option<i64>,
    #[serde(flatten)]
    data: HouseholdData,
}

pub async fn update_household(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<HouseholdPut>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    if !user.0.role.writes_children() {
        return Err(ApiError::Forbidden);
    }
    let version = b
        .version
        .ok_or_else(|| FieldErrors::single("version", "cần gửi phiên bản (version) đã đọc"))?;
    let h = s
        .store
        .update_household(&user.actor(), id, version, &b.data)
        .await?;
    Ok(Json(json!(h)))
}

pub async fn users(State(s): State<AppState>, user: ApiUser) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({"items": s.store.users(&user.actor()).await?})))
}

#[derive(Deserialize)]
pub struct UserBody {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    village: Option<String>,
    /// Họ và tên.
    #[serde(default)]
    full_name: String,
    /// Chức vụ.
    #[serde(default)]
    position: String,
}

impl TryFrom<UserBody> for NewUser {
    type Error = FieldErrors;

    fn try_from(b: UserBody) -> Result<NewUser, FieldErrors> {
        let role: Role = b
            .role
            .parse()
            .map_err(|e: String| FieldErrors::single("role", e))?;
        Ok(NewUser {
            username: b.username,
            password: b.password,
            role,
            village: b.village,
            must_change_password: true,
            full_name: b.full_name,
            position: b.position,
        })
    }
}

/// A full name and a position, as sent.
#[derive(Deserialize)]
pub struct SignerBody {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    position: String,
}

/// `PUT /users/{id}/signer`: sets the account's full name and position (the administrator,
/// or the account itself).
pub async fn set_signer(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<SignerBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let u = s
        .store
        .set_signer(&user.actor(), id, &b.full_name, &b.position)
        .await?;
    Ok(Json(json!(u)))
}

pub async fn create_user(
    State(s): State<AppState>,
    user: ApiUser,
    JsonBody(b): JsonBody<UserBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !user.0.role.manages_users() {
        return Err(ApiError::Forbidden);
    }
    let u = s
        .store
        .create_user(&user.actor(), &NewUser::try_from(b)?)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(u))))
}

/// Accounts waiting for the leader's confirmation (leader, admin).
pub async fn pending_users(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"items": s.store.pending_accounts(&user.actor()).await?}),
    ))
}

/// Every change to accounts from the audit log, newest first (readers of the audit log).
/// `?limit=`: how many changes at most (200 when absent or not a number).
#[derive(Deserialize)]
pub struct LimitQuery {
    limit: Option<String>,
}

pub async fn account_changes(
    State(s): State<AppState>,
    user: ApiUser,
    Query(p): Query<LimitQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.and_then(|l| l.parse().ok()).unwrap_or(200);
    Ok(Json(
        json!({"items": s.store.account_changes(&user.actor(), limit).await?}),
    ))
}

#[derive(Deserialize)]
pub struct ConfirmationBody {
    accept: Option<bool>,
    #[serde(default)]
    password: String,
}

/// The leader confirms (with a temporary password for the person) or refuses what the
/// administrator did to an account.
pub async fn confirm_user(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ConfirmationBody>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    if !user.0.role.confirms_accounts() {
        return Err(ApiError::Forbidden);
    }
    let decision = match b.accept {
        Some(true) => Decision::Confirm {
            temporary_password: &b.password,
        },
        Some(false) => Decision::Refuse,
        None => {
            return Err(FieldErrors::single(
                "accept",
                "cần ghi accept: true (xác nhận) hoặc false (từ chối)",
            )
            .into())
        }
    };
    s.store.confirm_account(&user.actor(), id, decision).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audit log's filters as sent; any that is empty (or, for the numbers, not a number) is
/// left out.
#[derive(Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    limit: Option<String>,
}

impl From<AuditQuery> for AuditFilter {
    fn from(q: AuditQuery) -> AuditFilter {
        let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
        AuditFilter {
            actor: nonempty(q.actor),
            action: nonempty(q.action),
            entity: nonempty(q.entity),
            entity_id: nonempty(q.entity_id).and_then(|s| s.parse().ok()),
            limit: nonempty(q.limit).and_then(|s| s.parse().ok()),
        }
    }
}

pub async fn audit(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = AuditFilter::from(q);
    Ok(Json(
        json!({"items": s.store.audit_entries(&user.actor(), &filter).await?}),
    ))
}

#[derive(Deserialize)]
pub struct PasswordBody {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

/// Sets one's own password (required first for accounts made by an administrator).
pub async fn change_password(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    user: ApiUser,
    JsonBody(b): JsonBody<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    crate::login::current_password(&s, ip, &user.0, &b.current)
        .await
        .map_err(|r| refusal(r, "current"))?;
    if b.new == b.current {
        return Err(FieldErrors::single("new", "mật khẩu mới phải khác mật khẩu cũ").into());
    }
    // The password rule speaks of `password`; here the field sent is `new`.
    s.store
        .set_password(&user.actor(), user.0.id, &b.new)
        .await
        .map_err(|e| match e {
            StorageError::Invalid(f) => ApiError::Invalid(FieldErrors(
                f.0.into_iter()
                    .map(|mut e| {
                        if e.field == "password" {
                            e.field = "new".into();
                        }
                        e
                    })
                    .collect(),
            )),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
