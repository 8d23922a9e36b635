//! The record of backups (sao lưu) for the home page: the last attempt and the last good copy,
//! kept in the `setting` table as the domain's JSON (two rows, however many copies are made).
//! Writing a copy is the binary's work; storage only remembers how it went.
use crate::db::Db;
use crate::error::{StorageError, StorageResult};
use crate::Backups;
use async_trait::async_trait;
use sqlx::Row;
use treem_domain::backup::BackupRun;
use treem_domain::role::{Actor, Role};

const LAST_ATTEMPT: &str = "backup.last_attempt";
const LAST_GOOD: &str = "backup.last_good";

/// The last attempt and the last good copy, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupStatus {
    pub last_attempt: Option<BackupRun>,
    pub last_good: Option<BackupRun>,
}

/// Who is told about backups: the officer, who keeps the register, and the administrator, who
/// keeps the machine.
pub fn sees_backups(role: Role) -> bool {
    matches!(role, Role::Officer | Role::Admin)
}

impl Db {
    /// Remembers one attempt (and, when it succeeded, that it is the last good copy).
    pub async fn record_backup(&self, run: &BackupRun) -> StorageResult<()> {
        let json = serde_json::to_string(run).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let (_turn, mut tx) = self.begin_write().await?;
        let keys: &[&str] = if run.ok {
            &[LAST_ATTEMPT, LAST_GOOD]
        } else {
            &[LAST_ATTEMPT]
        };
        for key in keys {
            crate::db::put_setting(&mut tx, key, &json).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl Backups for Db {
    async fn backup_status(&self, actor: &Actor) -> StorageResult<BackupStatus> {
        if !sees_backups(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let rows = sqlx::query("SELECT key, value FROM setting WHERE key IN ($1, $2)")
            .bind(LAST_ATTEMPT)
            .bind(LAST_GOOD)
            .fetch_all(&self.pool)
            .await?;
        let mut status = BackupStatus::default();
        for r in rows {
            let key: String = r.try_get("key")?;
            let value: String = r.try_get("value")?;
            // A record that no longer parses is as good as none: the page then asks for a copy.
            let run = serde_json::from_str::<BackupRun>(&value).ok();
            if key == LAST_ATTEMPT {
                status.last_attempt = run;
            } else {
                status.last_good = run;
            }
        }
        Ok(status)
    }
}
