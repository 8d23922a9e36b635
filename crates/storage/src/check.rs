//! `treem check`: the whole database against itself — SQLite's own checks, the audit chain
//! ([`crate::audit::check_chain`]), the records it seals ([`crate::seal`]), the figures' copies
//! ([`crate::copies`]) and the case files ([`crate::cases`]) — and the audit log as the
//! [`AuditLog`] trait reads it.
use crate::audit::{AuditEntry, AuditFilter, ChainHead, CheckReport, SHORT_HASH};
use crate::db::{Backend, Db};
use crate::error::{StorageError, StorageResult};
use crate::AuditLog;
use async_trait::async_trait;
use sqlx::Row;
use treem_domain::role::Actor;

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

    async fn audit_head(&self, actor: &Actor) -> StorageResult<ChainHead> {
        if !actor.role.reads_audit() {
            return Err(StorageError::Forbidden);
        }
        self.chain_head().await
    }

    async fn check(&self) -> StorageResult<CheckReport> {
        let mut report = CheckReport::default();
        crate::profile::phase("check: start");
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
        crate::profile::phase("check: pragmas");
        // `treem check` does not migrate: an older database has no seals yet.
        let sealed = crate::migrate::has_applied(self, crate::seal::SINCE_SCHEMA).await?;
        // The chain, the sealed rows and the current rows are read in one snapshot, so that a
        // write committed meanwhile by a running server is seen whole or not at all.
        let mut tx = self.begin_read().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let seals = crate::audit::check_chain(&mut tx, sealed, &mut report).await?;
        crate::profile::phase("check: chain");
        // Sealed records against the entries that sealed them, then the register's current
        // rows against their current versions.
        if sealed {
            crate::seal::check_rows(&mut tx, &seals, &mut report).await?;
        }
        crate::profile::phase("check: sealed rows");
        report.children = crate::seal::check_current(self, &mut tx, sealed, &mut report).await?;
        crate::profile::phase("check: current rows");
        crate::child_words::check(&mut tx, &mut report).await?;
        drop(tx);
        crate::profile::phase("check: words");
        let version = crate::migrate::current_version(self).await?;
        crate::copies::check_copies(self, version, &mut report).await?;
        crate::profile::phase("check: copies (figures)");
        crate::word_pairs::check(self, version, &mut report).await?;
        crate::profile::phase("check: pairs of words");
        // Case entries open with the configured key (skipped without one).
        crate::cases::check_cases(self, &mut report).await?;
        crate::profile::phase("check: cases");
        Ok(report)
    }
}

impl Db {
    /// [`AuditLog::check`], and that the chain still holds each anchor recorded earlier
    /// (`treem check --expect-head`): the entry at that number, with that hash. The chain's own
    /// check cannot see its newest entries deleted with the head moved back, nor entries
    /// rewritten with every later hash recomputed; an anchor can.
    pub async fn check_expecting(&self, anchors: &[ChainHead]) -> StorageResult<CheckReport> {
        let mut report = self.check().await?;
        for a in anchors {
            let row = sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(a.seq)
                .fetch_optional(&self.pool)
                .await?;
            let short = a.short();
            match row {
                None => report.problems.push(format!(
                    "nhật ký: không còn mục {} đã ghi lại ({short}); nhật ký chỉ có {} mục: các mục cuối đã bị xóa",
                    a.seq, report.audit_entries
                )),
                Some(r) => {
                    let hash: String = r.try_get("hash")?;
                    if !hash.starts_with(&a.hash) {
                        report.problems.push(format!(
                            "nhật ký: mục {} có mã {}, khác mã đã ghi lại ({short}): nhật ký đã bị viết lại",
                            a.seq,
                            &hash[..hash.len().min(SHORT_HASH)]
                        ));
                    }
                }
            }
        }
        Ok(report)
    }
}
