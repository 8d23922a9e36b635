//! Users (argon2id passwords) and server-side sessions.
use crate::audit;
use crate::db::{now_text, Db};
use crate::error::{unique_to_field, StorageError, StorageResult};
use crate::Accounts;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
pub use treem_domain::account::{LoginName, PendingChange, Signer};
use treem_domain::role::{Actor, Role};

/// Sessions end after this many hours without renewal.
const SESSION_HOURS: i64 = 12;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: Role,
    /// Village code, required for village heads.
    pub village: Option<String>,
    pub must_change_password: bool,
    /// Họ và tên, required (documents sign with it).
    pub full_name: String,
    /// Chức vụ, required.
    pub position: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub village_id: Option<i64>,
    /// Họ và tên; empty for an account made before names were asked.
    pub full_name: String,
    /// Chức vụ; empty until set.
    pub position: String,
    pub must_change_password: bool,
    pub active: bool,
    /// The language an older version let each person choose (`vi`, `en`). Read, never used:
    /// the pages speak Vietnamese only (crates/web/src/i18n.rs says why).
    pub lang: String,
    /// What the administrator did that waits for the leader's confirmation; the account cannot
    /// log in meanwhile.
    pub pending: Option<PendingChange>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            village_id: self.village_id,
        }
    }
}

/// The answer to a login attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Login {
    Accepted(User),
    /// Unknown name, wrong password or disabled account: the same answer for all three.
    Refused,
    /// The right password for an account that waits for the leader's confirmation.
    AwaitingConfirmation,
}

impl Login {
    /// The account, when the login is accepted.
    pub fn user(self) -> Option<User> {
        match self {
            Login::Accepted(u) => Some(u),
            _ => None,
        }
    }
}

/// An account waiting for the leader's confirmation, with who asked and when.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PendingAccount {
    pub user: User,
    pub requested_by: String,
    pub requested_at: String,
    /// The village code of a village head.
    pub village: Option<String>,
}

/// The leader's answer to a change that waits.
#[derive(Debug, Clone, Copy)]
pub enum Decision<'a> {
    /// Opens the account with this temporary password (the person must change it).
    Confirm { temporary_password: &'a str },
    /// Leaves the account disabled.
    Refuse,
}

/// One change to an account, from the audit log (logins left out).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccountChange {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// create, password, enable, disable, confirm, refuse.
    pub action: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub expires_at: String,
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn hash_password(password: &str) -> StorageResult<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StorageError::Corrupt(format!("argon2: {e}")))
}

/// The password rule of the domain, as a field error of the storage.
fn check_password_rules(password: &str, username: &str) -> StorageResult<()> {
    treem_domain::account::check_password(password, username)
        .map_err(|m| StorageError::invalid("password", m))
}

fn user_from(r: &AnyRow) -> StorageResult<User> {
    let role: String = r.try_get("role")?;
    let pending = match r.try_get::<Option<String>, _>("pending")? {
        None => None,
        Some(p) => Some(
            PendingChange::parse(&p)
                .ok_or_else(|| StorageError::Corrupt(format!("app_user.pending: {p}")))?,
        ),
    };
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: role.parse().map_err(|e: String| StorageError::Corrupt(e))?,
        village_id: r.try_get("village_id")?,
        full_name: r.try_get("full_name")?,
        position: r.try_get("position")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
        lang: r.try_get("lang")?,
        pending,
    })
}

const USER_COLS: &str =
    "id, username, role, village_id, full_name, position, must_change_password, active, lang, pending";

/// The same columns of `app_user u` in a join.
const USER_COLS_U: &str = "u.id, u.username, u.role, u.village_id, u.full_name, u.position, \
     u.must_change_password, u.active, u.lang, u.pending";

impl Db {
    async fn user_by_id(&self, id: i64) -> StorageResult<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM app_user WHERE id = $1{}",
            self.and_own("app_user")
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
        user_from(&row)
    }
}

/// One account inside a transaction (the row the change is about).
async fn user_in(tx: &mut Transaction<'_, Any>, id: i64) -> StorageResult<User> {
    let row = sqlx::query(&format!("SELECT {USER_COLS} FROM app_user WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StorageError::NotFound)?;
    user_from(&row)
}

/// Marks `user_id` as waiting for the leader's confirmation of `change`, unless something
/// already waits (what waits first is what the leader is asked about; confirming it sets a
/// fresh password anyway).
async fn mark_pending(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    user_id: i64,
    change: PendingChange,
) -> StorageResult<()> {
    sqlx::query(
        "UPDATE app_user SET pending = $1, pending_by_id = $2, pending_at = $3 WHERE id = $4 AND pending IS NULL",
    )
    .bind(change.as_str())
    .bind(actor.user_id)
    .bind(now_text())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether what `actor` does to an account of `role` must wait for the leader: the
/// administrator (not the operator at the machine) touching a role that reads children or
/// case files.
fn needs_confirmation(actor: &Actor, role: Role) -> bool {
    !actor.is_operator() && role.needs_leader_confirmation()
}

const WAITS: &str = " — chờ lãnh đạo xác nhận";

#[async_trait::async_trait]
impl Accounts for Db {
    async fn create_user(&self, actor: &Actor, u: &NewUser) -> StorageResult<User> {
        if !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        let mut errs = treem_domain::validation::FieldErrors::default();
        let name = match treem_domain::account::new_username(&u.username) {
            Ok(n) => n.as_str().to_string(),
            Err(m) => {
                errs.push("username", m);
                u.username.trim().to_string()
            }
        };
        if let Err(m) = treem_domain::account::check_password(&u.password, &name) {
            errs.push("password", m);
        }
        let full_name = treem_domain::account::full_name(&u.full_name)
            .map_err(|m| errs.push("full_name", m))
            .unwrap_or_default();
        let position = treem_domain::account::position(&u.position)
            .map_err(|m| errs.push("position", m))
            .unwrap_or_default();
        if u.role == Role::VillageHead && u.village.is_none() {
            errs.push("village", "trưởng thôn phải gắn với một thôn/bản");
        }
        if !errs.is_empty() {
            return Err(StorageError::Invalid(errs));
        }
        let hash = hash_password(&u.password)?;
        let (_turn, mut tx) = self.begin_write().await?;
        // Names are stored lower-case; an older account may differ from this one in case only.
        let taken = sqlx::query("SELECT id FROM app_user WHERE lower(username) = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StorageError::invalid("username", "tên đăng nhập đã có"));
        }
        let village_id = match &u.village {
            Some(code) if u.role == Role::VillageHead => {
                Some(crate::villages::resolve_village(&mut tx, code, None).await?)
            }
            _ => None,
        };
        let id: i64 = sqlx::query(
            "INSERT INTO app_user (username, password_hash, role, village_id, must_change_password, active, lang, version, created_at, full_name, position) \
             VALUES ($1, $2, $3, $4, $5, 1, 'vi', 1, $6, $7, $8) RETURNING id",
        )
        .bind(&name)
        .bind(&hash)
        .bind(u.role.as_str())
        .bind(village_id)
        .bind(u.must_change_password as i64)
        .bind(now_text())
        .bind(&full_name)
        .bind(&position)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_to_field(e, "username", "tên đăng nhập đã có"))?
        .try_get("id")?;
        let waits = needs_confirmation(actor, u.role);
        if waits {
            mark_pending(&mut tx, actor, id, PendingChange::Create).await?;
        }
        audit::append(
            &mut tx,
            actor,
            "create",
            "user",
            Some(id),
            &format!(
                "{name} ({}), {full_name}, {position}{}",
                u.role,
                if waits { WAITS } else { "" }
            ),
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(id).await
    }

    async fn users(&self, actor: &Actor) -> StorageResult<Vec<User>> {
        if !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM app_user ORDER BY username"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from).collect()
    }

    async fn authenticate(&self, name: &LoginName, password: &str) -> StorageResult<Login> {
        // Older databases may hold names in mixed case; new ones are stored lower-case.
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS}, password_hash FROM app_user WHERE lower(username) = $1 ORDER BY id"
        ))
        .bind(name.as_str())
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() || password.len() > treem_domain::account::MAX_PASSWORD_BYTES {
            // Spend the same time as a real check so usernames cannot be probed by timing.
            let _ = hash_password("thời gian như một lần kiểm tra thật");
            return Ok(Login::Refused);
        }
        for row in &rows {
            let stored: String = row.try_get("password_hash")?;
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| StorageError::Corrupt(format!("password hash: {e}")))?;
            if Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_err()
            {
                continue;
            }
            let user = user_from(row)?;
            return Ok(if !user.active {
                Login::Refused
            } else if user.pending.is_some() {
                Login::AwaitingConfirmation
            } else {
                Login::Accepted(user)
            });
        }
        Ok(Login::Refused)
    }

    async fn set_password(&self, actor: &Actor, user_id: i64, password: &str) -> StorageResult<()> {
        if actor.user_id != user_id && !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let target = user_in(&mut tx, user_id).await?;
        check_password_rules(password, &target.username)?;
        let hash = hash_password(password)?;
        // An admin's reset forces a change at next login; one's own change clears it.
        let reset = actor.user_id != user_id;
        sqlx::query(
            "UPDATE app_user SET password_hash = $1, must_change_password = $2, version = version + 1 WHERE id = $3",
        )
        .bind(&hash)
        .bind(reset as i64)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let waits = reset && needs_confirmation(actor, target.role);
        if waits {
            mark_pending(&mut tx, actor, user_id, PendingChange::Reset).await?;
        }
        sqlx::query("DELETE FROM app_session WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "password",
            "user",
            Some(user_id),
            &if reset {
                format!(
                    "đặt lại mật khẩu của {}{}",
                    target.username,
                    if waits { WAITS } else { "" }
                )
            } else {
                "đổi mật khẩu".to_string()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_user_active(
        &self,
        actor: &Actor,
        user_id: i64,
        active: bool,
    ) -> StorageResult<()> {
        if !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let target = user_in(&mut tx, user_id).await?;
        // Disabling takes effect at once and drops whatever waited; enabling an account that
        // was disabled waits for the leader when its role reads children or cases.
        let waits = active && !target.active && needs_confirmation(actor, target.role);
        sqlx::query(&format!(
            "UPDATE app_user SET active = $1, version = version + 1{} WHERE id = $2",
            if active {
                ""
            } else {
                ", pending = NULL, pending_by_id = NULL, pending_at = NULL"
            }
        ))
        .bind(active as i64)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if waits {
            mark_pending(&mut tx, actor, user_id, PendingChange::Enable).await?;
        }
        if !active {
            sqlx::query("DELETE FROM app_session WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            if active { "enable" } else { "disable" },
            "user",
            Some(user_id),
            &format!(
                "{} ({}){}",
                target.username,
                target.role,
                if waits { WAITS } else { "" }
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn pending_accounts(&self, actor: &Actor) -> StorageResult<Vec<PendingAccount>> {
        if !(actor.role.confirms_accounts() || actor.role.manages_users() || actor.is_operator()) {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS_U}, u.pending_at, a.username AS requested_by, v.code AS village \
             FROM app_user u LEFT JOIN app_user a ON a.id = u.pending_by_id{} \
             LEFT JOIN village v ON v.id = u.village_id{} \
             WHERE u.pending IS NOT NULL ORDER BY u.pending_at, u.id",
            self.same("a", "u"),
            self.same("v", "u")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingAccount {
                    user: user_from(r)?,
                    requested_by: r
                        .try_get::<Option<String>, _>("requested_by")?
                        .unwrap_or_default(),
                    requested_at: r
                        .try_get::<Option<String>, _>("pending_at")?
                        .unwrap_or_default(),
                    village: r.try_get("village")?,
                })
            })
            .collect()
    }

    async fn confirm_account(
        &self,
        actor: &Actor,
        user_id: i64,
        decision: Decision<'_>,
    ) -> StorageResult<()> {
        if !(actor.role.confirms_accounts() || actor.is_operator()) {
            return Err(StorageError::Forbidden);
        }
        // Nobody confirms a change to their own account (a leader made by the administrator
        // needs another leader, or the operator).
        if actor.user_id == user_id {
            return Err(StorageError::Forbidden);
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let target = user_in(&mut tx, user_id).await?;
        let Some(change) = target.pending else {
            return Err(StorageError::invalid(
                "user",
                "tài khoản này không có thay đổi nào chờ xác nhận (có thể người khác vừa xác nhận hoặc từ chối)",
            ));
        };
        let what = format!(
            "{} ({}): {}",
            target.username,
            target.role,
            change.label_vi()
        );
        match decision {
            Decision::Confirm { temporary_password } => {
                // The administrator knew the password they set; the account opens with one
                // chosen now by the confirmer, to be handed to its owner, who must change it.
                check_password_rules(temporary_password, &target.username)?;
                let hash = hash_password(temporary_password)?;
                sqlx::query(
                    "UPDATE app_user SET pending = NULL, pending_by_id = NULL, pending_at = NULL, \
                     password_hash = $1, must_change_password = 1, version = version + 1 WHERE id = $2",
                )
                .bind(&hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                audit::append(&mut tx, actor, "confirm", "user", Some(user_id), &what).await?;
            }
            Decision::Refuse => {
                sqlx::query(
                    "UPDATE app_user SET pending = NULL, pending_by_id = NULL, pending_at = NULL, \
                     active = 0, version = version + 1 WHERE id = $1",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                audit::append(&mut tx, actor, "refuse", "user", Some(user_id), &what).await?;
            }
        }
        sqlx::query("DELETE FROM app_session WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account_changes(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> StorageResult<Vec<AccountChange>> {
        if !(actor.role.reads_audit() || actor.is_operator()) {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query(&format!(
            "SELECT a.seq, a.at, a.actor, a.action, a.entity_id, a.detail, u.username \
             FROM audit_log a LEFT JOIN app_user u ON u.id = a.entity_id{} \
             WHERE a.entity = 'user' AND a.action <> 'login' ORDER BY a.seq DESC LIMIT $1",
            self.same("u", "a")
        ))
        .bind(limit.clamp(1, 5000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountChange {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    user_id: r.try_get("entity_id")?,
                    username: r.try_get("username")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    async fn set_signer(
        &self,
        actor: &Actor,
        user_id: i64,
        full_name: &str,
        position: &str,
    ) -> StorageResult<User> {
        crate::signers::set_signer(self, actor, user_id, full_name, position).await?;
        self.user_by_id(user_id).await
    }

    async fn signers(&self, actor: &Actor, logins: &[String]) -> StorageResult<Vec<Signer>> {
        crate::signers::signers(self, actor, logins).await
    }

    async fn create_session(&self, user: &User) -> StorageResult<Session> {
        let token = random_hex(32);
        let csrf = random_hex(16);
        let expires = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_hours(SESSION_HOURS))
            .unwrap_or(jiff::Timestamp::MAX)
            .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string();
        let (_turn, mut tx) = self.begin_write().await?;
        // Old sessions are swept here rather than by a timer: one fewer moving part.
        sqlx::query("DELETE FROM app_session WHERE expires_at < $1")
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO app_session (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(user.id)
        .bind(&csrf)
        .bind(now_text())
        .bind(&expires)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, &user.actor(), "login", "user", Some(user.id), "").await?;
        tx.commit().await?;
        Ok(Session {
            token,
            csrf,
            expires_at: expires,
        })
    }

    async fn session(&self, token: &str) -> StorageResult<Option<(Session, User)>> {
        // Asked on every request: named with the commune (Db::and_own), the session and its
        // account in one statement (a round trip fewer on every page and call).
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS_U}, s.csrf, s.expires_at FROM app_session s \
             JOIN app_user u ON u.id = s.user_id{} \
             WHERE s.token_hash = $1 AND s.expires_at > $2{}",
            self.and_own("u"),
            self.and_own("s")
        ))
        .bind(token_hash(token))
        .bind(now_text())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from(&row)?;
        if !user.active || user.pending.is_some() {
            return Ok(None);
        }
        Ok(Some((
            Session {
                token: token.to_string(),
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            },
            user,
        )))
    }

    async fn delete_session(&self, token: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM app_session WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
