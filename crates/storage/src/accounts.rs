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
use sqlx::Row;
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
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub village_id: Option<i64>,
    pub must_change_password: bool,
    pub active: bool,
    pub lang: String,
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

fn check_password_rules(password: &str) -> StorageResult<()> {
    if password.chars().count() < 8 {
        return Err(StorageError::invalid(
            "password",
            "mật khẩu phải có ít nhất 8 ký tự",
        ));
    }
    Ok(())
}

fn user_from(r: &AnyRow) -> StorageResult<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: role.parse().map_err(|e: String| StorageError::Corrupt(e))?,
        village_id: r.try_get("village_id")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
        lang: r.try_get("lang")?,
    })
}

const USER_COLS: &str = "id, username, role, village_id, must_change_password, active, lang";

impl Db {
    async fn user_by_id(&self, id: i64) -> StorageResult<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM app_user WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        user_from(&row)
    }
}

#[async_trait::async_trait]
impl Accounts for Db {
    async fn create_user(&self, actor: &Actor, u: &NewUser) -> StorageResult<User> {
        if !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        let mut errs = treem_domain::validation::FieldErrors::default();
        let name = u.username.trim();
        if name.len() < 3
            || name.len() > 40
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        {
            errs.push(
                "username",
                "tên đăng nhập gồm 3-40 chữ cái không dấu, chữ số, dấu chấm hoặc gạch dưới",
            );
        }
        if u.password.chars().count() < 8 {
            errs.push("password", "mật khẩu phải có ít nhất 8 ký tự");
        }
        if u.role == Role::VillageHead && u.village.is_none() {
            errs.push("village", "trưởng thôn phải gắn với một thôn/bản");
        }
        if !errs.is_empty() {
            return Err(StorageError::Invalid(errs));
        }
        let hash = hash_password(&u.password)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let village_id = match &u.village {
            Some(code) if u.role == Role::VillageHead => {
                Some(crate::villages::resolve_village(&mut tx, code, None).await?)
            }
            _ => None,
        };
        let id: i64 = sqlx::query(
            "INSERT INTO app_user (username, password_hash, role, village_id, must_change_password, active, lang, version, created_at) \
             VALUES ($1, $2, $3, $4, $5, 1, 'vi', 1, $6) RETURNING id",
        )
        .bind(name)
        .bind(&hash)
        .bind(u.role.as_str())
        .bind(village_id)
        .bind(u.must_change_password as i64)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_to_field(e, "username", "tên đăng nhập đã có"))?
        .try_get("id")?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "user",
            Some(id),
            &format!("{name} ({})", u.role),
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

    async fn authenticate(&self, username: &str, password: &str) -> StorageResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLS}, password_hash FROM app_user WHERE username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // Spend the same time as a real check so usernames cannot be probed by timing.
            let _ = hash_password(password);
            return Ok(None);
        };
        let stored: String = row.try_get("password_hash")?;
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| StorageError::Corrupt(format!("password hash: {e}")))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        let user = user_from(&row)?;
        Ok((ok && user.active).then_some(user))
    }

    async fn set_password(&self, actor: &Actor, user_id: i64, password: &str) -> StorageResult<()> {
        if actor.user_id != user_id && !actor.role.manages_users() {
            return Err(StorageError::Forbidden);
        }
        check_password_rules(password)?;
        let hash = hash_password(password)?;
        // An admin's reset forces a change at next login; one's own change clears it.
        let must_change = (actor.user_id != user_id) as i64;
        let (_turn, mut tx) = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE app_user SET password_hash = $1, must_change_password = $2, version = version + 1 WHERE id = $3",
        )
        .bind(&hash)
        .bind(must_change)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StorageError::NotFound);
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
            "đổi mật khẩu",
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
        sqlx::query("UPDATE app_user SET active = $1, version = version + 1 WHERE id = $2")
            .bind(active as i64)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
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
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_language(&self, actor: &Actor, lang: &str) -> StorageResult<()> {
        if !matches!(lang, "vi" | "en") {
            return Err(StorageError::invalid(
                "lang",
                "chỉ có tiếng Việt (vi) hoặc tiếng Anh (en)",
            ));
        }
        sqlx::query("UPDATE app_user SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(actor.user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
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
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf, s.expires_at FROM app_session s WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now_text())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = self.user_by_id(row.try_get("user_id")?).await?;
        if !user.active {
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
