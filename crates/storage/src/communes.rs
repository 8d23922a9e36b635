//! The communes (xã) a PostgreSQL database hosts (`hosted_commune`, migration 0018): which
//! exist, by which code and web address each is reached, and adding one. Each commune's own
//! rows are reached through [`Db::for_commune`], under row-level security; this list is the one
//! thing every commune's connection may read (never write) across communes.
use crate::db::{now_text, Backend, CommuneId, Db, FIRST_COMMUNE};
use crate::error::{StorageError, StorageResult};
use sqlx::Row;
use treem_domain::validation::FieldErrors;

/// A commune the database hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedCommune {
    pub id: CommuneId,
    /// The administrative code (mã xã), when known.
    pub code: Option<String>,
    pub name: Option<String>,
    /// The web address (host name) its officials use, on a server that serves many.
    pub host: Option<String>,
}

/// What `treem commune add` is given.
#[derive(Debug, Clone)]
pub struct NewCommune {
    pub code: String,
    pub name: String,
    pub province: String,
    pub host: Option<String>,
}

impl Db {
    /// Every commune the database holds: on SQLite the file's one.
    pub async fn hosted_communes(&self) -> StorageResult<Vec<HostedCommune>> {
        if self.backend == Backend::Sqlite {
            let c = crate::villages::commune(self).await?;
            return Ok(vec![HostedCommune {
                id: FIRST_COMMUNE,
                code: c.as_ref().and_then(|c| c.code.clone()),
                name: c.map(|c| c.name),
                host: None,
            }]);
        }
        let rows = sqlx::query("SELECT id, code, name, host FROM hosted_commune ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HostedCommune {
                    id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    host: r.try_get("host")?,
                })
            })
            .collect()
    }

    /// The commune with administrative code `code`, or its number typed as such.
    pub async fn find_commune(&self, code: &str) -> StorageResult<HostedCommune> {
        let code = code.trim();
        self.hosted_communes()
            .await?
            .into_iter()
            .find(|c| c.code.as_deref() == Some(code) || c.id.to_string() == code)
            .ok_or(StorageError::OtherCommune)
    }

    /// Adds a commune to a PostgreSQL database and writes its own row (name, province, code)
    /// and the start of its audit chain, all in one transaction as the schema's owner (the
    /// communes' list is not the tenants' to change): a commune is added whole or not at all.
    pub async fn add_commune(&self, new: &NewCommune) -> StorageResult<HostedCommune> {
        if self.backend == Backend::Sqlite {
            return Err(StorageError::OtherCommune);
        }
        let mut errors = FieldErrors::default();
        let code = new.code.trim();
        if code.is_empty() || code.len() > 20 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            errors.push("code", "mã xã phải có 1–20 chữ số hoặc chữ cái");
        }
        if new.name.trim().is_empty() {
            errors.push("name", "cần tên xã");
        }
        let host = match new.host.as_deref() {
            Some(h) => parse_host(h, &mut errors),
            None => None,
        };
        let existing = self.hosted_communes().await?;
        if existing.iter().any(|c| c.code.as_deref() == Some(code)) {
            errors.push("code", "mã xã này đã có trong cơ sở dữ liệu");
        }
        if host.is_some() && existing.iter().any(|c| c.host == host) {
            errors.push("host", "địa chỉ web này đã dùng cho xã khác");
        }
        if !errors.is_empty() {
            return Err(StorageError::Invalid(errors));
        }
        let owner = Db::connect_owner(self.url()).await?;
        let added = async {
            let mut tx = owner.pool.begin().await?;
            // One adding at a time: the next number is the largest plus one.
            sqlx::query("LOCK TABLE hosted_commune IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
            let id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM hosted_commune")
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            sqlx::query(
                "INSERT INTO hosted_commune (id, code, name, host, added_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(code)
            .bind(new.name.trim())
            .bind(host.clone())
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
            // Its own row and an audit chain that starts where every chain starts (migration
            // 0001's first row); nothing in its log yet, so that `import all` may fill it. The
            // owner's connection names the commune: it has none of its own.
            sqlx::query(
                "INSERT INTO audit_head (commune, id, seq, hash) VALUES ($1, 1, 0, \
                 '0000000000000000000000000000000000000000000000000000000000000000')",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO commune (commune, id, name, province, code, sample) \
                 VALUES ($1, 1, $2, $3, $4, 0)",
            )
            .bind(id)
            .bind(new.name.trim())
            .bind(new.province.trim())
            .bind(code)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            // On Citus, the commune's own role (0025); nothing elsewhere.
            sqlx::raw_sql(
                "DO $$ BEGIN IF to_regproc('public.treem_commune_roles') IS NOT NULL THEN \
                 PERFORM treem_commune_roles(); END IF; END $$",
            )
            .execute(&owner.pool)
            .await?;
            StorageResult::Ok(id)
        }
        .await;
        owner.close().await;
        let id = added?;
        Ok(HostedCommune {
            id,
            code: Some(code.to_string()),
            name: Some(new.name.trim().to_string()),
            host,
        })
    }

    /// Gives a hosted commune (its code or number) the web address `treem serve` answers with
    /// it — the first commune has none until given one.
    pub async fn set_commune_host(
        &self,
        commune: &str,
        host: &str,
    ) -> StorageResult<HostedCommune> {
        if self.backend == Backend::Sqlite {
            return Err(StorageError::OtherCommune);
        }
        let mut errors = FieldErrors::default();
        let host = parse_host(host, &mut errors);
        let existing = self.hosted_communes().await?;
        let Some(found) = existing
            .iter()
            .find(|c| {
                c.code.as_deref() == Some(commune.trim()) || c.id.to_string() == commune.trim()
            })
            .cloned()
        else {
            return Err(StorageError::OtherCommune);
        };
        if existing.iter().any(|c| c.id != found.id && c.host == host) {
            errors.push("host", "địa chỉ web này đã dùng cho xã khác");
        }
        if !errors.is_empty() {
            return Err(StorageError::Invalid(errors));
        }
        let owner = Db::connect_owner(self.url()).await?;
        let done = sqlx::query("UPDATE hosted_commune SET host = $1 WHERE id = $2")
            .bind(host.clone())
            .bind(found.id)
            .execute(&owner.pool)
            .await;
        owner.close().await;
        done?;
        Ok(HostedCommune { host, ..found })
    }
}

/// A web address as typed: trimmed, lower-cased, letters, digits, dots and hyphens only.
fn parse_host(typed: &str, errors: &mut FieldErrors) -> Option<String> {
    let h = typed.trim().to_ascii_lowercase();
    if h.is_empty()
        || !h
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        errors.push(
            "host",
            "địa chỉ web chỉ gồm chữ cái, chữ số, dấu chấm và gạch ngang",
        );
        return None;
    }
    Some(h)
}

impl Db {
    /// PostgreSQL's plan of `sql` as this commune's connection would run it (`EXPLAIN`, not
    /// executed): the proof that a statement touches one partition of each table (docs/scale.md).
    pub async fn explain(&self, sql: &str) -> StorageResult<String> {
        if self.backend != Backend::Postgres {
            return Err(StorageError::OtherCommune);
        }
        let rows = sqlx::query(&format!("EXPLAIN {sql}"))
            .fetch_all(&self.pool)
            .await?;
        let mut out = String::new();
        for r in rows {
            out.push_str(&r.try_get::<String, _>(0)?);
            out.push('\n');
        }
        Ok(out)
    }
}
