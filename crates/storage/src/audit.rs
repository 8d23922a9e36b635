//! The audit log: every write, and every read of a child's full record, appended in the same
//! transaction as the change, each entry hashing the one before it.
use crate::db::{now_text, Backend, Db};
use crate::error::{StorageError, StorageResult};
use crate::AuditLog;
use async_trait::async_trait;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use treem_domain::role::Actor;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub limit: Option<i64>,
}

/// What `treem check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub audit_entries: i64,
    pub children: i64,
    pub problems: Vec<String>,
    /// What could not be verified, and why (no case key, say): not a fault of the data, but
    /// not a clean bill either.
    pub unverified: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor_id: i64,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &seq.to_string(),
        at,
        &actor_id.to_string(),
        actor,
        action,
        entity,
        &entity_id.map(|i| i.to_string()).unwrap_or_default(),
        detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry inside the caller's transaction. Taking the head row first serialises
/// writers on PostgreSQL (row lock) as SQLite's single writer already does.
pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> StorageResult<()> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let at = now_text();
    let hash = entry_hash(
        &prev,
        seq,
        &at,
        actor.user_id,
        &actor.username,
        action,
        entity,
        entity_id,
        detail,
    );
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(&at)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl AuditLog for Db {
    async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> StorageResult<Vec<AuditEntry>> {
        if !actor.role.reads_audit() {
            return Err(StorageError::Forbidden);
        }
        let mut sql = String::from(
            "SELECT seq, at, actor, action, entity, entity_id, detail FROM audit_log WHERE 1=1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.actor.is_some() {
            sql += &format!(" AND actor = ${}", next());
        }
        if filter.action.is_some() {
            sql += &format!(" AND action = ${}", next());
        }
        if filter.entity.is_some() {
            sql += &format!(" AND entity = ${}", next());
        }
        if filter.entity_id.is_some() {
            sql += &format!(" AND entity_id = ${}", next());
        }
        sql += &format!(" ORDER BY seq DESC LIMIT ${}", next());
        let mut q = sqlx::query(&sql);
        if let Some(a) = &filter.actor {
            q = q.bind(a);
        }
        if let Some(a) = &filter.action {
            q = q.bind(a);
        }
        if let Some(e) = &filter.entity {
            q = q.bind(e);
        }
        if let Some(id) = filter.entity_id {
            q = q.bind(id);
        }
        q = q.bind(filter.limit.unwrap_or(200).clamp(1, 5000));
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_id: r.try_get("entity_id")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    async fn check(&self) -> StorageResult<CheckReport> {
        let mut report = CheckReport::default();
        if self.backend == Backend::Sqlite {
            for pragma in ["PRAGMA integrity_check", "PRAGMA foreign_key_check"] {
                let rows = self.fetch_all(pragma).await?;
                for r in rows {
                    let first: String = r
                        .try_get::<String, _>(0)
                        .unwrap_or_else(|_| "foreign key violation".into());
                    if first != "ok" {
                        report.problems.push(format!("{pragma}: {first}"));
                    }
                }
            }
        }
        // The chain: contiguous numbers, each entry pointing at its predecessor's hash, each
        // hash matching its content, and the head matching the last entry.
        let mut rows = sqlx::query(
            "SELECT seq, at, actor_id, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq",
        )
        .fetch(&self.pool);
        let mut prev = "0".repeat(64);
        let mut expected_seq = 1;
        use futures_util::TryStreamExt;
        while let Some(r) = rows.try_next().await? {
            let seq: i64 = r.try_get("seq")?;
            let stored_prev: String = r.try_get("prev_hash")?;
            let stored: String = r.try_get("hash")?;
            let computed = entry_hash(
                &stored_prev,
                seq,
                &r.try_get::<String, _>("at")?,
                r.try_get("actor_id")?,
                &r.try_get::<String, _>("actor")?,
                &r.try_get::<String, _>("action")?,
                &r.try_get::<String, _>("entity")?,
                r.try_get("entity_id")?,
                &r.try_get::<String, _>("detail")?,
            );
            if seq != expected_seq {
                report
                    .problems
                    .push(format!("nhật ký: thiếu mục {expected_seq} (gặp mục {seq})"));
            }
            if stored_prev != prev {
                report
                    .problems
                    .push(format!("nhật ký: mục {seq} không nối với mục trước"));
            }
            if computed != stored {
                report
                    .problems
                    .push(format!("nhật ký: mục {seq} đã bị sửa (mã băm không khớp)"));
            }
            prev = stored;
            expected_seq = seq + 1;
            report.audit_entries += 1;
        }
        drop(rows);
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        if head_seq != report.audit_entries || head_hash != prev {
            report.problems.push(format!(
                "nhật ký: đầu chuỗi ghi mục {head_seq} nhưng nhật ký có {} mục (có mục bị xóa?)",
                report.audit_entries
            ));
        }
        // Register consistency: each child's current version exists in its history and parses.
        let rows = sqlx::query(
            "SELECT c.id, c.version, v.data FROM child c LEFT JOIN child_version v ON v.child_id = c.id AND v.version = c.version",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            match r.try_get::<Option<String>, _>("data")? {
                None => report
                    .problems
                    .push(format!("trẻ {id}: thiếu bản ghi phiên bản hiện tại")),
                Some(d) => {
                    if serde_json::from_str::<treem_domain::register::ChildData>(&d).is_err() {
                        report
                            .problems
                            .push(format!("trẻ {id}: dữ liệu không đọc được"));
                    }
                }
            }
        }
        report.children = rows.len() as i64;
        crate::copies::check_copies(self, &mut report).await?;
        // Case rows: structure and audit count always; content with the configured key.
        crate::cases::check_cases(self, &mut report).await?;
        Ok(report)
    }
}
